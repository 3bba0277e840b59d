"""The partners' web pages (lists, details, forms) declared once each; see records.pages."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from tradeloom.partners import filters, forms, selectors
from tradeloom.partners.capabilities import PARTNERS_MANAGE, PARTNERS_VIEW
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.selectors import primary_contacts_prefetch
from tradeloom.records.pages import RecordPages
from tradeloom.tenancy.web import TenantRequest

VIEW, MANAGE = PARTNERS_VIEW, PARTNERS_MANAGE


def _rows(request: TenantRequest, items: Any, pages: RecordPages, label: Any, note: Any) -> list[dict[str, Any]]:
    org = request.organization
    return [{"url": pages.url("detail", org, i.pk), "label": label(i), "note": note(i)} for i in items]


def _add_url(request: TenantRequest, pages: RecordPages, **initial: Any) -> str:
    """The page that adds a record of ``pages`` with ``initial`` filled in (``?supplier=<id>``)."""
    return f"{pages.url('create', request.organization)}?{urlencode(initial)}"


def _partner_related(kind: str) -> Any:
    def related(request: TenantRequest, partner: Any) -> dict[str, Any]:
        contacts = selectors.contact_list_of_partner(partner=partner)
        addresses = selectors.address_list_of_partner(partner=partner)
        sections = [
            {
                "title": "Contacts",
                "add_url": _add_url(request, CONTACTS, **{kind: partner.pk}),
                "rows": _rows(
                    request,
                    contacts,
                    CONTACTS,
                    lambda c: c.name,
                    lambda c: " · ".join(x for x in ("Primary" if c.is_primary else "", c.email, c.phone) if x),
                ),
                "empty": "No contacts yet.",
            },
            {
                "title": "Addresses",
                "add_url": _add_url(request, ADDRESSES, **{kind: partner.pk}),
                "rows": _rows(request, addresses, ADDRESSES, str, lambda a: a.get_kind_display()),
                "empty": "No addresses yet.",
            },
        ]
        if kind == "supplier":
            plants = selectors.plant_list_of_supplier(supplier=partner)
            mappings = selectors.plant_mapping_list_of_supplier(supplier=partner)
            sections = [
                {
                    "title": "Plants",
                    "add_url": _add_url(request, PLANTS, supplier=partner.pk),
                    "rows": _rows(request, plants, PLANTS, str, lambda p: p.city or ""),
                    "empty": "No plants yet.",
                },
                {
                    "title": "Plant mappings",
                    "add_url": _add_url(request, MAPPINGS, supplier=partner.pk),
                    "rows": _rows(
                        request,
                        mappings,
                        MAPPINGS,
                        lambda m: m.plant,
                        lambda m: f"for {m.customer}" if m.customer else "all customers",
                    ),
                    "empty": "No plant mappings yet.",
                },
                *sections,
            ]
        # the Attachments card (documents:panel, loaded by the page): the floors above keep the files
        return {"related": sections, "attachments_target": f"partners.{kind}"}

    return related


def _plant_related(request: TenantRequest, plant: Plant) -> dict[str, Any]:
    mappings = selectors.plant_mapping_list_of_plant(plant=plant)
    return {
        "related": [
            {
                "title": "Supplier mappings",
                "add_url": _add_url(request, MAPPINGS, plant=plant.pk),
                "rows": _rows(
                    request,
                    mappings,
                    MAPPINGS,
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
