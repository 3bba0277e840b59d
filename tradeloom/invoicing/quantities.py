"""What an order line may still be invoiced: the larger of its ordered and shipped quantities, less what invoices
that are not void bill already (read by the services, which lock the lines first, and by the pages' forms)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tradeloom.invoicing import states
from tradeloom.invoicing.models import InvoiceLine


def invoiced_quantities(line_ids: Iterable[Any]) -> dict[Any, Decimal]:
    """Each order line's quantity on invoices that are not void (one statement)."""
    qs = InvoiceLine.objects.filter(line_id__in=list(line_ids)).exclude(invoice__status=states.VOID)
    return {row["line_id"]: row["q"] for row in qs.values("line_id").annotate(q=Sum("quantity")).order_by()}


def invoiceable_limit(line: Any) -> Decimal:
    """The most of an order line all its invoices may bill: the larger of its ordered and shipped quantities."""
    return max(Decimal(line.quantity), Decimal(line.shipped_quantity or 0))
