"""A shipment's detail as rows and its JSON: what ``GET shipments/{id}/``, every write that answers with the shipment
and the webhooks' payloads (``webhooks.shipments_represent``) return.

The API reads it as five ``values()`` projections compiled once per process (``core.prepared``), as the order detail
does (``sales.selectors.order_detail``): the shipment with its customer's and carrier's names; its lines with their
order line's order number, style, colour, unit and quantity and their container's number; its containers; its ETA
revisions with who recorded them; its documents with their files (a left join). No queryset is compiled and no model
instance built per request; the JSON is written directly (``detail_data``), with encoders derived from the models'
shapes, and a test holds it equal to ``api.serializers.ShipmentDetailOutput``, which documents it.

Five statements whatever the number of lines, containers, revisions, documents and files; for several shipments
(``shipments_rows``, the webhooks) the same five, filtered by the list of ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.urls import get_script_prefix, reverse

from tradeloom.core.money import QUANTITY_PLACES, decimal_text
from tradeloom.core.prepared import PreparedQuery
from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.logistics import states
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership

Row = dict[str, Any]
SHIPMENT, LINE, CONTAINER = shape_of(Shipment), shape_of(ShipmentLine), shape_of(Container)
REVISION, DOCUMENT, FILE = shape_of(EtaRevision), shape_of(ShipmentDocument), shape_of(DocumentFile)


@dataclass(frozen=True)
class ShipmentRows:
    """A shipment as rows. ``shipment`` has its read columns (``Shipment.Shape.read``), ``customer_label`` and
    ``carrier_label``; each line its read columns, ``order_number``, ``style_number``, ``colour_code``,
    ``colour_name``, ``unit_code``, ``ordered_quantity`` and ``container_number``; each revision its read columns and
    ``recorded_by``; ``documents`` has a row per document and file (``FILE_COLUMNS``), a document without files
    once."""

    shipment: Row
    lines: list[Row]
    containers: list[Row]
    revisions: list[Row]
    documents: list[Row]

    @property
    def version_tag(self) -> str:
        return Shipment.etag_of(self.shipment["id"], self.shipment["version"])


# --- the projections: the same querysets for one shipment (prepared) and for several (webhooks) ---------------------


def _shipments(**where: Any) -> QuerySet[Shipment, Row]:
    return Shipment.objects.filter(**where).values(
        *SHIPMENT.read,
        customer_label=Coalesce(NullIf("customer__trade_name", Value("")), "customer__legal_name"),  # str(customer)
        carrier_label=F("carrier__name"),
    )


def _lines(**where: Any) -> QuerySet[ShipmentLine, Row]:
    return (
        ShipmentLine.objects.filter(**where)
        .order_by("position", "id")
        .values(
            "shipment_id",
            *LINE.read,
            order_number=F("line__order__number"),
            style_number=F("line__style__style_number"),
            colour_code=F("line__colour_code"),
            colour_name=F("line__colour_name"),
            unit_code=F("line__unit__code"),
            ordered_quantity=F("line__quantity"),
            container_number=F("container__number"),
        )
    )


def _containers(**where: Any) -> QuerySet[Container, Row]:
    return Container.objects.filter(**where).order_by("position", "number").values("shipment_id", *CONTAINER.read)


def _revisions(**where: Any) -> QuerySet[EtaRevision, Row]:
    return (
        EtaRevision.objects.filter(**where)
        .order_by("created_at", "id")
        .values("shipment_id", *REVISION.read, recorded_by=F("created_by__email"))
    )


# a document's row carries one of its files (``file_<column>``, all None for a document without one): the checklist
# and its files in one statement (a left join), a document's rows together, its files oldest first
FILE_COLUMNS = {f"file_{column}": column for column in FILE.read}


def _documents(**where: Any) -> QuerySet[ShipmentDocument, Row]:
    return (
        ShipmentDocument.objects.filter(**where)
        .order_by("position", "name", "id", "files__created_at", "files__id")
        .values("shipment_id", *DOCUMENT.read, **{key: F(f"files__{column}") for key, column in FILE_COLUMNS.items()})
    )


def _visible_shipment(org: Any, pk: Any, merchandiser: Any = None) -> QuerySet[Shipment, Row]:
    """``selectors.shipments_visible`` for one shipment: a restricted merchandiser sees a shipment only when it
    carries a line of one of their orders."""
    qs = _shipments(organization_id=org, pk=pk)
    if merchandiser is not None:
        theirs = ShipmentLine.objects.filter(shipment=OuterRef("pk"), order__merchandiser_id=merchandiser)
        qs = qs.filter(Exists(theirs))
    return qs


_SHIPMENT_ROW = PreparedQuery(_visible_shipment, org=UUID, pk=UUID)
_OWN_SHIPMENT_ROW = PreparedQuery(_visible_shipment, org=UUID, pk=UUID, merchandiser=UUID)
_LINE_ROWS = PreparedQuery(lambda shipment: _lines(shipment_id=shipment), shipment=UUID)
_CONTAINER_ROWS = PreparedQuery(lambda shipment: _containers(shipment_id=shipment), shipment=UUID)
_REVISION_ROWS = PreparedQuery(lambda shipment: _revisions(shipment_id=shipment), shipment=UUID)
_DOCUMENT_ROWS = PreparedQuery(lambda shipment: _documents(shipment_id=shipment), shipment=UUID)


def shipment_rows(*, organization: Any, membership: Membership, pk: Any) -> ShipmentRows:
    """A shipment this member may see, as rows (five statements); else 404."""
    if merchandiser_restricted(organization=organization, membership=membership):
        shipment = _OWN_SHIPMENT_ROW.first(org=organization.pk, pk=pk, merchandiser=membership.pk)
    else:
        shipment = _SHIPMENT_ROW.first(org=organization.pk, pk=pk)
    if shipment is None:
        raise Http404("No such shipment.")
    pk = shipment["id"]
    return ShipmentRows(
        shipment=shipment,
        lines=_LINE_ROWS.all(shipment=pk),
        containers=_CONTAINER_ROWS.all(shipment=pk),
        revisions=_REVISION_ROWS.all(shipment=pk),
        documents=_DOCUMENT_ROWS.all(shipment=pk),
    )


def shipments_rows(*, organization: Any, ids: Iterable[Any]) -> dict[Any, ShipmentRows]:
    """The organisation's shipments among ``ids`` (no member's restriction: for background work), as rows by id:
    the same five statements whatever the number of ids."""
    shipments = list(_shipments(organization_id=organization.pk, pk__in=list(ids)))
    pks = [row["id"] for row in shipments]
    if not pks:
        return {}
    children: dict[str, dict[Any, list[Row]]] = {}
    for name, rows in (
        ("lines", _lines(shipment_id__in=pks)),
        ("containers", _containers(shipment_id__in=pks)),
        ("revisions", _revisions(shipment_id__in=pks)),
        ("documents", _documents(shipment_id__in=pks)),
    ):
        grouped: dict[Any, list[Row]] = {pk: [] for pk in pks}
        for row in rows:
            grouped[row["shipment_id"]].append(row)
        children[name] = grouped
    return {
        pk: ShipmentRows(shipment, **{name: grouped[pk] for name, grouped in children.items()})
        for pk, shipment in zip(pks, shipments, strict=True)
    }


# --- the JSON ----------------------------------------------------------------------------------------------------
# ``ShipmentDetailOutput``'s JSON from the rows (a test holds the two equal, key order included: the ETag digests the
# body). The encoders come from the same shapes as the serializers; what the serializers add is written out below.

_shipment_json = row_encoder(
    Shipment, SHIPMENT.read, extra={"customer_name": "customer_label", "carrier_name": "carrier_label"}
)
_line_json = row_encoder(
    ShipmentLine,
    LINE.read,
    extra={
        "container": "container_number",  # placed before container_id, as the serializer places it
        "order_number": "order_number",
        "style_number": "style_number",
        "colour_code": "colour_code",
        "colour_name": "colour_name",
        "unit": "unit_code",
        "ordered_quantity": "ordered_quantity",
    },
)
_container_json = row_encoder(Container, CONTAINER.read)
_revision_json = row_encoder(EtaRevision, REVISION.read, extra={"recorded_by": "recorded_by"})
_document_json = row_encoder(ShipmentDocument, DOCUMENT.read)
_file_json = row_encoder(DocumentFile, FILE.read)

_KIND_LABELS = {str(value): str(label) for value, label in ShipmentDocument._meta.get_field("kind").flatchoices}
_ACTIONS = {
    status: tuple((t.action, t.label, t.needs_reason) for t in states.actions_from(status))
    for status, _ in states.STATUSES
}
_FILE_URL = "api:tenant-api:shipment-document-file"
# stand-ins that reverse() keeps as they are (a slug and three UUIDs), replaced by the real values per file
_SLOT_SLUG = "org-slug-slot"
_SLOT_SHIPMENT = UUID(int=1)
_SLOT_DOCUMENT = UUID(int=2)
_SLOT_FILE = UUID(int=3)


@cache
def _file_url_parts(script_prefix: str) -> tuple[str, str, str, str, str]:
    """The file download address cut around its four values (what ``reverse()`` gives, for a prefix)."""
    kwargs = {
        "org_slug": _SLOT_SLUG,
        "shipment_id": _SLOT_SHIPMENT,
        "document_id": _SLOT_DOCUMENT,
        "file_id": _SLOT_FILE,
    }
    url = reverse(_FILE_URL, kwargs=kwargs)
    head, rest = url.split(_SLOT_SLUG)
    after_slug, rest = rest.split(str(_SLOT_SHIPMENT))
    after_shipment, rest = rest.split(str(_SLOT_DOCUMENT))
    after_document, tail = rest.split(str(_SLOT_FILE))
    return head, after_slug, after_shipment, after_document, tail


def detail_data(rows: ShipmentRows, *, org_slug: str) -> dict[str, Any]:
    """The JSON of ``ShipmentDetailOutput`` from a shipment's rows."""
    shipment = rows.shipment
    shipment_id = str(shipment["id"])
    data = _shipment_json(shipment)
    data["actions"] = [
        {"action": action, "title": title, "needs_reason": needs_reason}
        for action, title, needs_reason in _ACTIONS.get(shipment["status"], ())
    ]
    lines = []
    for line in rows.lines:
        row = _line_json(line)
        row["ordered_quantity"] = decimal_text(line["ordered_quantity"], QUANTITY_PLACES)
        lines.append(row)
    data["lines"] = lines
    data["containers"] = [_container_json(container) for container in rows.containers]
    data["revisions"] = [_revision_json(revision) for revision in rows.revisions]
    head, after_slug, after_shipment, after_document, tail = _file_url_parts(get_script_prefix())
    prefix = f"{head}{org_slug}{after_slug}{shipment_id}{after_shipment}"
    documents: dict[Any, Row] = {}
    for document in rows.documents:
        document_id = document["id"]
        if document_id in documents:
            row = documents[document_id]
        else:
            row = documents[document_id] = _document_json(document)
            row["title"] = document["name"] or _KIND_LABELS.get(document["kind"], document["kind"])
            row["files"] = []
        if document["file_id"] is not None:
            file = _file_json({column: document[key] for key, column in FILE_COLUMNS.items()})
            file["url"] = f"{prefix}{document_id}{after_document}{file['id']}{tail}"
            row["files"].append(file)
    data["documents"] = list(documents.values())
    return data
