"""Reads for orders: a projection with money in SQL for lists, and the whole order for the detail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    CharField,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.prepared import PreparedQuery
from tradeloom.partners.models import Customer
from tradeloom.sales.extensions import ORDER_LIST_COLUMNS
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.money import LineFigures, OrderFigures, line_figures, order_figures
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role

MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


def order_visible_get(
    *, organization: Any, membership: Membership, pk: Any, include_deleted: bool = False, prefetch: Any = ()
) -> Order:
    """One order this member may see (deleted ones only with ``include_deleted``), else 404. For actions on an
    order; ``order_get`` is the full read with styles, lines and references."""
    qs = orders_visible(organization=organization, membership=membership)
    if not include_deleted:
        qs = qs.filter(archived_at__isnull=True)
    order = qs.prefetch_related(*prefetch).filter(pk=pk).first()
    if order is None:
        raise Http404("No such order.")
    return order


def merchandiser_restricted(*, organization: Any, membership: Membership) -> bool:
    """With ``settings["merchandisers_see_all_orders"]`` false, a merchandiser sees only the orders assigned to
    them; managers, admins and owners see all."""
    see_all = (organization.settings or {}).get("merchandisers_see_all_orders", True)
    return membership.role == Role.MERCHANDISER and not see_all


def orders_visible(
    *, organization: Any, membership: Membership, queryset: QuerySet[Any] | None = None
) -> QuerySet[Order]:
    """The organisation's orders this member may see (``merchandiser_restricted``), from ``queryset`` if given."""
    qs = (Order.objects.all() if queryset is None else queryset).filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(merchandiser=membership)
    return qs


# The order's line totals in one correlated subquery: [value, cost, commission, profit, realised profit, line count]
# (``Order.total_value`` … read them). Evaluated only for the rows of the page — the keyset scan on the orders index
# stops after ``limit`` rows — so the cost follows the page size, not the table. Same rounding as ``sales.money``:
# each line figure to cents, half away from zero, then summed. As text with two decimals (the count without), ready
# for the JSON: sums of cents are exact, so the final ROUND only fixes the scale ("0.00" for an order without lines).
LINE_TOTALS_SQL = """
SELECT ARRAY[ROUND(COALESCE(SUM(t.v), 0), 2), ROUND(COALESCE(SUM(t.c), 0), 2), ROUND(COALESCE(SUM(t.m), 0), 2),
             ROUND(COALESCE(SUM(t.v - t.c - t.m), 0), 2), ROUND(COALESCE(SUM(ROUND((t.v - t.c - t.m) * t.r, 2)), 0), 2),
             COUNT(*)]::text[]
FROM (
    SELECT ROUND(l.quantity * COALESCE(l.selling_price, 0), 2) AS v,
           ROUND(l.quantity * COALESCE(l.mill_price, 0), 2) AS c,
           ROUND(l.quantity * COALESCE(l.commission_per_unit, 0), 2) AS m,
           CASE WHEN l.quantity > 0 THEN LEAST(l.delivered_quantity / l.quantity, 1) ELSE 0 END AS r
    FROM sales_line l
    WHERE l.order_id = "sales_order"."id"
) t
"""


@cache
def _order_list_columns() -> QuerySet[Order]:
    """All orders with the list's extra columns, resolved once per process (after the apps registered theirs in
    ``sales.extensions.ORDER_LIST_COLUMNS``). Resolving the subqueries is most of what building the list's
    statement costs; ``order_list`` takes a filtered copy, which is cheap. Never evaluated itself."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return Order.objects.annotate(
        customer_name=Subquery(customer_name.values("label")[:1]),
        line_totals=RawSQL(LINE_TOTALS_SQL, (), output_field=ArrayField(CharField())),  # noqa: S611
        **{column.annotation: column.expression() for column in ORDER_LIST_COLUMNS},
    )


def order_list(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """Orders with their money totals, customer name and (with approvals) gate states, in the page's one SQL
    statement: every extra column is a correlated subquery, so the scan walks the (organisation, created) index
    and stops after one page, at any depth. No join: the planner would misjudge a join to customers (their ids
    spread over many organisations) and sort the whole table."""
    return orders_visible(organization=organization, membership=membership, queryset=_order_list_columns())


# The API list's columns: ``order_list_projection`` reads them as dicts (no model instances), with the list's
# annotations (customer name, line totals and the contributed columns of ``ORDER_LIST_COLUMNS``).
ORDER_LIST_FIELDS = (
    "id",
    "number",
    "po_number",
    "customer_id",
    "buyer_name",
    "order_type",
    "currency",
    "order_date",
    "etd",
    "eta",
    "status",
    "stage",
    "version",
    "created_at",
)


@cache
def _order_list_rows() -> QuerySet[Order]:
    extra = [column.annotation for column in ORDER_LIST_COLUMNS]
    return _order_list_columns().values(*ORDER_LIST_FIELDS, "customer_name", "line_totals", *extra)


def order_list_projection(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """``order_list`` as ``values()`` rows: the same single statement, without building a model per row."""
    qs = orders_visible(organization=organization, membership=membership, queryset=_order_list_rows())
    return qs.filter(archived_at__isnull=True)


# A partner's search columns (a trigram array, a document, a tsvector) are large and never shown with an order:
# leaving them out of the order's reads is most of what an order detail costs in Python.
PARTNER_SEARCH_COLUMNS = ("search_trigrams", "search_document", "search_vector", "notes")


def _without_search(prefix: str) -> list[str]:
    return [f"{prefix}__{column}" for column in PARTNER_SEARCH_COLUMNS]


def order_get(*, organization: Any, membership: Membership, pk: Any) -> Order:
    lines = (
        Line.objects.select_related("unit", "supplier", "item", "style")
        .defer(*_without_search("supplier"))
        .order_by("position")
    )
    order = (
        orders_visible(organization=organization, membership=membership)
        .select_related("organization", "customer", "merchandiser__user")
        .defer(*_without_search("customer"))
        .prefetch_related(Prefetch("styles", queryset=Style.objects.order_by("position")), Prefetch("lines", lines))
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def lines_visible(*, organization: Any, membership: Membership) -> QuerySet[Line]:
    """Lines of the orders this member may see, deleted orders excluded (a join, not an IN list: it stays cheap
    for millions of lines)."""
    qs = Line.objects.filter(organization=organization, order__archived_at__isnull=True)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(order__merchandiser=membership)
    return qs


def line_get(*, organization: Any, membership: Membership, order_id: Any, line_id: Any) -> Line:
    """A line of an order the member may see (404 otherwise), with its unit."""
    orders = orders_visible(organization=organization, membership=membership).filter(pk=order_id)
    line = Line.objects.filter(order__in=orders, pk=line_id).select_related("unit").first()
    if line is None:
        raise Http404("No such line.")
    return line


def order_money(order: Order) -> tuple[dict[Any, LineFigures], OrderFigures]:
    """Per-line and order figures of an order read by ``order_get``, with the base-currency conversion at the order
    date's rate."""
    return _money(
        (
            (
                line.pk,
                line.quantity,
                line.selling_price,
                line.mill_price,
                line.commission_per_unit,
                line.delivered_quantity,
            )
            for line in order.lines.all()
        ),
        organization=order.organization,
        day=order.order_date,
        currency=order.currency,
    )


def _money(
    lines: Iterable[tuple[Any, Decimal, Decimal | None, Decimal | None, Decimal | None, Decimal]],
    *,
    organization: Any,
    day: Any,
    currency: str,
) -> tuple[dict[Any, LineFigures], OrderFigures]:
    figures = {
        pk: line_figures(
            quantity=quantity,
            selling_price=selling_price,
            mill_price=mill_price,
            commission_per_unit=commission,
            delivered=delivered,
        )
        for pk, quantity, selling_price, mill_price, commission, delivered in lines
    }
    rate = exchange_rate_on(
        organization=organization, day=day, from_currency=currency, to_currency=organization.base_currency
    )
    return figures, order_figures(figures.values(), rate=rate)


# --- the order detail as projections ------------------------------------------------------------------------------
# The API's order detail, and every API action that answers with the order, read it as three projections compiled
# once per process (core.prepared): no queryset compilation and no model instances per request.
DETAIL_ORDER_FIELDS = (
    "id",
    "number",
    "po_number",
    "customer_id",
    "buyer_name",
    "merchandiser_id",
    "order_type",
    "currency",
    "order_date",
    "etd",
    "eta",
    "expected_delivery",
    "actual_delivery",
    "status",
    "stage",
    "notes",
    "version",
    "archived_at",
    "created_at",
)
DETAIL_STYLE_FIELDS = ("id", *Style.editable_fields)
DETAIL_LINE_FIELDS = (
    "id",
    "style_id",
    "colour_code",
    "colour_name",
    "cad_code",
    "cad_name",
    "item_id",
    "quantity",
    "unit_id",
    "selling_price",
    "supplier_id",
    "mill_price",
    "commission_per_unit",
    "etd",
    "eta",
    "status",
    "delivered_quantity",
)


@dataclass(frozen=True)
class OrderDetail:
    """An order as rows: ``order`` has ``DETAIL_ORDER_FIELDS`` and ``customer_label``; each line
    ``DETAIL_LINE_FIELDS`` and ``unit_code``; with the money of every line and of the order."""

    order: dict[str, Any]
    styles: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    figures: dict[Any, LineFigures]
    totals: OrderFigures
    base_currency: str


def _order_row(org: Any, pk: Any, merchandiser: Any = None) -> QuerySet[Order]:
    qs = Order.objects.filter(organization_id=org, pk=pk)
    if merchandiser is not None:
        qs = qs.filter(merchandiser_id=merchandiser)
    return qs.values(
        *DETAIL_ORDER_FIELDS, customer_label=Coalesce(NullIf("customer__trade_name", Value("")), "customer__legal_name")
    )


_ORDER_ROW = PreparedQuery(_order_row, org=UUID, pk=UUID)
_OWN_ORDER_ROW = PreparedQuery(_order_row, org=UUID, pk=UUID, merchandiser=UUID)
_STYLE_ROWS = PreparedQuery(
    lambda order: Style.objects.filter(order_id=order).order_by("position").values(*DETAIL_STYLE_FIELDS), order=UUID
)
_LINE_ROWS = PreparedQuery(
    lambda order: (
        Line.objects.filter(order_id=order).order_by("position").values(*DETAIL_LINE_FIELDS, unit_code=F("unit__code"))
    ),
    order=UUID,
)


def order_detail(*, organization: Any, membership: Membership, pk: Any) -> OrderDetail:
    """An order this member may see (deleted ones included: the detail shows them), as rows; else 404."""
    if merchandiser_restricted(organization=organization, membership=membership):
        order = _OWN_ORDER_ROW.first(org=organization.pk, pk=pk, merchandiser=membership.pk)
    else:
        order = _ORDER_ROW.first(org=organization.pk, pk=pk)
    if order is None:
        raise Http404("No such order.")
    styles = _STYLE_ROWS.all(order=order["id"])
    lines = _LINE_ROWS.all(order=order["id"])
    return _detail(organization, order, styles, lines)


def order_detail_from(order: Order, *, styles: Iterable[Style], lines: Iterable[Line]) -> OrderDetail:
    """The same rows from model instances (a create answers with what it just inserted, without reading it back)."""
    row = {name: getattr(order, name) for name in DETAIL_ORDER_FIELDS}
    row["customer_label"] = str(order.customer)
    line_rows = [
        {**{name: getattr(line, name) for name in DETAIL_LINE_FIELDS}, "unit_code": line.unit.code} for line in lines
    ]
    style_rows = [{name: getattr(style, name) for name in DETAIL_STYLE_FIELDS} for style in styles]
    return _detail(order.organization, row, style_rows, line_rows)


def _detail(organization: Any, order: dict[str, Any], styles: list[Any], lines: list[Any]) -> OrderDetail:
    figures, totals = _money(
        (
            (
                line["id"],
                line["quantity"],
                line["selling_price"],
                line["mill_price"],
                line["commission_per_unit"],
                line["delivered_quantity"],
            )
            for line in lines
        ),
        organization=organization,
        day=order["order_date"],
        currency=order["currency"],
    )
    return OrderDetail(order, styles, lines, figures, totals, organization.base_currency)
