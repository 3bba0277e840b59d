"""The catalog's web pages; see records.pages."""

from __future__ import annotations

from tradeloom.catalog import filters, forms
from tradeloom.catalog.capabilities import CATALOG_MANAGE, CATALOG_VIEW
from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.core.listing import SortOption
from tradeloom.records.pages import RecordPages

VIEW, MANAGE = CATALOG_VIEW, CATALOG_MANAGE

ITEMS = RecordPages(
    model=Item,
    form_class=forms.ItemForm,
    filterset_class=filters.ItemFilter,
    slug="items",
    title="Items",
    view_capability=VIEW,
    manage_capability=MANAGE,
    select_related=("unit",),
    columns=["Item", "Kind", "Specification", "Unit"],
    row_template="catalog/_item_row.html",
    intro="Fabrics, yarns, trims, finished goods and commodities you trade.",
)
UNITS = RecordPages(
    model=UnitOfMeasure,
    form_class=forms.UnitForm,
    filterset_class=filters.UnitFilter,
    slug="units",
    title="Units",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Unit", "Dimension", "In base units"],
    row_template="catalog/_unit_row.html",
    sorts=[SortOption("code", "Code", ("code", "id")), SortOption("newest", "Newest first", ("-created_at", "-id"))],
)
PAYMENT_TERMS = RecordPages(
    model=PaymentTerms,
    form_class=forms.PaymentTermsForm,
    filterset_class=filters.PaymentTermsFilter,
    slug="payment-terms",
    title="Payment terms",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Name", "Schedule"],
    row_template="catalog/_payment_terms_row.html",
)
EXCHANGE_RATES = RecordPages(
    model=ExchangeRate,
    form_class=forms.ExchangeRateForm,
    filterset_class=filters.ExchangeRateFilter,
    slug="exchange-rates",
    title="Exchange rates",
    view_capability=VIEW,
    manage_capability=MANAGE,
    columns=["Date", "Pair", "Rate"],
    row_template="catalog/_rate_row.html",
    sorts=[
        SortOption("latest", "Latest first", ("-date", "-id")),
        SortOption("oldest", "Oldest first", ("date", "id")),
    ],
)

ALL = [ITEMS, UNITS, PAYMENT_TERMS, EXCHANGE_RATES]
