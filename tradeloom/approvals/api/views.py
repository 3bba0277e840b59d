"""Approvals API: gates and rules, an order's approvals, entries and corrections, bulk updates, samples, the
board, attachments."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.approvals import selectors, services
from tradeloom.approvals.api import serializers as s
from tradeloom.approvals.filters import BoardFilter
from tradeloom.approvals.models import Attachment, Gate, GateRule, LineGate, Sample
from tradeloom.approvals.services.attachments import ATTACHMENT_MEDIA_TYPES
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.parsers import JSONParser
from tradeloom.sales import selectors as sales_selectors
from tradeloom.sales.capabilities import ORDERS_MANAGE, ORDERS_VIEW
from tradeloom.sales.models import Line
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.tenancy.capabilities import ORGANIZATION_MANAGE
from tradeloom.tenancy.roles import role_has


def _visible_lines(view: Any) -> Any:
    return sales_selectors.lines_visible(organization=view.organization, membership=view.membership)


def _gate(view: Any, code: str, field: str = "gate") -> Gate:
    gate = selectors.gate_by_code(organization=view.organization, code=code)
    if gate is None:
        raise ApplicationError(
            f"No such gate: {code}.", code="validation_error", extra={"errors": {field: ["No such gate."]}}
        )
    return gate


def _context(view: Any) -> dict[str, Any]:
    return {"org_slug": view.organization.slug, "today": timezone.localdate()}


class GatesApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.GateOutput(many=True)}, summary="The organisation's gates (standard and custom)")
    def get(self, request: Request) -> Response:
        return Response(s.GateOutput(selectors.gate_list(organization=self.organization), many=True).data)

    @extend_schema(
        request=s.GateInput,
        responses={201: s.GateOutput},
        summary="Define a custom gate (owners and admins; any order manager for a one-line gate)",
    )
    def post(self, request: Request) -> Response:
        data = s.GateInput(data=request.data)
        data.is_valid(raise_exception=True)
        line = None
        if data.validated_data.get("line"):
            line = sales_selectors.line_visible_get(
                organization=self.organization, membership=self.membership, pk=data.validated_data["line"]
            )
        elif not role_has(self.membership.role, ORGANIZATION_MANAGE):
            raise PermissionDenied("Only owners and admins define gates for the organisation.")
        gate = services.gate_create(
            organization=self.organization,
            by=self.membership,
            name=data.validated_data["name"],
            applies_by_default=data.validated_data["applies_by_default"],
            line=line,
        )
        return Response(s.GateOutput(gate).data, status=status.HTTP_201_CREATED)


class GateApi(TenantAPIView):
    capabilities = {"PATCH": ORGANIZATION_MANAGE}
    model = Gate

    @extend_schema(request=s.GateUpdateInput, responses={200: s.GateOutput}, summary="Rename, reorder, archive a gate")
    def patch(self, request: Request, gate_id: Any) -> Response:
        gate = selectors.gate_get(organization=self.organization, pk=gate_id)
        data = s.GateUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        gate = services.gate_update(gate=gate, by=self.membership, data=dict(data.validated_data))
        return Response(s.GateOutput(gate).data)


class RulesApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORGANIZATION_MANAGE}

    @extend_schema(responses={200: s.RuleOutput(many=True)}, summary="Gating rules")
    def get(self, request: Request) -> Response:
        return Response(s.RuleOutput(selectors.gate_rule_list(organization=self.organization), many=True).data)

    @extend_schema(request=s.RuleInput, responses={200: s.RuleOutput}, summary="Set the rule for a gate or line status")
    def post(self, request: Request) -> Response:
        data = s.RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        gate = _gate(self, values["gate"]) if values.get("gate") else None
        rule = services.rule_set(
            organization=self.organization,
            by=self.membership,
            kind=values["kind"],
            gate=gate,
            line_status=values.get("line_status", ""),
            requires=values["requires"],
        )
        return Response(s.RuleOutput(rule).data)


class RuleApi(TenantAPIView):
    capabilities = {"DELETE": ORGANIZATION_MANAGE}
    model = GateRule

    @extend_schema(request=None, responses={204: None}, summary="Remove a gating rule")
    def delete(self, request: Request, rule_id: Any) -> Response:
        rule = selectors.gate_rule_get(organization=self.organization, pk=rule_id)
        services.rule_delete(rule=rule, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


def order_approvals_data(view: Any, order: Any) -> dict[str, Any]:
    line_gates = selectors.order_gates(order=order)
    styles = list(order.styles.all())
    by_style = selectors.gate_badges(ids=[st.pk for st in styles], per="style")
    by_order = selectors.gate_badges(ids=[order.pk]).get(order.pk, [])

    def gate_states(badges: list[selectors.GateBadge]) -> list[dict[str, str]]:
        return [{"gate": b.code, "name": b.name, "state": b.state} for b in badges]

    return {
        "gates": gate_states(by_order),
        "styles": [
            {"style_id": st.pk, "style_number": st.style_number, "gates": gate_states(by_style.get(st.pk, []))}
            for st in styles
        ],
        "line_gates": line_gates,
        "samples": selectors.order_samples(order=order),
    }


class OrderApprovalsApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW}

    @extend_schema(responses={200: s.OrderApprovalsOutput}, summary="An order's gates: per order, style and line")
    def get(self, request: Request, order_id: Any) -> Response:
        order = sales_selectors.order_get(organization=self.organization, membership=self.membership, pk=order_id)
        return Response(s.OrderApprovalsOutput(order_approvals_data(self, order), context=_context(self)).data)


class LineGatesApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(request=s.LineGateInput, responses={201: s.LineGateOutput}, summary="Add a gate to a line")
    def post(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = sales_selectors.line_get(
            organization=self.organization, membership=self.membership, order_id=order_id, line_id=line_id
        )
        data = s.LineGateInput(data=request.data)
        data.is_valid(raise_exception=True)
        line_gate = services.line_gate_add(line=line, gate=_gate(self, data.validated_data["gate"]), by=self.membership)
        return Response(s.LineGateOutput(line_gate, context=_context(self)).data, status=status.HTTP_201_CREATED)


def _line_gate_response(view: Any, line_gate: LineGate, code: int = 200) -> Response:
    fresh = selectors.line_gate_with_history_get(line_gate=line_gate)
    return Response(s.LineGateOutput(fresh, context=_context(view)).data, status=code)


class EntriesApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": s.EntryInput, "multipart/form-data": s.EntryInput},
        responses={201: s.LineGateOutput},
        summary="Record a gate's step (submission, resubmission, approved, rejected), with files",
    )
    def post(self, request: Request, line_gate_id: Any) -> Response:
        line_gate = selectors.line_gate_get(organization=self.organization, membership=self.membership, pk=line_gate_id)
        data = s.EntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        files = values.pop("attachments", [])
        services.entry_record(line_gate=line_gate, by=self.membership, files=files, **values)
        return _line_gate_response(self, line_gate, status.HTTP_201_CREATED)


class EntryCorrectionApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.CorrectionInput,
        responses={201: s.LineGateOutput},
        summary="Correct an entry: a new entry supersedes it (history is never edited)",
    )
    def post(self, request: Request, entry_id: Any) -> Response:
        entry = selectors.gate_entry_get(organization=self.organization, membership=self.membership, pk=entry_id)
        data = s.CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_correct(entry=entry, by=self.membership, **data.validated_data)
        return _line_gate_response(self, entry.line_gate, status.HTTP_201_CREATED)


class BulkApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.BulkInput,
        responses={200: s.EntryOutput(many=True)},
        summary="Set one gate for many lines (all or nothing)",
    )
    def post(self, request: Request) -> Response:
        data = s.BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("lines"))
        lines = list(_visible_lines(self).filter(pk__in=ids))
        if len(lines) != len(ids):
            raise Http404("One or more of these lines do not exist.")
        gate = _gate(self, values.pop("gate"))
        entries = services.gates_set_bulk(lines=lines, gate=gate, by=self.membership, **values)
        return Response(s.EntryOutput(entries, many=True, context=_context(self)).data)


class SamplesApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.SampleOutput(many=True)}, summary="A line's samples")
    def get(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = sales_selectors.line_get(
            organization=self.organization, membership=self.membership, order_id=order_id, line_id=line_id
        )
        samples = selectors.sample_list_of_line(line=line)
        return Response(s.SampleOutput(samples, many=True, context=_context(self)).data)

    @extend_schema(request=s.SampleInput, responses={201: s.SampleOutput}, summary="Register a sample (next version)")
    def post(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line: Line = sales_selectors.line_get(
            organization=self.organization, membership=self.membership, order_id=order_id, line_id=line_id
        )
        data = s.SampleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        gate = _gate(self, values.pop("gate"))
        sample = services.sample_create(line=line, gate=gate, by=self.membership, data=values)
        return Response(s.SampleOutput(sample, context=_context(self)).data, status=status.HTTP_201_CREATED)


def _sample(view: Any, sample_id: Any) -> Sample:
    return selectors.sample_get(organization=view.organization, membership=view.membership, pk=sample_id)


class SampleDispatchApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.DispatchInput, responses={200: s.SampleOutput}, summary="Send a sample: its gate records a submission"
    )
    def post(self, request: Request, sample_id: Any) -> Response:
        sample = _sample(self, sample_id)
        data = s.DispatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        sample = services.sample_dispatch(sample=sample, by=self.membership, **data.validated_data)
        return Response(s.SampleOutput(sample, context=_context(self)).data)


class SampleDecisionApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.DecisionInput, responses={200: s.SampleOutput}, summary="The buyer's decision: the gate follows"
    )
    def post(self, request: Request, sample_id: Any) -> Response:
        sample = _sample(self, sample_id)
        data = s.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        approve = values.pop("decision") == "approve"
        sample = services.sample_decide(sample=sample, by=self.membership, approve=approve, **values)
        return Response(s.SampleOutput(sample, context=_context(self)).data)


class EntryAttachmentsApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.AttachmentInput},
        responses={201: s.AttachmentOutput},
        summary="Attach a file to an entry",
    )
    def post(self, request: Request, entry_id: Any) -> Response:
        entry = selectors.gate_entry_get(organization=self.organization, membership=self.membership, pk=entry_id)
        data = s.AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(by=self.membership, upload=data.validated_data["file"], entry=entry)
        return Response(s.AttachmentOutput(attachment, context=_context(self)).data, status=status.HTTP_201_CREATED)


class SampleAttachmentsApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.AttachmentInput},
        responses={201: s.AttachmentOutput},
        summary="Attach a file to a sample",
    )
    def post(self, request: Request, sample_id: Any) -> Response:
        sample = _sample(self, sample_id)
        data = s.AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(by=self.membership, upload=data.validated_data["file"], sample=sample)
        return Response(s.AttachmentOutput(attachment, context=_context(self)).data, status=status.HTTP_201_CREATED)


class AttachmentApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW}
    model = Attachment

    @extend_schema(responses={(200, *ATTACHMENT_MEDIA_TYPES): bytes}, summary="Download an attachment (as uploaded)")
    def get(self, request: Request, attachment_id: Any) -> FileResponse:
        attachment = selectors.attachment_get(
            organization=self.organization, membership=self.membership, pk=attachment_id
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )


class BoardApi(TenantGenericAPIView):
    capabilities = {"GET": ORDERS_VIEW}
    serializer_class = s.BoardRowOutput
    model = LineGate  # rows come from the selector
    filterset_class = BoardFilter
    ordering = ("-updated_at", "-id")

    @extend_schema(responses={200: s.BoardRowOutput(many=True)}, summary="Lines by gate and state (the board)")
    def get(self, request: Request) -> Response:
        qs = selectors.board(organization=self.organization, membership=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.BoardRowOutput(page, many=True, context=_context(self)).data)


class BoardSummaryApi(TenantGenericAPIView):
    capabilities = {"GET": ORDERS_VIEW}
    model = LineGate  # rows come from the selector
    filterset_class = BoardFilter
    pagination_class = None  # one row per gate: the whole matrix, a plain array (no pages, no ?limit=)

    @extend_schema(responses={200: s.MatrixOutput(many=True)}, summary="Counts of lines per gate and state")
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(selectors.board(organization=self.organization, membership=self.membership))
        matrix = selectors.board_matrix(qs)
        return Response([{"gate": g["code"], "name": g["name"], "counts": g["counts"]} for g in matrix])
