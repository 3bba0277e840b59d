"""Customers, suppliers, plants, contacts, supplier-plant mappings, carriers and customers' terms, each written
through ``records.services`` (the partners floor's own validation, audit records and search columns)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tradeloom.imports.entities.common import (
    active_of,
    active_set,
    combined,
    differences,
    given,
    record_save,
)
from tradeloom.imports.registry import Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader
from tradeloom.partners.capabilities import PARTNERS_MANAGE
from tradeloom.partners.models import (
    Address,
    Carrier,
    Contact,
    Customer,
    Partner,
    Plant,
    Supplier,
    SupplierPlantMapping,
    suggest_code,
)
from tradeloom.records.services import record_create, record_update

ACTIVE = Field(
    "active", "Active", aliases=("status",), help="Active / Inactive (yes / no): inactive ones are archived."
)
ARCHIVED = Field("archived", "Archived", help="Yes / No (the exports' column): yes archives it, no restores it.")
CARRIER_MODES = {
    "truck": "road",
    "trucking": "road",
    "rail": "road",
    "ocean": "sea",
    "vessel": "sea",
    "air freight": "air",
}


# --- customers and suppliers ---------------------------------------------------------------------------------------
def _partner_fields(kind: str, *extra: Field) -> tuple[Field, ...]:
    return (
        Field(
            "code",
            "Code",
            aliases=(f"{kind} code", f"{kind} number", f"{kind} id", "account number", "partner code", "vendor code"),
            help="Matched on it; empty: matched on the legal name, else a code is suggested from the name.",
        ),
        Field(
            "name",
            "Name",
            aliases=(f"{kind} name", "trade name", "account name", "display name", "company"),
            help="The trade name (the legal name when no legal name is given).",
        ),
        *extra,
        Field("legal_name", "Legal name", aliases=("registered name", "company name", "legal entity")),
        Field("country", "Country", aliases=("country/region", "country code"), help="ISO code (DE) or name."),
        Field(
            "default_currency", "Currency", aliases=("default currency", "currency code"), help="ISO code, e.g. USD."
        ),
        Field(
            "payment_terms",
            "Payment terms",
            aliases=("terms", "accounting payment terms", "payment term"),
            help="The name of payment terms of the catalog.",
        ),
        Field("credit_limit", "Credit limit", aliases=("credit limits", "credit line")),
        Field("tax_id", "Tax id", aliases=("tax number", "vat number", "vat id", "ein", "gst number", "tax id number")),
        Field("email", "E-mail", aliases=("email address", "email", "e-mail address")),
        Field("phone", "Phone", aliases=("telephone", "phone number", "main phone", "business phone")),
        Field("website", "Website", aliases=("web site", "url", "homepage")),
        Field("notes", "Notes", aliases=("comments", "description")),
        Field("contact_name", "Primary contact", aliases=("contact name", "contact", "primary contact name")),
        Field("contact_email", "Contact e-mail", aliases=("contact email", "contact email address")),
        Field("contact_phone", "Contact phone", aliases=("contact phone number",)),
        Field("line1", "Address line 1", aliases=("street", "address", "street 1", "address 1", "street address")),
        Field("line2", "Address line 2", aliases=("street 2", "address 2")),
        Field("city", "City", aliases=("town",)),
        Field("region", "Region", aliases=("state/province", "state", "province", "county")),
        Field("postal_code", "Postal code", aliases=("zip/postal code", "zip", "zip code", "postcode", "post code")),
        ACTIVE,
        ARCHIVED,
    )


def _names(reader: Reader, instance: Partner | None) -> dict[str, str]:
    """The legal and trade names the row gives: a Name alone is the legal name of a new partner and the trade name of
    an existing one (unless it is its legal name, or what it is already called)."""
    name = reader.text("name", 200)
    legal = reader.text("legal_name", 200)
    if legal and not name:
        return {"legal_name": legal}
    if legal:
        return {"legal_name": legal, "trade_name": name if name != legal else ""}
    if not name:
        return {}
    if instance is None:
        return {"legal_name": name}
    if name in (instance.legal_name, str(instance)):
        return {}
    return {"trade_name": name}


def _partner_find(context: ImportContext, model: type[Partner], code: str, legal_name: str) -> Partner | None:
    qs = model._default_manager.filter(organization=context.organization)
    if code:
        return qs.filter(code__iexact=code).first()
    if legal_name:
        found = list(qs.filter(legal_name__iexact=legal_name)[:2])
        if len(found) > 1:
            raise RowError(f"More than one {model._meta.verbose_name} is called “{legal_name}”: give the code.", "code")
        return found[0] if found else None
    return None


def _contact_save(context: ImportContext, partner: Partner, reader: Reader, kind: str) -> bool:
    """The partner's primary contact as the row names it: the primary one changed, another made primary, or one
    added. Whether anything changed."""
    name = reader.text("contact_name", 150)
    email = reader.email("contact_email") or ""
    phone = reader.text("contact_phone", 40)
    if not name and not email:
        return False
    owner = Q(**{kind: partner}, archived_at__isnull=True)
    contacts = Contact.objects.filter(owner)
    primary = contacts.filter(is_primary=True).first()
    data = given(name=name or email, email=email, phone=phone)
    if primary is not None:
        changed = differences(primary, data)
        if changed:
            record_update(instance=primary, by=context.by, data=changed)
        return bool(changed)
    match = contacts.filter(email__iexact=email).first() if email else contacts.filter(name__iexact=name).first()
    if match is not None:
        record_update(instance=match, by=context.by, data={**differences(match, data), "is_primary": True})
        return True
    record_create(
        model=Contact,
        organization=context.organization,
        by=context.by,
        data={kind: partner, **data, "is_primary": True},
    )
    return True


def _address_save(context: ImportContext, partner: Partner, reader: Reader, kind: str) -> bool:
    """The partner's billing address as the row gives it (the first billing address, else a new one)."""
    data = given(
        line1=reader.text("line1", 200),
        line2=reader.text("line2", 200),
        city=reader.text("city", 100),
        region=reader.text("region", 100),
        postal_code=reader.text("postal_code", 20),
    )
    if not data:
        return False
    address = (
        Address.objects.filter(**{kind: partner}, kind=Address.Kind.BILLING, archived_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )
    if address is None:
        if not partner.country:
            raise RowError("An address needs the country.", "country")
        record_create(
            model=Address,
            organization=context.organization,
            by=context.by,
            data={kind: partner, "kind": Address.Kind.BILLING, "country": partner.country, **data},
        )
        return True
    changed = differences(address, data)
    if changed:
        record_update(instance=address, by=context.by, data=changed)
    return bool(changed)


def _partner_apply(model: type[Partner]) -> Any:
    kind = str(model._meta.model_name)

    def apply_row(context: ImportContext, row: dict[str, str]) -> RowResult:
        reader = Reader(context, row)
        code = reader.text("code", 30)
        legal_for_match = reader.raw("legal_name") or reader.raw("name")
        instance = _partner_find(context, model, code, legal_for_match)
        data: dict[str, Any] = {**_names(reader, instance)}
        if instance is None and not data.get("legal_name"):
            reader.fail("name", "Give the name (or the legal name).")
        if code and instance is None:
            data["code"] = code
        data.update(
            given(
                country=reader.country("country"),
                default_currency=reader.currency("default_currency"),
                payment_terms=reader.payment_terms("payment_terms"),
                credit_limit=reader.decimal("credit_limit", places=2),
                tax_id=reader.text("tax_id", 50),
                email=reader.email("email"),
                phone=reader.text("phone", 40),
                website=reader.url("website"),
                notes=reader.text("notes"),
            )
        )
        if model is Supplier:
            data.update(given(kind=reader.choice("kind", Supplier.Kind)))
        active = active_of(reader)
        reader.done()
        if instance is None and not code:
            data["code"] = suggest_code(model, context.organization.pk, data.get("trade_name") or data["legal_name"])
        record, outcome = record_save(context, model, instance, data)
        contact = _contact_save(context, record, reader, kind)
        address = _address_save(context, record, reader, kind)
        reader.done()
        archived = active_set(context, record, active)
        return RowResult(combined(outcome, contact, address, archived), record)

    return apply_row


CUSTOMERS = Entity(
    code="customers",
    label="Customers",
    description="A row per customer, matched on its code (or, without one, its exact legal name); its primary contact "
    "and billing address come along.",
    fields=_partner_fields("customer"),
    key=("code",),
    apply_row=_partner_apply(Customer),
    capability=str(PARTNERS_MANAGE),
    order=10,
)

SUPPLIERS = Entity(
    code="suppliers",
    label="Suppliers",
    description="A row per supplier (mill, factory, vendor, trader), matched on its code (or, without one, its exact "
    "legal name); its primary contact and billing address come along.",
    fields=_partner_fields(
        "supplier",
        Field("kind", "Kind", aliases=("supplier kind", "supplier type"), help="Mill, Factory, Vendor or Trader."),
    ),
    key=("code",),
    apply_row=_partner_apply(Supplier),
    capability=str(PARTNERS_MANAGE),
    order=20,
)


# --- customers' terms (Dataverse "Accounts Receivables") --------------------------------------------------------------
def _terms_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    customer = reader.customer("customer", required=True)
    data = given(
        payment_terms=reader.payment_terms("payment_terms"),
        credit_limit=reader.decimal("credit_limit", places=2),
        default_currency=reader.currency("default_currency"),
    )
    reader.done()
    customer = Customer.objects.get(pk=customer.pk)  # as it is now (the look-up may be cached from an earlier row)
    record, outcome = record_save(context, Customer, customer, data)
    return RowResult(outcome, record)


CUSTOMER_TERMS = Entity(
    code="customer_terms",
    label="Customers' payment terms and credit limits",
    description="A row per existing customer (by code or name): sets its payment terms, credit limit and currency — "
    "what a Dataverse “Accounts Receivables” export holds.",
    fields=(
        Field("customer", "Customer", required=True, aliases=("customer code", "customer name", "account")),
        Field("payment_terms", "Payment terms", aliases=("terms", "accounting payment terms")),
        Field("credit_limit", "Credit limit", aliases=("credit limits", "credit line")),
        Field("default_currency", "Currency", aliases=("default currency",)),
    ),
    key=("customer",),
    apply_row=_terms_apply,
    capability=str(PARTNERS_MANAGE),
    order=15,
)


# --- plants -----------------------------------------------------------------------------------------------------------
def _plant_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    supplier = reader.supplier("supplier", required=True)
    code = reader.text("code", 30)
    name = reader.text("name", 200)
    data = given(
        name=name,
        city=reader.text("city", 100),
        country=reader.country("country"),
        address=reader.text("address", 300),
        licence_number=reader.text("licence_number", 60),
        capabilities=reader.text("capabilities", 300),
    )
    active = active_of(reader)
    if not code and not name:
        reader.fail("code", "Give the plant's code or name.")
    reader.done()
    plants = Plant.objects.filter(organization=context.organization)
    instance = (
        plants.filter(code__iexact=code).first()
        if code
        else plants.filter(supplier=supplier, name__iexact=name).first()
    )
    if instance is not None and instance.supplier_id != supplier.pk:
        raise RowError(f"The plant {instance.code} belongs to another supplier ({instance.supplier}).", "code")
    if instance is None:
        if not name:
            raise RowError("Give the plant's name.", "name")
        data.update(supplier=supplier, code=code or suggest_code(Plant, context.organization.pk, name))
    elif code:
        data["code"] = instance.code  # matched regardless of case: keep it
    record, outcome = record_save(context, Plant, instance, data)
    return RowResult(combined(outcome, active_set(context, record, active)), record)


PLANTS = Entity(
    code="plants",
    label="Plants",
    description="A row per plant of a supplier, matched on the plant's code (unique in the organisation), else on "
    "its name at that supplier.",
    fields=(
        Field("supplier", "Supplier", required=True, aliases=("supplier code", "supplier name", "operator")),
        Field(
            "code", "Plant code", aliases=("code", "plant number", "plant id"), help="Suggested from the name if empty."
        ),
        Field("name", "Plant name", aliases=("name", "plant", "facility", "facility name")),
        Field("city", "City", aliases=("town",)),
        Field("country", "Country", aliases=("country/region",)),
        Field("address", "Address", aliases=("street", "street address", "location")),
        Field(
            "licence_number",
            "Licence number",
            aliases=("establishment number", "est number", "plant est number", "license number", "est no"),
        ),
        Field("capabilities", "Capabilities", aliases=("plant type", "processes", "type")),
        ACTIVE,
    ),
    key=("supplier", "code"),
    apply_row=_plant_apply,
    capability=str(PARTNERS_MANAGE),
    order=30,
)


# --- contacts ---------------------------------------------------------------------------------------------------------
PARTNER_TYPES = {
    "customer": "customer",
    "buyer": "customer",
    "supplier": "supplier",
    "vendor": "supplier",
    "mill": "supplier",
}


def _contact_owner(reader: Reader) -> tuple[str, Partner | None]:
    if reader.has("customer"):
        return "customer", reader.customer("customer")
    if reader.has("supplier"):
        return "supplier", reader.supplier("supplier")
    if not reader.has("partner"):
        reader.fail("partner", "Give the customer or the supplier the contact works for.")
        return "", None
    kind = PARTNER_TYPES.get(reader.raw("partner_type").lower(), "")
    if reader.has("partner_type") and not kind:
        reader.fail("partner_type", f"“{reader.raw('partner_type')}” is not Customer or Supplier.")
        return "", None
    if kind:
        return kind, reader.customer("partner") if kind == "customer" else reader.supplier("partner")
    value = reader.raw("partner")
    matches = [
        (kind, found)
        for kind, model in (("customer", Customer), ("supplier", Supplier))
        if (
            found := model._default_manager.filter(organization=reader.organization)
            .filter(Q(code__iexact=value) | Q(legal_name__iexact=value) | Q(trade_name__iexact=value))
            .first()
        )
    ]
    if len(matches) != 1:
        reader.fail(
            "partner",
            f"No customer or supplier with code or name “{value}”."
            if not matches
            else f"“{value}” is a customer and a supplier: say which in the partner type column.",
        )
        return "", None
    return matches[0]


def _contact_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    kind, partner = _contact_owner(reader)
    name = reader.text("name", 150)
    email = reader.email("email") or ""
    data = given(
        name=name,
        title=reader.text("title", 100),
        email=email,
        phone=reader.text("phone", 40),
        is_primary=reader.boolean("is_primary"),
    )
    active = active_of(reader)
    if not name and not email:
        reader.fail("name", "Give the contact's name or e-mail address.")
    reader.done()
    if partner is None:
        raise RowError("Give the customer or the supplier the contact works for.", "partner")
    contacts = Contact.objects.filter(organization=context.organization, **{kind: partner}).order_by("created_at")
    instance = contacts.filter(email__iexact=email).first() if email else None
    if instance is None and name:  # by name: one without an e-mail address (or any, when the row has none)
        instance = (contacts.filter(email="") if email else contacts).filter(name__iexact=name).first()
    if instance is None:
        data = {kind: partner, "name": name or email, **data}
    record, outcome = record_save(context, Contact, instance, data)
    return RowResult(combined(outcome, active_set(context, record, active)), record)


CONTACTS = Entity(
    code="contacts",
    label="Contacts",
    description="A row per person at a customer or supplier, matched on the partner and the e-mail address (else the "
    "name).",
    fields=(
        Field("customer", "Customer", aliases=("customer code", "customer name")),
        Field("supplier", "Supplier", aliases=("supplier code", "supplier name")),
        Field(
            "partner",
            "Partner",
            aliases=("company", "company name", "account", "organization"),
            help="A customer's or supplier's code or name (with the partner type when it is both).",
        ),
        Field(
            "partner_type",
            "Partner type",
            aliases=("contact type", "type", "relationship type"),
            help="Customer or Supplier.",
        ),
        Field("name", "Name", aliases=("full name", "contact name")),
        Field("title", "Title", aliases=("job title", "position", "role")),
        Field("email", "E-mail", aliases=("email", "email address", "e-mail address")),
        Field("phone", "Phone", aliases=("business phone", "mobile phone", "phone number", "telephone")),
        Field("is_primary", "Primary", aliases=("primary contact", "is primary", "main contact")),
        ACTIVE,
    ),
    key=("partner", "email"),
    apply_row=_contact_apply,
    capability=str(PARTNERS_MANAGE),
    order=40,
)


# --- supplier-plant mappings -----------------------------------------------------------------------------------------
def _mapping_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    supplier = reader.supplier("supplier", required=True)
    plant = reader.plant("plant", required=True)
    customer = reader.customer("customer")
    data = given(
        valid_from=reader.date("valid_from"), valid_to=reader.date("valid_to"), notes=reader.text("notes", 300)
    )
    active = active_of(reader)
    reader.done()
    instance = SupplierPlantMapping.objects.filter(
        organization=context.organization, supplier=supplier, plant=plant, customer=customer
    ).first()
    if instance is None:
        data.update(supplier=supplier, plant=plant, customer=customer)
    record, outcome = record_save(context, SupplierPlantMapping, instance, data)
    return RowResult(combined(outcome, active_set(context, record, active)), record)


MAPPINGS = Entity(
    code="supplier_plant_mappings",
    label="Supplier-plant mappings",
    description="A row per plant a supplier may deliver from (for every customer, or for one), matched on the "
    "supplier, the plant and the customer.",
    fields=(
        Field("supplier", "Supplier", required=True, aliases=("supplier code", "supplier name")),
        Field("plant", "Plant", required=True, aliases=("plant code", "plant name")),
        Field("customer", "Customer", aliases=("customer code", "customer name"), help="Empty: for every customer."),
        Field("valid_from", "Valid from", aliases=("effective from", "start date", "from")),
        Field("valid_to", "Valid to", aliases=("effective to", "end date", "to")),
        Field("notes", "Notes", aliases=("comments",)),
        ACTIVE,
    ),
    key=("supplier", "plant", "customer"),
    apply_row=_mapping_apply,
    capability=str(PARTNERS_MANAGE),
    order=50,
)


# --- carriers ---------------------------------------------------------------------------------------------------------
def _carrier_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    code = reader.text("code", 30)
    name = reader.text("name", 200)
    data = given(
        name=name,
        mode=reader.choice("mode", Carrier.Mode, CARRIER_MODES),
        account_number=reader.text("account_number", 60),
        contact_name=reader.text("contact_name", 150),
        email=reader.email("email"),
        phone=reader.text("phone", 40),
        website=reader.url("website"),
        notes=reader.text("notes"),
    )
    active = active_of(reader)
    if not code and not name:
        reader.fail("code", "Give the carrier's code or name.")
    reader.done()
    carriers = Carrier.objects.filter(organization=context.organization)
    instance = carriers.filter(code__iexact=code).first() if code else carriers.filter(name__iexact=name).first()
    if instance is None:
        if not name:
            raise RowError("Give the carrier's name.", "name")
        if "mode" not in data:
            raise RowError("Give the mode: Sea, Air, Road or Courier.", "mode")
        data["code"] = code or suggest_code(Carrier, context.organization.pk, name)
    record, outcome = record_save(context, Carrier, instance, data)
    return RowResult(combined(outcome, active_set(context, record, active)), record)


CARRIERS = Entity(
    code="carriers",
    label="Carriers",
    description="A row per carrier (shipping line, airline, trucker, courier), matched on its code, else its name.",
    fields=(
        Field("code", "Code", aliases=("carrier code", "scac", "scac code", "carrier id")),
        Field("name", "Name", aliases=("carrier name", "carrier")),
        Field(
            "mode",
            "Mode",
            aliases=("carrier type", "mode of transport", "transport mode", "type"),
            help="Sea, Air, Road or Courier (Truck is Road, Ocean is Sea).",
        ),
        Field("account_number", "Account number", aliases=("account no", "account")),
        Field("contact_name", "Contact", aliases=("contact name", "contact person")),
        Field("email", "E-mail", aliases=("email", "email address")),
        Field("phone", "Phone", aliases=("phone number", "telephone", "dispatch phone")),
        Field("website", "Website", aliases=("web site", "url")),
        Field("notes", "Notes", aliases=("comments",)),
        ACTIVE,
    ),
    key=("code",),
    apply_row=_carrier_apply,
    capability=str(PARTNERS_MANAGE),
    order=60,
)

ENTITIES = (CUSTOMERS, CUSTOMER_TERMS, SUPPLIERS, PLANTS, CONTACTS, MAPPINGS, CARRIERS)
