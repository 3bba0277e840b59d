"""Purchasing API: the PO list (filters, cursor pages), making a PO (by hand, or back to back from an order's lines),
the detail with its lines, approvals, amendments and receipts, draft edits, the moves as actions (submit, approve,
reject, cancel), amendments, and receipts (record, cancel).

Every id in a path is looked up in the organisation (another organisation's is a 404). Writes honour ``If-Match`` with
the PO's ``ETag`` (412 when stale) and answer with its detail and new ``ETag``; creating, amending and receiving take
an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.pagination import KeysetCursorPagination
from tradeloom.purchasing import selectors, services, states
from tradeloom.purchasing.api import serializers as s
from tradeloom.purchasing.capabilities import PURCHASING_APPROVE, PURCHASING_MANAGE, PURCHASING_VIEW
from tradeloom.purchasing.filters import PurchaseOrderFilter
from tradeloom.purchasing.models import PurchaseOrder, Receipt
from tradeloom.records.api import expected_version, idempotent
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _po(view: Any, purchase_order_id: Any) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(organization=view.organization, purchase_order_id=purchase_order_id)
    except PurchaseOrder.DoesNotExist:
        raise Http404("No such purchase order.") from None


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_response(view: Any, purchase_order_id: Any, status_code: int = 200) -> Response:
    """The PO's detail with its representation's ``ETag`` (``If-None-Match`` naming it: 304)."""
    try:
        detail = selectors.purchase_order_detail(organization=view.organization, purchase_order_id=purchase_order_id)
    except PurchaseOrder.DoesNotExist:
        raise Http404("No such purchase order.") from None
    data = s.detail_data(detail)
    return conditional_response(view.request, data, version_tag=detail.purchase_order.etag, status=status_code)


def _split(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    lines = payload.pop("lines", None)
    return payload, None if lines is None else [dict(line) for line in lines]


class PurchaseOrdersApi(TenantGenericAPIView):
    capabilities = {"GET": PURCHASING_VIEW, "POST": PURCHASING_MANAGE}
    serializer_class = s.PurchaseOrderListOutput
    model = PurchaseOrder
    filterset_class = PurchaseOrderFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.PurchaseOrderListOutput(many=True)},
        summary="List purchase orders (filter by status, supplier, customer, order, PO date; search by number)",
    )
    def get(self, request: Request) -> Response:
        first = selectors.purchase_order_list_first_page(organization=self.organization, params=request.query_params)
        page: list[Any] | None
        if first is not None:  # opening the list or a status tab: a statement compiled once
            page = cast(KeysetCursorPagination, self.paginator).take_page(first, request)
        else:
            qs = selectors.purchase_order_list(organization=self.organization)
            page = self.paginate_queryset(self.filter_queryset(qs).values(*s.LIST_COLUMNS))
        return self.get_paginated_response(s.purchase_order_list_rows(page))

    @extend_schema(
        request=s.PurchaseOrderCreateInput,
        responses={201: s.PurchaseOrderDetailOutput},
        summary="Make a draft purchase order with its lines",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            data, lines = _split(_valid(s.PurchaseOrderCreateInput, self))
            po = services.purchase_order_create(
                organization=self.organization, by=self.membership, data=data, lines=lines or []
            )
            return detail_response(self, po.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class ApprovalQueueApi(TenantGenericAPIView):
    capabilities = {"GET": PURCHASING_APPROVE}
    serializer_class = s.PurchaseOrderListOutput
    model = PurchaseOrder
    ordering = ("submitted_at", "id")

    @extend_schema(
        responses={200: s.PurchaseOrderListOutput(many=True)},
        summary="The purchase orders waiting for approval, oldest submission first",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.approval_queue(organization=self.organization)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.PurchaseOrderListOutput(page, many=True).data)


class PurchaseOrderApi(TenantAPIView):
    capabilities = {"GET": PURCHASING_VIEW, "PATCH": PURCHASING_MANAGE}

    @extend_schema(
        responses={200: s.PurchaseOrderDetailOutput},
        summary="A purchase order with its lines, approvals, amendments (with what changed) and receipts",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, purchase_order_id: Any) -> Response:
        return detail_response(self, purchase_order_id)

    @extend_schema(
        request=s.PurchaseOrderUpdateInput,
        responses={200: s.PurchaseOrderDetailOutput},
        summary="Change a draft (its header; its lines when given, all of them); an approved PO is amended instead",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, purchase_order_id: Any) -> Response:
        po = _po(self, purchase_order_id)
        version = expected_version(request, po)
        data, lines = _split(_valid(s.PurchaseOrderUpdateInput, self, partial=True))
        services.purchase_order_update(
            purchase_order=po, by=self.membership, data=data, lines=lines, expected_version=version
        )
        return detail_response(self, purchase_order_id)


class _MoveApi(TenantAPIView):
    capabilities = {"POST": PURCHASING_MANAGE}
    move: str

    def perform(self, request: Request, purchase_order_id: Any, input_class: type[serializers.Serializer]) -> Response:
        po = _po(self, purchase_order_id)
        version = expected_version(request, po)
        values = _valid(input_class, self)
        services.purchase_order_move(
            purchase_order=po,
            action=self.move,
            by=self.membership,
            reason=values.get("reason", ""),
            expected_version=version,
        )
        return detail_response(self, purchase_order_id)


def _move_schema(action: str, input_class: type[serializers.Serializer], summary: str, extra: str = "") -> Any:
    transition = states.ACTIONS[action]
    sources = ", ".join(sorted(transition.sources))
    return extend_schema(
        request=input_class,
        responses={200: s.PurchaseOrderDetailOutput},
        summary=summary,
        description=f"From {sources} to {transition.target}; from any other status a 409 `invalid_transition`." + extra,
    )


class PurchaseOrderSubmitApi(_MoveApi):
    move = states.SUBMIT

    @_move_schema(
        states.SUBMIT,
        s.PurchaseOrderEmptyInput,
        "Submit the PO: approved at once within the approval limit, else it waits for a manager",
        " The total is converted to the base currency at the PO date (409 `rate_missing` without a rate).",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        return self.perform(request, purchase_order_id, s.PurchaseOrderEmptyInput)


class PurchaseOrderApproveApi(_MoveApi):
    capabilities = {"POST": PURCHASING_APPROVE}
    move = states.APPROVE

    @_move_schema(
        states.APPROVE,
        s.PurchaseOrderEmptyInput,
        "Approve a submitted PO (a manager, owner or admin; never its author: 403 `self_approval`)",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        return self.perform(request, purchase_order_id, s.PurchaseOrderEmptyInput)


class PurchaseOrderRejectApi(_MoveApi):
    capabilities = {"POST": PURCHASING_APPROVE}
    move = states.REJECT

    @_move_schema(states.REJECT, s.PurchaseOrderReasonInput, "Send a submitted PO back to draft, with a reason")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        return self.perform(request, purchase_order_id, s.PurchaseOrderReasonInput)


class PurchaseOrderCancelApi(_MoveApi):
    move = states.CANCEL

    @_move_schema(
        states.CANCEL,
        s.PurchaseOrderReasonInput,
        "Cancel the PO, with a reason (409 `po_has_receipts` while goods received stand on it)",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        return self.perform(request, purchase_order_id, s.PurchaseOrderReasonInput)


class PurchaseOrderAmendApi(TenantAPIView):
    capabilities = {"POST": PURCHASING_MANAGE}

    @extend_schema(
        request=s.PurchaseOrderAmendInput,
        responses={201: s.PurchaseOrderDetailOutput},
        summary="Amend an approved PO: a new revision with what changed and why (re-approval above the limit)",
        description="From approved or partly received; otherwise a 409 `po_not_amendable`. When the new total rises "
        "above the approved one and the approval limit, the PO goes back to submitted.",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        po = _po(self, purchase_order_id)
        version = expected_version(request, po)

        def perform() -> Response:
            data, lines = _split(_valid(s.PurchaseOrderAmendInput, self, partial=True))
            reason = data.pop("reason", "")
            services.purchase_order_amend(
                purchase_order=po, by=self.membership, reason=reason, data=data, lines=lines, expected_version=version
            )
            return detail_response(self, po.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class PurchaseOrderReceiptsApi(TenantAPIView):
    capabilities = {"POST": PURCHASING_MANAGE}

    @extend_schema(
        request=s.ReceiptCreateInput,
        responses={201: s.PurchaseOrderDetailOutput},
        summary="Record goods received against the PO's lines (stock moves for catalog items)",
        description="Against an approved or partly received PO (409 `po_not_receivable`); a line's receipts may reach "
        "its quantity + the organisation's over-receipt tolerance (409 `over_receipt`).",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any) -> Response:
        po = _po(self, purchase_order_id)
        version = expected_version(request, po)

        def perform() -> Response:
            values = _valid(s.ReceiptCreateInput, self)
            services.receipt_create(
                purchase_order=po,
                by=self.membership,
                lines=[dict(x) for x in values["lines"]],
                received_on=values.get("received_on"),
                warehouse=values.get("warehouse"),
                reference=values.get("reference", ""),
                note=values.get("note", ""),
                expected_version=version,
            )
            return detail_response(self, po.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class ReceiptCancelApi(TenantAPIView):
    capabilities = {"POST": PURCHASING_MANAGE}

    @extend_schema(
        request=s.PurchaseOrderReasonInput,
        responses={200: s.PurchaseOrderDetailOutput},
        summary="Cancel a receipt, with a reason: its stock moves are reversed and the PO's status moves back",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, purchase_order_id: Any, receipt_id: Any) -> Response:
        po = _po(self, purchase_order_id)
        try:
            receipt = selectors.receipt_get(organization=self.organization, purchase_order=po, receipt_id=receipt_id)
        except Receipt.DoesNotExist:
            raise Http404("No such receipt.") from None
        version = expected_version(request, po)
        values = _valid(s.PurchaseOrderReasonInput, self)
        services.receipt_cancel(receipt=receipt, by=self.membership, reason=values["reason"], expected_version=version)
        return detail_response(self, po.pk)


class OrderPurchaseOrdersApi(TenantGenericAPIView):
    capabilities = {"GET": PURCHASING_VIEW, "POST": PURCHASING_MANAGE}
    serializer_class = s.PurchaseOrderListOutput
    model = PurchaseOrder
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.PurchaseOrderListOutput(many=True)},
        summary="The purchase orders of a sales order (raised from it or buying for its lines)",
    )
    def get(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)
        figures = selectors.order_purchasing(organization=self.organization, order=order)
        ids = [po.pk for po in figures.purchase_orders]
        qs = selectors.purchase_order_list(organization=self.organization).filter(pk__in=ids)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.PurchaseOrderListOutput(page, many=True).data)

    @extend_schema(
        request=s.BackToBackInput,
        responses={201: s.BackToBackOutput},
        summary="Raise draft POs back to back from chosen lines of the order: one per mill, at the mill prices",
        description="A line without a mill (409 `mill_missing`), without a mill price (409 `mill_price_missing`) or "
        "wholly on POs already (409 `already_purchased`) is refused with its field.",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)

        def perform() -> Response:
            values = _valid(s.BackToBackInput, self)
            lines = [dict(x) for x in values.pop("lines")]
            made = services.purchase_orders_from_order(
                organization=self.organization, by=self.membership, order=order, lines=lines, data=values
            )
            rows = selectors.purchase_order_list(organization=self.organization).filter(pk__in=[p.pk for p in made])
            return Response(
                {"purchase_orders": s.PurchaseOrderListOutput(rows.order_by("number"), many=True).data},
                status=status.HTTP_201_CREATED,
            )

        return idempotent(request, self, perform)
