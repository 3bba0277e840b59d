"""Reads for orders: a projection with money in SQL for lists, and the whole order for the detail."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Least, Round
from django.http import Http404

from tradeloom.catalog.models import ExchangeRate
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.money import LineFigures, OrderFigures, line_figures, order_figures
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role

MONEY = DecimalField(max_digits=20, decimal_places=2)
# Extra columns other modules add to the orders list's one statement (approvals: ``gate_states``).
ORDER_LIST_ANNOTATIONS: dict[str, Callable[[], Any]] = {}
ZERO = Value(Decimal(0), output_field=MONEY)


def orders_visible(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """The organisation's orders this member may see. With ``settings["merchandisers_see_all_orders"]`` false,
    a merchandiser sees only the orders assigned to them."""
    qs = Order.objects.filter(organization=organization)
    see_all = (organization.settings or {}).get("merchandisers_see_all_orders", True)
    if membership.role == Role.MERCHANDISER and not see_all:
        qs = qs.filter(merchandiser=membership)
    return qs


def _line_sum(expression: Any) -> Any:
    return Coalesce(Sum(Round(expression, 2), output_field=MONEY), ZERO)


def order_list(*, organization: Any, membership: Membership) -> QuerySet[Order]:
    """Orders with their money totals computed in one SQL statement (same rounding as ``sales.money``)."""
    qty = F("lines__quantity")
    value = qty * Coalesce(F("lines__selling_price"), ZERO)
    cost = qty * Coalesce(F("lines__mill_price"), ZERO)
    commission = qty * Coalesce(F("lines__commission_per_unit"), ZERO)
    line_profit = Round(value, 2) - Round(cost, 2) - Round(commission, 2)
    ratio = Case(
        When(Q(lines__quantity__gt=0), then=Least(F("lines__delivered_quantity") / qty, Value(Decimal(1)))),
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )
    rate = (
        ExchangeRate.objects.filter(
            organization=organization,
            from_currency=OuterRef("currency"),
            to_currency=organization.base_currency,
            date__lte=OuterRef("order_date"),
            archived_at__isnull=True,
        )
        .order_by("-date")
        .values("rate")[:1]
    )
    return (
        orders_visible(organization=organization, membership=membership)
        .select_related("customer")
        .annotate(
            total_value=_line_sum(value),
            total_cost=_line_sum(cost),
            total_commission=_line_sum(commission),
            total_profit=Coalesce(Sum(line_profit, output_field=MONEY), ZERO),
            total_realised_profit=_line_sum(line_profit * ratio),
            line_count=Coalesce(Sum(Case(When(lines__isnull=False, then=1), default=0)), 0),
            base_rate=Subquery(rate),
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
    """Lines of the orders this member may see, deleted orders excluded."""
    orders = orders_visible(organization=organization, membership=membership).filter(archived_at__isnull=True)
    return Line.objects.filter(organization=organization, order__in=orders)


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
