"""Shipments API: the list (a projection, one statement a page), booking with lines and containers, the detail with
its lines, containers, ETA history and documents, header edits, the status moves and ETA revisions as actions, and
the shipment's lines, containers, documents and their files.

Every id in a path is looked up in the organisation, among the shipments the member may see, and under its shipment
(another organisation's, or a document of another shipment, is a 404). Writes that change the shipment honour
``If-Match`` with the shipment's ``ETag`` (412 when stale) and answer with its detail and new ``ETag``.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.approvals.services.attachments import ATTACHMENT_MEDIA_TYPES
from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.pagination import KeysetCursorPagination
from tradeloom.logistics import detail, selectors, services, states
from tradeloom.logistics.api import serializers as s
from tradeloom.logistics.capabilities import SHIPMENTS_MANAGE, SHIPMENTS_VIEW
from tradeloom.logistics.filters import ShipmentFilter
from tradeloom.logistics.models import Container, DocumentFile, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.records.api import expected_version, idempotent
from tradeloom.records.selectors import record_get
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView

# --- looking up what a path names ------------------------------------------------------------------------------------


def _shipment(view: Any, shipment_id: Any) -> Shipment:
    """A shipment of the organisation the member may see; else 404."""
    try:
        return selectors.shipment_get(
            organization=view.organization, membership=view.membership, shipment_id=shipment_id
        )
    except Shipment.DoesNotExist:
        raise Http404("No such shipment.") from None


def _found(row: Any, what: str) -> Any:
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def _line(view: Any, shipment_id: Any, shipment_line_id: Any) -> ShipmentLine:
    shipment = _shipment(view, shipment_id)
    return _found(selectors.shipment_line_of(shipment=shipment, pk=shipment_line_id), "shipment line")


def _container(view: Any, shipment_id: Any, container_id: Any) -> Container:
    shipment = _shipment(view, shipment_id)
    return _found(selectors.container_of(shipment=shipment, pk=container_id), "container")


def _document(view: Any, shipment_id: Any, document_id: Any) -> ShipmentDocument:
    shipment = _shipment(view, shipment_id)
    return _found(selectors.document_of(shipment=shipment, pk=document_id), "document")


def _file(document: ShipmentDocument, file_id: Any) -> DocumentFile:
    return _found(selectors.document_file_of(document=document, pk=file_id), "file")


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_response(view: Any, shipment_id: Any, status_code: int = 200) -> Response:
    """The shipment's detail (``ShipmentDetailOutput``, built from its rows by ``logistics.detail``) with its
    representation's ``ETag`` (a read naming it in ``If-None-Match``: 304); 404 when the member may not see it."""
    rows = detail.shipment_rows(organization=view.organization, membership=view.membership, pk=shipment_id)
    data = detail.detail_data(rows, org_slug=view.organization.slug)
    return conditional_response(view.request, data, version_tag=rows.version_tag, status=status_code)


# --- shipments -------------------------------------------------------------------------------------------------------


class ShipmentsApi(TenantGenericAPIView):
    capabilities = {"GET": SHIPMENTS_VIEW, "POST": SHIPMENTS_MANAGE}
    serializer_class = s.ShipmentListOutput
    model = Shipment  # rows come from the selector
    filterset_class = ShipmentFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.ShipmentListOutput(many=True)},
        summary="List shipments (search by number, B/L or AWB, or container number)",
    )
    def get(self, request: Request) -> Response:
        first = selectors.shipment_list_first_page(
            organization=self.organization, membership=self.membership, params=request.query_params
        )
        page: list[Any] | None
        if first is not None:  # opening the list or a status tab: a statement compiled once
            page = cast(KeysetCursorPagination, self.paginator).take_page(first, request)
        else:
            qs = selectors.shipment_list(organization=self.organization, membership=self.membership)
            page = self.paginate_queryset(self.filter_queryset(qs).values(*s.LIST_COLUMNS))
        return self.get_paginated_response(s.shipment_list_rows(page))

    @extend_schema(
        request=s.ShipmentCreateInput,
        responses={201: s.ShipmentDetailOutput},
        summary="Book a shipment of one customer's order lines, with its containers",
    )
    @api_contract(idempotency_key=True)
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            payload = _valid(s.ShipmentCreateInput, self)
            lines = [dict(line) for line in payload.pop("lines")]
            containers = [dict(container) for container in payload.pop("containers", [])]
            override_reason = payload.pop("override_reason", "")
            booked = services.shipment_create(
                organization=self.organization,
                by=self.membership,
                data=payload,
                lines=lines,
                containers=containers,
                override_reason=override_reason,
            )
            return detail_response(self, booked.shipment.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class ShipmentApi(TenantAPIView):
    capabilities = {"GET": SHIPMENTS_VIEW, "PATCH": SHIPMENTS_MANAGE}

    @extend_schema(
        responses={200: s.ShipmentDetailOutput},
        summary="A shipment with its lines, containers, ETA history and documents",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, shipment_id: Any) -> Response:
        return detail_response(self, shipment_id)

    @extend_schema(
        request=s.ShipmentUpdateInput,
        responses={200: s.ShipmentDetailOutput},
        summary="Change the shipment's header (its dates move by revise-eta, its status by the actions)",
    )
    @api_contract(if_match=True)
    def patch(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        version = expected_version(request, shipment)
        data = s.ShipmentUpdateInput(data=request.data, partial=True, context={"view": self, "instance": shipment})
        data.is_valid(raise_exception=True)
        services.shipment_update(
            shipment=shipment, by=self.membership, data=dict(data.validated_data), expected_version=version
        )
        return detail_response(self, shipment_id)


# --- status moves and ETA revisions ------------------------------------------------------------------------------


class _MoveApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}
    move: str

    def perform(self, request: Request, shipment_id: Any, input_class: type[serializers.Serializer]) -> Response:
        shipment = _shipment(self, shipment_id)
        version = expected_version(request, shipment)
        values = _valid(input_class, self)
        services.shipment_move(
            shipment=shipment,
            action=self.move,
            by=self.membership,
            on=values.get("on"),
            reason=values.get("reason", ""),
            expected_version=version,
        )
        return detail_response(self, shipment_id)


def _move_schema(action: str, input_class: type[serializers.Serializer], summary: str) -> Any:
    transition = states.ACTIONS[action]
    sources = ", ".join(sorted(transition.sources))
    return extend_schema(
        request=input_class,
        responses={200: s.ShipmentDetailOutput},
        summary=summary,
        description=f"From {sources} to {transition.target}; from any other status a 409 `invalid_transition`.",
    )


class ShipmentDepartApi(_MoveApi):
    move = states.DEPART

    @_move_schema(states.DEPART, s.MoveInput, "Mark the shipment departed (its actual departure day)")
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        return self.perform(request, shipment_id, s.MoveInput)


class ShipmentArriveApi(_MoveApi):
    move = states.ARRIVE

    @_move_schema(states.ARRIVE, s.MoveInput, "Mark the shipment arrived (its actual arrival day)")
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        return self.perform(request, shipment_id, s.MoveInput)


class ShipmentDeliverApi(_MoveApi):
    move = states.DELIVER

    @_move_schema(states.DELIVER, s.MoveInput, "Mark the shipment delivered to the buyer (the lines' figures follow)")
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        return self.perform(request, shipment_id, s.MoveInput)


class ShipmentReturnApi(_MoveApi):
    move = states.RETURN

    @_move_schema(states.RETURN, s.ReasonInput, "Mark the shipment returned, with a reason (quantities go back)")
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        return self.perform(request, shipment_id, s.ReasonInput)


class ShipmentCancelApi(_MoveApi):
    move = states.CANCEL

    @_move_schema(states.CANCEL, s.ReasonInput, "Cancel a booked shipment, with a reason (quantities go back)")
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        return self.perform(request, shipment_id, s.ReasonInput)


class ShipmentEtaReviseApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.EtaRevisionInput,
        responses={200: s.ShipmentDetailOutput},
        summary="Revise the ETD (before departure) or the ETA (until arrival), with a reason",
        description="The dates before are kept in the ETA history; once arrived, a 409 `invalid_transition`.",
    )
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        version = expected_version(request, shipment)
        values = _valid(s.EtaRevisionInput, self)
        services.shipment_eta_revise(
            shipment=shipment,
            by=self.membership,
            reason=values["reason"],
            etd=values.get("etd"),
            eta=values.get("eta"),
            revised_on=values.get("revised_on"),
            expected_version=version,
        )
        return detail_response(self, shipment_id)


# --- lines ---------------------------------------------------------------------------------------------------------


class ShipmentLinesApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.ShipmentLineAddInput,
        responses={201: s.ShipmentDetailOutput},
        summary="Add an order line's quantity to a booked shipment (the booking's rules and tolerance)",
    )
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        version = expected_version(request, shipment)
        values = _valid(s.ShipmentLineAddInput, self)
        override_reason = values.pop("override_reason", "")
        services.shipment_line_add(
            shipment=shipment,
            by=self.membership,
            data=values,
            override_reason=override_reason,
            expected_version=version,
        )
        return detail_response(self, shipment_id, status.HTTP_201_CREATED)


class ShipmentLineApi(TenantAPIView):
    capabilities = {"PATCH": SHIPMENTS_MANAGE, "DELETE": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.ShipmentLineUpdateInput,
        responses={200: s.ShipmentDetailOutput},
        summary="Change a booked shipment's line: its quantity (within the tolerance), packing or container",
    )
    @api_contract(if_match=True)
    def patch(self, request: Request, shipment_id: Any, shipment_line_id: Any) -> Response:
        row = _line(self, shipment_id, shipment_line_id)
        version = expected_version(request, row.shipment)
        values = _valid(s.ShipmentLineUpdateInput, self, partial=True)
        override_reason = values.pop("override_reason", "")
        services.shipment_line_update(
            row=row, by=self.membership, data=values, override_reason=override_reason, expected_version=version
        )
        return detail_response(self, shipment_id)

    @extend_schema(
        request=None,
        responses={200: s.ShipmentDetailOutput},
        summary="Take a line off a booked shipment (its quantity goes back; the last line stays: cancel instead)",
    )
    @api_contract(if_match=True)
    def delete(self, request: Request, shipment_id: Any, shipment_line_id: Any) -> Response:
        row = _line(self, shipment_id, shipment_line_id)
        version = expected_version(request, row.shipment)
        services.shipment_line_remove(row=row, by=self.membership, expected_version=version)
        return detail_response(self, shipment_id)


# --- containers ----------------------------------------------------------------------------------------------------


class ShipmentContainersApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.ContainerInput,
        responses={201: s.ShipmentDetailOutput},
        summary="Add a container to a sea or road shipment (ISO 6346 number, once per shipment)",
    )
    @api_contract(if_match=True)
    def post(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        version = expected_version(request, shipment)
        values = _valid(s.ContainerInput, self)
        services.container_add(shipment=shipment, by=self.membership, data=values, expected_version=version)
        return detail_response(self, shipment_id, status.HTTP_201_CREATED)


class ShipmentContainerApi(TenantAPIView):
    capabilities = {"PATCH": SHIPMENTS_MANAGE, "DELETE": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.ContainerUpdateInput,
        responses={200: s.ShipmentDetailOutput},
        summary="Correct a container's number, type or seal (until the shipment arrives)",
    )
    @api_contract(if_match=True)
    def patch(self, request: Request, shipment_id: Any, container_id: Any) -> Response:
        container = _container(self, shipment_id, container_id)
        version = expected_version(request, container.shipment)
        values = _valid(s.ContainerUpdateInput, self, partial=True)
        services.container_update(container=container, by=self.membership, data=values, expected_version=version)
        return detail_response(self, shipment_id)

    @extend_schema(
        request=None,
        responses={200: s.ShipmentDetailOutput},
        summary="Remove a container (the lines packed in it stay, without a container)",
    )
    @api_contract(if_match=True)
    def delete(self, request: Request, shipment_id: Any, container_id: Any) -> Response:
        container = _container(self, shipment_id, container_id)
        version = expected_version(request, container.shipment)
        services.container_remove(container=container, by=self.membership, expected_version=version)
        return detail_response(self, shipment_id)


# --- documents and their files -------------------------------------------------------------------------------------


def _document_response(view: Any, document: ShipmentDocument, status_code: int = 200) -> Response:
    fresh = record_get(records=selectors.shipment_documents(document.shipment), pk=document.pk)
    return Response(s.DocumentOutput(fresh, context={"org_slug": view.organization.slug}).data, status=status_code)


class ShipmentDocumentsApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.DocumentInput,
        responses={201: s.DocumentOutput},
        summary="Add a document to the checklist: a standard kind it lacks, or another by name",
    )
    def post(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        values = _valid(s.DocumentInput, self)
        document = services.document_add(shipment=shipment, by=self.membership, data=values)
        document.shipment = shipment
        return _document_response(self, document, status.HTTP_201_CREATED)


class ShipmentDocumentApi(TenantAPIView):
    capabilities = {"PATCH": SHIPMENTS_MANAGE}

    @extend_schema(
        request=s.DocumentUpdateInput,
        responses={200: s.DocumentOutput},
        summary="Move a document's status (pending, drafted, sent, accepted, discrepant), due date, note or name",
    )
    def patch(self, request: Request, shipment_id: Any, document_id: Any) -> Response:
        document = _document(self, shipment_id, document_id)
        values = _valid(s.DocumentUpdateInput, self, partial=True)
        updated = services.document_update(document=document, by=self.membership, data=values)
        updated.shipment = document.shipment
        return _document_response(self, updated)


class ShipmentDocumentFilesApi(TenantAPIView):
    capabilities = {"POST": SHIPMENTS_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.FileInput},
        responses={201: s.DocumentFileOutput},
        summary="Attach a file to a document (images, PDF or text; at most 10 MB)",
    )
    def post(self, request: Request, shipment_id: Any, document_id: Any) -> Response:
        document = _document(self, shipment_id, document_id)
        values = _valid(s.FileInput, self)
        attached = services.document_file_attach(document=document, by=self.membership, upload=values["file"])
        attached.document = document
        data = s.DocumentFileOutput(attached, context={"org_slug": self.organization.slug}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ShipmentDocumentFileApi(TenantAPIView):
    capabilities = {"GET": SHIPMENTS_VIEW}

    @extend_schema(
        responses={(200, *ATTACHMENT_MEDIA_TYPES): bytes}, summary="Download a document's file (as uploaded)"
    )
    def get(self, request: Request, shipment_id: Any, document_id: Any, file_id: Any) -> FileResponse:
        found = _file(_document(self, shipment_id, document_id), file_id)
        try:
            handle = found.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is no longer stored.") from None
        return FileResponse(handle, as_attachment=True, filename=found.name, content_type=found.content_type)
