"""The partners' web pages (lists, details, forms) declared once each; see records.pages."""

from __future__ import annotations

from typing import Any

from tradeloom.partners import filters, forms
from tradeloom.partners.capabilities import PARTNERS_MANAGE, PARTNERS_VIEW
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.selectors import primary_contacts_prefetch
from tradeloom.records.pages import RecordPages
from tradeloom.tenancy.web import TenantRequest

VIEW, MANAGE = PARTNERS_VIEW, PARTNERS_MANAGE


def _rows(items: Any, url: str, label: Any, note: Any) -> list[dict[str, Any]]:
    return [{"url": f"{url}{i.pk}/", "label": label(i), "note": note(i)} for i in items]


def _partner_related(kind: str) -> Any:
    def related(request: TenantRequest, partner: Any) -> dict[str, Any]:
        o = f"/o/{request.organization.slug}"
        contacts = Contact.objects.filter(**{kind: partner}, archived_at__isnull=True).order_by("-is_primary", "name")
        addresses = Address.objects.filter(**{kind: partner}, archived_at__isnull=True).order_by("kind")
        sections = [
            {
                "title": "Contacts",
                "add_url": f"{o}/contacts/new/?{kind}={partner.pk}",
                "rows": _rows(
                    contacts,
                    f"{o}/contacts/",
                    lambda c: c.name,
                    lambda c: " · ".join(x for x in ("Primary" if c.is_primary else "", c.email, c.phone) if x),
                ),
                "empty": "No contacts yet.",
            },
            {
                "title": "Addresses",
                "add_url": f"{o}/addresses/new/?{kind}={partner.pk}",
                "rows": _rows(addresses, f"{o}/addresses/", str, lambda a: a.get_kind_display()),
                "empty": "No addresses yet.",
            },
        ]
        if kind == "supplier":
            plants = Plant.objects.filter(supplier=partner, archived_at__isnull=True).order_by("name")
            mappings = (
                SupplierPlantMapping.objects.filter(supplier=partner, archived_at__isnull=True)
                .select_related("plant", "customer")
                .order_by("plant__name")
            )
            sections = [
                {
                    "title": "Plants",
                    "add_url": f"{o}/plants/new/?supplier={partner.pk}",
                    "rows": _rows(plants, f"{o}/plants/", str, lambda p: p.city or ""),
                    "empty": "No plants yet.",
                },
                {
                    "title": "Plant mappings",
                    "add_url": f"{o}/supplier-plant-mappings/new/?supplier={partner.pk}",
                    "rows": _rows(
                        mappings,
                        f"{o}/supplier-plant-mappings/",
                        lambda m: m.plant,
                        lambda m: f"for {m.customer}" if m.customer else "all customers",
                    ),
                    "empty": "No plant mappings yet.",
                },
                *sections,
            ]
        return {"related": sections}

    return related


def _plant_related(request: TenantRequest, plant: Plant) -> dict[str, Any]:
    o = f"/o/{request.organization.slug}"
    mappings = SupplierPlantMapping.objects.filter(plant=plant, archived_at__isnull=True).select_related(
        "supplier", "customer"
    )
    return {
        "related": [
            {
                "title": "Supplier mappings",
                "add_url": f"{o}/supplier-plant-mappings/new/?plant={plant.pk}",
                "rows": _rows(
                    mappings,
                    f"{o}/supplier-plant-mappings/",
                    lambda m: m.supplier,
                    lambda m: f"for {m.customer}" if m.customer else "all customers",
                ),
                "empty": "No supplier uses this plant yet.",
            },
        ]
    }


CUSTOMERS = RecordPages(
    model=Customer,
    form_class=forms.CustomerForm,
    filterset_class=filters.CustomerFilter,
    slug="customers",
    title="Customers",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Customer", "Country", "Currency", "Primary contact", ""],
    row_template="partners/_partner_row.html",
    detail_context=_partner_related("customer"),
    ranked_search=True,
    prefetch=(primary_contacts_prefetch,),
    intro="Buyers you sell to. Search finds names, codes, tax ids and contacts, even with typos.",
)
SUPPLIERS = RecordPages(
    model=Supplier,
    form_class=forms.SupplierForm,
    filterset_class=filters.SupplierFilter,
    slug="suppliers",
    title="Suppliers",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Supplier", "Country", "Currency", "Primary contact", ""],
    row_template="partners/_partner_row.html",
    detail_context=_partner_related("supplier"),
    ranked_search=True,
    prefetch=(primary_contacts_prefetch,),
    intro="Mills, factories, vendors and traders you buy from, with their plants.",
)
CONTACTS = RecordPages(
    model=Contact,
    form_class=forms.ContactForm,
    filterset_class=filters.ContactFilter,
    slug="contacts",
    title="Contacts",
    view_capability=VIEW,
    manage_capability=MANAGE,
    select_related=("customer", "supplier"),
    columns=["Name", "Works for", "E-mail", "Phone"],
    row_template="partners/_contact_row.html",
)
ADDRESSES = RecordPages(
    model=Address,
    form_class=forms.AddressForm,
    filterset_class=filters.AddressFilter,
    slug="addresses",
    title="Addresses",
    view_capability=VIEW,
    manage_capability=MANAGE,
    select_related=("customer", "supplier"),
    columns=["Address", "Of", "Kind"],
    row_template="partners/_address_row.html",
)
PLANTS = RecordPages(
    model=Plant,
    form_class=forms.PlantForm,
    filterset_class=filters.PlantFilter,
    slug="plants",
    title="Plants",
    view_capability=VIEW,
    manage_capability=MANAGE,
    select_related=("supplier",),
    columns=["Plant", "Supplier", "Location", "Licence"],
    row_template="partners/_plant_row.html",
    detail_context=_plant_related,
)
MAPPINGS = RecordPages(
    model=SupplierPlantMapping,
    form_class=forms.MappingForm,
    filterset_class=filters.MappingFilter,
    slug="supplier-plant-mappings",
    title="Supplier-plant mappings",
    view_capability=VIEW,
    manage_capability=MANAGE,
    select_related=("supplier", "plant", "customer"),
    columns=["Supplier", "Plant", "For customer", "Valid"],
    row_template="partners/_mapping_row.html",
)
CARRIERS = RecordPages(
    model=Carrier,
    form_class=forms.CarrierForm,
    filterset_class=filters.CarrierFilter,
    slug="carriers",
    title="Carriers",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Carrier", "Mode", "Account", "Contact"],
    row_template="partners/_carrier_row.html",
)

ALL = [CUSTOMERS, SUPPLIERS, CONTACTS, ADDRESSES, PLANTS, MAPPINGS, CARRIERS]
