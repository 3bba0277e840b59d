"""The shipments API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``); commands (a move, a revision) and the figures a read adds (names, the order line's
style and unit, download addresses) are written out here.

The list's rows are built from a projection (``shipment_list_rows``) as the JSON of ``ShipmentListOutput``, which
documents them (a test holds the two equal). The detail likewise: ``logistics.detail`` reads it as prepared
projections and writes its JSON directly; ``ShipmentDetailOutput`` documents it, and a test holds the fast JSON equal
to this serializer's output for the same shipment (``shipment_detail_data``, from the instances
``selectors.shipment_detail`` loads).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.logistics import selectors, states
from tradeloom.logistics.codes import Incoterm
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.records.serializers import input_serializer, output_serializer

SHIPMENT, SHIPMENT_LINE, CONTAINER = shape_of(Shipment), shape_of(ShipmentLine), shape_of(Container)
DOCUMENT = shape_of(ShipmentDocument)

OVERRIDE_HELP = (
    "An owner or admin may ship beyond ordered + the tolerance (the order's `shipment_tolerance_percent`, else the "
    "organisation's) by giving a reason; it is audited (shipment.over_shipment_allowed). Without one such a quantity "
    "is 409 over_shipment."
)
# a number as people write it ("CSQU 305438-3"); the service normalises it and runs the ISO 6346 check
CONTAINER_NUMBER_LENGTH = 20


def _override_reason() -> serializers.CharField:
    return serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


def _container_reference() -> serializers.CharField:
    return serializers.CharField(
        max_length=CONTAINER_NUMBER_LENGTH,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The number of one of the shipment's containers (blank: not packed in one).",
    )


# --- inputs -------------------------------------------------------------------------------------------------------

ShipmentLineInput = input_serializer(
    ShipmentLine,
    SHIPMENT_LINE.create,
    name="ShipmentLineInput",
    overrides={
        # resolved by the service among the organisation's lines the member may ship: another's is a 400 on the
        # field ("No such order line."), like any line that cannot go on this shipment
        "line": serializers.UUIDField(help_text="The order line shipped (its quantity is in the line's unit)."),
        "container": _container_reference(),
    },
)
ContainerInput = input_serializer(
    Container,
    CONTAINER.create,
    name="ContainerInput",
    overrides={
        "number": serializers.CharField(
            max_length=CONTAINER_NUMBER_LENGTH, help_text="ISO 6346, e.g. CSQU3054383 (spaces and dashes are ignored)."
        )
    },
)
ContainerUpdateInput = input_serializer(
    Container,
    CONTAINER.update,
    name="ContainerUpdateInput",
    partial=True,
    overrides={"number": serializers.CharField(max_length=CONTAINER_NUMBER_LENGTH, required=False)},
)
ShipmentCreateInput = input_serializer(
    Shipment,
    SHIPMENT.create,
    name="ShipmentCreateInput",
    extra={
        "lines": ShipmentLineInput(many=True, allow_empty=False, max_length=500),  # type: ignore[call-arg]
        "containers": ContainerInput(many=True, required=False, max_length=100),  # type: ignore[call-arg]
        "override_reason": _override_reason(),
    },
)
ShipmentUpdateInput = input_serializer(Shipment, SHIPMENT.update, name="ShipmentUpdateInput", partial=True)
ShipmentLineAddInput = input_serializer(
    ShipmentLine,
    SHIPMENT_LINE.create,
    name="ShipmentLineAddInput",
    overrides={
        "line": serializers.UUIDField(help_text="The order line shipped (its quantity is in the line's unit)."),
        "container": _container_reference(),
    },
    extra={"override_reason": _override_reason()},
)
ShipmentLineUpdateInput = input_serializer(
    ShipmentLine,
    SHIPMENT_LINE.update,
    name="ShipmentLineUpdateInput",
    partial=True,
    overrides={"container": _container_reference()},
    extra={"override_reason": _override_reason()},
)
DocumentInput = input_serializer(ShipmentDocument, DOCUMENT.create, name="ShipmentDocumentInput")
DocumentUpdateInput = input_serializer(
    ShipmentDocument, DOCUMENT.update, name="ShipmentDocumentUpdateInput", partial=True
)


class MoveInput(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day it happened (default today; not in the future, not before the previous move's day).",
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why (kept as the shipment's status reason).")


class EtaRevisionInput(serializers.Serializer):
    etd = serializers.DateField(required=False, allow_null=True, help_text="The new ETD (only before departure).")
    eta = serializers.DateField(required=False, allow_null=True, help_text="The new ETA (until arrival).")
    reason = serializers.CharField(max_length=500, help_text="The carrier's notice, a roll-over, a delay …")
    revised_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day the new dates were learnt (default today; not later)."
    )


class FileInput(serializers.Serializer):
    file = serializers.FileField(help_text="An image, a PDF or a text file of at most 10 MB.")


# --- outputs ------------------------------------------------------------------------------------------------------


class ShipmentActionOutput(serializers.Serializer):
    action = serializers.CharField(help_text="POST …/shipments/{id}/<action>/ moves the shipment.")
    title = serializers.CharField(help_text="What its button says (“Mark departed”).")
    needs_reason = serializers.BooleanField()


class _DocumentFileRow(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to download it (permission-checked).")

    def get_url(self, file: DocumentFile) -> str:
        document: ShipmentDocument = file.document
        kwargs = {
            "org_slug": self.context["org_slug"],
            "shipment_id": document.shipment_id,
            "document_id": file.document_id,
            "file_id": file.pk,
        }
        return reverse("api:tenant-api:shipment-document-file", kwargs=kwargs)


DocumentFileOutput = output_serializer(
    DocumentFile, name="ShipmentFileOutput", extra=("url",), base=_DocumentFileRow, doc="A file of a document."
)


class _DocumentRow(serializers.ModelSerializer):
    title = serializers.CharField(source="__str__", read_only=True, help_text="Its name, or its kind's.")
    files = DocumentFileOutput(many=True, read_only=True)


DocumentOutput = output_serializer(
    ShipmentDocument,
    name="ShipmentDocumentOutput",
    extra=("title", "files"),
    base=_DocumentRow,
    doc="A document of the shipment's checklist, with its files.",
)


class _ShipmentLineRow(serializers.ModelSerializer):
    order_number = serializers.CharField(source="line.order.number", read_only=True)
    style_number = serializers.CharField(source="line.style.style_number", read_only=True)
    colour_code = serializers.CharField(source="line.colour_code", read_only=True)
    colour_name = serializers.CharField(source="line.colour_name", read_only=True)
    unit = serializers.CharField(source="line.unit.code", read_only=True, help_text="The quantity's unit.")
    ordered_quantity = serializers.DecimalField(
        source="line.quantity", max_digits=18, decimal_places=3, read_only=True, help_text="The order line's quantity."
    )
    container = serializers.CharField(
        source="container.number", read_only=True, allow_null=True, default=None, help_text="Its container's number."
    )


ShipmentLineOutput = output_serializer(
    ShipmentLine,
    name="ShipmentLineOutput",
    extra=("order_number", "style_number", "colour_code", "colour_name", "unit", "ordered_quantity", "container"),
    base=_ShipmentLineRow,
    doc="A quantity of an order line on the shipment (in the line's unit), with its packing.",
)
ContainerOutput = output_serializer(Container, name="ContainerOutput")


class _EtaRevisionRow(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="created_by.email", read_only=True, allow_null=True, default=None)


EtaRevisionOutput = output_serializer(
    EtaRevision,
    name="EtaRevisionOutput",
    extra=("recorded_by",),
    base=_EtaRevisionRow,
    doc="A change of the ETD or ETA: the dates before and after, the day it was learnt and why (never edited).",
)


class _ShipmentDetail(serializers.ModelSerializer):
    # none is "" (a read-only field derived from the column would document only the Incoterms)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, allow_blank=True, read_only=True)
    customer_name = serializers.CharField(source="customer.__str__", read_only=True)
    carrier_name = serializers.CharField(source="carrier.name", read_only=True, allow_null=True, default=None)
    actions = serializers.SerializerMethodField(help_text="The moves its status offers now.")
    lines = ShipmentLineOutput(many=True, read_only=True)
    containers = ContainerOutput(many=True, read_only=True)
    revisions = EtaRevisionOutput(many=True, read_only=True, help_text="The ETA history, oldest first.")
    documents = DocumentOutput(many=True, read_only=True)

    @extend_schema_field(ShipmentActionOutput(many=True))
    def get_actions(self, shipment: Shipment) -> list[dict[str, Any]]:
        return [
            {"action": t.action, "title": t.label, "needs_reason": t.needs_reason}
            for t in states.actions_from(shipment.status)
        ]


ShipmentDetailOutput = output_serializer(
    Shipment,
    name="ShipmentDetailOutput",
    extra=("customer_name", "carrier_name", "actions", "lines", "containers", "revisions", "documents"),
    base=_ShipmentDetail,
    doc="A shipment with its lines, containers, ETA history and documents.",
)


def shipment_detail_data(detail: Any, *, org_slug: str) -> dict[str, Any]:
    """The JSON of ``ShipmentDetailOutput`` from a ``selectors.ShipmentDetail`` (its rows already loaded): the
    reference the fast JSON (``logistics.detail.detail_data``, what the API and webhooks answer) is held equal to."""
    data: dict[str, Any] = ShipmentDetailOutput(_DetailRows(detail), context={"org_slug": org_slug}).data
    return data


class _DetailRows:
    """The detail's shipment, whose lines, containers, revisions and documents are the lists the selector loaded
    (the serializer reads them as attributes, as it would a prefetch)."""

    def __init__(self, detail: Any) -> None:
        self._shipment = detail.shipment
        self.lines = detail.lines
        self.containers = detail.containers
        self.revisions = detail.revisions
        self.documents = detail.documents

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shipment, name)


# --- the list's rows ------------------------------------------------------------------------------------------------


class _ShipmentListRow(serializers.ModelSerializer):
    customer_name = serializers.CharField(read_only=True)
    carrier_name = serializers.CharField(read_only=True, allow_null=True)
    order_numbers = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The orders whose lines it carries."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["order_numbers"] = data["order_numbers"] or []
        return data


ShipmentListOutput = output_serializer(
    Shipment,
    SHIPMENT.list,
    name="ShipmentListOutput",
    extra=("customer_name", "carrier_name", "order_numbers"),
    base=_ShipmentListRow,
    doc="The list's row (the documentation of ``shipment_list_rows``, which produces the same JSON).",
)

LIST_EXTRA, LIST_COLUMNS = selectors.LIST_EXTRA, selectors.LIST_COLUMNS
_list_row = row_encoder(Shipment, SHIPMENT.list, extra={name: name for name in LIST_EXTRA})


def shipment_list_rows(rows: Any) -> list[dict[str, Any]]:
    """``values(*LIST_COLUMNS)`` rows of ``selectors.shipment_list`` as the JSON of ``ShipmentListOutput``."""
    out = []
    tz = timezone.get_current_timezone()
    for row in rows:
        data = _list_row(row, tz)
        data["order_numbers"] = data["order_numbers"] or []
        out.append(data)
    return out
