"""Reads for orders: a projection with money in SQL for lists, and the whole order for the detail."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Round
from django.http import Http404

from tradeloom.catalog.services import exchange_rate_on
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.money import LineFigures, OrderFigures, line_figures, order_figures
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role

MONEY = DecimalField(max_digits=20, decimal_places=2)
# Extra columns other modules add to the orders list's one statement (approvals: ``gate_states``).
ORDER_LIST_ANNOTATIONS: dict[str, Callable[[], Any]] = {}
ZERO = Value(Decimal(0), output_field=MONEY)


def merchandiser_restricted(*, organization: Any, membership: Membership) -> bool:
    """With ``settings["merchandisers_see_all_orders"]`` false, a merchandiser sees only the orders assigned to
    them; managers, admins and owners see all."""
    see_all = (organization.settings or {}).get("merchandisers_see_all_orders", True)
    return membership.role == Role.MERCHANDISER and not see_all


def orders_visible(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """The organisation's orders this member may see (``merchandiser_restricted``)."""
    qs = Order.objects.filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(merchandiser=membership)
    return qs


def _per_order(aggregate: Any, output: Any = MONEY) -> Any:
    """A total over the order's lines as a correlated subquery: evaluated only for the rows of the page (the
    keyset scan on the orders index stops after ``limit`` rows), never for the whole table."""
    lines = Line.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(total=aggregate)
    return Coalesce(Subquery(lines.values("total")[:1], output_field=output), ZERO if output is MONEY else Value(0))


def order_list(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """Orders with their money totals, computed in the page's one SQL statement (same rounding as
    ``sales.money``). Each total is a correlated subquery over the order's lines, so the cost follows the page
    size, not the number of orders or lines."""
    qty = F("quantity")
    value = Round(qty * Coalesce(F("selling_price"), ZERO), 2)
    cost = Round(qty * Coalesce(F("mill_price"), ZERO), 2)
    commission = Round(qty * Coalesce(F("commission_per_unit"), ZERO), 2)
    ratio = Case(
        When(Q(quantity__gt=0), then=Least(F("delivered_quantity") / qty, Value(Decimal(1)))),
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )
    return (
        orders_visible(organization=organization, membership=membership)
        .select_related("customer")
        .annotate(
            total_value=_per_order(Sum(value, output_field=MONEY)),
            total_cost=_per_order(Sum(cost, output_field=MONEY)),
            total_commission=_per_order(Sum(commission, output_field=MONEY)),
            total_profit=_per_order(Sum(value - cost - commission, output_field=MONEY)),
            total_realised_profit=_per_order(Sum(Round((value - cost - commission) * ratio, 2), output_field=MONEY)),
            line_count=_per_order(Count("id"), output=IntegerField()),
            **{name: make() for name, make in ORDER_LIST_ANNOTATIONS.items()},
        )
    )


def order_get(*, organization: Any, membership: Membership, pk: Any) -> Order:
    order = (
        orders_visible(organization=organization, membership=membership)
        .select_related("organization", "customer", "merchandiser__user")
        .prefetch_related(
            Prefetch("styles", queryset=Style.objects.order_by("position")),
            Prefetch(
                "lines", queryset=Line.objects.select_related("unit", "supplier", "item", "style").order_by("position")
            ),
        )
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
    """Per-line and order figures, with the base-currency conversion at the order date's rate."""
    figures = {
        line.pk: line_figures(
            quantity=line.quantity,
            selling_price=line.selling_price,
            mill_price=line.mill_price,
            commission_per_unit=line.commission_per_unit,
            delivered=line.delivered_quantity,
        )
        for line in order.lines.all()
    }
    organization = order.organization
    rate = exchange_rate_on(
        organization=organization,
        day=order.order_date,
        from_currency=order.currency,
        to_currency=organization.base_currency,
    )
    return figures, order_figures(figures.values(), rate=rate)
