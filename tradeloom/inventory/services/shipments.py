"""The warehouse a shipment ships from, and the stock its departure issues (reversed when it comes back).

* the warehouse is chosen (or cleared) while the shipment is booked: once it has left, its stock has moved;
* when a shipment with a warehouse departs, each of its lines with a catalogue item issues the line's quantity
  (converted from the line's unit into the item's stock unit) from that warehouse, in the departing transaction: a
  refusal (not enough stock, a unit of another dimension) refuses the departure; lines without an item issue nothing;
* when it is returned (or cancelled) those issues are reversed; both are idempotent (a source's moves are issued once
  and reversed once).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.inventory.events import ShipmentWarehouseAction
from tradeloom.inventory.models import ShipmentWarehouse, StockMove, Warehouse
from tradeloom.inventory.services.moves import stock_issue_many, stock_moves_reverse
from tradeloom.logistics import states as shipment_states
from tradeloom.logistics.models import Shipment, ShipmentLine

SHIPMENT_SOURCE = "logistics.shipment"


@transaction.atomic
def shipment_warehouse_set(
    *, organization: Any, by: Any, shipment: Shipment, warehouse: Warehouse | None
) -> ShipmentWarehouse | None:
    """Choose the warehouse ``shipment`` ships from (``None``: none, its departure moves no stock)."""
    if shipment.organization_id != organization.pk:
        raise ApplicationError("No such shipment.", code="not_found", status=404)
    locked = Shipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
    if locked.status != shipment_states.BOOKED:
        raise ApplicationError(
            f"{locked.number} has left (it is {locked.get_status_display().lower()}): the warehouse it ships from "
            "is chosen while it is booked.",
            code="invalid_transition",
            status=409,
            extra={"shipment_status": locked.status},
        )
    if warehouse is not None:
        if warehouse.organization_id != organization.pk:
            raise field_error("warehouse", "Choose one of your warehouses.")
        if warehouse.archived_at is not None:
            raise field_error("warehouse", f"{warehouse.code} is archived.", code="warehouse_archived")
    current = ShipmentWarehouse.objects.filter(organization=organization, shipment=locked).first()
    before = str(current.warehouse_id) if current else None
    if warehouse is None:
        if current is None:
            return None
        current.delete()
        result = None
        target: Any = current
    elif current is None:
        result = ShipmentWarehouse.objects.create(
            organization=organization,
            created_by_id=getattr(by, "user_id", None),
            shipment=locked,
            warehouse=warehouse,
        )
        target = result
    else:
        if current.warehouse_id == warehouse.pk:
            return current
        current.warehouse = warehouse
        current.save(update_fields=["warehouse", "updated_at"])
        result = target = current
    audit_record(
        actor=by,
        action=ShipmentWarehouseAction.SET,
        target=target,
        changes={
            "shipment": [None, locked.number],
            "warehouse": [before, warehouse.code if warehouse else None],
        },
    )
    return result


def shipment_stock_issue(*, shipment: Shipment, lines: list[ShipmentLine], by: Any) -> list[StockMove]:
    """The departure's issues (in its transaction): nothing without a warehouse, nothing twice."""
    mapping = (
        ShipmentWarehouse.objects.filter(organization_id=shipment.organization_id, shipment_id=shipment.pk)
        .select_related("warehouse")
        .first()
    )
    if mapping is None:
        return []
    issued = StockMove.objects.filter(
        organization_id=shipment.organization_id, source_type=SHIPMENT_SOURCE, source_id=shipment.pk
    ).exclude(kind=StockMove.Kind.REVERSAL)
    if issued.exists():
        return []
    rows = list(
        ShipmentLine.objects.filter(shipment_id=shipment.pk, line__item__isnull=False)
        .select_related("line__item__unit", "line__unit")
        .order_by("position", "id")
    )
    if not rows:
        return []
    organization = shipment.organization
    return stock_issue_many(
        organization=organization,
        by=by,
        warehouse=mapping.warehouse,
        rows=[(row.line.item, row.quantity, row.line.unit, "") for row in rows],  # type: ignore[misc]
        source_type=SHIPMENT_SOURCE,
        source_id=shipment.pk,
        reference=f"Shipment {shipment.number}",
        on=shipment.departed_on,
    )


def shipment_stock_reverse(*, shipment: Shipment, by: Any) -> list[StockMove]:
    """A return's (or cancellation's) reversal of what the departure issued; nothing when it issued nothing."""
    return stock_moves_reverse(
        organization=shipment.organization,
        by=by,
        source_type=SHIPMENT_SOURCE,
        source_id=shipment.pk,
        reason=(
            f"Shipment {shipment.number} {shipment.get_status_display().lower()}"
            + (f": {shipment.status_reason}" if shipment.status_reason else "")
        )[:500],
    )
