"""Every read of the inventory pages and endpoints: the organisation first, one statement per list or figure.

Balances are read as kept (``StockBalance``), never summed from the moves; an item's ledger shows each move with
the balance after it, as the move recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet, Sum

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.money import ZERO
from tradeloom.core.pagination import KeysetPage, PreparedFirstPage, parse_limit
from tradeloom.inventory.models import ShipmentWarehouse, StockBalance, StockMove, Warehouse
from tradeloom.logistics.models import Shipment
from tradeloom.logistics.selectors import shipments_visible
from tradeloom.tenancy.models import Membership


def warehouse_choices(*, organization: Any) -> QuerySet[Warehouse]:
    """The warehouses a move may use (not archived), by code."""
    return Warehouse.objects.filter(organization=organization, archived_at__isnull=True).order_by("code")


def item_choices(*, organization: Any) -> QuerySet[Item]:
    return Item.objects.filter(organization=organization, archived_at__isnull=True).order_by("code")


def unit_choices(*, organization: Any) -> QuerySet[UnitOfMeasure]:
    return UnitOfMeasure.objects.filter(organization=organization, archived_at__isnull=True).order_by(
        "dimension", "factor", "code"
    )


def warehouse_of(*, organization: Any, pk: Any) -> Warehouse | None:
    return Warehouse.objects.filter(organization=organization, pk=pk).first()


def item_of(*, organization: Any, pk: Any) -> Item | None:
    return Item.objects.filter(organization=organization, pk=pk).select_related("unit").first()


def balance_list(*, organization: Any) -> QuerySet[StockBalance]:
    """Stock on hand: each balance with its item (and stock unit) and warehouse — one statement a page."""
    return StockBalance.objects.filter(organization=organization).select_related("item__unit", "warehouse")


# The API list's columns (``api.serializers.balance_list_rows`` writes its JSON from them) and its order.
BALANCE_COLUMNS = (
    "id",
    "item_id",
    "item__code",
    "item__name",
    "warehouse_id",
    "warehouse__code",
    "warehouse__name",
    "lot",
    "quantity",
    "item__unit__code",
    "average_unit_cost",
    "value",
    "move_count",
    "updated_at",
    "created_at",
)
BALANCE_ORDERING = ("created_at", "id")


def _balance_page_rows(org: Any) -> QuerySet[StockBalance, dict[str, Any]]:
    # what ``filters.BalanceFilter`` leaves when nothing is asked: the balances that are not empty
    return StockBalance.objects.filter(organization_id=org).exclude(quantity=0, value=0).values(*BALANCE_COLUMNS)


_BALANCES_FIRST_PAGE = PreparedFirstPage(_balance_page_rows, ordering=BALANCE_ORDERING, org=UUID)


def balance_list_first_page(*, organization: Any, params: Any) -> KeysetPage | None:
    """The API list's first page when the request asks for nothing but a page size, through a statement compiled
    once (``PreparedFirstPage``): the rows and next cursor ``balance_list`` filtered by ``BalanceFilter`` and paged
    as ``values(*BALANCE_COLUMNS)`` would give. ``None`` for any other request (the general path answers it)."""
    if not params.keys() <= {"limit"}:
        return None
    return _BALANCES_FIRST_PAGE.page(limit=parse_limit(params.get("limit")), org=organization.pk)


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    quantity: Decimal
    value: Decimal
    balances: int


@dataclass(frozen=True)
class BalanceTotals:
    """The filtered balances' totals: value in base currency; quantities per stock unit (they only add up in one)."""

    value: Decimal
    by_unit: list[UnitTotal]
    balances: int


def balance_totals(queryset: QuerySet[StockBalance]) -> BalanceTotals:
    """One statement: the filtered balances grouped by stock unit."""
    rows = list(
        queryset.order_by()
        .values("item__unit__code")
        .annotate(quantity=Sum("quantity"), value=Sum("value"), balances=Count("id"))
        .order_by("item__unit__code")
    )
    by_unit = [
        UnitTotal(
            unit=row["item__unit__code"],
            quantity=row["quantity"] or ZERO,
            value=row["value"] or ZERO,
            balances=row["balances"],
        )
        for row in rows
    ]
    return BalanceTotals(
        value=sum((u.value for u in by_unit), ZERO),
        by_unit=by_unit,
        balances=sum(u.balances for u in by_unit),
    )


def move_list(*, organization: Any) -> QuerySet[StockMove]:
    """The ledger: each move with its item (and stock unit), warehouse and the unit it was given in."""
    return StockMove.objects.filter(organization=organization).select_related("item__unit", "warehouse", "given_unit")


def move_of(*, organization: Any, pk: Any) -> StockMove | None:
    return move_list(organization=organization).filter(pk=pk).first()


def move_reversed_ids(moves: list[StockMove]) -> set[Any]:
    """Which of ``moves`` are reversed already (one statement)."""
    if not moves:
        return set()
    return set(StockMove.objects.filter(reverses_id__in=[m.pk for m in moves]).values_list("reverses_id", flat=True))


def item_balances(*, organization: Any, item: Item) -> list[StockBalance]:
    """An item's balances in every warehouse (and lot), by warehouse code."""
    return list(
        StockBalance.objects.filter(organization=organization, item=item)
        .select_related("warehouse")
        .order_by("warehouse__code", "lot")
    )


def warehouse_balances(*, organization: Any, warehouse: Warehouse, limit: int) -> list[StockBalance]:
    """A warehouse's stock on hand, its largest balances by value first (empty ones left out), with each item and
    its unit: one statement."""
    return list(
        StockBalance.objects.filter(organization=organization, warehouse=warehouse)
        .exclude(quantity=0, value=0)
        .select_related("item__unit")
        .order_by("-value", "id")[:limit]
    )


def shipment_visible(*, organization: Any, membership: Membership, pk: Any) -> Shipment | None:
    return shipments_visible(organization=organization, membership=membership).filter(pk=pk).first()


def shipment_warehouse(*, organization: Any, shipment: Shipment) -> ShipmentWarehouse | None:
    return (
        ShipmentWarehouse.objects.filter(organization=organization, shipment=shipment)
        .select_related("warehouse")
        .first()
    )


def shipment_moves(*, organization: Any, shipment: Shipment) -> list[StockMove]:
    """The stock moves of a shipment (its departure's issues and their reversals), oldest first."""
    return list(
        move_list(organization=organization)
        .filter(source_type="logistics.shipment", source_id=shipment.pk)
        .order_by("created_at", "id")
    )
