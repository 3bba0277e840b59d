"""How receivables' records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the payments allocated to its invoices)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from tradeloom.audit.labels import RecordLabel
from tradeloom.invoicing.models import Invoice
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.sales.extensions import TimelineSource

LABELS: dict[str, RecordLabel] = {
    "receivables.payment": RecordLabel(Payment, text=F("number")),
}


def _payments_of(order: Any) -> QuerySet[Any]:
    invoices = Invoice.objects.filter(order=order).values("pk")
    return Payment.objects.filter(pk__in=Allocation.objects.filter(invoice_id__in=invoices).values("payment_id"))


SOURCES = [TimelineSource("receivables.payment", _payments_of)]
