"""How logistics' records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the shipments that carry its lines, their documents and
files): registered in ``LogisticsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, QuerySet, TextField, Value, When

from tradeloom.audit.labels import RecordLabel
from tradeloom.logistics.models import DocumentFile, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.sales.extensions import TimelineSource


def _document_name(prefix: str = "") -> Case:
    """An other document's own name, else its kind's label ("Packing list")."""
    kinds = [When(**{f"{prefix}kind": k}, then=Value(str(label))) for k, label in ShipmentDocument.Kind.choices]
    return Case(When(**{f"{prefix}kind": "other"}, then=F(f"{prefix}name")), *kinds, output_field=TextField())


LABELS: dict[str, RecordLabel] = {
    "logistics.shipment": RecordLabel(Shipment, text=F("number")),
    "logistics.shipmentdocument": RecordLabel(ShipmentDocument, text=_document_name(), context=F("shipment__number")),
    "logistics.documentfile": RecordLabel(DocumentFile, text=F("name"), context=F("document__shipment__number")),
}


def _shipments_of(order: Any) -> QuerySet[Any]:
    return ShipmentLine.objects.filter(order=order).values("shipment_id")


SOURCES = [
    TimelineSource("logistics.shipment", lambda order: Shipment.objects.filter(pk__in=_shipments_of(order))),
    TimelineSource(
        "logistics.shipmentdocument",
        lambda order: ShipmentDocument.objects.filter(shipment_id__in=_shipments_of(order)),
    ),
    TimelineSource(
        "logistics.documentfile",
        lambda order: DocumentFile.objects.filter(document__shipment_id__in=_shipments_of(order)),
    ),
]
