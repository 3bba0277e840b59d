"""Every read of purchase orders for a page or an endpoint: the organisation first, and the related rows each read
needs in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.core.pagination import KeysetPage, PreparedFirstPage, parse_limit
from tradeloom.core.prepared import PreparedQuery
from tradeloom.core.shapes import shape_of
from tradeloom.inventory.models import Warehouse
from tradeloom.partners.models import Customer, Supplier
from tradeloom.purchasing import states
from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from tradeloom.sales.models import Line, Order

ZERO = Decimal(0)
PARTNER_HEAVY = ("search_trigrams", "search_document", "search_vector", "notes")


def purchase_orders_visible(*, organization: Any) -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.filter(organization=organization)


def _name(model: Any, field: str) -> Subquery:
    rows = model.objects.filter(pk=OuterRef(field)).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return Subquery(rows.values("label")[:1])


@cache
def _list_columns() -> QuerySet[PurchaseOrder]:
    """Every PO with the list's extra columns (supplier and customer names, the order's number), resolved once per
    process; ``purchase_order_list`` takes a filtered copy."""
    return (
        PurchaseOrder.objects.defer("notes", "status_reason")
        .annotate(
            supplier_name=_name(Supplier, "supplier_id"),
            customer_name=_name(Customer, "customer_id"),
            order_number=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("number")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def purchase_order_list(*, organization: Any) -> QuerySet[PurchaseOrder]:
    """The list's rows with their supplier's and customer's names and order number: one statement a page."""
    return _list_columns().filter(organization=organization)


# The list's columns: the PO's own (its ``Shape.list``) and the three the list resolves beside them.
LIST_EXTRA = ("supplier_name", "customer_name", "order_number")
LIST_COLUMNS = (*shape_of(PurchaseOrder).list, *LIST_EXTRA)
LIST_ORDERING = ("-created_at", "-id")


def _list_page_rows(org: Any, status: Any = None) -> QuerySet[PurchaseOrder, dict[str, Any]]:
    qs = _list_columns().filter(organization_id=org)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.values(*LIST_COLUMNS)


# (a status asked for) → the first page, compiled once per page size
_FIRST_PAGES = {
    False: PreparedFirstPage(lambda org: _list_page_rows(org), ordering=LIST_ORDERING, org=UUID),
    True: PreparedFirstPage(
        lambda org, status: _list_page_rows(org, status), ordering=LIST_ORDERING, org=UUID, status=str
    ),
}


def purchase_order_list_first_page(*, organization: Any, params: Any) -> KeysetPage | None:
    """The list's first page when the request asks for nothing but a page size and a status — opening the list and
    its status tabs — read through a statement compiled once (``PreparedFirstPage``): the same rows and next cursor
    as ``purchase_order_list(...).values(*LIST_COLUMNS)`` filtered and paged. ``None`` for any other request (a
    cursor, another filter, a status that is not one: the general path answers, or refuses, it)."""
    if not params.keys() <= {"limit", "status"}:
        return None
    status = params.get("status") or None
    if status is not None and status not in states.LABELS:
        return None
    limit = parse_limit(params.get("limit"))
    if status is None:
        return _FIRST_PAGES[False].page(limit=limit, org=organization.pk)
    return _FIRST_PAGES[True].page(limit=limit, org=organization.pk, status=status)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    total: Decimal


def purchase_order_totals(queryset: QuerySet[PurchaseOrder]) -> list[CurrencyTotal]:
    """The filtered list's totals per currency (one statement)."""
    rows = (
        queryset.order_by()
        .values("currency")
        .annotate(n=Count("pk"), t=Coalesce(Sum("total"), Value(ZERO)))
        .order_by("currency")
    )
    return [CurrencyTotal(r["currency"], r["n"], Decimal(r["t"])) for r in rows]


def approval_queue(*, organization: Any) -> QuerySet[PurchaseOrder]:
    """The POs waiting for approval, oldest submission first."""
    return purchase_order_list(organization=organization).filter(status=states.SUBMITTED).order_by("submitted_at", "id")


def warehouses_to_choose(*, organization: Any) -> QuerySet[Warehouse]:
    """The organisation's warehouses not archived, by code (the deliver-to and receipt pickers)."""
    return Warehouse.objects.filter(organization=organization, archived_at__isnull=True).order_by("code")


_PO_RELATED = ("supplier", "plant", "customer", "carrier", "payment_terms", "warehouse", "order", "approved_by")
_PO_HEAVY = tuple(f"{p}__{c}" for p in ("supplier", "customer") for c in PARTNER_HEAVY)


def purchase_order_get(*, organization: Any, purchase_order_id: Any) -> PurchaseOrder:
    """One PO of the organisation with its supplier, plant, customer, carrier, terms, warehouse, order and who
    approved it (``PurchaseOrder.DoesNotExist`` otherwise)."""
    return (
        purchase_orders_visible(organization=organization)
        .select_related(*_PO_RELATED)
        .defer(*_PO_HEAVY)
        .get(pk=purchase_order_id)
    )


def purchase_order_lines(purchase_order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return _lines_of(purchase_order.pk)


def _lines_of(po: Any) -> QuerySet[PurchaseOrderLine]:
    return (
        PurchaseOrderLine.objects.filter(purchase_order_id=po)
        .select_related("unit", "item", "sales_line__order")
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class PurchaseOrderDetail:
    purchase_order: PurchaseOrder
    lines: list[PurchaseOrderLine]
    approvals: list[Approval]
    amendments: list[Amendment]
    receipts: list[Receipt]
    receipt_lines: dict[Any, list[ReceiptLine]]


# The detail's reads, each compiled once per process (``core.prepared``): building their SQL cost more than running it.
_PO = PreparedQuery(
    lambda org, pk: (
        PurchaseOrder.objects.filter(organization_id=org, pk=pk).select_related(*_PO_RELATED).defer(*_PO_HEAVY)
    ),
    org=UUID,
    pk=UUID,
)
_LINES = PreparedQuery(_lines_of, po=UUID)
_APPROVALS = PreparedQuery(
    lambda po: Approval.objects.filter(purchase_order_id=po).select_related("decided_by").order_by("created_at", "id"),
    po=UUID,
)
_AMENDMENTS = PreparedQuery(
    lambda po: Amendment.objects.filter(purchase_order_id=po).select_related("created_by").order_by("revision"),
    po=UUID,
)
_RECEIPTS = PreparedQuery(
    lambda po: Receipt.objects.filter(purchase_order_id=po).select_related("warehouse").order_by("sequence"),
    po=UUID,
)
_RECEIPT_LINES = PreparedQuery(
    lambda po: ReceiptLine.objects.filter(receipt__purchase_order_id=po).order_by("created_at", "id"), po=UUID
)


def purchase_order_detail(*, organization: Any, purchase_order_id: Any) -> PurchaseOrderDetail:
    """Everything a PO's page and API detail show, in six statements whatever the number of lines and receipts (five
    without receipts), each compiled once per process: the PO, its lines, approvals (who decided), amendments,
    receipts (warehouse) and their lines (``PurchaseOrder.DoesNotExist`` when it is not the organisation's)."""
    po = _PO.first(org=organization.pk, pk=purchase_order_id)
    if po is None:
        raise PurchaseOrder.DoesNotExist("No such purchase order.")
    receipts = _RECEIPTS.all(po=po.pk)
    receipt_lines: dict[Any, list[ReceiptLine]] = {}
    if receipts:
        for row in _RECEIPT_LINES.all(po=po.pk):
            receipt_lines.setdefault(row.receipt_id, []).append(row)
    return PurchaseOrderDetail(
        po, _LINES.all(po=po.pk), _APPROVALS.all(po=po.pk), _AMENDMENTS.all(po=po.pk), receipts, receipt_lines
    )


def receipt_get(*, organization: Any, purchase_order: PurchaseOrder, receipt_id: Any) -> Receipt:
    return Receipt.objects.get(organization=organization, purchase_order=purchase_order, pk=receipt_id)


# --- the order's Purchasing tab -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFigures:
    line: Line
    purchased: Decimal
    received: Decimal

    @property
    def ordered(self) -> Decimal:
        return Decimal(self.line.quantity)

    @property
    def delivered_to_buyer(self) -> Decimal:
        return Decimal(self.line.buyer_delivered_quantity)

    @property
    def to_buy(self) -> Decimal:
        return max(self.ordered - self.purchased, ZERO)


@dataclass(frozen=True)
class OrderPurchasing:
    purchase_orders: list[PurchaseOrder]
    lines: list[LineFigures]


def order_purchasing(*, organization: Any, order: Order) -> OrderPurchasing:
    """An order's POs (raised from it, or with a line for one of its lines) and, per line, what is ordered,
    purchased (on POs not cancelled), received against those POs and delivered to the buyer: three statements."""
    linked = PurchaseOrderLine.objects.filter(sales_line__order=order).values("purchase_order_id")
    pos = list(
        purchase_order_list(organization=organization)
        .filter(Q(order=order) | Q(pk__in=Subquery(linked)))
        .order_by("-po_date", "-number")
    )
    figures: dict[Any, dict[str, Any]] = {
        r["sales_line_id"]: dict(r)
        for r in PurchaseOrderLine.objects.filter(sales_line__order=order)
        .exclude(purchase_order__status=states.CANCELLED)
        .values("sales_line_id")
        .annotate(q=Sum("quantity"), r=Sum("received_quantity"))
    }
    lines = (
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit", "supplier")
        .defer(*(f"supplier__{c}" for c in PARTNER_HEAVY))
        .order_by("style__position", "position")
    )
    rows = [
        LineFigures(
            line=line,
            purchased=Decimal(figures.get(line.pk, {}).get("q") or 0),
            received=Decimal(figures.get(line.pk, {}).get("r") or 0),
        )
        for line in lines
    ]
    return OrderPurchasing(purchase_orders=pos, lines=rows)


def order_lines_for_purchase(*, order: Order) -> list[LineFigures]:
    """The order's lines not archived with what of them is on POs not cancelled (the back-to-back form): two
    statements."""
    lines = list(
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit", "supplier")
        .defer(*(f"supplier__{c}" for c in PARTNER_HEAVY))
        .order_by("style__position", "position")
    )
    figures: dict[Any, dict[str, Any]] = {
        r["sales_line_id"]: dict(r)
        for r in PurchaseOrderLine.objects.filter(sales_line__order=order)
        .exclude(purchase_order__status=states.CANCELLED)
        .values("sales_line_id")
        .annotate(q=Sum("quantity"), r=Sum("received_quantity"))
    }
    return [
        LineFigures(
            line=line,
            purchased=Decimal(figures.get(line.pk, {}).get("q") or 0),
            received=Decimal(figures.get(line.pk, {}).get("r") or 0),
        )
        for line in lines
    ]
