"""Sales-order rules: create (with styles and lines, in bulk), merge a repeated PO, move lines through their
statuses, record deliveries, accept mill offers. Every change is audited in its transaction."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tradeloom.audit.services import audit_record, audit_record_many, changes_between
from tradeloom.catalog.services import unit_convert
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.sales.events import (
    LineAction,
    LinesCreated,
    LineStatusChanging,
    MillOfferAction,
    OrderAction,
    OrderConfirming,
)
from tradeloom.sales.models import (
    MAX_QUANTITY,
    QUANTITY_ABOVE_ZERO,
    QUANTITY_TOO_LARGE,
    Delivery,
    DeliveryRevision,
    Line,
    MillOffer,
    Order,
    Style,
)
from tradeloom.sales.money import confirmation_amount, line_figures, order_figures
from tradeloom.sales.search import SEARCH_COLUMNS, order_search_columns
from tradeloom.sales.selectors import orders_visible
from tradeloom.tenancy.roles import Role

ORDER = shape_of(Order)
STYLE = shape_of(Style)
LINE = shape_of(Line)


def _lines_created(order: Order, lines: list[Line], by: Any) -> None:
    """Other apps act on new lines in the creating transaction (approvals: the default gates)."""
    if lines:
        publish(LinesCreated(order=order, lines=lines, by=by))


@dataclass(frozen=True)
class CreatedOrder:
    """What ``order_create`` did: the order, whether it was merged into an open one of the same PO, and the styles
    and lines it inserted (a caller answers with them without reading the order back)."""

    order: Order
    merged: bool
    styles: list[Style]
    lines: list[Line]
    # what ``OrderConfirming``'s subscribers said when it was created confirmed
    warnings: list[str] = dataclasses.field(default_factory=list)


def _invalid(errors: dict[str, list[str]], message: str = "The order has invalid fields.") -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": errors})


STYLE_NUMBER_LENGTH = Style._meta.get_field("style_number").max_length or 60


def _style_numbers(base: str, existing: set[str], count: int) -> list[str]:
    """``count`` free style numbers ``<base>-01``, ``<base>-02`` … for styles given without one (the base is
    shortened when a long PO number would not leave room for the suffix)."""
    numbers: list[str] = []
    n = 1
    while len(numbers) < count:
        suffix = f"-{n:02d}"
        candidate = f"{base[: STYLE_NUMBER_LENGTH - len(suffix)]}{suffix}"
        if candidate not in existing:
            numbers.append(candidate)
            existing.add(candidate)
        n += 1
    return numbers


def styles_check(styles: list[dict[str, Any]]) -> None:
    """Refuse a payload whose styles repeat a style number or whose lines repeat a colour and CAD in a style."""
    errors: dict[str, list[str]] = {}
    numbers: set[str] = set()
    for s_index, style in enumerate(styles):
        number = (style.get("style_number") or "").strip()
        if number and number in numbers:
            errors[f"styles.{s_index}.style_number"] = ["This style number appears twice."]
        numbers.add(number)
        seen: set[tuple[str, str]] = set()
        lines = style.get("lines") or []
        if not lines:
            errors[f"styles.{s_index}.lines"] = ["A style needs at least one line."]
        for l_index, line in enumerate(lines):
            identity = (line["colour_code"].strip().upper(), (line.get("cad_code") or "").strip().upper())
            if identity in seen:
                errors[f"styles.{s_index}.lines.{l_index}.colour_code"] = ["This colour and CAD appear twice."]
            seen.add(identity)
            if line.get("unit") is None:
                errors[f"styles.{s_index}.lines.{l_index}.unit"] = ["Required."]
    if errors:
        raise _invalid(errors)


def _new_lines(
    organization: Any, by: Any, order: Order, style: Style, lines: list[dict[str, Any]], start: int
) -> list[Line]:
    return [
        Line(
            organization=organization,
            created_by_id=by.user_id,
            order=order,
            style=style,
            position=start + i,
            **{
                **{k: line.get(k) for k in LINE.create if k in line},
                "cad_code": (line.get("cad_code") or "").strip(),
                "colour_code": line["colour_code"].strip(),
            },
        )
        for i, line in enumerate(lines)
    ]


@transaction.atomic
def order_create(
    *,
    organization: Any,
    by: Any,
    data: dict[str, Any],
    styles: list[dict[str, Any]],
    merge: bool = False,
    confirm: bool = True,
    override_reason: str = "",
) -> CreatedOrder:
    """Create an order with its styles and lines in one transaction (a constant number of queries), or — with
    ``merge`` and an open order of the same customer and PO number — merge into that one.

    ``confirm`` (the default) creates it confirmed (open), as orders always were, after ``OrderConfirming``'s
    subscribers (the credit-limit check) had their say; ``confirm=False`` creates a draft, confirmed later by
    ``order_confirm``. A merge adds to an order already confirmed: it confirms nothing."""
    styles_check(styles)
    if merge:
        existing = (
            orders_visible(organization=organization, membership=by)
            .select_for_update()
            .filter(
                customer=data["customer"],
                po_number=data["po_number"],
                status=Order.Status.OPEN,
                archived_at__isnull=True,
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            if data.get("currency") and existing.currency != data["currency"]:
                raise ApplicationError(
                    f"{existing.number} (PO {existing.po_number}) is in {existing.currency}; these lines are in "
                    f"{data['currency']}. Merge in the order's currency or create a new order.",
                    code="currency_mismatch",
                    status=409,
                )
            return CreatedOrder(
                order=order_merge(order=existing, by=by, styles=styles), merged=True, styles=[], lines=[]
            )

    order = Order(
        organization=organization, created_by_id=by.user_id, **{k: v for k, v in data.items() if k in ORDER.create}
    )
    if confirm:
        order.status, order.confirmed_at, order.confirmed_by = Order.Status.OPEN, timezone.now(), by
    else:
        order.status = Order.Status.DRAFT
    order.number = number_allocate(organization=organization, kind="sales_order", on=order.order_date)
    try:
        # References arrive resolved inside the organisation (and the database checks them); uniqueness of the
        # number is the sequence's job. Skipping those checks keeps creation at a constant number of queries.
        order.full_clean(
            exclude=["organization", "created_by", "customer", "merchandiser"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise _invalid(exc.message_dict) from exc
    blank = sum(1 for s in styles if not (s.get("style_number") or "").strip())
    generated = iter(_style_numbers(order.po_number, {s.get("style_number", "") for s in styles}, blank))
    numbers = [(s.get("style_number") or "").strip() or next(generated) for s in styles]
    # What the order is found by, from what is about to be inserted (no need to read it back).
    columns = order_search_columns(
        number=order.number,
        po_number=order.po_number,
        buyer_name=order.buyer_name,
        styles=numbers,
        lines=[
            (line["colour_code"], line.get("colour_name", ""), line.get("cad_code", ""), line.get("cad_name", ""))
            for payload in styles
            for line in payload["lines"]
        ],
    )
    for column, value in columns.items():
        setattr(order, column, value)
    order.save()
    style_rows = [
        Style(
            organization=organization,
            created_by_id=by.user_id,
            order=order,
            position=i,
            **{**{k: s.get(k) for k in STYLE.create if s.get(k) is not None}, "style_number": numbers[i]},
        )
        for i, s in enumerate(styles)
    ]
    bulk_insert_objects(style_rows)
    lines: list[Line] = []
    for style, payload in zip(style_rows, styles, strict=True):
        lines += _new_lines(organization, by, order, style, payload["lines"], start=len(lines))
    bulk_insert_objects(lines)
    _lines_created(order, lines, by)
    warnings: list[str] = []
    changes: dict[str, Any] = {
        "number": [None, order.number],
        "po_number": [None, order.po_number],
        "styles": [None, len(style_rows)],
        "lines": [None, len(lines)],
        "status": [None, order.status],
    }
    if confirm:
        amount = _confirmation_amount(order, [_line_inputs(line) for line in lines])
        warnings = _confirming(order, by=by, amount=amount, override_reason=override_reason)
        # created confirmed: the creation's event says so (one audit row, as creating always wrote)
        changes.update(_confirmation_changes(order, amount=amount, warnings=warnings, override_reason=override_reason))
    audit_record(actor=by, action=OrderAction.CREATED, target=order, changes=changes)
    return CreatedOrder(order=order, merged=False, styles=style_rows, lines=lines, warnings=warnings)


# --- confirmation -------------------------------------------------------------------------------------------------
# An order is confirmed when it is created (the default) or, made as a draft, by ``order_confirm``. Either way
# ``OrderConfirming`` is published in the transaction with the order's total incl. tax, so the credit-limit check
# (receivables) sees every confirmation; its warnings come back to the caller, its refusal writes nothing.


def _line_inputs(line: Line) -> tuple[Any, ...]:
    return (
        line.quantity,
        line.selling_price,
        line.mill_price,
        line.commission_per_unit,
        line.delivered_quantity,
        line.tax_rate,
    )


def _confirmation_amount(order: Order, lines: list[tuple[Any, ...]]) -> Decimal | None:
    """The order's total incl. tax (``money.confirmation_amount``: ``None`` when a line has no selling price)."""
    figures = [
        line_figures(
            quantity=quantity,
            selling_price=price,
            mill_price=mill_price,
            commission_per_unit=commission,
            delivered=delivered,
            tax_rate=tax_rate,
            order_tax_rate=order.tax_rate,
        )
        for quantity, price, mill_price, commission, delivered, tax_rate in lines
    ]
    return confirmation_amount(order_figures(figures, rate=None))


def _confirming(order: Order, *, by: Any, amount: Decimal | None, override_reason: str) -> list[str]:
    event = OrderConfirming(
        order=order, amount=amount, currency=order.currency, by=by, override_reason=override_reason.strip()
    )
    publish(event)
    return list(event.warnings)


def _confirmation_changes(
    order: Order, *, amount: Decimal | None, warnings: list[str], override_reason: str
) -> dict[str, Any]:
    """What a confirmation records: the currency and total incl. tax, the override reason, the warnings."""
    changes: dict[str, Any] = {"currency": [None, order.currency]}
    if amount is not None:
        changes["amount"] = [None, str(amount)]
    if override_reason.strip():
        changes["reason"] = [None, override_reason.strip()]
    if warnings:
        changes["warnings"] = [None, " ".join(warnings)]
    return changes


@dataclass(frozen=True)
class ConfirmedOrder:
    """What ``order_confirm`` did: the order (now open) and the warnings ``OrderConfirming``'s subscribers gave."""

    order: Order
    warnings: list[str]


def _lock_order(order: Order, expected_version: int | None) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The order was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def _refuse_move(order: Order, status: str, action: str) -> None:
    if order.archived_at is not None or not order.can_become(status):
        state = "deleted" if order.archived_at is not None else order.get_status_display().lower()
        raise ApplicationError(
            f"{order.number} is {state}: only a draft can be {action}.",
            code="invalid_transition",
            status=409,
            extra={"order_status": order.status, "allowed": sorted(Order.TRANSITIONS.get(order.status, ()))},
        )


@transaction.atomic
def order_confirm(
    *, order: Order, by: Any, override_reason: str = "", expected_version: int | None = None
) -> ConfirmedOrder:
    """Confirm a draft (draft → open): ``OrderConfirming`` with its total incl. tax (its subscribers may warn or
    refuse), then the order is open, with who confirmed it and when, and audited (``sales_order.confirmed``)."""
    order = _lock_order(order, expected_version)
    _refuse_move(order, Order.Status.OPEN, "confirmed")
    lines = list(
        Line.objects.filter(order=order).values_list(
            "quantity", "selling_price", "mill_price", "commission_per_unit", "delivered_quantity", "tax_rate"
        )
    )
    amount = _confirmation_amount(order, lines)
    warnings = _confirming(order, by=by, amount=amount, override_reason=override_reason)
    order.status, order.confirmed_at, order.confirmed_by = Order.Status.OPEN, timezone.now(), by
    order.version += 1
    order.save(update_fields=["status", "confirmed_at", "confirmed_by", "version", "updated_at"])
    changes = {
        "status": [Order.Status.DRAFT.value, Order.Status.OPEN.value],
        **_confirmation_changes(order, amount=amount, warnings=warnings, override_reason=override_reason),
    }
    audit_record(actor=by, action=OrderAction.CONFIRMED, target=order, changes=changes)
    return ConfirmedOrder(order=order, warnings=warnings)


@transaction.atomic
def order_cancel(*, order: Order, by: Any, expected_version: int | None = None) -> Order:
    """Cancel a draft (draft → cancelled): it was never confirmed, so nothing else follows. Audited."""
    order = _lock_order(order, expected_version)
    _refuse_move(order, Order.Status.CANCELLED, "cancelled")
    order.status, order.version = Order.Status.CANCELLED, order.version + 1
    order.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=by,
        action=OrderAction.CANCELLED,
        target=order,
        changes={"status": [Order.Status.DRAFT.value, Order.Status.CANCELLED.value]},
    )
    return order


def order_merge(*, order: Order, by: Any, styles: list[dict[str, Any]]) -> Order:
    """Append new styles and lines to ``order``; a line matching an existing one (same style, colour and CAD)
    adds its quantity instead. Runs in the caller's transaction with the order locked."""
    styles_check(styles)
    existing_styles = {s.style_number: s for s in Style.objects.filter(order=order)}
    existing_lines = {
        (line.style_id, line.colour_code.upper(), line.cad_code.upper()): line
        for line in Line.objects.select_for_update().filter(order=order)
    }
    next_style = len(existing_styles)
    next_line = Line.objects.filter(order=order).count()
    blank = sum(1 for s in styles if not (s.get("style_number") or "").strip())
    given = {(s.get("style_number") or "").strip() for s in styles} - {""}
    generated = iter(_style_numbers(order.po_number, set(existing_styles) | given, blank))
    added_styles = added_lines = increased = 0
    created: list[Line] = []
    for payload in styles:
        number = (payload.get("style_number") or "").strip() or next(generated)
        style = existing_styles.get(number)
        if style is None:
            style = Style.objects.create(
                organization=order.organization,
                created_by_id=by.user_id,
                order=order,
                position=next_style,
                **{**{k: payload.get(k) for k in STYLE.create if payload.get(k) is not None}, "style_number": number},
            )
            existing_styles[number], next_style, added_styles = style, next_style + 1, added_styles + 1
        new: list[Line] = []
        for line in payload["lines"]:
            key = (style.pk, line["colour_code"].strip().upper(), (line.get("cad_code") or "").strip().upper())
            match = existing_lines.get(key)
            if match is not None:
                if line.get("unit") and line["unit"].pk != match.unit_id:
                    line_qty = unit_convert(quantity=line["quantity"], from_unit=line["unit"], to_unit=match.unit)
                else:
                    line_qty = line["quantity"]
                if match.quantity + line_qty > MAX_QUANTITY:
                    raise _invalid(
                        {"styles": [f"{match} would exceed the largest quantity a line takes ({MAX_QUANTITY:,})."]}
                    )
                match.quantity += line_qty
                Line.objects.filter(pk=match.pk).update(quantity=F("quantity") + line_qty, updated_at=timezone.now())
                increased += 1
            else:
                new += _new_lines(order.organization, by, order, style, [line], start=next_line + len(new))
        bulk_insert_objects(new)
        created += new
        next_line += len(new)
        added_lines += len(new)
    _lines_created(order, created, by)
    order.version += 1
    order.fill_search_columns()  # its new styles and lines are found too
    order.save(update_fields=["version", *SEARCH_COLUMNS, "updated_at"])
    audit_record(
        actor=by,
        action=OrderAction.MERGED,
        target=order,
        changes={"styles_added": [0, added_styles], "lines_added": [0, added_lines], "lines_increased": [0, increased]},
    )
    return order


@transaction.atomic
def line_update(*, line: Line, by: Any, data: dict[str, Any]) -> Line:
    line = Line.objects.select_for_update().get(pk=line.pk)
    before = {f: getattr(line, f) for f in LINE.update}
    for field, value in data.items():
        if field not in LINE.update:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(line, field, value)
    changes = {f: [before[f], getattr(line, f)] for f in LINE.update if before[f] != getattr(line, f)}
    if changes:
        line.save()
        if {"colour_name", "cad_name"} & set(changes):  # the order is found by its lines' names
            Order.objects.get(pk=line.order_id).reindex()
        audit_record(actor=by, action=LineAction.UPDATED, target=line, changes=changes)
    return line


STAGES = ("enquiry", "development", "sampling", "pre-production", "production", "shipment", "closed")


@transaction.atomic
def order_stage_change(*, order: Order, by: Any, stage: str, note: str = "") -> Order:
    """Move an order to a stage (an explicit action, audited with an optional note)."""
    stages = tuple((order.organization.settings or {}).get("order_stages") or STAGES)
    if stage not in stages:
        raise ApplicationError(
            f"“{stage}” is not a stage. Stages: {', '.join(stages)}.",
            code="invalid_stage",
            extra={"stages": list(stages)},
        )
    order = Order.objects.select_for_update().get(pk=order.pk)
    old = order.stage
    if old == stage:
        return order
    order.stage, order.version = stage, order.version + 1
    order.save(update_fields=["stage", "version", "updated_at"])
    changes: dict[str, Any] = {"stage": [old, stage]}
    if note:
        changes["note"] = [None, note]
    audit_record(actor=by, action=OrderAction.STAGE_CHANGED, target=order, changes=changes)
    return order


@transaction.atomic
def line_transition(*, line: Line, status: str, by: Any, override_reason: str = "") -> Line:
    line = Line.objects.select_for_update().get(pk=line.pk)
    if status not in Line.Status.values:
        raise ApplicationError(
            f"“{status}” is not a line status.",
            code="validation_error",
            extra={"errors": {"status": ["Not a line status."]}},
        )
    if not line.can_become(status):
        raise ApplicationError(
            f"A line that is {line.get_status_display().lower()} cannot become {Line.Status(status).label.lower()}.",
            code="invalid_transition",
            extra={"allowed": sorted(Line.TRANSITIONS[line.status])},
        )
    publish(LineStatusChanging(lines=[line], status=status, by=by, override_reason=override_reason))
    old = line.status
    line.status = status
    line.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=LineAction.STATUS_CHANGED, target=line, changes={"status": [old, status]})
    return line


@transaction.atomic
def lines_transition(*, lines: Any, status: str, by: Any, override_reason: str = "") -> list[Line]:
    """Move many lines (of any visible orders: ``lines`` is a queryset the caller scoped) to one status, all or
    nothing: if any line cannot make the move, none moves and the refusal names the lines that cannot."""
    if status not in Line.Status.values:
        raise _invalid({"status": ["Not a line status."]}, f"“{status}” is not a line status.")
    locked = list(lines.select_for_update(of=("self",)).select_related("order").order_by("order_id", "position"))
    if not locked:
        raise _invalid({"lines": ["Choose at least one line."]}, "Choose at least one line.")
    moving = [line for line in locked if line.status != status]
    refused = [line for line in moving if not line.can_become(status)]
    if refused:
        label = Line.Status(status).label.lower()
        names = ", ".join(f"{line.order.number} {line}" for line in refused[:10])
        more = f" and {len(refused) - 10} more" if len(refused) > 10 else ""
        raise ApplicationError(
            f"{len(refused)} of the chosen lines cannot become {label}: {names}{more}. Nothing was changed.",
            code="invalid_transition",
            extra={"refused": [str(line.pk) for line in refused]},
        )
    if moving:
        publish(LineStatusChanging(lines=moving, status=status, by=by, override_reason=override_reason))
        Line.objects.filter(pk__in=[line.pk for line in moving]).update(status=status, updated_at=timezone.now())
        audit_record_many(
            action=LineAction.STATUS_CHANGED,
            actor=by,
            changes_by_target=[(line, {"status": [line.status, status]}) for line in moving],
        )
        for line in moving:
            line.status = status
    return locked


# --- deliveries ---------------------------------------------------------------------------------------------------
# A line's delivered quantity is the sum of its deliveries that are not reversed, in the line's unit. Every service
# here locks the line first (then the delivery), so concurrent deliveries and corrections of one line queue up and
# the sum stays exact; the delivery rows keep their history (revisions, reversals) and the audit log says who did what.

DELIVERY = shape_of(Delivery)
THOUSANDTH = Decimal("0.001")
FUTURE_DELIVERY = "A delivery cannot be dated in the future."


def _line_for_delivery(line_id: Any) -> Line:
    """The line, locked (its row only, not the unit or organisation read with it)."""
    return Line.objects.select_for_update(of=("self",)).select_related("unit", "organization").get(pk=line_id)


def _delivery_checks(*, day: Any, quantity: Decimal) -> None:
    if quantity <= 0:
        raise field_error("quantity", QUANTITY_ABOVE_ZERO)
    if quantity > MAX_QUANTITY:
        raise field_error("quantity", QUANTITY_TOO_LARGE)
    if day > timezone.localdate():
        raise field_error("date", FUTURE_DELIVERY)


def _in_line_unit(*, line: Line, quantity: Decimal, unit: Any) -> Decimal:
    """``quantity`` in ``unit`` as the line's unit, to the thousandth (refused on the field when it cannot be)."""
    try:
        converted = unit_convert(quantity=quantity, from_unit=unit, to_unit=line.unit).quantize(THOUSANDTH)
    except ApplicationError as error:
        raise ApplicationError(error.message, code=error.code, extra={"errors": {"unit": [error.message]}}) from error
    if converted <= 0:
        raise field_error("quantity", f"{QUANTITY_ABOVE_ZERO[:-1]} in {line.unit.code} (the line's unit).")
    if converted > MAX_QUANTITY:
        raise field_error("quantity", QUANTITY_TOO_LARGE)
    return converted


def over_delivery_limit(line: Line) -> Decimal:
    """The most a line's deliveries may add up to without an override: ordered + the organisation's tolerance."""
    tolerance = line.organization.over_delivery_tolerance_percent
    return (line.quantity * (1 + tolerance / 100)).quantize(THOUSANDTH, rounding=ROUND_DOWN)


def _within_tolerance(*, line: Line, delivered: Decimal, by: Any, override_reason: str) -> None:
    """Refuse a delivered total beyond ``over_delivery_limit`` (409 ``over_delivery``, on the quantity field),
    unless an owner or admin gives a reason: then it is allowed and audited (``sales_line.over_delivery_allowed``)."""
    limit = over_delivery_limit(line)
    if delivered <= limit:
        return
    reason = override_reason.strip()
    tolerance = line.organization.over_delivery_tolerance_percent
    if not reason:
        message = (
            f"This takes {line} to {delivered.normalize():,f} {line.unit.code} delivered; it allows "
            f"{limit.normalize():,f} ({line.quantity.normalize():,f} ordered + {tolerance.normalize():f} %). "
            "An owner or admin may allow more with a reason."
        )
        raise ApplicationError(
            message,
            code="over_delivery",
            status=409,
            extra={"errors": {"quantity": [message]}, "limit": str(limit), "delivered": str(delivered)},
        )
    if by.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            "Only an owner or admin may allow a delivery beyond the over-delivery tolerance.",
            code="permission_denied",
            status=403,
        )
    audit_record(
        actor=by,
        action=LineAction.OVER_DELIVERY_ALLOWED,
        target=line,
        changes={
            "delivered_quantity": [str(line.delivered_quantity), str(delivered)],
            "limit": [None, str(limit)],
            "reason": [None, reason],
        },
    )


def _set_delivered(line: Line, delivered: Decimal) -> None:
    Line.objects.filter(pk=line.pk).update(delivered_quantity=delivered, updated_at=timezone.now())


@transaction.atomic
def delivery_record(
    *, line: Line, by: Any, date: Any, quantity: Decimal, unit: Any, note: str = "", override_reason: str = ""
) -> Delivery:
    """Record a supplier delivery; the line's delivered quantity grows by it, converted into the line's unit. Not
    dated in the future; not beyond the over-delivery tolerance without an owner's or admin's reason."""
    line = _line_for_delivery(line.pk)
    _delivery_checks(day=date, quantity=quantity)
    converted = _in_line_unit(line=line, quantity=quantity, unit=unit)
    delivered = line.delivered_quantity + converted
    _within_tolerance(line=line, delivered=delivered, by=by, override_reason=override_reason)
    delivery = Delivery.objects.create(
        organization_id=line.organization_id,
        created_by_id=by.user_id,
        line=line,
        date=date,
        quantity=quantity,
        unit=unit,
        quantity_in_line_unit=converted,
        note=note,
    )
    _set_delivered(line, delivered)
    audit_record(
        actor=by,
        action=LineAction.DELIVERY_RECORDED,
        target=line,
        changes={
            "delivery": [None, str(delivery.pk)],
            "delivered_quantity": [str(line.delivered_quantity), str(delivered)],
        },
    )
    return delivery


def _delivery_of(line: Line, delivery: Delivery) -> Delivery:
    locked = Delivery.objects.select_for_update(of=("self",)).select_related("unit").get(pk=delivery.pk, line=line)
    if locked.is_reversed:
        raise ApplicationError(
            "This delivery was reversed; record a new one instead.", code="delivery_reversed", status=409
        )
    return locked


@transaction.atomic
def delivery_correct(*, delivery: Delivery, by: Any, data: dict[str, Any], override_reason: str = "") -> Delivery:
    """Correct a delivery's date, quantity, unit or note. The values it replaces are kept (``DeliveryRevision``);
    the line's delivered quantity moves by the difference, under the same rules as a new delivery."""
    for field in data:
        if field not in DELIVERY.update:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
    line = _line_for_delivery(delivery.line_id)
    delivery = _delivery_of(line, delivery)
    before: dict[str, Any] = {
        "date": delivery.date,
        "quantity": delivery.quantity,
        "unit": delivery.unit,
        "note": delivery.note,
    }
    after = {**before, **data}
    _delivery_checks(day=after["date"], quantity=after["quantity"])
    changes = changes_between({**before, "unit": before["unit"].code}, {**after, "unit": after["unit"].code})
    if not changes:
        return delivery
    converted = _in_line_unit(line=line, quantity=after["quantity"], unit=after["unit"])
    delivered = line.delivered_quantity - delivery.quantity_in_line_unit + converted
    if converted > delivery.quantity_in_line_unit:
        _within_tolerance(line=line, delivered=delivered, by=by, override_reason=override_reason)
    DeliveryRevision.objects.create(
        organization_id=delivery.organization_id,
        created_by_id=by.user_id,
        delivery=delivery,
        date=delivery.date,
        quantity=delivery.quantity,
        unit=delivery.unit,
        quantity_in_line_unit=delivery.quantity_in_line_unit,
        note=delivery.note,
    )
    delivery.date, delivery.quantity, delivery.unit, delivery.note = (
        after["date"],
        after["quantity"],
        after["unit"],
        after["note"],
    )
    delivery.quantity_in_line_unit, delivery.edited_at = converted, timezone.now()
    delivery.save()
    if delivered != line.delivered_quantity:
        _set_delivered(line, delivered)
        changes["delivered_quantity"] = [str(line.delivered_quantity), str(delivered)]
    audit_record(
        actor=by,
        action=LineAction.DELIVERY_CORRECTED,
        target=line,
        changes={"delivery": [str(delivery.pk), str(delivery.pk)], **changes},
    )
    return delivery


@transaction.atomic
def delivery_reverse(*, delivery: Delivery, by: Any, reason: str) -> Delivery:
    """Take a delivery back (recorded by mistake, returned to the mill): the row stays, marked reversed with who,
    when and why, and the line's delivered quantity no longer counts it."""
    reason = reason.strip()
    if not reason:
        raise field_error("reason", "Say why the delivery is reversed.")
    line = _line_for_delivery(delivery.line_id)
    delivery = _delivery_of(line, delivery)
    delivery.reversed_at, delivery.reversed_by, delivery.reversal_reason = timezone.now(), by, reason
    delivery.save(update_fields=["reversed_at", "reversed_by", "reversal_reason", "updated_at"])
    delivered = line.delivered_quantity - delivery.quantity_in_line_unit
    _set_delivered(line, delivered)
    audit_record(
        actor=by,
        action=LineAction.DELIVERY_REVERSED,
        target=line,
        changes={
            "delivery": [str(delivery.pk), str(delivery.pk)],
            "delivered_quantity": [str(line.delivered_quantity), str(delivered)],
            "reason": [None, reason],
        },
    )
    return delivery


@transaction.atomic
def offer_create(*, line: Line, by: Any, data: dict[str, Any]) -> MillOffer:
    """Record a mill's offer. One whose "valid until" has already passed is refused at entry (on that field)."""
    valid_until = data.get("valid_until")
    if valid_until is not None and valid_until < timezone.localdate():
        raise field_error("valid_until", "This date has passed: the offer has already expired.")
    offer = MillOffer.objects.create(organization_id=line.organization_id, created_by_id=by.user_id, line=line, **data)
    audit_record(
        actor=by,
        action=MillOfferAction.CREATED,
        target=offer,
        changes={"supplier": [None, offer.supplier_id], "price": [None, offer.price]},
    )
    return offer


@transaction.atomic
def offer_accept(*, offer: MillOffer, by: Any) -> Line:
    """Accept a mill's offer: the line takes its mill and price. Only an offer in the order's currency."""
    offer = MillOffer.objects.select_for_update().select_related("line__order").get(pk=offer.pk)
    line = Line.objects.select_for_update().get(pk=offer.line_id)
    if offer.currency != offer.line.order.currency:
        raise ApplicationError(
            f"The offer is in {offer.currency}; the order is in {offer.line.order.currency}.",
            code="currency_mismatch",
        )
    if offer.valid_until and offer.valid_until < timezone.localdate():
        raise ApplicationError("This offer has expired.", code="offer_expired")
    before = {"supplier": line.supplier_id, "mill_price": line.mill_price}
    line.supplier_id, line.mill_price = offer.supplier_id, offer.price
    line.save(update_fields=["supplier", "mill_price", "updated_at"])
    MillOffer.objects.filter(line=line).update(accepted_at=None)
    MillOffer.objects.filter(pk=offer.pk).update(accepted_at=timezone.now())
    audit_record(
        actor=by,
        action=LineAction.OFFER_ACCEPTED,
        target=line,
        changes={
            "supplier": [before["supplier"], offer.supplier_id],
            "mill_price": [before["mill_price"], offer.price],
        },
    )
    return line
