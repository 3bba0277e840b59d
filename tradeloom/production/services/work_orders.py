"""Making work orders, changing them while they are drafts or pending, and their moves (``states.ACTIONS``).

The rules (docs/production.md):

* the item, purchase order, mill (supplier), unit and warehouse are the organisation's (another's: a field error,
  as if it did not exist); the quantity is above zero with at most 3 decimals; the percentages 0 to 100;
* ``lines`` are sales-order lines of one order (``order_mixed``), not completed or archived (``line_closed``), each
  once, each with a quantity above zero (default: the line's quantity); the work order's ``order`` is theirs; with no
  quantity given, it is their sum, with no unit the first line's; with no item and no product name, the first line's
  item (else its style and colour as the product name);
* the number is ``WO-000001`` (``core.numbering``, kind ``work_order``), allocated in the creating transaction;
* the requirements are the local-order calculator's (``sales.calculator.requirement``) for the work order's quantity,
  at its own loss and mixed percentages, else its first line's, else that line's order's, else 0: a greige row and
  a yarn row in the work order's unit; they are made again on every edit while nothing was issued against them (an
  item chosen for a row stays);
* only drafts and pending work orders change (``not_editable``, 409), with the version read (``precondition_failed``,
  412, when someone changed it since);
* the moves are the transitions table's (``invalid_transition``, 409); cancel and reopen need a reason; start sets
  the start date (default today, never in the future), complete the completion date; each publishes
  ``WorkOrderMoved``.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.inventory.models import Warehouse
from tradeloom.partners.models import Supplier
from tradeloom.production import states
from tradeloom.production.events import WorkOrderAction, WorkOrderMoved
from tradeloom.production.models import MAX_QUANTITY, WorkOrder, WorkOrderLine, WorkOrderRequirement
from tradeloom.production.services import figures
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.sales.calculator import requirement as calculator_requirement
from tradeloom.sales.models import Line

WO = shape_of(WorkOrder)
HEADER_FIELDS = WO.update
LINE_KEYS = frozenset({"line", "quantity"})
CLOSED_LINES = frozenset({Line.Status.COMPLETED, Line.Status.ARCHIVED})
ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_PIECES_TOTAL = 2_147_483_647  # the column's (a PostgreSQL integer)
UPDATED = "production_work_order.updated"  # the record verb (records.services)


def invalid(errors: Mapping[str, list[str]], message: str = "The work order has invalid fields.") -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def local_today(organization: Any) -> datetime.date:
    """Today in the organisation's time zone."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(getattr(organization, "timezone", "") or "UTC")).date()


def wo_lock(work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    """The work order, locked; 412 when ``expected_version`` is stale (If-Match, the form's version)."""
    locked = WorkOrder.objects.select_for_update(of=("self",)).select_related("organization").get(pk=work_order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The work order was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)
    return value


def quantity_text(value: Decimal, unit: Any) -> str:
    code = getattr(unit, "code", "") if unit is not None else ""
    return f"{Decimal(value).normalize():,f}" + (f" {code}" if code else "")


def decimal_of(value: Any, places: int) -> Decimal | None:
    """``value`` as a Decimal of at most ``places`` decimals (None when empty); ValueError when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter a number.") from exc
    if not number.is_finite():
        raise ValueError("Enter a number.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"Enter at most {places} decimals.")
    return number


def own(model: Any, value: Any, organization: Any, field: str, what: str) -> Any:
    """``value`` (an instance or an id) as a live record of the organisation, else a field error."""
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    try:
        pk = uuid.UUID(str(pk))
    except ValueError:
        raise field_error(field, f"Choose one of your {what}.") from None
    qs = model.objects.filter(organization=organization, pk=pk)
    if hasattr(model, "archived_at"):
        qs = qs.filter(archived_at__isnull=True)
    found = qs.first()
    if found is None:
        raise field_error(field, f"Choose one of your {what}.")
    return found


REFS: dict[str, tuple[Any, str]] = {
    "item": (Item, "items"),
    "purchase_order": (PurchaseOrder, "purchase orders"),
    "supplier": (Supplier, "mills"),
    "unit": (UnitOfMeasure, "units"),
    "warehouse": (Warehouse, "warehouses"),
}


def _header_fields(data: Mapping[str, Any]) -> None:
    for field in data:
        if field not in HEADER_FIELDS:
            raise ApplicationError(
                f"“{field}” cannot be set.", code="field_not_editable", extra={"errors": {field: ["Not editable."]}}
            )


def header_apply(work_order: WorkOrder, data: Mapping[str, Any]) -> None:
    """Set and check the header fields of ``data`` on ``work_order`` (not saved); every field's error at once."""
    organization = work_order.organization
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field in REFS:
            model, what = REFS[field]
            try:
                setattr(work_order, field, own(model, value, organization, field, what))
            except ApplicationError as error:
                errors.update(error.extra.get("errors", {}))
        elif field == "quantity":
            try:
                quantity = decimal_of(value, 3)
            except ValueError as exc:
                errors[field] = [str(exc)]
                continue
            if quantity is None or quantity <= 0:
                errors[field] = ["Quantity must be above zero."]
            elif quantity > MAX_QUANTITY:
                errors[field] = [f"Quantity must be at most {MAX_QUANTITY:,}."]
            else:
                work_order.quantity = quantity
        elif field in ("loss_percent", "mixed_percent"):
            try:
                percent = decimal_of(value, 2)
            except ValueError as exc:
                errors[field] = [str(exc)]
                continue
            if percent is not None and not ZERO <= percent <= HUNDRED:
                errors[field] = ["A percentage is from 0 to 100."]
            else:
                setattr(work_order, field, percent)
        elif field == "priority":
            if value not in dict(states.PRIORITIES):
                errors[field] = ["Choose low, normal, high or urgent."]
            else:
                work_order.priority = value
        elif field == "due_date":
            if value in (None, ""):
                errors[field] = ["Enter the due date."]
            elif not isinstance(value, datetime.date):
                try:
                    work_order.due_date = datetime.date.fromisoformat(str(value))
                except ValueError:
                    errors[field] = ["Enter a date (YYYY-MM-DD)."]
            else:
                work_order.due_date = value
        elif field in ("product_name", "notes"):
            text = str(value or "").strip()
            limit = 200 if field == "product_name" else 5000
            if len(text) > limit:
                errors[field] = [f"Keep it to {limit:,} characters."]
            else:
                setattr(work_order, field, text)
    if errors:
        raise invalid(errors)


def lines_build(
    *, work_order: WorkOrder, by: Any, payloads: Sequence[Mapping[str, Any]]
) -> tuple[list[WorkOrderLine], Any]:
    """The work order's lines from ``[{"line": sales.Line or id, "quantity": q}]``, checked (errors name
    ``lines.<n>.<field>``), and the order they belong to (None without lines)."""
    organization = work_order.organization
    ids: list[uuid.UUID] = []
    for payload in payloads:
        value = getattr(payload.get("line"), "pk", payload.get("line"))
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    found = {
        x.pk: x
        for x in Line.objects.filter(organization=organization, pk__in=ids).select_related("order", "style", "item")
    }
    errors: dict[str, list[str]] = {}
    rows: list[WorkOrderLine] = []
    order: Any = None
    seen: set[Any] = set()
    mixed = False
    for i, payload in enumerate(payloads):
        prefix = f"lines.{i}."
        unknown = set(payload) - LINE_KEYS
        if unknown:
            errors[f"{prefix}{sorted(unknown)[0]}"] = ["This cannot be set on a work-order line."]
            continue
        value = getattr(payload.get("line"), "pk", payload.get("line"))
        try:
            line = found.get(uuid.UUID(str(value)))
        except ValueError:
            line = None
        if line is None:
            errors[f"{prefix}line"] = ["Choose a line of one of your orders."]
            continue
        if line.pk in seen:
            errors[f"{prefix}line"] = ["This line is on the work order already."]
            continue
        seen.add(line.pk)
        if line.status in CLOSED_LINES or line.order.status == "cancelled":
            errors[f"{prefix}line"] = [f"{line.style.style_number} {line} is {line.get_status_display().lower()}."]
            continue
        if order is None:
            order = line.order
        elif line.order_id != order.pk:
            mixed = True
            errors[f"{prefix}line"] = [f"Every line of a work order is of one order ({order.number})."]
            continue
        try:
            quantity = decimal_of(payload.get("quantity"), 3)
        except ValueError as exc:
            errors[f"{prefix}quantity"] = [str(exc)]
            continue
        if quantity is None:
            quantity = Decimal(line.quantity)
        if quantity <= 0 or quantity > MAX_QUANTITY:
            errors[f"{prefix}quantity"] = ["Quantity must be above zero." if quantity <= 0 else "Too large."]
            continue
        rows.append(
            WorkOrderLine(
                organization_id=work_order.organization_id,
                created_by_id=by.user_id,
                work_order=work_order,
                line=line,
                quantity=quantity,
                position=i,
            )
        )
    if errors:
        if mixed:
            raise ApplicationError(
                "The lines of a work order are of one sales order.", code="order_mixed", extra={"errors": errors}
            )
        if any("is completed" in m[0] or "is archived" in m[0] for m in errors.values()):
            raise ApplicationError(
                "A completed or archived line cannot be made.", code="line_closed", extra={"errors": errors}
            )
        raise invalid(errors, "Some lines need a correction.")
    return rows, order


def line_label(line: Line) -> str:
    """``ST-100 NAVY (Navy blue)``: the style number and colour of an order line."""
    name = f" ({line.colour_name})" if line.colour_name else ""
    return f"{line.style.style_number} {line}{name}"


def defaults_from_lines(work_order: WorkOrder, rows: Sequence[WorkOrderLine], data: Mapping[str, Any]) -> None:
    """What the lines give a work order that does not say: its quantity, unit, and item or product name."""
    if not rows:
        return
    first = rows[0].line
    if "quantity" not in data or data.get("quantity") in (None, ""):
        work_order.quantity = sum((r.quantity for r in rows), ZERO)
    if work_order.unit_id is None:
        work_order.unit_id = first.unit_id
    if work_order.item_id is None and not work_order.product_name:
        if first.item_id:
            work_order.item = first.item
        else:
            work_order.product_name = line_label(first)[:200]


def header_check(work_order: WorkOrder) -> None:
    """What every work order needs, whatever was given."""
    errors: dict[str, list[str]] = {}
    if work_order.quantity is None:
        errors["quantity"] = ["Enter the quantity."]
    elif work_order.quantity > MAX_QUANTITY:
        errors["quantity"] = [f"Quantity must be at most {MAX_QUANTITY:,}."]
    if work_order.unit_id is None:
        errors["unit"] = ["Choose the unit."]
    if work_order.due_date is None:
        errors["due_date"] = ["Enter the due date."]
    if work_order.item_id is None and not work_order.product_name:
        errors["product_name"] = ["Choose an item, or say what is made."]
    if errors:
        raise invalid(errors)


def percentages_of(work_order: WorkOrder, first_line: Line | None) -> tuple[Decimal, Decimal]:
    """The calculator's loss and mixed percentages: the work order's, else its first line's, else that line's
    order's, else 0 (each on its own)."""

    def pick(own_value: Any, line_field: str, order_field: str) -> Decimal:
        if own_value is not None:
            return Decimal(own_value)
        if first_line is not None:
            if getattr(first_line, line_field) is not None:
                return Decimal(getattr(first_line, line_field))
            if getattr(first_line.order, order_field) is not None:
                return Decimal(getattr(first_line.order, order_field))
        return ZERO

    return (
        pick(work_order.loss_percent, "process_loss_percent", "process_loss_percent"),
        pick(work_order.mixed_percent, "mixed_percent", "mixed_percent"),
    )


def requirements_make(work_order: WorkOrder, *, by: Any, first_line: Line | None) -> list[WorkOrderRequirement]:
    """Make (or make again) the greige and yarn rows from the calculator; nothing when something was issued. Rows
    already there keep their item and description; the others (``other``) stay as they are."""
    current = list(WorkOrderRequirement.objects.filter(work_order=work_order).order_by("position", "id"))
    if any(r.issued_quantity > 0 for r in current):
        return current
    loss, mixed = percentages_of(work_order, first_line)
    need = calculator_requirement(finished=Decimal(work_order.quantity), loss_percent=loss, mixed_percent=mixed)
    wanted = {
        WorkOrderRequirement.Kind.GREIGE: need.greige,
        WorkOrderRequirement.Kind.YARN: need.yarn,
    }
    by_kind = {r.kind: r for r in current if r.kind in wanted}
    new: list[WorkOrderRequirement] = []
    for position, (kind, quantity) in enumerate(wanted.items()):
        row = by_kind.get(kind)
        if row is None:
            new.append(
                WorkOrderRequirement(
                    organization_id=work_order.organization_id,
                    created_by_id=by.user_id,
                    work_order=work_order,
                    kind=kind,
                    quantity=quantity,
                    unit_id=work_order.unit_id,
                    position=position,
                )
            )
        elif row.quantity != quantity or row.unit_id != work_order.unit_id:
            row.quantity, row.unit_id = quantity, work_order.unit_id
            row.save(update_fields=["quantity", "unit", "updated_at"])
    bulk_insert_objects(new)
    return sorted([*current, *new], key=lambda r: (r.position, str(r.pk)))


@transaction.atomic
def work_order_create(
    *,
    organization: Any,
    by: Any,
    data: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> WorkOrder:
    """A draft work order (``WO-000001``) with its lines and requirements."""
    data = dict(data)
    _header_fields(data)
    wo = WorkOrder(organization=organization, created_by_id=by.user_id, status=states.DRAFT, number="")
    errors: dict[str, list[str]] = {}
    try:
        header_apply(wo, data)
    except ApplicationError as error:
        errors.update(error.extra.get("errors", {}))
    rows, order = lines_build(work_order=wo, by=by, payloads=[dict(x) for x in lines or []])
    defaults_from_lines(wo, rows, data)
    try:
        header_check(wo)
    except ApplicationError as error:
        errors = {**error.extra.get("errors", {}), **errors}
    if errors:
        raise invalid(errors)
    wo.order = order
    wo.number = number_allocate(organization=organization, kind="work_order")
    wo.save()
    bulk_insert_objects(rows)
    requirements = requirements_make(wo, by=by, first_line=rows[0].line if rows else None)
    changes: dict[str, Any] = {
        "number": [None, wo.number],
        "status": [None, wo.status],
        "quantity": [None, quantity_text(wo.quantity, wo.unit)],
        "due_date": [None, wo.due_date.isoformat()],
        "priority": [None, wo.priority],
        "lines": [None, len(rows)],
        "requirements": [None, ", ".join(f"{r.kind} {quantity_text(r.quantity, wo.unit)}" for r in requirements)],
    }
    if order is not None:
        changes["order"] = [None, order.number]
    audit_record(actor=by, action=WorkOrderAction.CREATED, target=wo, changes=changes)
    return wo


def _editable(work_order: WorkOrder) -> None:
    if work_order.is_editable:
        return
    raise ApplicationError(
        f"{work_order.number} is {work_order.get_status_display().lower()}: only a draft or pending work order is "
        "edited.",
        code="not_editable",
        status=409,
        extra={"work_order_status": work_order.status},
    )


def values_of(instance: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {f: getattr(instance, instance._meta.get_field(f).attname) for f in fields}


def lines_replace(
    work_order: WorkOrder, *, by: Any, payloads: Sequence[Mapping[str, Any]]
) -> tuple[list[WorkOrderLine], Any, bool]:
    """Replace the lines by ``payloads``: the rows, their order, whether anything changed."""
    current = list(WorkOrderLine.objects.filter(work_order=work_order).order_by("position", "id"))
    rows, order = lines_build(work_order=work_order, by=by, payloads=payloads)
    before = [(r.line_id, r.quantity) for r in current]
    after = [(r.line_id, r.quantity) for r in rows]
    if before == after:
        return current, order, False
    if order is not None and work_order.order_id and order.pk != work_order.order_id:
        from tradeloom.production.models import ProductionEntry

        if ProductionEntry.objects.filter(work_order=work_order, line__isnull=False).exists():
            raise ApplicationError(
                f"{work_order.number} has production reported against its lines: it stays with its order.",
                code="order_mixed",
                extra={"errors": {"lines": ["Keep the lines of the same order."]}},
            )
    WorkOrderLine.objects.filter(work_order=work_order).delete()
    bulk_insert_objects(rows)
    return rows, order, True


@transaction.atomic
def work_order_update(
    *,
    organization: Any,
    by: Any,
    work_order: WorkOrder,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    version: int | None = None,
) -> WorkOrder:
    """Change a draft or pending work order: its header and, when ``lines`` is given, its lines (all of them). The
    requirements are made again while nothing was issued against them."""
    data = dict(data or {})
    _header_fields(data)
    if work_order.organization_id != organization.pk:
        raise WorkOrder.DoesNotExist("No such work order.")
    wo = wo_lock(work_order, version)
    _editable(wo)
    before = values_of(wo, HEADER_FIELDS)
    header_apply(wo, data)
    changes: dict[str, Any] = {}
    first_line: Line | None = None
    if lines is not None:
        rows, order, changed = lines_replace(wo, by=by, payloads=[dict(x) for x in lines])
        wo.order = order
        if changed:
            changes["lines"] = [None, len(rows)]
        first_line = rows[0].line if rows else None
    else:
        first = WorkOrderLine.objects.filter(work_order=wo).select_related("line__order").order_by("position").first()
        first_line = first.line if first else None
    header_check(wo)
    after = values_of(wo, HEADER_FIELDS)
    changes.update({k: [json_value(before[k]), json_value(v)] for k, v in after.items() if before[k] != v})
    if not changes:
        return wo
    requirements_make(wo, by=by, first_line=first_line)
    wo.version += 1
    wo.save()
    audit_record(actor=by, action=UPDATED, target=wo, changes=changes)
    return wo


# --- the moves --------------------------------------------------------------------------------------------------------

MOVE_ACTIONS = {
    states.RELEASE: WorkOrderAction.RELEASED,
    states.START: WorkOrderAction.STARTED,
    states.COMPLETE: WorkOrderAction.COMPLETED,
    states.CANCEL: WorkOrderAction.CANCELLED,
    states.REOPEN: WorkOrderAction.REOPENED,
}


def refuse(work_order: WorkOrder, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(work_order.status)]
    can = f"it can {', '.join(offered)}" if offered else "no action is left"
    what = action if action in states.ACTIONS else f"take “{action}”"
    return ApplicationError(
        f"{work_order.number} is {work_order.get_status_display().lower()}: it cannot {what} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"work_order_status": work_order.status, "allowed": offered},
    )


def figures_refresh(work_order: WorkOrder, *, today: datetime.date | None = None) -> list[str]:
    """Set the work order's totals, progress, estimate and late flag from its current entries (two statements); the
    fields that changed (not saved)."""
    from django.db.models import Max, Sum

    from tradeloom.production.models import ProductionEntry

    organization = work_order.organization
    today = today or local_today(organization)
    week = organization.work_week
    current = ProductionEntry.objects.filter(work_order=work_order, is_current=True)
    totals = current.aggregate(
        k=Sum("knitted"), d=Sum("dyed"), f=Sum("finished"), p=Sum("pieces"), r=Sum("rejects"), last=Max("produced_on")
    )
    first, _last = figures.window_of(today=today, work_week=week)
    daily = {
        row["produced_on"]: Decimal(row["f"] or 0)
        for row in current.filter(produced_on__gte=first, produced_on__lte=today)
        .order_by()
        .values("produced_on")
        .annotate(f=Sum("finished"))
    }
    values = {
        "knitted_quantity": Decimal(totals["k"] or 0),
        "dyed_quantity": Decimal(totals["d"] or 0),
        "finished_quantity": Decimal(totals["f"] or 0),
        "pieces": min(int(totals["p"] or 0), MAX_PIECES_TOTAL),
        "rejects": Decimal(totals["r"] or 0),
        "last_reported_on": totals["last"],
    }
    return figures_apply(work_order, values=values, daily=daily, today=today)


def figures_apply(
    work_order: WorkOrder,
    *,
    values: Mapping[str, Any],
    daily: Mapping[datetime.date, Decimal],
    today: datetime.date,
) -> list[str]:
    """Set the totals ``values`` and the figures they give (progress, estimate, late) on ``work_order``: the fields
    that changed (not saved)."""
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        if getattr(work_order, field) != value:
            setattr(work_order, field, value)
            changed.append(field)

    for field, value in values.items():
        put(field, value)
    week = work_order.organization.work_week
    finished = Decimal(work_order.finished_quantity)
    put("progress_percent", figures.progress_percent(quantity=Decimal(work_order.quantity), finished=finished))
    if work_order.status in states.OPEN:
        guess = figures.estimate(
            quantity=Decimal(work_order.quantity),
            finished=finished,
            daily_finished=daily,
            today=today,
            work_week=week,
            last_reported_on=work_order.last_reported_on,
        )
        put("estimated_completion", guess.estimated_completion)
        late = figures.is_late(
            status=work_order.status,
            due_date=work_order.due_date,
            remaining=guess.remaining,
            estimated_completion=guess.estimated_completion,
            today=today,
            work_week=week,
        )
        put("is_late", late)
    else:
        if work_order.status == states.COMPLETED:
            put("estimated_completion", work_order.completed_on)
        elif work_order.status == states.CANCELLED:
            put("estimated_completion", None)
        put("is_late", False)
    return changed


@transaction.atomic
def work_order_move(
    *,
    organization: Any,
    by: Any,
    work_order: WorkOrder,
    action: str,
    reason: str = "",
    on: datetime.date | None = None,
    version: int | None = None,
) -> WorkOrder:
    """Move the work order by ``action`` (``states.ACTIONS``)."""
    if work_order.organization_id != organization.pk:
        raise WorkOrder.DoesNotExist("No such work order.")
    wo = wo_lock(work_order, version)
    transition = states.ACTIONS.get(action)
    if transition is None or not wo.can(action):
        raise refuse(wo, action)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        what = "cancelled" if action == states.CANCEL else "reopened"
        raise field_error("reason", f"Say why the work order is {what}.")
    if len(reason) > 500:
        raise field_error("reason", "Keep the reason to 500 characters.")
    today = local_today(organization)
    day = on or today
    if on is not None and on > today:
        raise field_error("on", "This day has not come yet.")
    previous = wo.status
    wo.status = transition.target
    changes: dict[str, Any] = {"status": [previous, wo.status]}
    if action == states.START:
        wo.started_on = day
        changes["on"] = [None, day.isoformat()]
    elif action == states.COMPLETE:
        if wo.started_on and day < wo.started_on:
            raise field_error("on", f"It started on {wo.started_on:%d %b %Y}: it cannot be completed before.")
        wo.completed_on = day
        changes["on"] = [None, day.isoformat()]
    elif action == states.REOPEN:
        wo.completed_on = None
    if reason:
        wo.status_reason = reason
        changes["reason"] = [None, reason]
    elif action in (states.RELEASE, states.START, states.COMPLETE):
        wo.status_reason = ""
    figures_refresh(wo, today=today)
    wo.version += 1
    wo.save()
    audit_record(actor=by, action=MOVE_ACTIONS[action], target=wo, changes=changes)
    publish(WorkOrderMoved(work_order=wo, previous_status=previous, by=by))
    return wo


# --- each morning -----------------------------------------------------------------------------------------------------

REFRESHED = (
    "progress_percent",
    "estimated_completion",
    "is_late",
)


def organization_work_orders_refresh(*, organization: Any, today: datetime.date | None = None) -> int:
    """Re-estimate the organisation's open work orders (the rate window moves with the calendar): three statements
    whatever their number (the work orders, their finished quantities per day in the window, one UPDATE of those
    that changed). The number changed; running it twice changes nothing the second time."""
    from django.db.models import Sum

    from tradeloom.production.models import ProductionEntry

    today = today or local_today(organization)
    first, _last = figures.window_of(today=today, work_week=organization.work_week)
    open_orders = list(
        WorkOrder.objects.filter(organization=organization, status__in=states.OPEN).only(
            "id",
            "organization_id",
            "status",
            "quantity",
            "due_date",
            "finished_quantity",
            "last_reported_on",
            "completed_on",
            *REFRESHED,
        )
    )
    if not open_orders:
        return 0
    daily: dict[Any, dict[datetime.date, Decimal]] = {}
    for row in (
        ProductionEntry.objects.filter(
            organization=organization,
            is_current=True,
            work_order__status__in=states.OPEN,
            produced_on__gte=first,
            produced_on__lte=today,
        )
        .order_by()
        .values("work_order_id", "produced_on")
        .annotate(f=Sum("finished"))
    ):
        daily.setdefault(row["work_order_id"], {})[row["produced_on"]] = Decimal(row["f"] or 0)
    changed = []
    for wo in open_orders:
        wo.organization = organization
        if figures_apply(wo, values={}, daily=daily.get(wo.pk, {}), today=today):
            changed.append(wo)
    if changed:
        WorkOrder.objects.bulk_update(changed, list(REFRESHED), batch_size=500)
    return len(changed)


def work_orders_refresh(*, today: datetime.date | None = None) -> int:
    """Each morning (``core.periodic``): re-estimate every organisation's open work orders, each organisation in its
    own tenant context and time zone. The number of work orders changed."""
    from tradeloom.core.context import tenant_context
    from tradeloom.tenancy.models import Organization

    total = 0
    for organization in Organization.objects.filter(is_active=True).order_by("pk"):
        with tenant_context(organization):
            total += organization_work_orders_refresh(organization=organization, today=today)
    return total
