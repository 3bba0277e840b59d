"""Demo payments, through the receivables services (numbers, allocations, the invoices' paid amounts and audit are
theirs), on the demo organisation's issued invoices (``finance_invoicing``'s, made first when the organisation has
none and that module exists):

* the oldest open invoice is partly paid: 40 % of it by wire, at the invoice's own rate;
* another open invoice — one in a currency other than the base currency when there is one — is paid in full, net of
  USD/EUR 35.00 of bank charges (which reduce what reached the account, not what the invoice owed), at a rate 1 %
  above the invoice's, so the payment page shows an exchange gain;
* and a small payment on account is left unallocated: credit on the customer's statement.

Only when the organisation has no payment yet (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CHARGES = Decimal("35.00")


def _open_invoices(organization: Any) -> list[Any]:
    from tradeloom.invoicing import states
    from tradeloom.invoicing.models import Invoice

    return list(
        Invoice.objects.filter(organization=organization, status__in=sorted(states.OPEN), exchange_rate__isnull=False)
        .select_related("customer")
        .order_by("issue_date", "number")[:50]
    )


def demo_receivables_create(*, organization: Any, by: Any) -> None:
    from django.utils import timezone

    from tradeloom.core.money import cents
    from tradeloom.receivables import services
    from tradeloom.receivables.models import Payment

    if Payment.objects.filter(organization=organization).exists():
        return
    invoices = _open_invoices(organization)
    if not invoices:
        try:
            from tradeloom.demo.finance_invoicing import demo_invoicing_create
        except ImportError:
            return
        demo_invoicing_create(organization=organization, by=by)
        invoices = _open_invoices(organization)
    if not invoices:
        return
    today = timezone.localdate()

    def day_after(invoice: Any, days: int) -> Any:
        return min(today, invoice.issue_date + timedelta(days=days))

    first = invoices[0]
    part = cents(first.outstanding * Decimal("0.4"))
    if part > 0:
        services.payment_create(
            organization=organization,
            by=by,
            data={
                "customer": first.customer,
                "received_on": day_after(first, 20),
                "amount": part,
                "currency": first.currency,
                "exchange_rate": first.exchange_rate,
                "method": Payment.Method.WIRE,
                "bank_reference": f"FT{today:%y%m%d}0041",
                "notes": "First instalment, as agreed with the buyer.",
            },
            allocations=[{"invoice": first.pk, "amount": part}],
        )
    others = invoices[1:]
    second = next((i for i in others if i.currency != organization.base_currency), others[0] if others else None)
    if second is not None and second.outstanding > CHARGES:
        rate = (second.exchange_rate * Decimal("1.01")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        services.payment_create(
            organization=organization,
            by=by,
            data={
                "customer": second.customer,
                "received_on": day_after(second, 45),
                "amount": second.outstanding,
                "currency": second.currency,
                "exchange_rate": rate,
                "method": Payment.Method.WIRE,
                "bank_reference": f"SWIFT-MT103-{second.number[-5:]}",
                "bank_charges": CHARGES,
                "notes": "Paid in full; correspondent and beneficiary bank charges deducted on the way.",
            },
            allocations=[{"invoice": second.pk, "amount": second.outstanding}],
        )
    services.payment_create(
        organization=organization,
        by=by,
        data={
            "customer": first.customer,
            "received_on": day_after(first, 25),
            "amount": Decimal("500.00"),
            "currency": first.currency,
            "exchange_rate": first.exchange_rate,
            "method": Payment.Method.CHEQUE,
            "bank_reference": "CHQ 004417",
            "notes": "On account: to be allocated when the next invoice is issued.",
        },
    )
