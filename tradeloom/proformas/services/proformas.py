"""Making a proforma invoice from an order, and changing a draft.

The lines' rules (docs/proformas.md):

* a PI is made from one order: in its currency, for its customer; all of its lines (those not archived and with a
  quantity still to offer) or chosen lines;
* each line is by **quantity** (a quantity of the order line at its selling price) or by **amount** (a share of the
  line's value ``quantity x selling price``: a percentage, e.g. a 30 % advance, or an amount up to that value);
* a line without a selling price cannot be on a PI (``proforma_price_missing``);
* by quantity, a line may carry at most what is not yet on another **sent or accepted** PI (its latest revision) of
  that order line (``proforma_quantity_exceeded``): drafts do not hold quantities, so the rule is checked again
  when the PI is sent; lines by amount hold no quantity (the order-value rule at acceptance bounds them);
* each PI line copies the order line's selling price, unit and effective tax rate (the line's, else the order's) when
  made: a later change of the order does not change a PI.

Money (``core.money``): a line's amount is ``quantity x price`` (or ``value x percent / 100``, or the amount
given) rounded half up to cents; its tax is ``amount x rate / 100`` rounded half up to cents; the PI's subtotal and
tax are the sums of its lines' rounded figures and its total is subtotal + tax.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import ZERO, amount_sum, cents, percent_of
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.proformas import states
from tradeloom.proformas.events import ProformaAction, ProformaCreated
from tradeloom.proformas.models import MAX_QUANTITY, ProformaInvoice, ProformaLine
from tradeloom.sales.models import Line, Order

PROFORMA = shape_of(ProformaInvoice)
HEADER_FIELDS = PROFORMA.update
LINE_KEYS = frozenset({"line", "basis", "quantity", "percent", "amount"})
Basis = ProformaLine.Basis


def invalid(
    errors: Mapping[str, list[str]], message: str = "The proforma invoice has invalid fields."
) -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def local_today(organization: Any) -> date:
    """Today in the organisation's time zone."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(organization.timezone or "UTC")).date()


def order_lock(order: Order | Any) -> Order:
    """The order, locked: every PI write of an order takes it first (then the PI), so the quantity and order-value
    rules see each other's results."""
    pk: Any = getattr(order, "pk", order)
    return Order.objects.select_for_update().select_related("organization").get(pk=pk)


def proforma_lock(proforma: ProformaInvoice, expected_version: int | None = None) -> ProformaInvoice:
    """The PI, locked after its order; 412 when ``expected_version`` is stale (If-Match)."""
    order_lock(proforma.order_id)
    locked = ProformaInvoice.objects.select_for_update().select_related("organization").get(pk=proforma.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The proforma invoice was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


# --- the order's figures ----------------------------------------------------------------------------------------------


def effective_rate(line: Line, order: Order) -> Decimal:
    """A line's tax rate: its own, else its order's (CONTRACT interface 1)."""
    return Decimal(line.tax_rate if line.tax_rate is not None else (order.tax_rate or ZERO))


def line_value(line: Line) -> Decimal | None:
    """``quantity x selling price`` to cents; ``None`` without a price."""
    return None if line.selling_price is None else cents(Decimal(line.quantity) * Decimal(line.selling_price))


@dataclass(frozen=True)
class OrderValue:
    subtotal: Decimal
    tax: Decimal
    total: Decimal  # incl. tax
    price_missing_lines: int


def order_value(order: Order, lines: Iterable[Line] | None = None) -> OrderValue:
    """The order's value incl. tax by the written rule: per line amount and tax rounded, summed; lines without a
    selling price are left out (and counted). Archived lines are left out."""
    if lines is None:
        lines = (
            Line.objects.filter(order=order)
            .exclude(status=Line.Status.ARCHIVED)
            .only("quantity", "selling_price", "tax_rate", "status")
        )
    amounts: list[Decimal] = []
    taxes: list[Decimal] = []
    missing = 0
    for line in lines:
        if line.status == Line.Status.ARCHIVED:
            continue
        value = line_value(line)
        if value is None:
            missing += 1
            continue
        amounts.append(value)
        taxes.append(percent_of(value, effective_rate(line, order)))
    subtotal, tax = amount_sum(amounts), amount_sum(taxes)
    return OrderValue(subtotal=subtotal, tax=tax, total=subtotal + tax, price_missing_lines=missing)


def committed_quantities(*, order: Order | Any, exclude_number: str = "") -> dict[Any, Decimal]:
    """Per order line, the quantity on sent or accepted PIs of ``order`` by quantity (latest revisions only: the
    others are superseded), leaving out the PI numbered ``exclude_number`` (the one being made or revised)."""
    rows = ProformaLine.objects.filter(
        proforma__order_id=getattr(order, "pk", order),
        proforma__status__in=sorted(states.COMMITTED),
        basis=Basis.QUANTITY,
    )
    if exclude_number:
        rows = rows.exclude(proforma__number=exclude_number)
    totals: dict[Any, Decimal] = {}
    for line_id, quantity in rows.values_list("line_id", "quantity"):
        totals[line_id] = totals.get(line_id, ZERO) + Decimal(quantity or 0)
    return totals


# --- building lines ---------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter a number.") from exc
    if not number.is_finite():
        raise ValueError("Enter a number.")
    return number


def _description(line: Line) -> str:
    style = line.style.style_number if line.style_id else ""
    colour = f" {line.colour_name}" if line.colour_name else ""
    return f"{style} · {line}{colour}".strip(" ·")[:300]


def _order_lines(order: Order) -> dict[str, Line]:
    return {str(line.pk): line for line in Line.objects.filter(order=order).select_related("unit", "style")}


def lines_build(
    *,
    proforma: ProformaInvoice,
    order: Order,
    by: Any,
    payloads: Sequence[Mapping[str, Any]] | None,
    order_lines: Mapping[str, Line] | None = None,
) -> list[ProformaLine]:
    """The PI's lines from their payloads (``None``: every line of the order not archived with a quantity left,
    by quantity), checked; errors name ``lines.<n>.<field>``. Refusals, in this order: ``validation_error``,
    ``proforma_price_missing`` (409), ``proforma_quantity_exceeded`` (409)."""
    order_lines = order_lines if order_lines is not None else _order_lines(order)
    committed = committed_quantities(order=order, exclude_number=proforma.number)
    every = payloads is None
    if every:
        payloads = [
            {"line": line.pk}
            for line in sorted(order_lines.values(), key=lambda x: (x.position, str(x.pk)))
            if line.status != Line.Status.ARCHIVED and Decimal(line.quantity) - committed.get(line.pk, ZERO) > 0
        ]
        if not payloads:
            raise field_error(
                "lines",
                f"Every line of {order.number} is already on sent or accepted proforma invoices.",
                code="proforma_nothing_left",
            )
    if not payloads:
        raise field_error("lines", "Choose at least one line of the order.")
    errors: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    exceeded: dict[str, list[str]] = {}
    rows: list[ProformaLine] = []
    seen: set[str] = set()
    for i, payload in enumerate(payloads):
        prefix = f"lines.{i}."
        unknown = set(payload) - LINE_KEYS
        if unknown:
            errors[f"{prefix}{sorted(unknown)[0]}"] = ["This cannot be set on a line."]
            continue
        line_id = payload.get("line")
        line = order_lines.get(str(getattr(line_id, "pk", line_id)))
        if line is None:
            errors[f"{prefix}line"] = [f"No such line on {order.number}."]
            continue
        if str(line.pk) in seen:
            errors[f"{prefix}line"] = [f"{line} is twice on this proforma invoice."]
            continue
        seen.add(str(line.pk))
        if line.status == Line.Status.ARCHIVED:
            errors[f"{prefix}line"] = [f"{line} is archived."]
            continue
        if line.selling_price is None:
            missing[f"{prefix}line"] = [f"{line} has no selling price: give it one on the order first."]
            continue
        basis = payload.get("basis") or Basis.QUANTITY
        if basis not in Basis.values:
            errors[f"{prefix}basis"] = ["Choose “quantity” or “amount”."]
            continue
        try:
            quantity = _decimal(payload.get("quantity"))
            percent = _decimal(payload.get("percent"))
            amount_given = _decimal(payload.get("amount"))
        except ValueError as exc:
            key = next(k for k in ("quantity", "percent", "amount") if k in payload)
            errors[f"{prefix}{key}"] = [str(exc)]
            continue
        price = Decimal(line.selling_price)
        value = line_value(line) or ZERO
        row = ProformaLine(
            organization_id=proforma.organization_id,
            created_by_id=by.user_id,
            proforma=proforma,
            line=line,
            description=_description(line),
            basis=basis,
            unit=line.unit.code if line.unit_id else "",
            unit_price=price,
            tax_rate=effective_rate(line, order),
            position=i,
        )
        if basis == Basis.QUANTITY:
            if percent is not None or amount_given is not None:
                errors[f"{prefix}basis"] = ["A line by quantity takes a quantity, not a percentage or an amount."]
                continue
            remaining = Decimal(line.quantity) - committed.get(line.pk, ZERO)
            if quantity is None:
                quantity = max(remaining, ZERO)
            if quantity <= 0:
                errors[f"{prefix}quantity"] = (
                    ["Quantity must be above zero."]
                    if remaining > 0
                    else [f"{line} is already wholly on sent or accepted proforma invoices."]
                )
                continue
            if quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
                errors[f"{prefix}quantity"] = ["Enter a quantity with at most 3 decimals."]
                continue
            if quantity > remaining:
                exceeded[f"{prefix}quantity"] = [_exceeded_message(line, quantity, remaining)]
                continue
            row.quantity = quantity
            row.amount = cents(quantity * price)
        else:
            if quantity is not None:
                errors[f"{prefix}quantity"] = ["A line by amount takes a percentage or an amount, not a quantity."]
                continue
            if (percent is None) == (amount_given is None):
                errors[f"{prefix}percent"] = ["Give either a percentage of the line's value or an amount."]
                continue
            if percent is not None:
                if not Decimal(0) < percent <= Decimal(100) or percent != percent.quantize(Decimal("0.01")):
                    errors[f"{prefix}percent"] = ["The percentage must be above 0 and at most 100, with 2 decimals."]
                    continue
                row.percent = percent
                row.amount = percent_of(value, percent)
            elif amount_given is not None:
                if amount_given <= 0 or amount_given != amount_given.quantize(Decimal("0.01")):
                    errors[f"{prefix}amount"] = ["The amount must be above zero, in cents."]
                    continue
                if amount_given > value:
                    errors[f"{prefix}amount"] = [
                        f"The amount cannot be above the line's value ({order.currency} {value:,.2f})."
                    ]
                    continue
                row.amount = amount_given
        row.tax = percent_of(row.amount, row.tax_rate)
        rows.append(row)
    if errors:
        raise invalid(errors, "Some lines cannot be put on the proforma invoice.")
    if missing:
        raise ApplicationError(
            "A line without a selling price cannot be on a proforma invoice.",
            code="proforma_price_missing",
            status=409,
            extra={"errors": missing},
        )
    if exceeded:
        raise ApplicationError(
            next(iter(exceeded.values()))[0],
            code="proforma_quantity_exceeded",
            status=409,
            extra={"errors": exceeded},
        )
    return rows


def _exceeded_message(line: Line, quantity: Decimal, remaining: Decimal) -> str:
    unit = f" {line.unit.code}" if line.unit_id else ""
    return (
        f"{quantity.normalize():,f}{unit} of {line} is more than what is not yet on sent or accepted proforma "
        f"invoices ({max(remaining, ZERO).normalize():,f}{unit} of {Decimal(line.quantity).normalize():,f})."
    )


def totals_set(proforma: ProformaInvoice, rows: Iterable[ProformaLine]) -> None:
    """The PI's sums of its lines (saved by the caller)."""
    rows = list(rows)
    proforma.line_count = len(rows)
    proforma.subtotal = amount_sum(Decimal(r.amount) for r in rows)
    proforma.tax = amount_sum(Decimal(r.tax) for r in rows)
    proforma.total = proforma.subtotal + proforma.tax


def money_text(proforma: ProformaInvoice, amount: Decimal | None = None) -> str:
    return f"{proforma.currency} {(proforma.total if amount is None else amount):,.2f}"


# --- the header -------------------------------------------------------------------------------------------------------


def _header_clean(proforma: ProformaInvoice) -> None:
    try:
        proforma.full_clean(
            exclude=["organization", "created_by", "order", "customer", "payment_terms", "previous", "accepted_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc
    terms = proforma.payment_terms if proforma.payment_terms_id else None
    if terms is not None and terms.organization_id != proforma.organization_id:
        raise field_error("payment_terms", "Choose one of your payment terms.")


def _header_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for field in data:
        if field not in allowed:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")


def _order_check(order: Order, organization: Any) -> None:
    if order.organization_id != organization.pk:
        raise field_error("order", "No such order.")
    if order.archived_at is not None or order.status == Order.Status.CANCELLED:
        what = "deleted" if order.archived_at is not None else "cancelled"
        raise ApplicationError(
            f"{order.number} is {what}; no proforma invoice can be made from it.", code="order_closed", status=409
        )


def bank_details_default(organization: Any) -> str:
    """The bank details of the organisation's latest PI (the beneficiary's bank rarely changes), else empty."""
    latest = (
        ProformaInvoice.objects.filter(organization=organization)
        .exclude(bank_details="")
        .order_by("-created_at", "-id")
        .values_list("bank_details", flat=True)
        .first()
    )
    return latest or ""


def values_of(instance: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values, references as their ids."""
    return {f: getattr(instance, getattr(instance._meta.get_field(f), "attname", f)) for f in fields}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else (str(value) if isinstance(value, Decimal) else value)


@transaction.atomic
def proforma_create(
    *,
    organization: Any,
    by: Any,
    order: Order,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> ProformaInvoice:
    """Make a draft PI (revision 1) from ``order``: ``lines`` chosen (``None``: all of them), its number allocated
    by its PI date (default today in the organisation's time zone), payment terms by default the customer's, bank
    details by default the previous PI's."""
    data = dict(data or {})
    _header_fields(data, PROFORMA.create)
    order = order_lock(order)
    _order_check(order, organization)
    order_lines = _order_lines(order)
    data.setdefault("pi_date", local_today(organization))
    proforma = ProformaInvoice(
        organization=organization,
        created_by_id=by.user_id,
        order=order,
        customer_id=order.customer_id,
        currency=order.currency,
        status=states.DRAFT,
        **data,
    )
    if "payment_terms" not in data:
        proforma.payment_terms_id = getattr(order.customer, "payment_terms_id", None)
    if "bank_details" not in data:
        proforma.bank_details = bank_details_default(organization)
    _header_clean(proforma)
    rows = lines_build(proforma=proforma, order=order, by=by, payloads=lines, order_lines=order_lines)
    proforma.number = number_allocate(organization=organization, kind="proforma_invoice", on=proforma.pi_date)
    totals_set(proforma, rows)
    proforma.save()
    bulk_insert_objects(rows)
    audit_record(
        actor=by,
        action=ProformaAction.CREATED,
        target=proforma,
        changes={
            "number": [None, proforma.number],
            "lines": [None, len(rows)],
            "total": [None, money_text(proforma)],
            "status": [None, proforma.status],
        },
    )
    publish(ProformaCreated(proforma=proforma, by=by))
    return proforma


def _editable(proforma: ProformaInvoice) -> None:
    if not proforma.is_editable:
        hint = " Revise it instead." if proforma.is_revisable else ""
        raise ApplicationError(
            f"{proforma} is {proforma.get_status_display().lower()}: only a draft can be edited.{hint}",
            code="proforma_not_editable",
            status=409,
            extra={"proforma_status": proforma.status},
        )


def lines_changes(before: list[ProformaLine], after: list[ProformaLine]) -> dict[str, list[Any]]:
    """The audit rows of a change of lines: count and subtotal."""
    changes: dict[str, list[Any]] = {}
    if len(before) != len(after):
        changes["lines"] = [len(before), len(after)]
    old = [(str(r.line_id), r.basis, r.quantity, r.percent, r.amount) for r in before]
    new = [(str(r.line_id), r.basis, r.quantity, r.percent, r.amount) for r in after]
    if old != new and "lines" not in changes:
        changes["lines"] = [len(before), len(after)]
    return changes


@transaction.atomic
def proforma_update(
    *,
    proforma: ProformaInvoice,
    by: Any,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    expected_version: int | None = None,
) -> ProformaInvoice:
    """Change a draft: its header and, when ``lines`` is given, its lines (all of them, replaced; prices and tax
    rates read again from the order)."""
    data = dict(data or {})
    _header_fields(data, HEADER_FIELDS)
    proforma = proforma_lock(proforma, expected_version)
    _editable(proforma)
    before = values_of(proforma, HEADER_FIELDS)
    for field, value in data.items():
        setattr(proforma, field, value)
    _header_clean(proforma)
    changes = {k: [_json(before[k]), _json(v)] for k, v in values_of(proforma, HEADER_FIELDS).items() if before[k] != v}
    old_total = proforma.total
    if lines is not None:
        old_rows = list(ProformaLine.objects.filter(proforma=proforma))
        rows = lines_build(proforma=proforma, order=proforma.order, by=by, payloads=lines)
        line_changes = lines_changes(old_rows, rows)
        if line_changes:
            ProformaLine.objects.filter(proforma=proforma).delete()
            bulk_insert_objects(rows)
            totals_set(proforma, rows)
            changes.update(line_changes)
    if proforma.total != old_total:
        changes["total"] = [money_text(proforma, old_total), money_text(proforma)]
    if not changes:
        return proforma
    proforma.version += 1
    proforma.save()
    audit_record(actor=by, action="proforma.updated", target=proforma, changes=changes)
    return proforma
