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

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.prepared import PreparedQuery
from tradeloom.core.shapes import instance_row, shape_of
from tradeloom.partners.models import Customer
from tradeloom.sales.extensions import ORDER_LIST_COLUMNS
from tradeloom.sales.models import (
    ActivityNote,
    DeletionRequest,
    Delivery,
    DeliveryRevision,
    Line,
    MillOffer,
    Order,
    Style,
    Task,
)
from tradeloom.sales.money import ORDER_LIST_TOTALS_SQL, LineFigures, OrderFigures, line_figures, order_figures
from tradeloom.sales.search import SEARCH_COLUMNS
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


# An order's search columns (``sales.search``): never read by the pages or the API, only searched.
ORDER_SEARCH_COLUMNS = (*SEARCH_COLUMNS, "search_vector")


def orders_visible(
    *, organization: Any, membership: Membership, queryset: QuerySet[Any] | None = None
) -> QuerySet[Order]:
    """The organisation's orders this member may see (``merchandiser_restricted``), from ``queryset`` if given.
    Their search columns are left out (large, and read only by the search itself)."""
    qs = (Order.objects.defer(*ORDER_SEARCH_COLUMNS) if queryset is None else queryset).filter(
        organization=organization
    )
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(merchandiser=membership)
    return qs


@cache
def _order_list_columns() -> QuerySet[Order]:
    """All orders with the list's extra columns, resolved once per process (after the apps registered theirs in
    ``sales.extensions.ORDER_LIST_COLUMNS``). Resolving the subqueries is most of what building the list's
    statement costs; ``order_list`` takes a filtered copy, which is cheap. Never evaluated itself."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return Order.objects.defer(*ORDER_SEARCH_COLUMNS).annotate(
        customer_name=Subquery(customer_name.values("label")[:1]),
        line_totals=RawSQL(ORDER_LIST_TOTALS_SQL, (), output_field=ArrayField(CharField())),  # noqa: S611
        **{column.annotation: column.expression() for column in ORDER_LIST_COLUMNS},
    )


def order_list(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """Orders with their money totals, customer name and (with approvals) gate states, in the page's one SQL
    statement: every extra column is a correlated subquery, so the scan walks the (organisation, created) index
    and stops after one page, at any depth. No join: the planner would misjudge a join to customers (their ids
    spread over many organisations) and sort the whole table."""
    return orders_visible(organization=organization, membership=membership, queryset=_order_list_columns())


ORDER, STYLE, LINE = shape_of(Order), shape_of(Style), shape_of(Line)


@cache
def _order_list_rows() -> QuerySet[Order]:
    extra = [column.annotation for column in ORDER_LIST_COLUMNS]
    return _order_list_columns().values(*ORDER.list, "customer_name", "line_totals", *extra)


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
        .select_related("organization", "customer", "merchandiser__user", "confirmed_by__user")
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


def line_visible_get(*, organization: Any, membership: Membership, pk: Any) -> Line:
    """A line of an order the member may see (not a deleted one); else 404."""
    line = lines_visible(organization=organization, membership=membership).filter(pk=pk).first()
    if line is None:
        raise Http404("No such line.")
    return line


def lines_visible_by_ids(*, organization: Any, membership: Membership, ids: Iterable[Any]) -> QuerySet[Line]:
    """The visible lines among ``ids`` (the caller compares the count: an id that is not there is refused)."""
    return lines_visible(organization=organization, membership=membership).filter(pk__in=set(ids))


def line_get(*, organization: Any, membership: Membership, order_id: Any, line_id: Any) -> Line:
    """A line of an order the member may see (404 otherwise), with its unit."""
    orders = orders_visible(organization=organization, membership=membership).filter(pk=order_id)
    line = Line.objects.filter(order__in=orders, pk=line_id).select_related("unit").first()
    if line is None:
        raise Http404("No such line.")
    return line


def line_of_order(*, order: Order, pk: Any) -> Line | None:
    """A line of ``order`` (None when it has no such line: a form names it, the page says so)."""
    return Line.objects.filter(order=order, pk=pk).first()


def unit_list_for_delivery(*, organization: Any, line: Line) -> QuerySet[UnitOfMeasure]:
    """The units a delivery of ``line`` may be recorded in: the organisation's units of the line unit's dimension."""
    return UnitOfMeasure.objects.filter(organization=organization, dimension=line.unit.dimension)


def unit_list_of_organization(*, organization: Any) -> QuerySet[UnitOfMeasure]:
    """Every unit of the organisation (a page groups them by dimension for its delivery forms)."""
    return UnitOfMeasure.objects.filter(organization=organization).order_by("dimension", "code")


def _revisions() -> Prefetch:
    return Prefetch("revisions", DeliveryRevision.objects.select_related("unit").order_by("created_at"))


def delivery_list_of_order(*, order: Order) -> QuerySet[Delivery]:
    """The deliveries of every line of ``order`` (reversed ones too), with their units and earlier versions."""
    return Delivery.objects.filter(line__order=order).select_related("unit").prefetch_related(_revisions())


def delivery_list_of_line(*, line: Line) -> QuerySet[Delivery]:
    """A line's deliveries (reversed ones too), with their units and earlier versions."""
    return line.deliveries.select_related("unit").prefetch_related(_revisions())


def delivery_of_line_get(*, line: Line, pk: Any) -> Delivery:
    """A delivery of ``line``; else 404."""
    delivery = Delivery.objects.filter(line=line, pk=pk).first()
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery


def delivery_of_order_get(*, order: Order, pk: Any) -> Delivery:
    """A delivery of a line of ``order``, with its line; else 404."""
    delivery = Delivery.objects.filter(line__order=order, pk=pk).select_related("line__unit").first()
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery


def offer_list_of_order(*, order: Order) -> QuerySet[MillOffer]:
    """The mill offers for every line of ``order``, with their suppliers, oldest first."""
    return MillOffer.objects.filter(line__order=order).select_related("supplier").order_by("created_at")


def offer_list_of_line(*, line: Line) -> QuerySet[MillOffer]:
    """A line's mill offers, cheapest first."""
    return line.offers.order_by("price", "created_at")


def offer_get(*, order: Order, pk: Any) -> MillOffer:
    """A mill offer for a line of ``order``, with its supplier and line; else 404."""
    offer = MillOffer.objects.filter(line__order=order, pk=pk).select_related("supplier", "line").first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def line_offer_get(*, line: Line, pk: Any) -> MillOffer:
    """A mill offer for ``line``; else 404."""
    offer = MillOffer.objects.filter(line=line, pk=pk).first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def task_list_of_order(*, order: Order, with_assignees: bool = False) -> QuerySet[Task]:
    """The tasks of ``order`` (with their assignees' memberships and users, for a page that names them)."""
    return order.tasks.select_related("assignee__user") if with_assignees else order.tasks.all()


def task_get(*, order: Order, pk: Any) -> Task:
    """A task of ``order``; else 404."""
    task = Task.objects.filter(order=order, pk=pk).first()
    if task is None:
        raise Http404("No such task.")
    return task


def note_list_of_order(*, order: Order) -> QuerySet[ActivityNote]:
    """The activity notes of ``order`` with their earlier versions (newest effective first: the model's order)."""
    return order.activity_notes.prefetch_related("revisions")


def note_get(*, order: Order, pk: Any, with_revisions: bool = False) -> ActivityNote:
    """An activity note of ``order`` (with its earlier versions, for an answer that shows them); else 404."""
    notes = ActivityNote.objects.filter(order=order)
    note = (notes.prefetch_related("revisions") if with_revisions else notes).filter(pk=pk).first()
    if note is None:
        raise Http404("No such note.")
    return note


def deletion_request_list_of_order(*, order: Order) -> QuerySet[DeletionRequest]:
    """The deletion requests of ``order``, newest first."""
    return order.deletion_requests.order_by("-created_at")


def deletion_request_pending_of_order(*, order: Order) -> DeletionRequest | None:
    """The deletion request of ``order`` waiting for a decision, with its author's user (None when there is none)."""
    pending = order.deletion_requests.filter(status=DeletionRequest.Status.PENDING)
    return pending.select_related("requested_by__user").first()


def deletion_request_get(*, order: Order, pk: Any) -> DeletionRequest:
    """A deletion request of ``order``; else 404."""
    deletion = DeletionRequest.objects.filter(order=order, pk=pk).first()
    if deletion is None:
        raise Http404("No such deletion request.")
    return deletion


def order_money(*, order: Order) -> tuple[dict[Any, LineFigures], OrderFigures]:
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
                line.tax_rate,
            )
            for line in order.lines.all()
        ),
        organization=order.organization,
        day=order.order_date,
        currency=order.currency,
        tax_rate=order.tax_rate,
    )


def _money(
    lines: Iterable[tuple[Any, Decimal, Decimal | None, Decimal | None, Decimal | None, Decimal, Decimal | None]],
    *,
    organization: Any,
    day: Any,
    currency: str,
    tax_rate: Decimal | None,
) -> tuple[dict[Any, LineFigures], OrderFigures]:
    figures = {
        pk: line_figures(
            quantity=quantity,
            selling_price=selling_price,
            mill_price=mill_price,
            commission_per_unit=commission,
            delivered=delivered,
            tax_rate=line_rate,
            order_tax_rate=tax_rate,
        )
        for pk, quantity, selling_price, mill_price, commission, delivered, line_rate in lines
    }
    rate = exchange_rate_on(
        organization=organization, day=day, from_currency=currency, to_currency=organization.base_currency
    )
    return figures, order_figures(figures.values(), rate=rate)


# --- the order detail as projections ------------------------------------------------------------------------------
# The API's order detail, and every API action that answers with the order, read it as three projections compiled
# once per process (core.prepared): no queryset compilation and no model instances per request.
@dataclass(frozen=True)
class OrderDetail:
    """An order as rows: ``order`` has the order's read columns (``Order.Shape.read``) and ``customer_label``;
    each style its read columns, each line its read columns and ``unit_code``; with the money of every line and of
    the order."""

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
        *ORDER.read, customer_label=Coalesce(NullIf("customer__trade_name", Value("")), "customer__legal_name")
    )


_ORDER_ROW = PreparedQuery(_order_row, org=UUID, pk=UUID)
_OWN_ORDER_ROW = PreparedQuery(_order_row, org=UUID, pk=UUID, merchandiser=UUID)
_STYLE_ROWS = PreparedQuery(
    lambda order: Style.objects.filter(order_id=order).order_by("position").values(*STYLE.read), order=UUID
)
_LINE_ROWS = PreparedQuery(
    lambda order: (
        Line.objects.filter(order_id=order).order_by("position").values(*LINE.read, unit_code=F("unit__code"))
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
    row = {**instance_row(order, ORDER.read), "customer_label": str(order.customer)}
    line_rows = [{**instance_row(line, LINE.read), "unit_code": line.unit.code} for line in lines]
    style_rows = [instance_row(style, STYLE.read) for style in styles]
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
                line["tax_rate"],
            )
            for line in lines
        ),
        organization=organization,
        day=order["order_date"],
        currency=order["currency"],
        tax_rate=order["tax_rate"],
    )
    return OrderDetail(order, styles, lines, figures, totals, organization.base_currency)
