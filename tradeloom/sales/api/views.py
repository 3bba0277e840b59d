"""Orders API: list (money in SQL), create with styles and lines, detail with every figure, line actions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response, representation_etag
from tradeloom.core.api.schema import api_contract
from tradeloom.records.api import expected_version, idempotent
from tradeloom.records.services import record_update
from tradeloom.sales import selectors, services, work
from tradeloom.sales.api import serializers as s
from tradeloom.sales.calculator import order_requirements
from tradeloom.sales.capabilities import ORDERS_MANAGE, ORDERS_VIEW
from tradeloom.sales.filters import OrderFilter
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


class OrderListCreateApi(TenantGenericAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}
    serializer_class = s.OrderListOutput
    model = Order  # rows come from the selector
    filterset_class = OrderFilter
    ordering = ("-created_at", "-id")

    def get_ordering(self) -> tuple[str, ...]:
        """Newest first; a search's best matches first (``sales.search``)."""
        if self.request.query_params.get("search", "").strip():
            return ("-search_rank", "-created_at", "-id")
        return self.ordering

    @extend_schema(responses={200: s.OrderListOutput(many=True)}, summary="List orders with their money")
    def get(self, request: Request) -> Response:
        qs = selectors.order_list_projection(organization=self.organization, membership=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.order_list_rows(page))

    @extend_schema(
        request=s.OrderCreateInput,
        responses={201: s.OrderConfirmedOutput, 200: s.OrderDetailOutput},
        summary="Create an order with its styles and lines, confirmed or as a draft (or merge a repeated PO)",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            data = s.OrderCreateInput(data=request.data, context={"view": self, "request": request})
            data.is_valid(raise_exception=True)
            payload = dict(data.validated_data)
            styles, merge, confirm = payload.pop("styles"), payload.pop("merge"), payload.pop("confirm")
            override_reason = payload.pop("override_reason", "")
            created = services.order_create(
                organization=self.organization,
                by=self.membership,
                data=payload,
                styles=[dict(st) for st in styles],
                merge=merge,
                confirm=confirm,
                override_reason=override_reason,
            )
            if created.merged:
                return order_response(self, created.order.pk, status.HTTP_200_OK)
            return created_response(created)

        return idempotent(request, self, perform)


def created_response(created: services.CreatedOrder) -> Response:
    """The new order from what was just inserted (the same JSON a read gives; a test holds them equal), with the
    confirmation's ``warnings`` when it gave some (the ETag is the representation's, without them)."""
    detail = selectors.order_detail_from(created.order, styles=created.styles, lines=created.lines)
    data = s.order_detail_data(detail)
    etag = representation_etag(created.order.etag, data)
    if created.warnings:
        data["warnings"] = list(created.warnings)
    response = Response(data, status=status.HTTP_201_CREATED)
    response["ETag"] = etag
    return response


def order_response(view: Any, pk: Any, status_code: int = 200) -> Response:
    """The order's detail with its representation's ``ETag`` (a read naming it in ``If-None-Match``: 304)."""
    detail = selectors.order_detail(organization=view.organization, membership=view.membership, pk=pk)
    version_tag = Order.etag_of(detail.order["id"], detail.order["version"])
    return conditional_response(view.request, s.order_detail_data(detail), version_tag=version_tag, status=status_code)


class OrderDetailApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "PATCH": ORDERS_MANAGE}

    @extend_schema(responses={200: s.OrderDetailOutput}, summary="An order with styles, lines and money")
    @api_contract(if_none_match=True)
    def get(self, request: Request, order_id: Any) -> Response:
        return order_response(self, order_id)

    @extend_schema(
        request=s.OrderUpdateInput,
        responses={200: s.OrderDetailOutput},
        summary="Change the order's header (send If-Match to avoid overwriting others)",
    )
    @api_contract(if_match=True)
    def patch(self, request: Request, order_id: Any) -> Response:
        order = selectors.order_get(organization=self.organization, membership=self.membership, pk=order_id)
        version = expected_version(request, order)
        data = s.OrderUpdateInput(data=request.data, partial=True, context={"view": self, "instance": order})
        data.is_valid(raise_exception=True)
        record_update(instance=order, by=self.membership, data=dict(data.validated_data), expected_version=version)
        return order_response(self, order_id)


class OrderConfirmApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.OrderConfirmInput,
        responses={200: s.OrderConfirmedOutput},
        summary="Confirm a draft order (draft → open): the credit limit is checked, its warnings are answered",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id)
        version = expected_version(request, order)
        data = s.OrderConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        confirmed = services.order_confirm(
            order=order, by=self.membership, expected_version=version, **data.validated_data
        )
        response = order_response(self, order_id)
        response.data["warnings"] = list(confirmed.warnings)
        return response


class OrderCancelApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=None, responses={200: s.OrderDetailOutput}, summary="Cancel a draft order (draft → cancelled)"
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id)
        services.order_cancel(order=order, by=self.membership, expected_version=expected_version(request, order))
        return order_response(self, order_id)


class OrderStageApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(request=s.StageInput, responses={200: s.OrderDetailOutput}, summary="Move the order to a stage")
    def post(self, request: Request, order_id: Any) -> Response:
        order = selectors.order_get(organization=self.organization, membership=self.membership, pk=order_id)
        data = s.StageInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_stage_change(order=order, by=self.membership, **data.validated_data)
        return order_response(self, order_id)


class LinesTransitionApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.LinesTransitionInput,
        responses={200: s.LineStatusOutput(many=True)},
        summary="Move many lines to one status (all or nothing)",
        operation_id="orders_lines_bulk_transition",
    )
    def post(self, request: Request) -> Response:
        data = s.LinesTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["lines"])
        lines = selectors.lines_visible_by_ids(organization=self.organization, membership=self.membership, ids=ids)
        if lines.count() != len(ids):
            raise Http404("One or more of these lines do not exist.")
        moved = services.lines_transition(
            lines=lines,
            status=data.validated_data["status"],
            by=self.membership,
            override_reason=data.validated_data.get("override_reason", ""),
        )
        return Response(s.LineStatusOutput(moved, many=True).data)


def _line(view: Any, order_id: Any, line_id: Any) -> Line:
    return selectors.line_get(
        organization=view.organization, membership=view.membership, order_id=order_id, line_id=line_id
    )


class LineApi(TenantAPIView):
    capabilities = {"PATCH": ORDERS_MANAGE}

    @extend_schema(
        request=s.LineUpdateInput,
        responses={200: s.OrderDetailOutput},
        summary="Change a line's prices, quantity, dates or calculator percentages",
    )
    def patch(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        data = s.LineUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.line_update(line=line, by=self.membership, data=dict(data.validated_data))
        return order_response(self, order_id)


class OrderCalculatorApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW}

    @extend_schema(
        responses={200: s.RequirementOutput(many=True)},
        summary="Local-order calculator: greige and yarn needed per line",
    )
    def get(self, request: Request, order_id: Any) -> Response:
        order = selectors.order_get(organization=self.organization, membership=self.membership, pk=order_id)
        rows = [
            {"line_id": line.pk, "colour_code": str(line), "unit": line.unit.code, **vars(req)}
            for line, req in order_requirements(order)
        ]
        return Response(s.RequirementOutput(rows, many=True).data)


class LineTransitionApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(request=s.TransitionInput, responses={200: s.OrderDetailOutput}, summary="Move a line's status")
    def post(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        data = s.TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.line_transition(line=line, by=self.membership, **data.validated_data)
        return order_response(self, order_id)


class LineDeliveriesApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.DeliveryOutput(many=True)}, summary="Deliveries of a line")
    def get(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        return Response(s.DeliveryOutput(selectors.delivery_list_of_line(line=line), many=True).data)

    @extend_schema(
        request=s.DeliveryInput,
        responses={201: s.OrderDetailOutput},
        summary="Record a delivery (not in the future; beyond the over-delivery tolerance only with a reason)",
    )
    def post(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        data = s.DeliveryInput(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        services.delivery_record(line=line, by=self.membership, **data.validated_data)
        return order_response(self, order_id, status.HTTP_201_CREATED)


class LineDeliveryApi(TenantAPIView):
    capabilities = {"PATCH": ORDERS_MANAGE}

    @extend_schema(
        request=s.DeliveryUpdateInput,
        responses={200: s.OrderDetailOutput},
        summary="Correct a delivery's date, quantity, unit or note (the earlier values are kept)",
    )
    def patch(self, request: Request, order_id: Any, line_id: Any, delivery_id: Any) -> Response:
        delivery = selectors.delivery_of_line_get(line=_line(self, order_id, line_id), pk=delivery_id)
        data = s.DeliveryUpdateInput(data=request.data, partial=True, context={"view": self})
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        override_reason = changes.pop("override_reason", "")
        services.delivery_correct(delivery=delivery, by=self.membership, data=changes, override_reason=override_reason)
        return order_response(self, order_id)


class LineDeliveryReverseApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.DeliveryReverseInput,
        responses={200: s.OrderDetailOutput},
        summary="Reverse a delivery: it stays listed, marked reversed, and no longer counts as delivered",
    )
    def post(self, request: Request, order_id: Any, line_id: Any, delivery_id: Any) -> Response:
        delivery = selectors.delivery_of_line_get(line=_line(self, order_id, line_id), pk=delivery_id)
        data = s.DeliveryReverseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.delivery_reverse(delivery=delivery, by=self.membership, **data.validated_data)
        return order_response(self, order_id)


class LineOffersApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.OfferOutput(many=True)}, summary="Mill offers for a line")
    def get(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        return Response(s.OfferOutput(selectors.offer_list_of_line(line=line), many=True).data)

    @extend_schema(request=s.OfferInput, responses={201: s.OfferOutput}, summary="Record a mill's offer")
    def post(self, request: Request, order_id: Any, line_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        data = s.OfferInput(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        offer = services.offer_create(line=line, by=self.membership, data=dict(data.validated_data))
        return Response(s.OfferOutput(offer).data, status=status.HTTP_201_CREATED)


class OfferAcceptApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(request=None, responses={200: s.OrderDetailOutput}, summary="Accept an offer for its line")
    def post(self, request: Request, order_id: Any, line_id: Any, offer_id: Any) -> Response:
        line = _line(self, order_id, line_id)
        offer = selectors.line_offer_get(line=line, pk=offer_id)
        services.offer_accept(offer=offer, by=self.membership)
        return order_response(self, order_id)


def _order(view: Any, order_id: Any, *, include_deleted: bool = False) -> Order:
    return selectors.order_visible_get(
        organization=view.organization, membership=view.membership, pk=order_id, include_deleted=include_deleted
    )


class OrderTasksApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.TaskOutput(many=True)}, summary="Tasks of an order")
    def get(self, request: Request, order_id: Any) -> Response:
        return Response(s.TaskOutput(selectors.task_list_of_order(order=_order(self, order_id)), many=True).data)

    @extend_schema(request=s.TaskInput, responses={201: s.TaskOutput}, summary="Add a task")
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id)
        data = s.TaskInput(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        task = work.task_create(order=order, by=self.membership, data=dict(data.validated_data))
        return Response(s.TaskOutput(task).data, status=status.HTTP_201_CREATED)


class OrderTaskApi(TenantAPIView):
    capabilities = {"PATCH": ORDERS_MANAGE}

    @extend_schema(request=s.TaskInput, responses={200: s.TaskOutput}, summary="Change or assign a task")
    def patch(self, request: Request, order_id: Any, task_id: Any) -> Response:
        task = selectors.task_get(order=_order(self, order_id), pk=task_id)
        data = s.TaskInput(data=request.data, partial=True, context={"view": self})
        data.is_valid(raise_exception=True)
        return Response(
            s.TaskOutput(work.task_update(task=task, by=self.membership, data=dict(data.validated_data))).data
        )


class OrderNotesApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.NoteOutput(many=True)}, summary="Activity notes, newest effective first")
    def get(self, request: Request, order_id: Any) -> Response:
        notes = selectors.note_list_of_order(order=_order(self, order_id))
        return Response(s.NoteOutput(notes, many=True).data)

    @extend_schema(request=s.NoteInput, responses={201: s.NoteOutput}, summary="Add a note (may be backdated)")
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id)
        data = s.NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = work.note_create(order=order, by=self.membership, data=dict(data.validated_data))
        return Response(s.NoteOutput(note).data, status=status.HTTP_201_CREATED)


class OrderNoteApi(TenantAPIView):
    capabilities = {"PATCH": ORDERS_MANAGE}

    @extend_schema(request=s.NoteInput, responses={200: s.NoteOutput}, summary="Edit a note (its history is kept)")
    def patch(self, request: Request, order_id: Any, note_id: Any) -> Response:
        order = _order(self, order_id)
        note = selectors.note_get(order=order, pk=note_id)
        data = s.NoteInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        note = work.note_edit(note=note, by=self.membership, data=dict(data.validated_data))
        return Response(s.NoteOutput(selectors.note_get(order=order, pk=note.pk, with_revisions=True)).data)


class OrderDeletionRequestsApi(TenantAPIView):
    capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE}

    @extend_schema(responses={200: s.DeletionRequestOutput(many=True)}, summary="Deletion requests of an order")
    def get(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id, include_deleted=True)
        deletions = selectors.deletion_request_list_of_order(order=order)
        return Response(s.DeletionRequestOutput(deletions, many=True).data)

    @extend_schema(
        request=s.DeletionRequestInput,
        responses={201: s.DeletionRequestOutput},
        summary="Ask an owner or admin to delete this order",
    )
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id)
        data = s.DeletionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = work.deletion_request_create(order=order, by=self.membership, **data.validated_data)
        return Response(s.DeletionRequestOutput(created).data, status=status.HTTP_201_CREATED)


class DeletionDecisionApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(
        request=s.DeletionDecisionInput,
        responses={200: s.DeletionRequestOutput},
        summary="Approve (soft-delete the order) or decline — owners and admins",
    )
    def post(self, request: Request, order_id: Any, request_id: Any) -> Response:
        order = _order(self, order_id, include_deleted=True)
        deletion = selectors.deletion_request_get(order=order, pk=request_id)
        data = s.DeletionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = work.deletion_request_decide(request=deletion, by=self.membership, **data.validated_data)
        return Response(s.DeletionRequestOutput(decided).data)


class OrderRestoreApi(TenantAPIView):
    capabilities = {"POST": ORDERS_MANAGE}

    @extend_schema(request=None, responses={200: s.OrderDetailOutput}, summary="Restore a deleted order (admins)")
    def post(self, request: Request, order_id: Any) -> Response:
        order = _order(self, order_id, include_deleted=True)
        work.order_restore(order=order, by=self.membership)
        return order_response(self, order_id)
