"""Making invoices (from a shipment, or from chosen quantities of an order's lines), changing a draft, and the two
actions: issue and void.

The rules (docs/invoicing.md):

* an invoice bills one customer in one currency: a shipment's orders must share their currency
  (``currency_mismatch``); an order or shipment cancelled (or returned) is not invoiced;
* a shipment is invoiced once (``shipment_already_invoiced``; a void invoice gives it back);
* an order line is invoiced up to the larger of its ordered and shipped quantities, counting every invoice not void
  (``over_invoicing``), with the order lines locked so concurrent invoices see each other;
* each line copies the order line's selling price (a line without one is refused: ``price_missing``) and its
  effective tax rate (the line's, else the order's);
* the invoice date fixes the number's year (``INV-2026-00001``), the rate to the base currency and the due date;
* terms counted from a shipment event (B/L date, arrival) need a shipment (``terms_need_shipment``);
* drafts change (If-Match); issued invoices do not (``invoice_not_editable``: corrections by credit note);
* issuing needs the rate (``rate_missing``) and a total above zero (``invoice_empty``) and, under an LC, draws on it
  (the LC's refusals, with its codes); voiding needs a reason and no payments (``invoice_has_payments``) nor credit
  notes (``invoice_has_credit_notes``), and releases the LC drawing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.invoicing import states
from tradeloom.invoicing.events import InvoiceAction, InvoiceIssued, InvoiceVoided
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.invoicing.quantities import invoiceable_limit, invoiced_quantities
from tradeloom.invoicing.services.due import SHIPMENT_BASES, bases_of, due_compute
from tradeloom.invoicing.services.figures import LineMoney, line_money, totals_of
from tradeloom.logistics import states as shipment_states
from tradeloom.logistics.models import Shipment, ShipmentLine
from tradeloom.sales.models import Line, Order

INVOICE = shape_of(Invoice)
ZERO = Decimal(0)
NOT_INVOICEABLE_SHIPMENTS = frozenset({shipment_states.CANCELLED, shipment_states.RETURNED})


def invalid(errors: Mapping[str, list[str]], message: str = "The invoice has invalid fields.") -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def invoice_lock(invoice: Invoice, expected_version: int | None = None) -> Invoice:
    """The invoice, locked; 412 when ``expected_version`` is stale (If-Match)."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The invoice was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def today_of(organization: Any) -> datetime.date:
    """Today in the organisation's time zone (what numbering reads as the year too)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(getattr(organization, "timezone", "") or "UTC"))


# --- what may be invoiced -------------------------------------------------------------------------------------------


def _lines_locked(line_ids: Iterable[Any]) -> dict[Any, Line]:
    """The order lines, locked in id order (as ``sales.shipping.lines_for_shipping``) with order, style and unit."""
    ids = sorted({str(i) for i in line_ids})
    lines = (
        Line.objects.select_for_update(of=("self",))
        .select_related("order", "style", "unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {line.pk: line for line in lines}


def _description(line: Line) -> str:
    parts = [line.style.style_number, str(line)]
    return " · ".join(p for p in parts if p)[:300]


def _rate_of(line: Line) -> Decimal:
    return Decimal(line.tax_rate if line.tax_rate is not None else line.order.tax_rate or ZERO)


def _build_line(
    invoice: Invoice, by: Any, line: Line, quantity: Decimal, position: int, shipment_line: Any = None
) -> InvoiceLine:
    price = Decimal(line.selling_price or 0)  # a line without a price is refused before
    money = line_money(quantity=quantity, unit_price=price, tax_rate=_rate_of(line))
    return InvoiceLine(
        organization_id=invoice.organization_id,
        created_by_id=by.user_id,
        invoice=invoice,
        order_id=line.order_id,
        line=line,
        shipment_line=shipment_line,
        description=_description(line),
        unit_code=line.unit.code,
        quantity=quantity,
        unit_price=price,
        tax_rate=_rate_of(line),
        amount=money.amount,
        tax=money.tax,
        position=position,
    )


def _over_invoicing(field: str, line: Line, quantity: Decimal, invoiced: Decimal) -> tuple[str, str]:
    limit = invoiceable_limit(line)
    left = max(limit - invoiced, ZERO)
    return field, (
        f"{line.order.number} {line}: {quantity.normalize():,f} {line.unit.code} is more than is left to invoice "
        f"({left.normalize():,f} of {limit.normalize():,f}; {invoiced.normalize():,f} already invoiced)."
    )


# --- the header: terms, LC, dates -------------------------------------------------------------------------------------


def _header_apply(invoice: Invoice, data: Mapping[str, Any]) -> None:
    for field, value in data.items():
        setattr(invoice, field, value)
    try:
        invoice.full_clean(
            exclude=[
                "organization",
                "created_by",
                "customer",
                "order",
                "shipment",
                "payment_terms",
                "letter_of_credit",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc
    terms = invoice.payment_terms
    if terms is not None and terms.organization_id != invoice.organization_id:
        raise field_error("payment_terms", "Choose one of your payment terms.")
    if invoice.shipment_id is None and bases_of(terms) & SHIPMENT_BASES:
        raise field_error(
            "payment_terms",
            f"{terms} count from a shipment event (B/L date or arrival); invoice the shipment instead, or choose terms "
            "counted from the invoice date.",
            code="terms_need_shipment",
        )
    lc = invoice.letter_of_credit
    if lc is not None:
        if lc.organization_id != invoice.organization_id:
            raise field_error("letter_of_credit", "Choose one of your letters of credit.")
        if lc.customer_id != invoice.customer_id:
            raise field_error("letter_of_credit", f"{lc} was opened by another customer.", code="lc_customer_mismatch")
        if lc.currency != invoice.currency:
            raise field_error(
                "letter_of_credit",
                f"{lc} is in {lc.currency}; this invoice is in {invoice.currency}.",
                code="lc_currency_mismatch",
            )


def _dates_apply(invoice: Invoice, shipment: Shipment | None) -> None:
    """The rate to the base currency at the invoice date, and the due date from the terms and the shipment's dates."""
    organization = invoice.organization
    invoice.exchange_rate = exchange_rate_on(
        organization=organization,
        day=invoice.issue_date,
        from_currency=invoice.currency,
        to_currency=organization.base_currency,
    )
    due = due_compute(
        terms=invoice.payment_terms,
        issue_date=invoice.issue_date,
        departed_on=shipment.departed_on if shipment else None,
        arrived_on=shipment.arrived_on if shipment else None,
    )
    invoice.due_date, invoice.due_basis, invoice.due_days = due.due_date, due.basis, due.days


def _new_invoice(*, organization: Any, by: Any, customer: Any, currency: str, data: Mapping[str, Any]) -> Invoice:
    for field in data:
        if field not in INVOICE.create:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")
    values = dict(data)
    values.setdefault("issue_date", today_of(organization))
    if values.get("issue_date") is None:
        values["issue_date"] = today_of(organization)
    if "payment_terms" not in values:
        values["payment_terms"] = customer.payment_terms
    if not values.get("bank_details"):
        values["bank_details"] = str((organization.settings or {}).get("bank_details", ""))[:2000]
    invoice = Invoice(
        organization=organization, created_by_id=by.user_id, customer=customer, currency=currency, number=""
    )
    for field, value in values.items():  # checked by ``_header_apply`` once the invoice knows its source
        setattr(invoice, field, value)
    return invoice


def _save_new(invoice: Invoice, rows: list[InvoiceLine], *, by: Any, source: str) -> Invoice:
    totals = totals_of(LineMoney(amount=r.amount, tax=r.tax) for r in rows)
    invoice.subtotal, invoice.tax = totals.subtotal, totals.tax
    invoice.total = totals.total
    invoice.line_count = len(rows)
    invoice.number = number_allocate(organization=invoice.organization, kind="invoice", on=invoice.issue_date)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError as exc:  # a concurrent invoice took the shipment
        if "invoicing_invoice_shipment_once" in str(exc):
            raise ApplicationError(
                "This shipment has just been invoiced.", code="shipment_already_invoiced", status=409
            ) from exc
        raise
    for row in rows:
        row.invoice = invoice
    bulk_insert_objects(rows)
    audit_record(
        actor=by,
        action=InvoiceAction.CREATED,
        target=invoice,
        changes={
            "number": [None, invoice.number],
            "source": [None, source],
            "lines": [None, len(rows)],
            "total": [None, str(invoice.total)],
            "status": [None, invoice.status],
        },
    )
    return invoice


# --- making invoices ------------------------------------------------------------------------------------------------


@transaction.atomic
def invoice_create_from_shipment(
    *, organization: Any, by: Any, shipment: Shipment, data: Mapping[str, Any] | None = None
) -> Invoice:
    """A draft invoice of everything a shipment carries: each shipment line's quantity at its order line's selling
    price and tax rate, in the orders' currency, to the shipment's customer."""
    shipment = (
        Shipment.objects.select_for_update(of=("self",)).select_related("customer__payment_terms").get(pk=shipment.pk)
    )
    if shipment.organization_id != organization.pk:
        raise ApplicationError("No such shipment.", code="not_found", status=404)
    if shipment.status in NOT_INVOICEABLE_SHIPMENTS:
        raise ApplicationError(
            f"{shipment.number} is {shipment.get_status_display().lower()}: its goods are not billed.",
            code="shipment_not_invoiceable",
            status=409,
        )
    taken = (
        Invoice.objects.filter(shipment=shipment).exclude(status=states.VOID).values_list("number", flat=True).first()
    )
    if taken:
        raise ApplicationError(
            f"{shipment.number} is invoiced already ({taken}); void that invoice to invoice it again.",
            code="shipment_already_invoiced",
            status=409,
            extra={"invoice": taken},
        )
    rows = list(ShipmentLine.objects.filter(shipment=shipment).order_by("position", "id"))
    lines = _lines_locked(r.line_id for r in rows)
    currencies = sorted({lines[r.line_id].order.currency for r in rows})
    if len(currencies) > 1:
        raise ApplicationError(
            f"{shipment.number} carries orders in {' and '.join(currencies)}; an invoice is in one currency. "
            "Invoice each order apart.",
            code="currency_mismatch",
            status=409,
            extra={"currencies": currencies},
        )
    if not rows:
        raise ApplicationError(f"{shipment.number} carries no lines.", code="invoice_empty", status=409)
    invoice = _new_invoice(
        organization=organization, by=by, customer=shipment.customer, currency=currencies[0], data=data or {}
    )
    invoice.shipment = shipment
    orders = {lines[r.line_id].order_id for r in rows}
    invoice.order_id = next(iter(orders)) if len(orders) == 1 else None
    _header_apply(invoice, {})
    invoiced = invoiced_quantities(lines)
    errors: dict[str, list[str]] = {}
    built = []
    for i, row in enumerate(rows):
        line = lines[row.line_id]
        if line.selling_price is None:
            errors[f"lines.{i}.line"] = [f"{line.order.number} {line} has no selling price."]
            continue
        already = invoiced.get(line.pk, ZERO)
        if already + row.quantity > invoiceable_limit(line):
            field, message = _over_invoicing(f"lines.{i}.quantity", line, Decimal(row.quantity), already)
            errors[field] = [message]
            continue
        built.append(_build_line(invoice, by, line, Decimal(row.quantity), i, shipment_line=row))
    _refuse_lines(errors)
    _dates_apply(invoice, shipment)
    return _save_new(invoice, built, by=by, source=shipment.number)


def _refuse_lines(errors: dict[str, list[str]]) -> None:
    if not errors:
        return
    messages = [m for ms in errors.values() for m in ms]
    code = "price_missing" if all("selling price" in m for m in messages) else "over_invoicing"
    raise ApplicationError(
        messages[0] if len(messages) == 1 else "Some lines cannot be invoiced.",
        code=code,
        status=409,
        extra={"errors": errors},
    )


@transaction.atomic
def invoice_create_from_order(
    *,
    organization: Any,
    by: Any,
    order: Order,
    lines: Sequence[Mapping[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Invoice:
    """A draft invoice of chosen quantities of an order's lines (``lines``: ``{"line": id, "quantity": q}``; none:
    every line with what is left to invoice), each at most what is left (ordered or shipped, whichever is larger,
    less what invoices not void already bill)."""
    order = Order.objects.select_related("customer__payment_terms").get(pk=order.pk)
    if order.organization_id != organization.pk:
        raise ApplicationError("No such order.", code="not_found", status=404)
    draft = getattr(Order.Status, "DRAFT", None)
    if order.status in (Order.Status.CANCELLED, draft) or order.archived_at is not None:
        what = (
            "deleted"
            if order.archived_at is not None
            else "not confirmed yet"
            if order.status == draft
            else "cancelled"
        )
        raise ApplicationError(
            f"{order.number} is {what}: it is not invoiced.", code="order_not_invoiceable", status=409
        )
    order_line_ids = list(Line.objects.filter(order=order).order_by("pk").values_list("pk", flat=True))
    locked = _lines_locked(order_line_ids)
    invoiced = invoiced_quantities(locked)
    if lines is None or not lines:
        wanted = []
        for line in sorted(locked.values(), key=lambda x: (x.style.position, x.position, str(x.pk))):
            left = invoiceable_limit(line) - invoiced.get(line.pk, ZERO)
            if left > 0 and line.status != Line.Status.ARCHIVED:
                wanted.append({"line": line.pk, "quantity": left})
        if not wanted:
            raise ApplicationError(
                f"Everything on {order.number} is invoiced already.", code="invoice_empty", status=409
            )
    else:
        wanted = [dict(x) for x in lines]
    invoice = _new_invoice(
        organization=organization, by=by, customer=order.customer, currency=order.currency, data=data or {}
    )
    invoice.order = order
    _header_apply(invoice, {})
    by_id = {str(k): v for k, v in locked.items()}
    errors: dict[str, list[str]] = {}
    built: list[InvoiceLine] = []
    seen: set[str] = set()
    for i, payload in enumerate(wanted):
        line_id = str(getattr(payload.get("line"), "pk", payload.get("line")))
        found = by_id.get(line_id)
        if found is None:
            errors[f"lines.{i}.line"] = [f"No such line on {order.number}."]
            continue
        line = found
        if line_id in seen:
            errors[f"lines.{i}.line"] = [f"{line} is twice on this invoice."]
            continue
        seen.add(line_id)
        try:
            quantity = Decimal(str(payload.get("quantity")))
        except ArithmeticError:
            quantity = ZERO
        if not quantity.is_finite() or quantity <= 0:
            errors[f"lines.{i}.quantity"] = ["Quantity must be above zero."]
            continue
        if line.selling_price is None:
            errors[f"lines.{i}.line"] = [f"{order.number} {line} has no selling price."]
            continue
        already = invoiced.get(line.pk, ZERO)
        if already + quantity > invoiceable_limit(line):
            field, message = _over_invoicing(f"lines.{i}.quantity", line, quantity, already)
            errors[field] = [message]
            continue
        built.append(_build_line(invoice, by, line, quantity.quantize(Decimal("0.001")), i))
    if not built and not errors:
        raise field_error("lines", "Choose at least one line to invoice.")
    _refuse_lines(errors)
    _dates_apply(invoice, None)
    return _save_new(invoice, built, by=by, source=order.number)


# --- a draft's header ---------------------------------------------------------------------------------------------


def _values(invoice: Invoice, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(invoice, getattr(invoice._meta.get_field(f), "attname", f)) for f in fields}


@transaction.atomic
def invoice_update(
    *, invoice: Invoice, by: Any, data: Mapping[str, Any], expected_version: int | None = None
) -> Invoice:
    """Change a draft's date, terms, LC, reference, bank details or notes (its rate and due date follow). An issued
    invoice does not change (409 ``invoice_not_editable``): corrections are credit notes."""
    invoice = invoice_lock(invoice, expected_version)
    for field in data:
        if field not in INVOICE.update:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
    if invoice.status != states.DRAFT:
        raise ApplicationError(
            f"{invoice.number} is {invoice.get_status_display().lower()}: only a draft changes; correct an issued "
            "invoice with a credit note.",
            code="invoice_not_editable",
            status=409,
        )
    before = _values(invoice, INVOICE.update)
    year = invoice.issue_date.year
    _header_apply(invoice, data)
    if invoice.issue_date.year != year:
        raise field_error(
            "issue_date", f"{invoice.number} is numbered in {year}: its date stays in {year}.", code="invoice_year"
        )
    shipment = Shipment.objects.get(pk=invoice.shipment_id) if invoice.shipment_id else None
    _dates_apply(invoice, shipment)
    after = _values(invoice, INVOICE.update)
    changes = {k: [before[k], after[k]] for k in INVOICE.update if before[k] != after[k]}
    if not changes:
        return invoice
    invoice.version += 1
    invoice.save()
    audit_record(actor=by, action="invoice.updated", target=invoice, changes=changes)
    return invoice


# --- the actions ----------------------------------------------------------------------------------------------------


def _refuse(invoice: Invoice, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(invoice.status)]
    can = f"it can {', '.join(offered)}" if offered else "no action is left"
    return ApplicationError(
        f"{invoice.number} is {invoice.get_status_display().lower()}: it cannot {action} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"invoice_status": invoice.status, "allowed": offered},
    )


def _lcs() -> Any:
    """The LC floor's drawing services (below invoicing: ``lcs < invoicing``)."""
    from tradeloom.lcs.services import utilisations

    return utilisations


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by: Any, expected_version: int | None = None) -> Invoice:
    """Issue a draft: its rate at the invoice date must be known, its total above zero; under an LC, draw the total
    on it (the LC's own refusals pass through with their codes). The due date is set when its basis is known."""
    invoice = invoice_lock(invoice, expected_version)
    if not invoice.can(states.ISSUE):
        raise _refuse(invoice, states.ISSUE)
    if invoice.total <= 0:
        raise ApplicationError(f"{invoice.number} has nothing to bill.", code="invoice_empty", status=409)
    shipment = Shipment.objects.get(pk=invoice.shipment_id) if invoice.shipment_id else None
    _dates_apply(invoice, shipment)
    if invoice.exchange_rate is None:
        base = invoice.organization.base_currency
        raise ApplicationError(
            f"There is no {invoice.currency} → {base} rate on or before {invoice.issue_date:%d %b %Y}; add it under "
            "Catalog > Exchange rates, then issue.",
            code="rate_missing",
            status=409,
            extra={"currency": invoice.currency, "base_currency": base, "date": invoice.issue_date.isoformat()},
        )
    changes: dict[str, list[Any]] = {"status": [invoice.status, states.ISSUED]}
    if invoice.letter_of_credit_id is not None:
        utilisation = _lcs().utilisation_draw(
            organization=invoice.organization,
            by=by,
            lc=invoice.letter_of_credit,
            amount=invoice.total,
            currency=invoice.currency,
            shipped_on=shipment.departed_on if shipment else None,
            shipment=shipment,
            invoice_reference=invoice.number,
        )
        invoice.lc_utilisation = utilisation
        changes["utilisation"] = [None, str(utilisation.pk)]
    if invoice.due_date:
        changes["due_date"] = [None, invoice.due_date.isoformat()]
    invoice.status = states.ISSUED
    invoice.version += 1
    invoice.save()
    audit_record(actor=by, action=InvoiceAction.ISSUED, target=invoice, changes=changes)
    publish(InvoiceIssued(invoice=invoice, by=by))
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, by: Any, reason: str, expected_version: int | None = None) -> Invoice:
    """Void a draft or an issued invoice, with a reason; it keeps its number. Refused while payments are allocated
    to it or credit notes stand on it; an LC drawing is released."""
    invoice = invoice_lock(invoice, expected_version)
    if not invoice.can(states.VOID_ACTION):
        raise _refuse(invoice, states.VOID_ACTION)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the invoice is void.")
    if invoice.paid_amount > 0:
        raise ApplicationError(
            f"{invoice.number} has {invoice.currency} {invoice.paid_amount:,.2f} of payments allocated; take the "
            "allocations off first.",
            code="invoice_has_payments",
            status=409,
        )
    if invoice.credited_amount > 0:
        raise ApplicationError(
            f"{invoice.number} has credit notes of {invoice.currency} {invoice.credited_amount:,.2f}; void them first.",
            code="invoice_has_credit_notes",
            status=409,
        )
    if invoice.lc_utilisation_id is not None:
        _lcs().utilisation_release(
            organization=invoice.organization,
            by=by,
            utilisation=invoice.lc_utilisation,
            reason=f"{invoice.number} voided: {reason}",
        )
    previous = invoice.status
    invoice.status = states.VOID
    invoice.status_reason = reason[:500]
    invoice.version += 1
    invoice.save()
    audit_record(
        actor=by,
        action=InvoiceAction.VOIDED,
        target=invoice,
        changes={"status": [previous, states.VOID], "reason": [None, reason]},
    )
    publish(InvoiceVoided(invoice=invoice, previous_status=previous, by=by))
    return invoice


# --- due dates from shipment events ---------------------------------------------------------------------------------


def invoices_due_refresh(*, shipment: Shipment, by: Any) -> list[Invoice]:
    """The due dates of a shipment's invoices (not void) recomputed from its dates now (its departure or arrival has
    just been recorded), each change audited as ``invoice.due_date_set``. In the caller's transaction."""
    changed = []
    for invoice in (
        Invoice.objects.select_for_update(of=("self",)).select_related("payment_terms").filter(shipment=shipment)
    ):
        if invoice.status == states.VOID:
            continue
        due = due_compute(
            terms=invoice.payment_terms,
            issue_date=invoice.issue_date,
            departed_on=shipment.departed_on,
            arrived_on=shipment.arrived_on,
        )
        if (due.due_date, due.basis, due.days) == (invoice.due_date, invoice.due_basis, invoice.due_days):
            continue
        previous = invoice.due_date
        invoice.due_date, invoice.due_basis, invoice.due_days = due.due_date, due.basis, due.days
        invoice.version += 1
        invoice.save(update_fields=["due_date", "due_basis", "due_days", "version", "updated_at"])
        changes: dict[str, list[Any]] = {
            "due_date": [previous.isoformat() if previous else None, due.due_date.isoformat() if due.due_date else None]
        }
        if due.basis_date:
            changes["basis_date"] = [None, due.basis_date.isoformat()]
        audit_record(actor=by, action=InvoiceAction.DUE_DATE_SET, target=invoice, changes=changes)
        changed.append(invoice)
    return changed
