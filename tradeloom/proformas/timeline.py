"""How proformas' records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: every revision of the order's PIs): registered in
``ProformasConfig.ready()``."""

from __future__ import annotations

from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Cast, Concat

from tradeloom.audit.labels import RecordLabel
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.extensions import TimelineSource

# "PI-2026-0001", "PI-2026-0001 rev. 2"
_LABEL = Case(
    When(revision=1, then=F("number")),
    default=Concat(F("number"), Value(" rev. "), Cast("revision", TextField()), output_field=TextField()),
    output_field=TextField(),
)

LABELS: dict[str, RecordLabel] = {
    "proformas.proformainvoice": RecordLabel(ProformaInvoice, text=_LABEL),
}

SOURCES = [
    TimelineSource("proformas.proformainvoice", lambda order: ProformaInvoice.objects.filter(order=order)),
]
