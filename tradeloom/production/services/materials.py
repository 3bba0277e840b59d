"""What a work order takes from stock and gives back: its requirements' items, issues of yarn or greige ("production
out" moves) and receipts of finished goods ("production in" moves), through the inventory floor's ledger.

The rules (docs/production.md):

* a requirement's item, quantity and unit are set by hand (``requirement_update``): the item and unit the
  organisation's, the quantity zero or more; once something was issued against it, its item and unit stay
  (``requirement_issued``, 409);
* materials are issued to a pending or in-progress work order (``not_issuable``, 409), against a requirement with an
  item (``requirement_has_no_item``, 409), from a warehouse (default the work order's: ``warehouse_required``), a
  quantity above zero in the requirement's unit; the requirement's ``issued_quantity`` grows by it; more than
  required may be issued (waste happens);
* finished goods are received from a work order in progress or completed (``not_receivable``, 409) that makes a
  catalog item (``work_order_has_no_item``, 409), into a warehouse (default the work order's), at a unit cost in the
  base currency, in the work order's unit;
* the moves' source is the work order (``production.workorder``), their reference its number.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.inventory import services as stock
from tradeloom.inventory.models import StockMove, Warehouse
from tradeloom.production import states
from tradeloom.production.events import WorkOrderAction
from tradeloom.production.models import MAX_QUANTITY, WorkOrder, WorkOrderRequirement
from tradeloom.production.services.work_orders import decimal_of, local_today, own, quantity_text, wo_lock

SOURCE_TYPE = "production.workorder"
KEEP: Any = object()  # requirement_update: leave the field as it is
RECEIVABLE = frozenset({states.IN_PROGRESS, states.COMPLETED})


def _quantity(value: Any, field: str = "quantity", *, zero: bool = False) -> Decimal:
    try:
        number = decimal_of(value, 3)
    except ValueError as exc:
        raise field_error(field, str(exc)) from None
    if number is None or number < 0 or (number == 0 and not zero):
        raise field_error(field, "Enter a quantity above zero." if not zero else "Enter a quantity, zero or more.")
    if number > MAX_QUANTITY:
        raise field_error(field, f"Quantity must be at most {MAX_QUANTITY:,}.")
    return number


def _requirement_of(work_order: WorkOrder, requirement: WorkOrderRequirement) -> WorkOrderRequirement:
    locked = (
        WorkOrderRequirement.objects.select_for_update(of=("self",))
        .select_related("item", "unit")
        .filter(pk=requirement.pk, work_order=work_order)
        .first()
    )
    if locked is None:
        raise WorkOrderRequirement.DoesNotExist("No such requirement on this work order.")
    return locked


def _label(requirement: WorkOrderRequirement) -> str:
    return requirement.description or requirement.get_kind_display()


def _warehouse(work_order: WorkOrder, warehouse: Any, organization: Any) -> Warehouse:
    if warehouse in (None, ""):
        if work_order.warehouse_id is None:
            message = "Choose the warehouse."
            raise ApplicationError(message, code="warehouse_required", extra={"errors": {"warehouse": [message]}})
        return Warehouse.objects.get(pk=work_order.warehouse_id)
    found: Warehouse = own(Warehouse, warehouse, organization, "warehouse", "warehouses")
    return found


@transaction.atomic
def requirement_update(
    *,
    organization: Any,
    by: Any,
    requirement: WorkOrderRequirement,
    item: Any = KEEP,
    quantity: Any = KEEP,
    unit: Any = KEEP,
    description: Any = KEEP,
    version: int | None = None,
) -> WorkOrderRequirement:
    """Set a requirement's item (the yarn or greige bought), quantity, unit or description (``KEEP``: as it is)."""
    if requirement.organization_id != organization.pk:
        raise WorkOrderRequirement.DoesNotExist("No such requirement.")
    wo = wo_lock(WorkOrder(pk=requirement.work_order_id), version)
    row = _requirement_of(wo, requirement)
    if wo.status in states.FINAL:
        raise ApplicationError(
            f"{wo.number} is cancelled: its requirements stay as they are.", code="not_editable", status=409
        )
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    new_item, new_unit = row.item, row.unit
    if item is not KEEP:
        try:
            new_item = own(Item, item, organization, "item", "items") if item not in (None, "") else None
        except ApplicationError as error:
            errors.update(error.extra["errors"])
    if unit is not KEEP:
        try:
            new_unit = own(UnitOfMeasure, unit, organization, "unit", "units")
            if new_unit is None:
                errors["unit"] = ["Choose the unit."]
        except ApplicationError as error:
            errors.update(error.extra["errors"])
    new_quantity = row.quantity
    if quantity is not KEEP:
        try:
            new_quantity = _quantity(quantity, zero=True)
        except ApplicationError as error:
            errors.update(error.extra["errors"])
    new_description = row.description
    if description is not KEEP:
        new_description = str(description or "").strip()
        if len(new_description) > 200:
            errors["description"] = ["Keep it to 200 characters."]
    if errors:
        raise ApplicationError("The requirement has invalid fields.", code="validation_error", extra={"errors": errors})
    if row.issued_quantity > 0 and (
        getattr(new_item, "pk", None) != row.item_id or getattr(new_unit, "pk", None) != row.unit_id
    ):
        raise ApplicationError(
            f"{_label(row)} was issued from stock already: its item and unit stay.",
            code="requirement_issued",
            status=409,
        )
    if getattr(new_item, "pk", None) != row.item_id:
        changes["item"] = [str(row.item) if row.item_id else None, str(new_item) if new_item else None]
        row.item = new_item
    if new_unit is not None and new_unit.pk != row.unit_id:
        changes["unit"] = [row.unit.code, new_unit.code]
        row.unit = new_unit
    if new_quantity != row.quantity:
        changes["quantity"] = [str(row.quantity), str(new_quantity)]
        row.quantity = new_quantity
    if new_description != row.description:
        changes["description"] = [row.description, new_description]
        row.description = new_description
    if not changes:
        return row
    row.save()
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    changes["requirement"] = [None, _label(row)]
    audit_record(actor=by, action=WorkOrderAction.REQUIREMENT_CHANGED, target=wo, changes=changes)
    return row


@transaction.atomic
def material_issue(
    *,
    organization: Any,
    by: Any,
    work_order: WorkOrder,
    requirement: WorkOrderRequirement,
    warehouse: Any = None,
    quantity: Any,
    on: datetime.date | None = None,
    lot: str = "",
    version: int | None = None,
) -> StockMove:
    """Issue ``quantity`` (in the requirement's unit) of the requirement's item from ``warehouse`` to the work order:
    a "production out" move."""
    if work_order.organization_id != organization.pk:
        raise WorkOrder.DoesNotExist("No such work order.")
    wo = wo_lock(work_order, version)
    if wo.status not in states.REPORTABLE:
        raise ApplicationError(
            f"{wo.number} is {wo.get_status_display().lower()}: materials are issued to pending and in-progress work "
            "orders.",
            code="not_issuable",
            status=409,
        )
    row = _requirement_of(wo, requirement)
    if row.item_id is None:
        message = f"Choose the item of {_label(row).lower()} first: stock is issued by item."
        raise ApplicationError(
            message, code="requirement_has_no_item", status=409, extra={"errors": {"item": [message]}}
        )
    amount = _quantity(quantity)
    today = local_today(organization)
    if on is not None and on > today:
        raise field_error("on", "This day has not come yet.")
    store = _warehouse(wo, warehouse, organization)
    move = stock.stock_issue(
        organization=organization,
        by=by,
        warehouse=store,
        item=row.item,  # type: ignore[arg-type]  # checked above
        quantity=amount,
        unit=row.unit,
        source_type=SOURCE_TYPE,
        source_id=wo.pk,
        reference=wo.number,
        lot=lot,
        on=on or today,
        kind=StockMove.Kind.PRODUCTION_OUT,
    )
    row.issued_quantity = row.issued_quantity + amount
    row.save(update_fields=["issued_quantity", "updated_at"])
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=by,
        action=WorkOrderAction.MATERIAL_ISSUED,
        target=wo,
        changes={
            "requirement": [None, _label(row)],
            "item": [None, str(row.item)],
            "quantity": [None, quantity_text(amount, row.unit)],
            "warehouse": [None, store.code],
        },
    )
    return move


@transaction.atomic
def finished_receive(
    *,
    organization: Any,
    by: Any,
    work_order: WorkOrder,
    warehouse: Any = None,
    quantity: Any,
    unit_cost: Any,
    on: datetime.date | None = None,
    lot: str = "",
    version: int | None = None,
) -> StockMove:
    """Receive ``quantity`` (in the work order's unit) of its item into ``warehouse`` at ``unit_cost`` (base
    currency, per unit): a "production in" move."""
    if work_order.organization_id != organization.pk:
        raise WorkOrder.DoesNotExist("No such work order.")
    wo = wo_lock(work_order, version)
    if wo.status not in RECEIVABLE:
        raise ApplicationError(
            f"{wo.number} is {wo.get_status_display().lower()}: finished goods are received from work orders in "
            "progress or completed.",
            code="not_receivable",
            status=409,
        )
    if wo.item_id is None:
        message = f"{wo.number} makes “{wo.product_name}”, not a catalog item: there is no stock to receive into."
        raise ApplicationError(message, code="work_order_has_no_item", status=409)
    amount = _quantity(quantity)
    try:
        cost = decimal_of(unit_cost, 6)
    except ValueError as exc:
        raise field_error("unit_cost", str(exc)) from None
    if cost is None or cost < 0:
        raise field_error("unit_cost", "Enter the unit cost, zero or more.")
    today = local_today(organization)
    if on is not None and on > today:
        raise field_error("on", "This day has not come yet.")
    store = _warehouse(wo, warehouse, organization)
    item = Item.objects.get(pk=wo.item_id)
    unit = UnitOfMeasure.objects.get(pk=wo.unit_id)
    move = stock.stock_receive(
        organization=organization,
        by=by,
        warehouse=store,
        item=item,
        quantity=amount,
        unit=unit,
        unit_cost=cost,
        source_type=SOURCE_TYPE,
        source_id=wo.pk,
        reference=wo.number,
        lot=lot,
        on=on or today,
        kind=StockMove.Kind.PRODUCTION_IN,
    )
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=by,
        action=WorkOrderAction.FINISHED_RECEIVED,
        target=wo,
        changes={
            "item": [None, str(item)],
            "quantity": [None, quantity_text(amount, unit)],
            "unit_cost": [None, str(cost)],
            "warehouse": [None, store.code],
        },
    )
    return move
