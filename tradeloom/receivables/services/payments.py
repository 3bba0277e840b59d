"""Recording payments, allocating them to invoices, taking allocations back, changing and voiding payments.

The rules (docs/receivables.md):

* a payment is of one customer, dated (not in the future), in one currency, at a rate to the base currency — by
  default the catalogue's rate on its date (``catalog.services.exchange_rate_on``), else it must be given;
* ``amount`` is what the customer is credited with; ``bank_charges`` (0 ≤ charges ≤ amount) reduce what reached the
  account (``net_received``), not what was owed, and are never allocated to an invoice;
* an allocation is to an issued or partly paid invoice of the same customer in the same currency; a payment never
  allocates more than its amount (``over_allocation`` on the payment), an invoice never takes more than its total -
  its credit notes (``over_allocation`` from ``invoicing.services.settlement.invoice_paid_set``, checked here first
  to name the row);
* every write locks the payment, then the invoices it touches in id order — two allocations to one invoice at once
  wait for each other and the second sees the first's paid amount;
* the exchange difference of each allocation is amount x (payment rate - invoice rate), to cents, in base currency
  (kept on the allocation; the invoice's balance is in its own currency and never includes it);
* voiding a payment gives all its allocations back; a void payment changes no more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Round
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import ZERO, cents
from tradeloom.core.numbering import number_allocate
from tradeloom.invoicing import states as invoice_states
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.services.settlement import invoice_paid_set
from tradeloom.partners.models import Customer
from tradeloom.receivables.events import PaymentAction, PaymentAllocated, PaymentRecorded, PaymentVoided
from tradeloom.receivables.models import Allocation, Payment

EDITABLE = ("received_on", "amount", "exchange_rate", "method", "bank_reference", "bank_charges", "notes")
MAX_ALLOCATIONS = 200


def fx_difference(amount: Decimal, payment_rate: Decimal, invoice_rate: Decimal | None) -> Decimal:
    """amount x (payment rate - invoice rate) to cents: > 0 a gain, < 0 a loss (0 without an invoice rate)."""
    if invoice_rate is None:
        return cents(ZERO)
    return cents(amount * (payment_rate - invoice_rate))


def payment_lock(payment: Payment, expected_version: int | None = None) -> Payment:
    """The payment, locked; 412 when ``expected_version`` is stale (If-Match)."""
    locked = (
        Payment.objects.select_for_update(of=("self",)).select_related("customer", "organization").get(pk=payment.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The payment was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def _not_void(payment: Payment) -> None:
    if payment.is_void:
        raise ApplicationError(
            f"{payment.number} is void: it changes no more.",
            code="invalid_transition",
            status=409,
            extra={"payment_status": payment.status, "allowed": []},
        )


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError) as exc:
        raise field_error(field, "Enter an amount.") from exc
    if not amount.is_finite() or amount <= 0:
        raise field_error(field, "The amount must be above zero.")
    if amount != cents(amount):
        raise field_error(field, "Amounts have at most two decimals.")
    return amount


def _header_check(payment: Payment) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if payment.received_on and payment.received_on > today:
        errors["received_on"] = ["This day has not come yet: record the payment when it arrives."]
    if payment.amount is None or payment.amount <= 0:
        errors["amount"] = ["The amount must be above zero."]
    elif payment.amount != cents(payment.amount):
        errors["amount"] = ["Amounts have at most two decimals."]
    charges = payment.bank_charges or ZERO
    if charges < 0:
        errors["bank_charges"] = ["Bank charges cannot be below zero."]
    elif payment.amount is not None and charges > payment.amount:
        errors["bank_charges"] = ["Bank charges cannot be more than the amount paid."]
    if payment.exchange_rate is not None and payment.exchange_rate <= 0:
        errors["exchange_rate"] = ["The rate must be above zero."]
    if payment.amount is not None and payment.allocated_amount > payment.amount:
        errors["amount"] = [
            f"{payment.allocated_amount:,} of it is allocated to invoices: take allocations back before lowering it."
        ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="validation_error", extra={"errors": errors})


def _default_rate(*, organization: Any, payment: Payment) -> None:
    if payment.exchange_rate is not None:
        return
    rate = exchange_rate_on(
        organization=organization,
        day=payment.received_on,
        from_currency=payment.currency,
        to_currency=organization.base_currency,
    )
    if rate is None:
        raise field_error(
            "exchange_rate",
            f"No {payment.currency} → {organization.base_currency} rate is known on {payment.received_on:%d %b %Y}: "
            "enter the rate the bank applied.",
            code="rate_missing",
        )
    payment.exchange_rate = Decimal(rate).quantize(Decimal("0.00000001"))


@transaction.atomic
def payment_create(
    *,
    organization: Any,
    by: Any,
    data: Mapping[str, Any],
    allocations: Iterable[Mapping[str, Any]] = (),
) -> Payment:
    """Record a payment and, in the same transaction, its allocations (``[{"invoice": Invoice | id, "amount":
    Decimal}]``): all or nothing."""
    unknown = set(data) - set(Payment.Shape.create)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be set here.", code="field_not_editable")
    customer = data.get("customer")
    if not isinstance(customer, Customer) or customer.organization_id != organization.pk:
        raise field_error("customer", "Choose one of your customers.")
    currency = str(data.get("currency") or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise field_error("currency", "Enter a three-letter currency code (ISO 4217).")
    if not data.get("received_on"):
        raise field_error("received_on", "Enter the day the payment was received.")
    if data.get("amount") is None:
        raise field_error("amount", "Enter the amount paid.")
    payment = Payment(  # type: ignore[misc]  # the rate may be empty until the catalogue's is looked up
        organization=organization,
        created_by_id=getattr(by, "user_id", None),
        customer=customer,
        received_on=data["received_on"],
        amount=data.get("amount"),
        currency=currency,
        exchange_rate=data.get("exchange_rate"),
        method=data.get("method") or Payment.Method.WIRE,
        bank_reference=(data.get("bank_reference") or "").strip(),
        bank_charges=data.get("bank_charges") if data.get("bank_charges") is not None else ZERO,
        notes=data.get("notes") or "",
    )
    if payment.method not in Payment.Method.values:
        raise field_error("method", "Choose how the payment was made.")
    _header_check(payment)
    _default_rate(organization=organization, payment=payment)
    payment.number = number_allocate(organization=organization, kind="payment", on=payment.received_on)
    payment.save()
    audit_record(
        actor=by,
        action=PaymentAction.CREATED,
        target=payment,
        changes={
            "number": [None, payment.number],
            "customer": [None, str(customer.pk)],
            "received_on": [None, payment.received_on.isoformat()],
            "amount": [None, str(payment.amount)],
            "currency": [None, payment.currency],
            "exchange_rate": [None, str(payment.exchange_rate)],
            "method": [None, payment.method],
            **({"bank_charges": [None, str(payment.bank_charges)]} if payment.bank_charges else {}),
            **({"bank_reference": [None, payment.bank_reference]} if payment.bank_reference else {}),
        },
    )
    rows = list(allocations)
    made: list[Allocation] = []
    if rows:
        changes = _requested(rows)
        made = _allocate(payment=payment, by=by, deltas=changes, prefix="allocations")
    publish(PaymentRecorded(payment=payment, allocations=made, by=by))
    return payment


def _requested(rows: list[Mapping[str, Any]], prefix: str = "allocations") -> list[tuple[str, Any, Decimal]]:
    """``[(error key, invoice id, amount)]`` of allocation rows (the same invoice twice adds up)."""
    if len(rows) > MAX_ALLOCATIONS:
        raise field_error(prefix, f"At most {MAX_ALLOCATIONS} allocations at once.")
    out = []
    for index, row in enumerate(rows):
        invoice = row.get("invoice")
        invoice_id = getattr(invoice, "pk", invoice)
        if not invoice_id:
            raise field_error(f"{prefix}[{index}].invoice", "Choose an invoice.")
        out.append((f"{prefix}[{index}]", invoice_id, _amount(row.get("amount"), f"{prefix}[{index}].amount")))
    return out


def _invoices_lock(*, organization: Any, ids: Iterable[Any]) -> dict[str, Invoice]:
    """The organisation's invoices of ``ids``, locked in id order (so concurrent allocators never deadlock)."""
    rows = (
        Invoice.objects.select_for_update(of=("self",))
        .filter(organization=organization, pk__in=sorted({str(pk) for pk in ids}))
        .order_by("pk")
    )
    return {str(invoice.pk): invoice for invoice in rows}


def _refuse(key: str, message: str, *, code: str, status: int = 400, **extra: Any) -> ApplicationError:
    return ApplicationError(message, code=code, status=status, extra={"errors": {key: [message]}, **extra})


def _allocate(*, payment: Payment, by: Any, deltas: list[tuple[str, Any, Decimal]], prefix: str) -> list[Allocation]:
    """Apply signed changes to the payment's allocations (the payment is locked by the caller): lock the invoices,
    check each row, move the invoices' paid amounts through ``invoice_paid_set`` and the payment's allocated amount,
    audit one event per invoice. Returns the allocations as they are now (those left)."""
    organization = payment.organization
    invoices = _invoices_lock(organization=organization, ids=[invoice_id for _, invoice_id, _ in deltas])
    existing = {
        str(row.invoice_id): row
        for row in Allocation.objects.filter(payment=payment, invoice_id__in=list(invoices)).select_for_update()
    }
    per_invoice: dict[str, Decimal] = {}
    keys: dict[str, str] = {}
    for key, invoice_id, delta in deltas:
        invoice = invoices.get(str(invoice_id))
        if invoice is None:  # another organisation's, or none at all
            raise _refuse(f"{key}.invoice", "No such invoice.", code="not_found", status=404)
        if delta > 0:
            if invoice.customer_id != payment.customer_id:
                raise _refuse(
                    f"{key}.invoice",
                    f"{invoice.number} is another customer's: a payment settles its own customer's invoices.",
                    code="customer_mismatch",
                )
            if invoice.currency != payment.currency:
                raise _refuse(
                    f"{key}.invoice",
                    f"{invoice.number} is in {invoice.currency} and the payment in {payment.currency}: allocate a "
                    "payment to invoices in its own currency.",
                    code="currency_mismatch",
                )
            if invoice.status not in invoice_states.OPEN:
                raise _refuse(
                    f"{key}.invoice",
                    f"{invoice.number} is {invoice.get_status_display().lower()}: only issued or partly paid "
                    "invoices take payments.",
                    code="invoice_not_open",
                    status=409,
                )
        per_invoice[str(invoice_id)] = per_invoice.get(str(invoice_id), ZERO) + delta
        keys.setdefault(str(invoice_id), key)
    total_delta = sum(per_invoice.values(), ZERO)
    allocated = payment.allocated_amount + total_delta
    if allocated > payment.amount:
        message = (
            f"This allocates {allocated:,} {payment.currency} of {payment.number}, which is "
            f"{payment.amount:,} {payment.currency} ({payment.amount - payment.allocated_amount:,} left to allocate)."
        )
        raise _refuse(
            prefix,
            message,
            code="over_allocation",
            status=409,
            unallocated=str(payment.amount - payment.allocated_amount),
        )
    touched = []
    for invoice_id, delta in per_invoice.items():
        if delta == 0:
            continue
        invoice = invoices[invoice_id]
        key = keys[invoice_id]
        row = existing.get(invoice_id)
        before = row.amount if row is not None else ZERO
        after = before + delta
        if after < 0:
            raise _refuse(
                f"{key}.amount",
                f"{payment.number} has {before:,} {payment.currency} on {invoice.number}: it cannot take back more.",
                code="over_unallocation",
                status=409,
            )
        outstanding = invoice.total - invoice.credited_amount - invoice.paid_amount
        if delta > outstanding:
            raise _refuse(
                f"{key}.amount",
                f"{invoice.number} has {outstanding:,} {invoice.currency} outstanding; this allocates {delta:,}.",
                code="over_allocation",
                status=409,
                outstanding=str(outstanding),
                invoice=str(invoice.pk),
            )
        invoice_paid_set(organization=organization, by=by, invoice=invoice, paid_amount=invoice.paid_amount + delta)
        if after == 0:
            row.delete()  # type: ignore[union-attr]
            existing.pop(invoice_id)
        else:
            if row is None:
                row = Allocation(
                    organization=organization,
                    created_by_id=getattr(by, "user_id", None),
                    payment=payment,
                    invoice=invoice,
                )
                existing[invoice_id] = row
            row.amount = after
            row.payment_rate = payment.exchange_rate
            row.invoice_rate = invoice.exchange_rate if invoice.exchange_rate is not None else payment.exchange_rate
            row.fx_difference = fx_difference(after, row.payment_rate, row.invoice_rate)
            row.save()
        touched.append(invoice)
        audit_record(
            actor=by,
            action=PaymentAction.ALLOCATED if delta > 0 else PaymentAction.UNALLOCATED,
            target=payment,
            changes={
                "invoice": [None, invoice.number],
                "amount": [None, str(abs(delta))],
                "allocated_amount": [str(payment.allocated_amount), str(payment.allocated_amount + delta)],
            },
        )
        payment.allocated_amount += delta
    if touched:
        payment.version += 1
        payment.save(update_fields=["allocated_amount", "version", "updated_at"])
        publish(PaymentAllocated(payment=payment, invoices=touched, by=by))
    return list(existing.values())


@transaction.atomic
def payment_allocate(
    *,
    payment: Payment,
    by: Any,
    allocations: Iterable[Mapping[str, Any]],
    expected_version: int | None = None,
) -> Payment:
    """Allocate more of ``payment`` to invoices of its customer (``[{"invoice", "amount"}]``; adds to an invoice's
    allocation when it has one): all or nothing."""
    payment = payment_lock(payment, expected_version)
    _not_void(payment)
    rows = list(allocations)
    if not rows:
        raise field_error("allocations", "Allocate to at least one invoice.")
    _allocate(payment=payment, by=by, deltas=_requested(rows), prefix="allocations")
    return payment


@transaction.atomic
def payment_unallocate(
    *,
    payment: Payment,
    by: Any,
    invoice: Any,
    amount: Decimal | None = None,
    expected_version: int | None = None,
) -> Payment:
    """Take back ``amount`` (default: all) of the payment's allocation to ``invoice``: the invoice owes it again and
    the payment has it unallocated."""
    payment = payment_lock(payment, expected_version)
    _not_void(payment)
    invoice_id = str(getattr(invoice, "pk", invoice))
    row = Allocation.objects.filter(payment=payment, invoice_id=invoice_id).first()
    if row is None:
        raise _refuse("invoice", "The payment has no allocation to this invoice.", code="not_found", status=404)
    take = row.amount if amount is None else _amount(amount, "amount")
    _allocate(payment=payment, by=by, deltas=[("allocation", invoice_id, -take)], prefix="allocation")
    return payment


@transaction.atomic
def payment_update(
    *, payment: Payment, by: Any, data: Mapping[str, Any], expected_version: int | None = None
) -> Payment:
    """Change a payment's date, amount (not below what is allocated), rate (its allocations' exchange differences
    follow), method, bank reference, charges or notes. Its customer and currency stay: void it and record another."""
    payment = payment_lock(payment, expected_version)
    _not_void(payment)
    for field in data:
        if field not in EDITABLE:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
    before = {field: getattr(payment, field) for field in EDITABLE}
    for field, value in data.items():
        if field == "bank_reference":
            value = (value or "").strip()
        if field == "bank_charges" and value is None:
            value = ZERO
        if field in ("notes",) and value is None:
            value = ""
        setattr(payment, field, value)
    if payment.method not in Payment.Method.values:
        raise field_error("method", "Choose how the payment was made.")
    if payment.exchange_rate is None:
        raise field_error("exchange_rate", "Enter the rate to the base currency.")
    _header_check(payment)
    after = {field: getattr(payment, field) for field in EDITABLE}
    changes = {k: [_text(before[k]), _text(after[k])] for k in EDITABLE if before[k] != after[k]}
    if not changes:
        return payment
    payment.version += 1
    payment.save()
    if before["exchange_rate"] != payment.exchange_rate:  # the allocations' differences at the new rate
        Allocation.objects.filter(payment=payment).update(
            payment_rate=Value(payment.exchange_rate),
            fx_difference=Round(F("amount") * (Value(payment.exchange_rate) - F("invoice_rate")), 2),
        )
    audit_record(actor=by, action="payment.updated", target=payment, changes=changes)
    return payment


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str | int):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@transaction.atomic
def payment_void(*, payment: Payment, by: Any, reason: str, expected_version: int | None = None) -> Payment:
    """Void a payment (recorded by mistake, a bounced cheque, a recall): every allocation goes back to its invoice,
    which owes it again. Keeps its number."""
    payment = payment_lock(payment, expected_version)
    _not_void(payment)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the payment is void.")
    rows = list(Allocation.objects.filter(payment=payment).values_list("invoice_id", "amount"))
    touched: list[Invoice] = []
    if rows:
        _allocate(
            payment=payment,
            by=by,
            deltas=[("allocation", invoice_id, -amount) for invoice_id, amount in rows],
            prefix="allocation",
        )
        touched = list(Invoice.objects.filter(pk__in=[invoice_id for invoice_id, _ in rows]))
    payment.status = Payment.Status.VOID
    payment.void_reason = reason
    payment.voided_at = timezone.now()
    payment.version += 1
    payment.save()
    audit_record(
        actor=by,
        action=PaymentAction.VOIDED,
        target=payment,
        changes={"status": [Payment.Status.RECEIVED, Payment.Status.VOID], "reason": [None, reason]},
    )
    publish(PaymentVoided(payment=payment, invoices=touched, by=by))
    return payment
