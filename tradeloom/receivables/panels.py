"""The invoice page's Payments card (``invoicing.extensions.INVOICE_PANELS``): the payments allocated to the
invoice, each with its rate and exchange difference — one statement."""

from __future__ import annotations

from typing import Any

from tradeloom.core.money import ZERO, cents
from tradeloom.receivables.models import Allocation


def invoice_payments(invoice: Any) -> dict[str, Any] | None:
    """The allocations to ``invoice`` with their payments; ``None`` for a draft (nothing can be paid yet)."""
    if invoice.status == "draft":
        return None
    rows = list(
        Allocation.objects.filter(organization_id=invoice.organization_id, invoice_id=invoice.pk)
        .select_related("payment")
        .order_by("payment__received_on", "payment__number")
    )
    return {
        "allocations": [(row, cents(row.amount * row.payment_rate)) for row in rows],
        "allocated": sum((row.amount for row in rows), ZERO),
        "fx_difference": sum((row.fx_difference for row in rows), ZERO),
    }
