"""Production API: the work-order list (filters, cursor pages), making a work order (from sales-order lines or by
hand), the detail with its lines, requirements, entries (current and superseded) and stock moves, edits of drafts
and pending ones, the moves as actions (release, start, complete, cancel, reopen), daily production (one row on a
work order, or many rows across work orders at once), corrections, requirements, materials issued from stock and
finished goods received into it.

Every id in a path is looked up in the organisation (another organisation's is a 404). Writes on a work order honour
``If-Match`` with its ``ETag`` (412 when stale) and answer with its detail and new ``ETag``; making one and reporting
take an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.pagination import KeysetCursorPagination
from tradeloom.production import selectors, services, states
from tradeloom.production.api import serializers as s
from tradeloom.production.capabilities import PRODUCTION_MANAGE, PRODUCTION_REPORT, PRODUCTION_VIEW
from tradeloom.production.filters import WorkOrderFilter
from tradeloom.production.models import WorkOrder
from tradeloom.production.services.entries import unprefixed
from tradeloom.records.api import expected_version, idempotent
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _wo(view: Any, work_order_id: Any) -> WorkOrder:
    return selectors.work_order_get(organization=view.organization, pk=work_order_id)


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_response(view: Any, work_order_id: Any, status_code: int = 200) -> Response:
    """The work order's detail with its representation's ``ETag`` (``If-None-Match`` naming it: 304)."""
    wo = _wo(view, work_order_id)
    detail = selectors.work_order_detail(organization=view.organization, work_order=wo)
    return conditional_response(view.request, s.detail_data(detail), version_tag=wo.etag, status=status_code)


def _split(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    lines = payload.pop("lines", None)
    return payload, None if lines is None else [dict(line) for line in lines]


ERRORS_CREATE = (
    "A line of another order than the first is a 400 `order_mixed`, a completed or archived line a 400 "
    "`line_closed`; other invalid fields a 400 `validation_error` naming them (`lines.<n>.<field>`)."
)


class WorkOrdersApi(TenantGenericAPIView):
    capabilities = {"GET": PRODUCTION_VIEW, "POST": PRODUCTION_MANAGE}
    serializer_class = s.WorkOrderListOutput
    model = WorkOrder
    filterset_class = WorkOrderFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.WorkOrderListOutput(many=True)},
        summary="List work orders (filter by status, priority, mill, order, late, due date; search by number)",
    )
    def get(self, request: Request) -> Response:
        first = selectors.work_order_list_first_page(organization=self.organization, params=request.query_params)
        page: list[Any] | None
        if first is not None:  # opening the list or a status tab: a statement compiled once
            page = cast(KeysetCursorPagination, self.paginator).take_page(first, request)
        else:
            qs = selectors.work_order_list(organization=self.organization)
            page = self.paginate_queryset(self.filter_queryset(qs).values(*s.LIST_COLUMNS))
        return self.get_paginated_response(s.work_order_list_rows(page))

    @extend_schema(
        request=s.WorkOrderCreateInput,
        responses={201: s.WorkOrderDetailOutput},
        summary="Make a draft work order (for sales-order lines of one order, or by hand), with its requirements",
        description=ERRORS_CREATE,
    )
    @api_contract(idempotency_key=True)
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            data, lines = _split(_valid(s.WorkOrderCreateInput, self))
            wo = services.work_order_create(organization=self.organization, by=self.membership, data=data, lines=lines)
            return detail_response(self, wo.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class WorkOrderApi(TenantAPIView):
    capabilities = {"GET": PRODUCTION_VIEW, "PATCH": PRODUCTION_MANAGE}

    @extend_schema(
        responses={200: s.WorkOrderDetailOutput},
        summary="A work order with its lines, requirements, production entries (and their history) and stock moves",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, work_order_id: Any) -> Response:
        return detail_response(self, work_order_id)

    @extend_schema(
        request=s.WorkOrderUpdateInput,
        responses={200: s.WorkOrderDetailOutput},
        summary="Change a draft or pending work order (its header; its lines when given, all of them)",
        description="Only a draft or pending work order changes: otherwise a 409 `not_editable`. The requirements are "
        "made again from the calculator while nothing was issued against them. " + ERRORS_CREATE,
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, work_order_id: Any) -> Response:
        wo = _wo(self, work_order_id)
        version = expected_version(request, wo)
        data, lines = _split(_valid(s.WorkOrderUpdateInput, self, partial=True))
        services.work_order_update(
            organization=self.organization, by=self.membership, work_order=wo, data=data, lines=lines, version=version
        )
        return detail_response(self, work_order_id)


class _MoveApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_MANAGE}
    move: str
    input_class: type[serializers.Serializer] = s.WorkOrderEmptyInput

    def post(self, request: Request, work_order_id: Any) -> Response:
        wo = _wo(self, work_order_id)
        version = expected_version(request, wo)
        values = _valid(self.input_class, self)
        services.work_order_move(
            organization=self.organization,
            by=self.membership,
            work_order=wo,
            action=self.move,
            reason=values.get("reason", ""),
            on=values.get("on"),
            version=version,
        )
        return detail_response(self, work_order_id)


def _move_view(action: str, input_class: type[serializers.Serializer], summary: str, extra: str = "") -> type[_MoveApi]:
    transition = states.ACTIONS[action]
    sources = ", ".join(sorted(transition.sources))

    class MoveApi(_MoveApi):
        move = action

        @extend_schema(
            request=input_class,
            responses={200: s.WorkOrderDetailOutput},
            summary=summary,
            description=f"From {sources} to {transition.target}; from any other status a 409 `invalid_transition`."
            + extra,
        )
        @api_contract(if_match=True, errors=(409,))
        def post(self, request: Request, work_order_id: Any) -> Response:
            return super().post(request, work_order_id)

    MoveApi.input_class = input_class
    MoveApi.__name__ = MoveApi.__qualname__ = f"WorkOrder{action.title()}Api"
    return MoveApi


WorkOrderReleaseApi = _move_view(
    states.RELEASE, s.WorkOrderEmptyInput, "Release a draft work order to the mill or the floor"
)
WorkOrderStartApi = _move_view(
    states.START,
    s.WorkOrderDayInput,
    "Start a pending work order (its start date: default today)",
    " The first production entry on a pending work order starts it by itself.",
)
WorkOrderCompleteApi = _move_view(
    states.COMPLETE,
    s.WorkOrderDayInput,
    "Complete a work order in progress (its completion date: default today); production entries stop",
)
WorkOrderCancelApi = _move_view(states.CANCEL, s.WorkOrderReasonInput, "Cancel a work order, with a reason")
WorkOrderReopenApi = _move_view(
    states.REOPEN, s.WorkOrderReasonInput, "Reopen a completed work order, with a reason (more was produced)"
)


ERRORS_REPORT = (
    " A work order that is not pending or in progress is a 409 `not_reportable`; a line not on it a 400 "
    "`line_not_on_work_order`; a row with every figure zero (that corrects nothing) a 400 `nothing_reported`; other "
    "invalid fields a 400 `validation_error`. A row for a day that has figures already corrects them (the earlier "
    "entry is kept as superseded); the first entry on a pending work order starts it."
)


class WorkOrderEntriesApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_REPORT}

    @extend_schema(
        request=s.ProductionEntryInput,
        responses={201: s.WorkOrderDetailOutput},
        summary="Report a day's production on the work order (knitted, dyed, finished, pieces, rejects)",
        description="Errors name the fields without a row prefix." + ERRORS_REPORT,
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request, work_order_id: Any) -> Response:
        wo = _wo(self, work_order_id)

        def perform() -> Response:
            values = _valid(s.ProductionEntryInput, self)
            try:
                services.production_report(
                    organization=self.organization, by=self.membership, rows=[{**values, "work_order": wo.pk}]
                )
            except ApplicationError as error:
                raise unprefixed(error) from None
            return detail_response(self, wo.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class ProductionReportApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_REPORT}

    @extend_schema(
        request=s.ProductionReportInput,
        responses={201: s.ProductionReportOutput},
        summary="Report many rows of daily production at once (across work orders), all or nothing",
        description="Errors name their rows (`rows.3.finished`)." + ERRORS_REPORT,
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            values = _valid(s.ProductionReportInput, self)
            entries = services.production_report(
                organization=self.organization, by=self.membership, rows=[dict(r) for r in values["rows"]]
            )
            data = {"entries": s.ProductionEntryOutput(entries, many=True).data}
            return Response(data, status=status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class EntryCorrectApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_REPORT}

    @extend_schema(
        request=s.ProductionEntryCorrectInput,
        responses={200: s.WorkOrderDetailOutput},
        summary="Correct a production entry's figures or note, with a reason (the earlier figures stay as history)",
        description="An entry corrected already is a 409 `entry_superseded`; the same figures again a 400 "
        "`nothing_changed`; a work order no longer pending or in progress a 409 `not_reportable`.",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, production_entry_id: Any) -> Response:
        entry = selectors.entry_get(organization=self.organization, pk=production_entry_id)
        values = _valid(s.ProductionEntryCorrectInput, self)
        reason = values.pop("reason")
        services.production_entry_correct(
            organization=self.organization, by=self.membership, entry=entry, data=values, reason=reason
        )
        return detail_response(self, entry.work_order_id)


class RequirementApi(TenantAPIView):
    capabilities = {"PATCH": PRODUCTION_MANAGE}

    @extend_schema(
        request=s.WorkOrderRequirementUpdateInput,
        responses={200: s.WorkOrderDetailOutput},
        summary="Set a requirement's item (the yarn or greige issued), quantity, unit or description",
        description="Once something was issued against it, its item and unit stay: a 409 `requirement_issued`; a "
        "cancelled work order's requirements do not change (409 `not_editable`).",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, work_order_id: Any, requirement_id: Any) -> Response:
        wo = _wo(self, work_order_id)
        requirement = selectors.requirement_get(organization=self.organization, work_order=wo, pk=requirement_id)
        version = expected_version(request, wo)
        values = _valid(s.WorkOrderRequirementUpdateInput, self, partial=True)
        services.requirement_update(
            organization=self.organization, by=self.membership, requirement=requirement, version=version, **values
        )
        return detail_response(self, wo.pk)


class RequirementIssueApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_MANAGE}

    @extend_schema(
        request=s.MaterialIssueInput,
        responses={201: s.WorkOrderDetailOutput},
        summary="Issue yarn or greige from stock to the work order against a requirement (a production-out move)",
        description="To a pending or in-progress work order (409 `not_issuable`), against a requirement with an item "
        "(409 `requirement_has_no_item`), from a warehouse (default the work order's: 400 `warehouse_required`); "
        "more than on hand is a 409 `insufficient_stock` unless the organisation allows negative stock.",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, work_order_id: Any, requirement_id: Any) -> Response:
        wo = _wo(self, work_order_id)
        requirement = selectors.requirement_get(organization=self.organization, work_order=wo, pk=requirement_id)
        version = expected_version(request, wo)

        def perform() -> Response:
            values = _valid(s.MaterialIssueInput, self)
            services.material_issue(
                organization=self.organization,
                by=self.membership,
                work_order=wo,
                requirement=requirement,
                version=version,
                **values,
            )
            return detail_response(self, wo.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class WorkOrderReceiveApi(TenantAPIView):
    capabilities = {"POST": PRODUCTION_MANAGE}

    @extend_schema(
        request=s.FinishedReceiveInput,
        responses={201: s.WorkOrderDetailOutput},
        summary="Receive the work order's finished goods into stock (a production-in move at a unit cost)",
        description="From a work order in progress or completed (409 `not_receivable`) that makes a catalog item "
        "(409 `work_order_has_no_item`), into a warehouse (default the work order's: 400 `warehouse_required`).",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, work_order_id: Any) -> Response:
        wo = _wo(self, work_order_id)
        version = expected_version(request, wo)

        def perform() -> Response:
            values = _valid(s.FinishedReceiveInput, self)
            services.finished_receive(
                organization=self.organization, by=self.membership, work_order=wo, version=version, **values
            )
            return detail_response(self, wo.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)
