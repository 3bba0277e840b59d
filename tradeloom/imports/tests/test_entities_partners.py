"""The partner entities: customers, suppliers, customers' terms, plants, contacts, mappings, carriers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.catalog.tests.factories import PaymentTermsFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.imports.registry import CREATED, ENTITIES, UNCHANGED, UPDATED, RowError
from tradeloom.imports.registry import _normal as normal
from tradeloom.imports.tests.entity_rows import apply, audit_count, context
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.tests.factories import CustomerFactory, PlantFactory, SupplierFactory
from tradeloom.tenancy.roles import Role, all_capabilities


@pytest.fixture
def ctx(org, member):
    by = member(Role.OWNER)
    PaymentTermsFactory(organization=org, name="Net 30")
    PaymentTermsFactory(organization=org, name="Net 60")
    with tenant_context(org, user=by.user):
        yield context(org, by)


def errors_of(call):
    with pytest.raises(RowError) as caught:
        call()
    return caught.value.errors


CUSTOMER = {
    "code": "NORD",
    "name": "Nordic",
    "legal_name": "Nordic Apparel AB",
    "country": "Sweden",
    "default_currency": "eur",
    "payment_terms": "net 30",
    "credit_limit": "50,000.00",
    "email": "orders@nordic.example",
    "phone": "'+46 8 123",
    "contact_name": "Eva Berg",
    "contact_email": "eva@nordic.example",
    "line1": "Storgatan 1",
    "city": "Stockholm",
    "postal_code": "111 22",
}


@pytest.mark.django_db
def test_a_customer_is_created_updated_and_left_unchanged(ctx):
    result = apply(ctx, "customers", **CUSTOMER)
    assert result.outcome == CREATED
    customer = Customer.objects.get(code="NORD")
    assert (customer.legal_name, customer.trade_name, customer.country, customer.default_currency) == (
        "Nordic Apparel AB",
        "Nordic",
        "SE",
        "EUR",
    )
    assert customer.payment_terms.name == "Net 30"
    assert customer.credit_limit == D("50000.00")
    assert customer.phone == "+46 8 123"  # the export's neutralising quote read away
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.email, contact.is_primary) == ("Eva Berg", "eva@nordic.example", True)
    address = Address.objects.get(customer=customer)
    assert (address.line1, address.city, address.country, address.kind) == ("Storgatan 1", "Stockholm", "SE", "billing")
    assert audit_count(action="customer.created", target_id=str(customer.pk)) == 1

    # the same row again: nothing changes, nothing is audited
    events = audit_count()
    assert apply(ctx, "customers", **CUSTOMER).outcome == UNCHANGED
    customer.refresh_from_db()
    assert customer.version == 1
    assert audit_count() == events

    # a changed field updates it, audited with the change
    assert (
        apply(ctx, "customers", **{**CUSTOMER, "credit_limit": "75000", "payment_terms": "Net 60"}).outcome == UPDATED
    )
    customer.refresh_from_db()
    assert (customer.credit_limit, customer.payment_terms.name, customer.version) == (D("75000"), "Net 60", 2)
    assert audit_count(action="customer.updated", target_id=str(customer.pk)) == 1

    # a changed contact alone updates the row too
    assert (
        apply(
            ctx,
            "customers",
            **{
                **CUSTOMER,
                "credit_limit": "75000",
                "payment_terms": "Net 60",
                "contact_email": "eva.berg@nordic.example",
            },
        ).outcome
        == UPDATED
    )
    assert Contact.objects.get(customer=customer).email == "eva.berg@nordic.example"


@pytest.mark.django_db
def test_a_customer_is_matched_on_its_code_any_case_else_its_legal_name(ctx):
    existing = CustomerFactory(organization=ctx.organization, code="BAY", legal_name="Bayside Retail Ltd")
    assert apply(ctx, "customers", code="bay", name="Bayside Retail Ltd").record == existing
    assert apply(ctx, "customers", name="BAYSIDE RETAIL LTD", country="GB").record == existing
    existing.refresh_from_db()
    assert (existing.code, existing.country) == ("BAY", "GB")
    # no code and a new name: created with a suggested code
    created = apply(ctx, "customers", name="Arvind Fashions").record
    assert created.code == "ARVINDFA"
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_an_empty_cell_never_clears_a_value(ctx):
    customer = CustomerFactory(
        organization=ctx.organization, code="NORD", legal_name="Nordic Apparel AB", trade_name="Nordic", phone="1"
    )
    assert apply(ctx, "customers", code="NORD", legal_name="Nordic Apparel AB").outcome == UNCHANGED
    assert apply(ctx, "customers", code="NORD", name="Nordic").outcome == UNCHANGED
    customer.refresh_from_db()
    assert (customer.trade_name, customer.phone) == ("Nordic", "1")
    # a Name equal to the legal name says there is no other trade name
    assert apply(ctx, "customers", code="NORD", name="Nordic Apparel AB", legal_name="Nordic Apparel AB").outcome == (
        UPDATED
    )
    customer.refresh_from_db()
    assert customer.trade_name == ""


@pytest.mark.django_db
def test_customer_errors_name_the_field(ctx):
    assert errors_of(lambda: apply(ctx, "customers", code="X")) == {"name": ["Give the name (or the legal name)."]}
    assert errors_of(lambda: apply(ctx, "customers", code="X", name="X", payment_terms="Net 999")) == {
        "payment_terms": ["No payment terms with name “Net 999”."]
    }
    assert errors_of(lambda: apply(ctx, "customers", code="X", name="X", country="Narnia", credit_limit="-5")) == {
        "country": ["“Narnia” is not a country: give its ISO code (DE) or its name."],
        "credit_limit": ["Give 0 or more."],
    }
    assert errors_of(lambda: apply(ctx, "customers", code="X", name="X", line1="Road 1")) == {
        "country": ["An address needs the country."]
    }
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_inactive_status_archives_and_active_restores(ctx):
    apply(ctx, "customers", code="OLD", name="Old Buyer", active="Inactive")
    customer = Customer.objects.get(code="OLD")
    assert customer.archived_at is not None
    assert apply(ctx, "customers", code="OLD", name="Old Buyer", active="Inactive").outcome == UNCHANGED
    assert apply(ctx, "customers", code="OLD", archived="No").outcome == UPDATED
    customer.refresh_from_db()
    assert customer.archived_at is None


@pytest.mark.django_db
def test_a_supplier_with_its_kind(ctx):
    result = apply(ctx, "suppliers", code="ARV", name="Arvind Mills", kind="Mill", country="IN")
    assert result.outcome == CREATED
    assert apply(ctx, "suppliers", code="ARV", kind="factory").outcome == UPDATED
    assert Supplier.objects.get(code="ARV").kind == "factory"
    assert errors_of(lambda: apply(ctx, "suppliers", code="ARV", kind="Farm")) == {
        "kind": ["“Farm” is not one of: Mill, Factory, Vendor, Trader."]
    }


@pytest.mark.django_db
def test_customer_terms_set_an_existing_customers_terms(ctx):
    customer = CustomerFactory(organization=ctx.organization, code="NORD", legal_name="Nordic Apparel AB")
    result = apply(
        ctx,
        "customer_terms",
        customer="Nordic Apparel AB",
        payment_terms="Net 60",
        credit_limit="20000",
        default_currency="US Dollar",
    )
    assert result.outcome == UPDATED
    customer.refresh_from_db()
    assert (customer.payment_terms.name, customer.credit_limit, customer.default_currency) == (
        "Net 60",
        D("20000"),
        "USD",
    )
    assert apply(ctx, "customer_terms", customer="NORD", payment_terms="Net 60").outcome == UNCHANGED
    assert errors_of(lambda: apply(ctx, "customer_terms", customer="Nobody")) == {
        "customer": ["No customer with code or name “Nobody”."]
    }
    assert errors_of(lambda: apply(ctx, "customer_terms", credit_limit="1")) == {"customer": ["Give the customer."]}


@pytest.mark.django_db
def test_plants_are_matched_on_their_code_and_belong_to_their_supplier(ctx):
    arvind = SupplierFactory(organization=ctx.organization, code="ARV", legal_name="Arvind Mills")
    other = SupplierFactory(organization=ctx.organization, code="OTH", legal_name="Other Mills")
    result = apply(
        ctx, "plants", supplier="ARV", code="P-1", name="Naroda dye house", country="India", licence_number="EST 123"
    )
    assert result.outcome == CREATED
    plant = Plant.objects.get(code="P-1")
    assert (plant.supplier, plant.country, plant.licence_number) == (arvind, "IN", "EST 123")
    assert apply(ctx, "plants", supplier="Arvind Mills", code="p-1", name="Naroda dye house").outcome == UNCHANGED
    assert apply(ctx, "plants", supplier="ARV", code="P-1", city="Ahmedabad").outcome == UPDATED
    assert apply(ctx, "plants", supplier="ARV", name="Naroda Dye House").record == plant  # by name at the supplier
    assert errors_of(lambda: apply(ctx, "plants", supplier="OTH", code="P-1", name="X")) == {
        "code": [f"The plant P-1 belongs to another supplier ({arvind})."]
    }
    assert errors_of(lambda: apply(ctx, "plants", code="P-2", name="X")) == {"supplier": ["Give the supplier."]}
    assert errors_of(lambda: apply(ctx, "plants", supplier="OTH")) == {"code": ["Give the plant's code or name."]}
    assert other.plants.count() == 0


@pytest.mark.django_db
def test_contacts_are_matched_on_partner_and_email_else_name(ctx):
    customer = CustomerFactory(organization=ctx.organization, code="NORD", legal_name="Nordic Apparel AB")
    supplier = SupplierFactory(organization=ctx.organization, code="ARV", legal_name="Arvind Mills")
    assert apply(ctx, "contacts", customer="NORD", name="Eva Berg", email="eva@nordic.example").outcome == CREATED
    assert apply(ctx, "contacts", customer="NORD", name="Eva B.", email="EVA@nordic.example").outcome == UPDATED
    assert Contact.objects.get(customer=customer).name == "Eva B."
    assert apply(ctx, "contacts", partner="Arvind Mills", partner_type="Supplier", name="Raj").outcome == CREATED
    assert apply(ctx, "contacts", partner="ARV", name="raj", title="Sales").outcome == UPDATED
    assert Contact.objects.get(supplier=supplier).title == "Sales"
    assert Contact.objects.count() == 2
    CustomerFactory(organization=ctx.organization, code="BOTH", legal_name="Both Ltd")
    SupplierFactory(organization=ctx.organization, code="BOTH", legal_name="Both Ltd")
    assert errors_of(lambda: apply(ctx, "contacts", partner="BOTH", name="X")) == {
        "partner": ["“BOTH” is a customer and a supplier: say which in the partner type column."]
    }
    assert errors_of(lambda: apply(ctx, "contacts", partner="BOTH", partner_type="Bank", name="X")) == {
        "partner_type": ["“Bank” is not Customer or Supplier."]
    }
    assert errors_of(lambda: apply(ctx, "contacts", name="X")) == {
        "partner": ["Give the customer or the supplier the contact works for."]
    }
    assert errors_of(lambda: apply(ctx, "contacts", customer="NORD")) == {
        "name": ["Give the contact's name or e-mail address."]
    }


@pytest.mark.django_db
def test_supplier_plant_mappings(ctx):
    supplier = SupplierFactory(organization=ctx.organization, code="ARV", legal_name="Arvind Mills")
    plant = PlantFactory(organization=ctx.organization, supplier=supplier, code="P-1", name="Naroda")
    CustomerFactory(organization=ctx.organization, code="NORD", legal_name="Nordic")
    assert apply(ctx, "supplier_plant_mappings", supplier="ARV", plant="P-1").outcome == CREATED
    assert (
        apply(
            ctx, "supplier_plant_mappings", supplier="ARV", plant="P-1", customer="NORD", valid_from="01/01/2026"
        ).outcome
        == CREATED
    )
    assert apply(ctx, "supplier_plant_mappings", supplier="ARV", plant="Naroda").outcome == UNCHANGED
    assert (
        apply(
            ctx, "supplier_plant_mappings", supplier="ARV", plant="P-1", customer="NORD", valid_to="2026-12-31"
        ).outcome
        == UPDATED
    )
    assert SupplierPlantMapping.objects.filter(plant=plant).count() == 2
    assert errors_of(lambda: apply(ctx, "supplier_plant_mappings", supplier="ARV", plant="P-9")) == {
        "plant": ["No plant with code or name “P-9”."]
    }
    with pytest.raises(ApplicationError):  # the model's own rule, through the record services
        apply(ctx, "supplier_plant_mappings", supplier="ARV", plant="P-1", customer="NORD", valid_from="2027-01-01")


@pytest.mark.django_db
def test_carriers(ctx):
    assert apply(ctx, "carriers", code="MAEU", name="Maersk", mode="Ocean").outcome == CREATED
    assert Carrier.objects.get(code="MAEU").mode == "sea"
    assert apply(ctx, "carriers", code="maeu", name="Maersk", mode="sea").outcome == UNCHANGED
    assert apply(ctx, "carriers", name="Maersk", phone="123").outcome == UPDATED
    assert apply(ctx, "carriers", name="Swift Trucking", mode="Truck").record.code == "SWIFTTRU"
    assert errors_of(lambda: apply(ctx, "carriers", code="NEW", name="New")) == {
        "mode": ["Give the mode: Sea, Air, Road or Courier."]
    }
    assert errors_of(lambda: apply(ctx, "carriers", code="NEW", name="New", mode="Teleport")) == {
        "mode": ["“Teleport” is not one of: Sea, Air, Road, Courier."]
    }


def test_every_entity_names_a_known_capability_and_its_key_fields():
    codes = {str(c) for c in all_capabilities()}
    built_in = [entity for entity in ENTITIES if not entity.code.startswith("test_")]
    assert len(built_in) == 12
    for entity in built_in:
        assert entity.capability in codes, entity.code
        names = {f.name for f in entity.fields}
        assert set(entity.key) <= names, entity.code
        # a header guesses one field only: no spelling is shared by two fields of an entity
        owner: dict[str, str] = {}
        for f in entity.fields:
            for spelling in {f.name, f.label, *f.aliases}:
                assert owner.setdefault(normal(spelling), f.name) == f.name, (entity.code, spelling)
