"""The lists that export: each one a declaration over its list page's own selector, FilterSet and sorts.

Registered by ``ExportsConfig.ready()``. The T&A workbook (issue #21) is one more ``ExportWorkbook`` here, over
two sheet lists declared the same way on ``tradeloom.tna``'s selectors and its ``PlanFilter``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.core.listing import SortOption
from tradeloom.exports.registry import (
    DATE,
    EXPORTS,
    MONEY,
    NUMBER,
    Column,
    Export,
    ExportList,
    ExportWorkbook,
    Query,
    base_currency,
)
from tradeloom.inventory import selectors as inventory
from tradeloom.inventory.capabilities import INVENTORY_VIEW
from tradeloom.inventory.filters import BalanceFilter
from tradeloom.inventory.views import BALANCE_SORTS
from tradeloom.invoicing import selectors as invoicing
from tradeloom.invoicing.capabilities import INVOICES_VIEW
from tradeloom.invoicing.filters import InvoiceFilter
from tradeloom.invoicing.views import SORTS as INVOICE_SORTS
from tradeloom.lcs import selectors as lcs
from tradeloom.lcs.capabilities import LCS_VIEW
from tradeloom.lcs.filters import LcFilter
from tradeloom.lcs.views import SORTS as LC_SORTS
from tradeloom.logistics import selectors as logistics
from tradeloom.logistics.capabilities import SHIPMENTS_VIEW
from tradeloom.logistics.filters import ShipmentFilter
from tradeloom.logistics.views import SORTS as SHIPMENT_SORTS
from tradeloom.partners.capabilities import PARTNERS_VIEW
from tradeloom.partners.pages import CUSTOMERS, SUPPLIERS
from tradeloom.purchasing import selectors as purchasing
from tradeloom.purchasing.capabilities import PURCHASING_VIEW
from tradeloom.purchasing.filters import PurchaseOrderFilter
from tradeloom.purchasing.views import SORTS as PO_SORTS
from tradeloom.records.pages import RecordPages
from tradeloom.sales import selectors as sales
from tradeloom.sales.capabilities import ORDERS_VIEW
from tradeloom.sales.filters import OrderFilter
from tradeloom.sales.models import Line
from tradeloom.sales.views import ORDER_SORTS
from tradeloom.tna import selectors as tna
from tradeloom.tna.capabilities import TNA_VIEW
from tradeloom.tna.filters import PlanFilter

CENT = Decimal("0.01")


def attr(name: str) -> Any:
    return lambda row: getattr(row, name)


def shown(name: str) -> Any:
    """A choice field as its label (``get_status_display``)."""
    return lambda row: getattr(row, f"get_{name}_display")()


def currency(row: Any) -> str:
    return str(row.currency)


def _partner_name(prefix: str) -> Any:
    return Coalesce(NullIf(F(f"{prefix}trade_name"), Value("")), F(f"{prefix}legal_name"), output_field=CharField())


def _member_name(prefix: str) -> Any:
    return Coalesce(
        NullIf(F(f"{prefix}user__full_name"), Value("")), F(f"{prefix}user__email"), output_field=CharField()
    )


# --- orders --------------------------------------------------------------------------------------------------------
def _orders(query: Query) -> QuerySet[Any]:
    qs = sales.order_list(organization=query.organization, membership=query.membership)
    return qs.filter(archived_at__isnull=True)  # as the orders page


def _order_money(header: str, name: str) -> Column:
    return Column(header, attr(name), MONEY, currency)


ORDERS = ExportList(
    key="orders",
    label="Orders",
    filename="orders",
    capability=ORDERS_VIEW,
    queryset=_orders,
    filterset_class=OrderFilter,
    sorts=tuple(ORDER_SORTS),
    relevance=("search", SortOption("relevance", "Best match", ("-search_rank", "-created_at", "-id"))),
    prepare=lambda qs: qs.annotate(merchandiser_name=_member_name("merchandiser__")),
    list_url_name="sales:orders",
    related=("order-lines", "orders-with-lines"),
    columns=(
        Column("Order", attr("number")),
        Column("Buyer's PO", attr("po_number")),
        Column("Customer", attr("customer_name")),
        Column("Buyer", attr("buyer_name")),
        Column("Merchandiser", attr("merchandiser_name")),
        Column("Type", shown("order_type")),
        Column("Status", shown("status")),
        Column("Stage", attr("stage")),
        Column("Order date", attr("order_date"), DATE),
        Column("ETD", attr("etd"), DATE),
        Column("ETA", attr("eta"), DATE),
        Column("Currency", currency),
        Column("Lines", attr("line_count"), NUMBER),
        _order_money("Value", "total_value"),
        _order_money("Tax", "total_tax"),
        _order_money("Value incl. tax", "total_incl_tax"),
        _order_money("Cost", "total_cost"),
        _order_money("Commission", "total_commission"),
        _order_money("Profit", "total_profit"),
        _order_money("Realised profit", "total_realised_profit"),
    ),
)


def _lines_of(query: Query, orders: QuerySet[Any]) -> QuerySet[Any]:
    """The lines of the orders the filters chose (the orders list's rows), each with its order's columns."""
    return Line.objects.filter(organization=query.organization, order__in=orders.order_by().values("pk"))


def _line_value(row: Any) -> Decimal | None:
    if row.selling_price is None:
        return None
    return (row.quantity * row.selling_price).quantize(CENT, rounding=ROUND_HALF_UP)


def _with_orders(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(
        order_created=F("order__created_at"),
        order_number=F("order__number"),
        order_po=F("order__po_number"),
        order_currency=F("order__currency"),
        customer_name=_partner_name("order__customer__"),
        style_number=F("style__style_number"),
        style_description=F("style__description"),
        item_code=F("item__code"),
        unit_code=F("unit__code"),
        mill_name=_partner_name("supplier__"),
    )


def _line_money(header: str, value: Any) -> Column:
    return Column(header, value, MONEY, attr("order_currency"))


# The orders list's order: its orders newest (or oldest) first, each order's lines in their order.
LINE_SORTS = (
    SortOption("newest", "Newest first", ("-order_created", "-order_id", "position", "id")),
    SortOption("oldest", "Oldest first", ("order_created", "order_id", "position", "id")),
)

ORDER_LINES = ExportList(
    key="order-lines",
    label="Order lines",
    filename="order-lines",
    sheet_title="Lines",
    capability=ORDERS_VIEW,
    queryset=_orders,
    filterset_class=OrderFilter,
    rows=_lines_of,
    sorts=LINE_SORTS,
    prepare=_with_orders,
    list_url_name="sales:orders",
    columns=(
        Column("Order", attr("order_number")),
        Column("Buyer's PO", attr("order_po")),
        Column("Customer", attr("customer_name")),
        Column("Style", attr("style_number")),
        Column("Style description", attr("style_description")),
        Column("Colour", attr("colour_code")),
        Column("Colour name", attr("colour_name")),
        Column("CAD", attr("cad_code")),
        Column("Item", attr("item_code")),
        Column("Quantity", attr("quantity"), NUMBER),
        Column("Unit", attr("unit_code")),
        Column("Currency", attr("order_currency")),
        _line_money("Selling price", attr("selling_price")),
        _line_money("Value", _line_value),
        Column("Mill", attr("mill_name")),
        _line_money("Mill price", attr("mill_price")),
        _line_money("Commission per unit", attr("commission_per_unit")),
        Column("ETD", attr("etd"), DATE),
        Column("ETA", attr("eta"), DATE),
        Column("Status", shown("status")),
        Column("Delivered", attr("delivered_quantity"), NUMBER),
        Column("Shipped", attr("shipped_quantity"), NUMBER),
    ),
)

ORDERS_WITH_LINES = ExportWorkbook(
    key="orders-with-lines",
    label="Orders with lines",
    filename="orders-with-lines",
    sheets=("orders", "order-lines"),
)

# --- purchasing, logistics, finance --------------------------------------------------------------------------------
PURCHASE_ORDERS = ExportList(
    key="purchase-orders",
    label="Purchase orders",
    filename="purchase-orders",
    capability=PURCHASING_VIEW,
    queryset=lambda query: purchasing.purchase_order_list(organization=query.organization),
    filterset_class=PurchaseOrderFilter,
    sorts=tuple(PO_SORTS),
    list_url_name="purchasing:purchase-orders",
    columns=(
        Column("Purchase order", attr("number")),
        Column("Revision", attr("revision"), NUMBER),
        Column("Status", shown("status")),
        Column("Supplier", attr("supplier_name")),
        Column("Customer", attr("customer_name")),
        Column("Order", attr("order_number")),
        Column("PO date", attr("po_date"), DATE),
        Column("Due date", attr("due_date"), DATE),
        Column("Currency", currency),
        Column("Lines", attr("line_count"), NUMBER),
        Column("Subtotal", attr("subtotal"), MONEY, currency),
        Column("Tax", attr("tax"), MONEY, currency),
        Column("Total", attr("total"), MONEY, currency),
    ),
)

SHIPMENTS = ExportList(
    key="shipments",
    label="Shipments",
    filename="shipments",
    capability=SHIPMENTS_VIEW,
    queryset=lambda query: logistics.shipment_list(organization=query.organization, membership=query.membership),
    filterset_class=ShipmentFilter,
    sorts=tuple(SHIPMENT_SORTS),
    list_url_name="logistics:shipments",
    columns=(
        Column("Shipment", attr("number")),
        Column("Status", shown("status")),
        Column("Mode", shown("mode")),
        Column("Customer", attr("customer_name")),
        Column("Carrier", attr("carrier_name")),
        Column("Orders", lambda row: row.order_numbers or []),
        Column("B/L or AWB", attr("transport_document_number")),
        Column("Vessel", attr("vessel")),
        Column("Voyage", attr("voyage")),
        Column("Flight", attr("flight_number")),
        Column("Port of loading", attr("port_of_loading")),
        Column("Port of discharge", attr("port_of_discharge")),
        Column("Incoterm", attr("incoterm")),
        Column("ETD", attr("etd"), DATE),
        Column("ETA", attr("eta"), DATE),
        Column("Departed", attr("departed_on"), DATE),
        Column("Arrived", attr("arrived_on"), DATE),
        Column("Delivered", attr("delivered_on"), DATE),
        Column("Lines", attr("line_count"), NUMBER),
        Column("Cartons", attr("total_cartons"), NUMBER),
        Column("Gross kg", attr("total_gross_kg"), NUMBER),
        Column("Net kg", attr("total_net_kg"), NUMBER),
        Column("CBM", attr("total_cbm"), NUMBER),
    ),
)

INVOICES = ExportList(
    key="invoices",
    label="Invoices",
    filename="invoices",
    capability=INVOICES_VIEW,
    queryset=lambda query: invoicing.invoice_list(organization=query.organization, membership=query.membership),
    filterset_class=InvoiceFilter,
    sorts=tuple(INVOICE_SORTS),
    list_url_name="invoicing:invoices",
    columns=(
        Column("Invoice", attr("number")),
        Column("Status", shown("status")),
        Column("Customer", attr("customer_name")),
        Column("Order", attr("order_number")),
        Column("Shipment", attr("shipment_number")),
        Column("Invoice date", attr("issue_date"), DATE),
        Column("Due date", attr("due_date"), DATE),
        Column("Buyer's reference", attr("customer_reference")),
        Column("Currency", currency),
        Column("Subtotal", attr("subtotal"), MONEY, currency),
        Column("Tax", attr("tax"), MONEY, currency),
        Column("Total", attr("total"), MONEY, currency),
        Column("Paid", attr("paid_amount"), MONEY, currency),
        Column("Credited", attr("credited_amount"), MONEY, currency),
        Column("Outstanding", attr("outstanding_amount"), MONEY, currency),
    ),
)

LETTERS_OF_CREDIT = ExportList(
    key="letters-of-credit",
    label="Letters of credit",
    filename="letters-of-credit",
    capability=LCS_VIEW,
    queryset=lambda query: lcs.lc_list(organization=query.organization, membership=query.membership),
    filterset_class=LcFilter,
    sorts=tuple(LC_SORTS),
    list_url_name="lcs:lcs",
    columns=(
        Column("LC", attr("number")),
        Column("Status", shown("status")),
        Column("Kind", shown("kind")),
        Column("Role", shown("role")),
        Column("Applicant", attr("customer_name")),
        Column("Beneficiary", attr("beneficiary")),
        Column("Issuing bank", attr("issuing_bank")),
        Column("Currency", currency),
        Column("Amount", attr("amount"), MONEY, currency),
        Column("Tolerance %", attr("tolerance_percent"), NUMBER),
        Column("Cap", attr("cap"), MONEY, currency),
        Column("Utilised", attr("utilised_amount"), MONEY, currency),
        Column("Open", attr("open_amount"), MONEY, currency),
        Column("Issue date", attr("issue_date"), DATE),
        Column("Expiry date", attr("expiry_date"), DATE),
        Column("Latest shipment", attr("latest_shipment_date"), DATE),
    ),
)


# --- partners and stock --------------------------------------------------------------------------------------------
def _partners(pages: RecordPages) -> Any:
    """The partner page's rows (``records.pages.RecordPages``): archived ones only with ``include_archived=1``."""

    def queryset(query: Query) -> QuerySet[Any]:
        prefetch = [p() if callable(p) else p for p in pages.prefetch]
        qs = pages.model._default_manager.filter(organization=query.organization).prefetch_related(*prefetch)
        if query.params.get("include_archived") != "1":
            qs = qs.filter(archived_at__isnull=True)
        return qs

    return queryset


def _primary(name: str) -> Any:
    def value(row: Any) -> Any:
        contacts = getattr(row, "primary_contacts", [])
        return getattr(contacts[0], name) if contacts else ""

    return value


def _partner_columns(*extra: Column) -> tuple[Column, ...]:
    return (
        Column("Code", attr("code")),
        Column("Name", str),
        *extra,
        Column("Legal name", attr("legal_name")),
        Column("Country", attr("country")),
        Column("Currency", attr("default_currency")),
        Column("Tax id", attr("tax_id")),
        Column("E-mail", attr("email")),
        Column("Phone", attr("phone")),
        Column("Primary contact", _primary("name")),
        Column("Contact e-mail", _primary("email")),
        Column("Archived", lambda row: row.archived_at is not None),
    )


PARTNER_RELEVANCE = ("search", SortOption("relevance", "Best match", ("-search_rank", "-id")))  # as RecordPages


CUSTOMER_LIST = ExportList(
    key="customers",
    label="Customers",
    filename="customers",
    capability=PARTNERS_VIEW,
    queryset=_partners(CUSTOMERS),
    filterset_class=CUSTOMERS.filterset_class,
    sorts=tuple(CUSTOMERS.sorts),
    relevance=PARTNER_RELEVANCE,
    list_url_name="partners:customers-list",
    columns=_partner_columns(),
)

SUPPLIER_LIST = ExportList(
    key="suppliers",
    label="Suppliers",
    filename="suppliers",
    capability=PARTNERS_VIEW,
    queryset=_partners(SUPPLIERS),
    filterset_class=SUPPLIERS.filterset_class,
    sorts=tuple(SUPPLIERS.sorts),
    relevance=PARTNER_RELEVANCE,
    list_url_name="partners:suppliers-list",
    columns=_partner_columns(Column("Kind", shown("kind"))),
)

STOCK = ExportList(
    key="stock",
    label="Stock on hand",
    filename="stock-on-hand",
    capability=INVENTORY_VIEW,
    queryset=lambda query: inventory.balance_list(organization=query.organization),
    filterset_class=BalanceFilter,
    sorts=tuple(BALANCE_SORTS),
    list_url_name="inventory:stock",
    columns=(
        Column("Item", lambda row: row.item.code),
        Column("Item name", lambda row: row.item.name),
        Column("Warehouse", lambda row: row.warehouse.code),
        Column("Warehouse name", lambda row: row.warehouse.name),
        Column("Lot", attr("lot")),
        Column("On hand", attr("quantity"), NUMBER),
        Column("Unit", lambda row: row.item.unit.code),
        Column("Currency", base_currency),
        Column("Average cost", attr("average_unit_cost"), MONEY, "base"),
        Column("Value", attr("value"), MONEY, "base"),
    ),
)


# --- Time & Action ---------------------------------------------------------------------------------------------------
def _plans(query: Query) -> QuerySet[Any]:
    return tna.export_plans(organization=query.organization, membership=query.membership)


def _milestones_of(query: Query, plans: QuerySet[Any]) -> QuerySet[Any]:
    return tna.export_milestones_of(organization=query.organization, plans=plans)


# The orders' order (newest first, as the orders list), then the order's plan before its lines' in line order.
PLAN_SORTS = (
    SortOption("newest", "Newest first", ("-order_created", "-order_ref", "line_rank", "id")),
    SortOption("oldest", "Oldest first", ("order_created", "order_ref", "line_rank", "id")),
)
# Each plan's milestones in its order.
MILESTONE_SORTS = (
    SortOption("newest", "Newest first", ("-order_created", "-order_ref", "line_rank", "plan_id", "position", "id")),
    SortOption("oldest", "Oldest first", ("order_created", "order_ref", "line_rank", "plan_id", "position", "id")),
)


def _plan_keys() -> tuple[Column, ...]:
    return (
        Column("Order", attr("order_number")),
        Column("Buyer's PO", attr("order_po")),
        Column("Customer", attr("customer_name")),
        Column("Style", attr("style_number")),
        Column("Colour", attr("colour_code")),
    )


TNA_PLANS = ExportList(
    key="tna-plans",
    label="T&A plans",
    filename="tna-plans",
    sheet_title="Plans",
    capability=TNA_VIEW,
    queryset=_plans,
    filterset_class=PlanFilter,
    sorts=PLAN_SORTS,
    prepare=tna.export_plan_rows,
    list_url_name="tna:calendar",
    related=("tna-milestones", "tna-workbook"),
    columns=(
        *_plan_keys(),
        Column("Merchandiser", attr("merchandiser_name")),
        Column("Template", attr("template_name")),
        Column("ETD", attr("etd_now"), DATE),
        Column("Ex-factory planned", attr("ex_factory_planned"), DATE),
        Column("Ex-factory forecast", attr("ex_factory_forecast"), DATE),
        Column("Status", tna.plan_state),
        Column("Milestones done", attr("milestones_done"), NUMBER),
        Column("Milestones", attr("milestones_total"), NUMBER),
        Column("Late", attr("late_count"), NUMBER),
    ),
)

TNA_MILESTONES = ExportList(
    key="tna-milestones",
    label="T&A milestones",
    filename="tna-milestones",
    sheet_title="Milestones",
    capability=TNA_VIEW,
    queryset=_plans,
    filterset_class=PlanFilter,
    rows=_milestones_of,
    sorts=MILESTONE_SORTS,
    prepare=tna.export_milestone_rows,
    list_url_name="tna:calendar",
    columns=(
        *_plan_keys(),
        Column("Milestone", attr("name")),
        Column("Responsible", attr("responsible_name")),
        Column("Planned", attr("planned_date"), DATE),
        Column("Forecast", attr("forecast_date"), DATE),
        Column("Actual", attr("actual_date"), DATE),
        Column("Slippage days", attr("slippage_days"), NUMBER),
        Column("Status", shown("status")),
        Column("Late", attr("is_late")),
        Column("Depends on", lambda row: row.depends_on_names or []),
    ),
)

TNA_WORKBOOK = ExportWorkbook(
    key="tna-workbook",
    label="T&A workbook",
    filename="tna",
    sheets=("tna-plans", "tna-milestones"),
)

BUILT_IN: tuple[Export, ...] = (
    ORDERS,
    ORDER_LINES,
    ORDERS_WITH_LINES,
    PURCHASE_ORDERS,
    SHIPMENTS,
    INVOICES,
    LETTERS_OF_CREDIT,
    CUSTOMER_LIST,
    SUPPLIER_LIST,
    STOCK,
    TNA_PLANS,
    TNA_MILESTONES,
    TNA_WORKBOOK,
)


def register_built_in() -> None:
    for export in BUILT_IN:
        EXPORTS.register(export.key, export)
