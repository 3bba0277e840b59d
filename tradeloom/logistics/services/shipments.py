"""Booking a shipment with its lines and containers, changing its header, and its lines while it is booked.

The lines' rules: a shipment carries lines of one customer's open orders; each quantity is in the line's unit and
above zero; a line's shipped total (every shipment not cancelled or returned) may reach ordered x (1 + tolerance),
where the tolerance is the order's own or else the organisation's (``shipment_tolerance_percent``); beyond it only
an owner or admin, with a reason (audited as ``shipment.over_shipment_allowed``). The order lines' shipped figures
move in the same transaction, with the lines locked (``sales.shipping``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.logistics import states
from tradeloom.logistics.codes import (
    awb_number_normalise,
    container_number_normalise,
    transport_document_normalise,
    validate_awb_number,
)
from tradeloom.logistics.events import ShipmentAction, ShipmentBooked, ShipmentLinesChanged
from tradeloom.logistics.models import Container, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.sales.models import Line, Order
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.sales.shipping import lines_for_shipping, lines_shipping_move
from tradeloom.tenancy.roles import Role

SHIPMENT = shape_of(Shipment)
SHIPMENT_LINE = shape_of(ShipmentLine)
CONTAINER = shape_of(Container)
THOUSANDTH = Decimal("0.001")
# The checklist every shipment starts with (``documents`` adds others by name); the invoice and the packing list
# are due when the goods leave.
CHECKLIST = (
    (ShipmentDocument.Kind.COMMERCIAL_INVOICE, True),
    (ShipmentDocument.Kind.PACKING_LIST, True),
    (ShipmentDocument.Kind.TRANSPORT_DOCUMENT, False),
    (ShipmentDocument.Kind.CERTIFICATE_OF_ORIGIN, False),
    (ShipmentDocument.Kind.INSPECTION_CERTIFICATE, False),
    (ShipmentDocument.Kind.INSURANCE, False),
)


def invalid(errors: Mapping[str, list[str]], message: str = "The shipment has invalid fields.") -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def shipment_lock(shipment: Shipment, expected_version: int | None = None) -> Shipment:
    """The shipment, locked; 412 when ``expected_version`` is stale (If-Match)."""
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The shipment was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def tolerance_percent(order: Order, organization: Any = None) -> Decimal:
    """The order's shipment tolerance, else its organisation's (``organization``: the order's, when the caller has
    it at hand)."""
    if order.shipment_tolerance_percent is not None:
        return Decimal(order.shipment_tolerance_percent)
    return (organization or order.organization).shipment_tolerance_percent


def shipment_limit(line: Line, organization: Any = None) -> Decimal:
    """The most a line's shipments may carry without an override: ordered + the tolerance (to the thousandth,
    rounded down)."""
    percent = tolerance_percent(line.order, organization)
    return (line.quantity * (1 + percent / 100)).quantize(THOUSANDTH, rounding=ROUND_DOWN)


def _tolerance_check(
    *, shipment: Shipment, line: Line, shipped: Decimal, by: Any, override_reason: str, field: str
) -> None:
    """Refuse a line's shipped total beyond ``shipment_limit`` (409 ``over_shipment`` on ``field``) unless an owner
    or admin gives a reason: then it is allowed and audited."""
    limit = shipment_limit(line, shipment.organization)
    if shipped <= limit:
        return
    reason = (override_reason or "").strip()
    if not reason:
        percent = tolerance_percent(line.order, shipment.organization).normalize()
        message = (
            f"This ships {shipped.normalize():,f} {line.unit.code} of {line} ({line.order.number}); it allows "
            f"{limit.normalize():,f} ({line.quantity.normalize():,f} ordered + {percent:f} %). "
            "An owner or admin may allow more with a reason."
        )
        raise ApplicationError(
            message,
            code="over_shipment",
            status=409,
            extra={"errors": {field: [message]}, "limit": str(limit), "shipped": str(shipped), "line": str(line.pk)},
        )
    if by.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            "Only an owner or admin may ship beyond the tolerance.", code="permission_denied", status=403
        )
    audit_record(
        actor=by,
        action=ShipmentAction.OVER_SHIPMENT_ALLOWED,
        target=shipment,
        changes={
            "line": [None, f"{line.order.number} {line}"],
            "shipped": [str(line.shipped_quantity), str(shipped)],
            "limit": [None, str(limit)],
            "reason": [None, reason],
        },
    )


def _transport_document(shipment: Shipment) -> None:
    """Normalise the B/L or AWB number; an air shipment's must pass the AWB check."""
    number = (shipment.transport_document_number or "").strip()
    if number and shipment.mode == Shipment.Mode.AIR:
        try:
            validate_awb_number(number)
        except ValidationError as exc:
            raise field_error("transport_document_number", exc.messages[0], code="invalid_awb_number") from exc
        digits = awb_number_normalise(number)
        number = f"{digits[:3]}-{digits[3:]}"
    shipment.transport_document_number = number
    shipment.transport_document_key = transport_document_normalise(number)


def _customer_check(shipment: Shipment) -> None:
    customer = shipment.customer if shipment.customer_id else None
    if customer is None:
        raise field_error("customer", "Choose the customer the goods go to.")
    if customer.organization_id != shipment.organization_id:  # resolved in the organisation by callers; held here
        raise field_error("customer", "Choose one of your customers.")


def _carrier_check(shipment: Shipment) -> None:
    carrier = shipment.carrier
    if carrier is None:
        return
    if carrier.organization_id != shipment.organization_id:  # resolved in the organisation by callers; held here
        raise field_error("carrier", "Choose one of your carriers.")
    if carrier.mode != shipment.mode:
        raise field_error(
            "carrier",
            f"{carrier} is a {carrier.get_mode_display().lower()} carrier; this is a {shipment.mode} shipment.",
        )


def _document_unique(shipment: Shipment) -> None:
    """A B/L or AWB number is once per carrier (without a carrier it is not checked: the database does the same)."""
    if not shipment.transport_document_key or shipment.carrier_id is None:
        return
    taken = (
        Shipment.objects.filter(
            organization_id=shipment.organization_id,
            carrier_id=shipment.carrier_id,
            transport_document_key=shipment.transport_document_key,
        )
        .exclude(pk=shipment.pk)
        .values_list("number", flat=True)
        .first()
    )
    if taken:
        message = f"{taken} already has this B/L or AWB number with this carrier."
        raise ApplicationError(
            message,
            code="duplicate_transport_document",
            status=409,
            extra={"errors": {"transport_document_number": [message]}},
        )


def _header_clean(shipment: Shipment) -> None:
    try:
        shipment.full_clean(
            exclude=["organization", "created_by", "customer", "carrier"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc
    _customer_check(shipment)
    _carrier_check(shipment)
    _transport_document(shipment)
    _document_unique(shipment)


def _containers_build(shipment: Shipment, by: Any, payloads: list[dict[str, Any]]) -> list[Container]:
    """New containers from their payloads, checked (ISO 6346, once per shipment, sea and road only)."""
    if payloads and shipment.mode not in (Shipment.Mode.SEA, Shipment.Mode.ROAD):
        raise field_error("containers", f"A {shipment.mode} shipment has no containers.")
    containers: list[Container] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, payload in enumerate(payloads):
        container = Container(
            organization_id=shipment.organization_id,
            created_by_id=by.user_id,
            shipment=shipment,
            position=i,
            number=container_number_normalise(str(payload.get("number", ""))),
            kind=payload.get("kind", ""),
            seal_number=(payload.get("seal_number") or "").strip(),
        )
        try:
            container.full_clean(
                exclude=["organization", "created_by", "shipment"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"containers.{i}.{field}"] = messages
        if container.number in seen:
            errors[f"containers.{i}.number"] = [f"{container.number} is twice in this shipment."]
        seen.add(container.number)
        containers.append(container)
    if errors:
        raise invalid(errors)
    return containers


def _visible_lines(*, organization: Any, by: Any, line_ids: Iterable[Any]) -> dict[str, Line]:
    """The lines, locked, that this member may ship, by their ids as text: of the organisation (other
    organisations' lines are not found), of orders they may see."""
    lines = {str(k): v for k, v in lines_for_shipping(line_ids).items() if v.organization_id == organization.pk}
    if merchandiser_restricted(organization=organization, membership=by):
        lines = {k: v for k, v in lines.items() if v.order.merchandiser_id == by.pk}
    return lines


def _line_check(*, shipment: Shipment, line: Line) -> list[str]:
    """Why ``line`` cannot be on ``shipment`` (empty: it can)."""
    order = line.order
    if order.customer_id != shipment.customer_id:
        return [f"{order.number} is another customer's order; a shipment carries one customer's goods."]
    if order.status == Order.Status.CANCELLED or order.archived_at is not None:
        return [
            f"{order.number} is {'cancelled' if order.archived_at is None else 'deleted'}; its lines cannot be shipped."
        ]
    if line.status == Line.Status.ARCHIVED:
        return [f"{line} of {order.number} is archived."]
    return []


def _lines_build(
    *,
    shipment: Shipment,
    by: Any,
    payloads: list[dict[str, Any]],
    containers: Mapping[str, Container],
    single: bool = False,
) -> tuple[list[ShipmentLine], dict[str, Line]]:
    """New shipment lines from their payloads (``line`` an id; ``container`` a container number of the shipment),
    checked, with the order lines they ship, locked. Errors name ``lines.<n>.<field>``, or ``<field>`` for a
    ``single`` line added on its own."""
    ids = [p.get("line") for p in payloads]
    ids = [getattr(i, "pk", i) for i in ids]
    lines = _visible_lines(organization=shipment.organization, by=by, line_ids=[i for i in ids if i])
    errors: dict[str, list[str]] = {}
    rows: list[ShipmentLine] = []
    seen: set[str] = set()
    for i, (payload, line_id) in enumerate(zip(payloads, ids, strict=True)):
        prefix = "" if single else f"lines.{i}."
        line = lines.get(str(line_id))
        if line is None:
            errors[f"{prefix}line"] = ["No such order line."]
            continue
        if str(line.pk) in seen:
            errors[f"{prefix}line"] = [f"{line} of {line.order.number} is twice in this shipment."]
            continue
        seen.add(str(line.pk))
        problems = _line_check(shipment=shipment, line=line)
        if problems:
            errors[f"{prefix}line"] = problems
            continue
        container_number = container_number_normalise(str(payload.get("container") or ""))
        container = containers.get(container_number) if container_number else None
        if container_number and container is None:
            errors[f"{prefix}container"] = [f"{container_number} is not a container of this shipment."]
            continue
        row = ShipmentLine(
            organization_id=shipment.organization_id,
            created_by_id=by.user_id,
            shipment=shipment,
            order_id=line.order_id,
            line=line,
            position=i,
            container=container,
            **{
                k: payload[k]
                for k in ("quantity", "cartons", "gross_weight_kg", "net_weight_kg", "volume_cbm")
                if payload.get(k) is not None
            },
        )
        try:
            row.full_clean(
                exclude=["organization", "created_by", "shipment", "order", "line", "container"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{prefix}{field}"] = messages
            continue
        rows.append(row)
    if errors:
        raise invalid(errors, "Some lines cannot be shipped.")
    return rows, lines


def _totals(shipment: Shipment) -> None:
    """The shipment's sums of its lines (one statement), set on it (saved by the caller)."""
    sums = ShipmentLine.objects.filter(shipment=shipment).aggregate(
        lines=Count("id"),
        cartons=Sum("cartons"),
        gross=Sum("gross_weight_kg"),
        net=Sum("net_weight_kg"),
        cbm=Sum("volume_cbm"),
    )
    shipment.line_count = sums["lines"]
    shipment.total_cartons = sums["cartons"] or 0
    shipment.total_gross_kg = sums["gross"] or Decimal(0)
    shipment.total_net_kg = sums["net"] or Decimal(0)
    shipment.total_cbm = sums["cbm"] or Decimal(0)


def _totals_of(shipment: Shipment, rows: Iterable[ShipmentLine]) -> None:
    rows = list(rows)
    shipment.line_count = len(rows)
    shipment.total_cartons = sum((r.cartons or 0) for r in rows)
    shipment.total_gross_kg = sum((Decimal(r.gross_weight_kg or 0) for r in rows), Decimal(0))
    shipment.total_net_kg = sum((Decimal(r.net_weight_kg or 0) for r in rows), Decimal(0))
    shipment.total_cbm = sum((Decimal(r.volume_cbm or 0) for r in rows), Decimal(0))


@dataclass(frozen=True)
class BookedShipment:
    shipment: Shipment
    lines: list[ShipmentLine]
    containers: list[Container]


@transaction.atomic
def shipment_create(
    *,
    organization: Any,
    by: Any,
    data: dict[str, Any],
    lines: list[dict[str, Any]],
    containers: list[dict[str, Any]] | None = None,
    override_reason: str = "",
) -> BookedShipment:
    """Book a shipment of quantities of one customer's order lines, with its containers and its documents'
    checklist, in one transaction and a constant number of statements whatever the number of lines."""
    for field in data:
        if field not in SHIPMENT.create:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")
    if not lines:
        raise field_error("lines", "A shipment carries at least one order line.")
    shipment = Shipment(organization=organization, created_by_id=by.user_id, **data)
    _header_clean(shipment)
    built = _containers_build(shipment, by, list(containers or []))
    rows, order_lines = _lines_build(shipment=shipment, by=by, payloads=lines, containers={c.number: c for c in built})
    for i, row in enumerate(rows):
        line = order_lines[str(row.line_id)]
        _tolerance_check(
            shipment=shipment,
            line=line,
            shipped=line.shipped_quantity + row.quantity,
            by=by,
            override_reason=override_reason,
            field=f"lines.{i}.quantity",
        )
    shipment.number = number_allocate(organization=organization, kind="shipment")
    _totals_of(shipment, rows)
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError as exc:  # a concurrent booking took the B/L or AWB number
        if "logistics_shipment_document_key" in str(exc):
            raise field_error(
                "transport_document_number",
                "This carrier already has a shipment with this B/L or AWB number.",
                code="duplicate_transport_document",
            ) from exc
        raise
    bulk_insert_objects(built)
    bulk_insert_objects(rows)
    bulk_insert_objects(
        [
            ShipmentDocument(
                organization_id=organization.pk,
                created_by_id=by.user_id,
                shipment=shipment,
                kind=kind,
                position=i,
                due_date=shipment.etd if due_at_departure else None,
            )
            for i, (kind, due_at_departure) in enumerate(CHECKLIST)
        ]
    )
    lines_shipping_move(shipped={row.line_id: row.quantity for row in rows})
    audit_record(
        actor=by,
        action=ShipmentAction.CREATED,
        target=shipment,
        changes={"number": [None, shipment.number], "lines": [None, len(rows)], "status": [None, shipment.status]},
    )
    publish(ShipmentBooked(shipment=shipment, lines=rows, by=by))
    return BookedShipment(shipment=shipment, lines=rows, containers=built)


@transaction.atomic
def shipment_update(
    *, shipment: Shipment, by: Any, data: dict[str, Any], expected_version: int | None = None
) -> Shipment:
    """Change a shipment's header (not its customer, status or dates: those move by their actions). A delivered,
    returned or cancelled shipment changes only its notes; its mode cannot become air or courier with containers."""
    shipment = shipment_lock(shipment, expected_version)
    for field in data:
        if field not in SHIPMENT.update:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
    if shipment.is_final and set(data) - {"notes"}:
        raise ApplicationError(
            f"{shipment.number} is {shipment.get_status_display().lower()}; only its notes can change.",
            code="shipment_closed",
            status=409,
        )
    before = _values(shipment, SHIPMENT.update)
    for field, value in data.items():
        setattr(shipment, field, value)
    _header_clean(shipment)
    if shipment.mode not in (Shipment.Mode.SEA, Shipment.Mode.ROAD) and shipment.containers.exists():
        raise field_error("mode", f"Remove the containers before making this a {shipment.mode} shipment.")
    after = _values(shipment, SHIPMENT.update)
    changes = {k: [before[k], after[k]] for k in SHIPMENT.update if before[k] != after[k]}
    if not changes:
        return shipment
    shipment.version += 1
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError as exc:
        if "logistics_shipment_document_key" in str(exc):
            raise field_error(
                "transport_document_number",
                "This carrier already has a shipment with this B/L or AWB number.",
                code="duplicate_transport_document",
            ) from exc
        raise
    audit_record(actor=by, action="shipment.updated", target=shipment, changes=changes)
    return shipment


def _values(instance: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values, references as their ids."""
    return {f: getattr(instance, getattr(instance._meta.get_field(f), "attname", f)) for f in fields}


def _lines_editable(shipment: Shipment) -> None:
    if shipment.status not in states.LINES_EDITABLE:
        raise ApplicationError(
            f"{shipment.number} is {shipment.get_status_display().lower()}: its lines change only while it is booked.",
            code="shipment_not_editable",
            status=409,
        )


def _lines_changed(shipment: Shipment, by: Any) -> None:
    _totals(shipment)
    shipment.version += 1
    shipment.save(
        update_fields=[
            "line_count",
            "total_cartons",
            "total_gross_kg",
            "total_net_kg",
            "total_cbm",
            "version",
            "updated_at",
        ]
    )
    publish(ShipmentLinesChanged(shipment=shipment, lines=list(ShipmentLine.objects.filter(shipment=shipment)), by=by))


def _containers_by_number(shipment: Shipment) -> dict[str, Container]:
    return {c.number: c for c in Container.objects.filter(shipment=shipment)}


@transaction.atomic
def shipment_line_add(
    *, shipment: Shipment, by: Any, data: dict[str, Any], override_reason: str = "", expected_version: int | None = None
) -> ShipmentLine:
    """Add an order line's quantity to a booked shipment (the same rules as booking)."""
    shipment = shipment_lock(shipment, expected_version)
    _lines_editable(shipment)
    start = ShipmentLine.objects.filter(shipment=shipment).count()
    rows, order_lines = _lines_build(
        shipment=shipment, by=by, payloads=[data], containers=_containers_by_number(shipment), single=True
    )
    row = rows[0]
    if ShipmentLine.objects.filter(shipment=shipment, line_id=row.line_id).exists():
        raise field_error("line", f"{row.line} is already in {shipment.number}; change its quantity instead.")
    line = order_lines[str(row.line_id)]
    _tolerance_check(
        shipment=shipment,
        line=line,
        shipped=line.shipped_quantity + row.quantity,
        by=by,
        override_reason=override_reason,
        field="quantity",
    )
    row.position = start
    row.save()
    lines_shipping_move(shipped={row.line_id: row.quantity})
    audit_record(
        actor=by,
        action=ShipmentAction.LINE_ADDED,
        target=shipment,
        changes={"line": [None, f"{line.order.number} {line}"], "quantity": [None, str(row.quantity)]},
    )
    _lines_changed(shipment, by)
    return row


def _row_of(shipment: Shipment, row: ShipmentLine) -> ShipmentLine:
    return ShipmentLine.objects.select_for_update().get(pk=row.pk, shipment=shipment)


@transaction.atomic
def shipment_line_update(
    *,
    row: ShipmentLine,
    by: Any,
    data: dict[str, Any],
    override_reason: str = "",
    expected_version: int | None = None,
) -> ShipmentLine:
    """Change a booked shipment's line: its quantity (within the tolerance), packing or container."""
    shipment = shipment_lock(row.shipment, expected_version)
    _lines_editable(shipment)
    row = _row_of(shipment, row)
    for field in data:
        if field not in SHIPMENT_LINE.update:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
    line = _visible_lines(organization=shipment.organization, by=by, line_ids=[row.line_id]).get(str(row.line_id))
    if line is None:
        raise ApplicationError("No such shipment line.", code="not_found", status=404)
    before = _values(row, SHIPMENT_LINE.update)
    data = dict(data)
    if "container" in data:
        number = container_number_normalise(str(data["container"] or ""))
        container = _containers_by_number(shipment).get(number) if number else None
        if number and container is None:
            raise field_error("container", f"{number} is not a container of this shipment.")
        data["container"] = container
    for field, value in data.items():
        setattr(row, field, value)
    try:
        row.full_clean(
            exclude=["organization", "created_by", "shipment", "order", "line", "container"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict, "The line has invalid fields.") from exc
    after = _values(row, SHIPMENT_LINE.update)
    changes = {k: [str(before[k]), str(after[k])] for k in SHIPMENT_LINE.update if before[k] != after[k]}
    if not changes:
        return row
    delta = Decimal(row.quantity) - Decimal(before["quantity"])
    if delta > 0:
        _tolerance_check(
            shipment=shipment,
            line=line,
            shipped=line.shipped_quantity + delta,
            by=by,
            override_reason=override_reason,
            field="quantity",
        )
    row.save()
    if delta:
        lines_shipping_move(shipped={row.line_id: delta})
    audit_record(
        actor=by,
        action=ShipmentAction.LINE_CHANGED,
        target=shipment,
        changes={"line": [None, f"{line.order.number} {line}"], **changes},
    )
    _lines_changed(shipment, by)
    return row


@transaction.atomic
def shipment_line_remove(*, row: ShipmentLine, by: Any, expected_version: int | None = None) -> Shipment:
    """Take a line off a booked shipment: its quantity goes back to the order line's balance. The last line stays
    (cancel the shipment instead)."""
    shipment = shipment_lock(row.shipment, expected_version)
    _lines_editable(shipment)
    row = _row_of(shipment, row)
    if ShipmentLine.objects.filter(shipment=shipment).count() <= 1:
        raise ApplicationError(
            "This is the shipment's only line; cancel the shipment instead.", code="last_line", status=409
        )
    line = lines_for_shipping([row.line_id])[row.line_id]
    row.delete()
    lines_shipping_move(shipped={row.line_id: -Decimal(row.quantity)})
    audit_record(
        actor=by,
        action=ShipmentAction.LINE_REMOVED,
        target=shipment,
        changes={"line": [f"{line.order.number} {line}", None], "quantity": [str(row.quantity), None]},
    )
    _lines_changed(shipment, by)
    return shipment
