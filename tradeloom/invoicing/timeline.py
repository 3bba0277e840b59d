"""How invoicing's records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the invoices that bill its lines and their credit notes):
registered in ``InvoicingConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from tradeloom.audit.labels import RecordLabel
from tradeloom.invoicing.models import CreditNote, Invoice, InvoiceLine
from tradeloom.sales.extensions import TimelineSource

LABELS: dict[str, RecordLabel] = {
    "invoicing.invoice": RecordLabel(Invoice, text=F("number")),
    "invoicing.creditnote": RecordLabel(CreditNote, text=F("number"), context=F("invoice__number")),
}


def _invoices_of(order: Any) -> QuerySet[Invoice]:
    billed = InvoiceLine.objects.filter(invoice=OuterRef("pk"), order=order)
    return Invoice.objects.filter(Q(order=order) | Exists(billed))


SOURCES = [
    TimelineSource("invoicing.invoice", _invoices_of),
    TimelineSource("invoicing.creditnote", lambda order: CreditNote.objects.filter(invoice__in=_invoices_of(order))),
]
