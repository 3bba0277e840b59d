"""Proforma invoices API: the list (filters, cursor pages), making a PI from an order (``proformas/`` with
``order``, or ``orders/{order_id}/proformas/``), the detail with its lines, revisions and the diff from the previous
revision, draft edits, the status moves and revisions as actions.

Every id in a path is looked up in the organisation, among the PIs (and orders) the member may see (another
organisation's is a 404). Writes honour ``If-Match`` with the PI's ``ETag`` (412 when stale) and answer with its
detail and new ``ETag``; creating and revising take an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import field_error
from tradeloom.proformas import selectors, services, states
from tradeloom.proformas.api import serializers as s
from tradeloom.proformas.capabilities import PROFORMAS_MANAGE, PROFORMAS_VIEW
from tradeloom.proformas.filters import ProformaFilter
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.records.api import expected_version, idempotent
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _proforma(view: Any, proforma_id: Any) -> ProformaInvoice:
    try:
        return selectors.proforma_get(
            organization=view.organization, membership=view.membership, proforma_id=proforma_id
        )
    except ProformaInvoice.DoesNotExist:
        raise Http404("No such proforma invoice.") from None


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_response(view: Any, proforma_id: Any, status_code: int = 200) -> Response:
    """The PI's detail with its representation's ``ETag`` (``If-None-Match`` naming it: 304)."""
    try:
        detail = selectors.proforma_detail(
            organization=view.organization, membership=view.membership, proforma_id=proforma_id
        )
    except ProformaInvoice.DoesNotExist:
        raise Http404("No such proforma invoice.") from None
    data = s.detail_data(detail)
    return conditional_response(view.request, data, version_tag=detail.proforma.etag, status=status_code)


def _split(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    lines = payload.pop("lines", None)
    return payload, None if lines is None else [dict(line) for line in lines]


def _create(view: Any, order: Any, payload: dict[str, Any]) -> Response:
    data, lines = _split(payload)
    proforma = services.proforma_create(
        organization=view.organization, by=view.membership, order=order, data=data, lines=lines
    )
    return detail_response(view, proforma.pk, status.HTTP_201_CREATED)


def _rows(self: Any, request: Request, **filters: Any) -> Response:
    """A page of the PI list (``filters`` narrow it first: the order's PIs)."""
    qs = selectors.proforma_list(
        organization=self.organization,
        membership=self.membership,
        latest_only=not request.query_params.get("status"),
    ).filter(**filters)
    page = self.paginate_queryset(self.filter_queryset(qs))
    return self.get_paginated_response(s.ProformaListOutput(page, many=True).data)


class ProformasApi(TenantGenericAPIView):
    capabilities = {"GET": PROFORMAS_VIEW, "POST": PROFORMAS_MANAGE}
    serializer_class = s.ProformaListOutput
    model = ProformaInvoice
    filterset_class = ProformaFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.ProformaListOutput(many=True)},
        summary="List proforma invoices (latest revisions; filter by status, customer, order, PI date; search by "
        "number)",
    )
    def get(self, request: Request) -> Response:
        return _rows(self, request)

    @extend_schema(
        request=s.ProformaCreateInput,
        responses={201: s.ProformaDetailOutput},
        summary="Make a draft proforma invoice from an order (all its lines, or chosen lines by quantity or amount)",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            payload = _valid(s.ProformaCreateInput, self)
            order_id = payload.pop("order", None)
            if order_id is None:
                raise field_error("order", "Choose the order the proforma invoice is made from.")
            try:
                order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)
            except Http404:
                raise field_error("order", "No such order.") from None
            return _create(self, order, payload)

        return idempotent(request, self, perform)


class OrderProformasApi(TenantGenericAPIView):
    capabilities = {"GET": PROFORMAS_VIEW, "POST": PROFORMAS_MANAGE}
    serializer_class = s.ProformaListOutput
    model = ProformaInvoice
    filterset_class = ProformaFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.ProformaListOutput(many=True)}, summary="The proforma invoices of an order")
    def get(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)
        return _rows(self, request, order_id=order.pk)

    @extend_schema(
        request=s.ProformaCreateInput,
        responses={201: s.ProformaDetailOutput},
        summary="Make a draft proforma invoice from this order",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)

        def perform() -> Response:
            payload = _valid(s.ProformaCreateInput, self)
            payload.pop("order", None)
            return _create(self, order, payload)

        return idempotent(request, self, perform)


class ProformaApi(TenantAPIView):
    capabilities = {"GET": PROFORMAS_VIEW, "PATCH": PROFORMAS_MANAGE}

    @extend_schema(
        responses={200: s.ProformaDetailOutput},
        summary="A proforma invoice with its lines, revisions and the changes from the previous revision",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, proforma_id: Any) -> Response:
        return detail_response(self, proforma_id)

    @extend_schema(
        request=s.ProformaUpdateInput,
        responses={200: s.ProformaDetailOutput},
        summary="Change a draft (its header; its lines when given, all of them); a sent PI is revised instead",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, proforma_id: Any) -> Response:
        proforma = _proforma(self, proforma_id)
        version = expected_version(request, proforma)
        data, lines = _split(_valid(s.ProformaUpdateInput, self, partial=True))
        services.proforma_update(
            proforma=proforma, by=self.membership, data=data, lines=lines, expected_version=version
        )
        return detail_response(self, proforma_id)


class _MoveApi(TenantAPIView):
    capabilities = {"POST": PROFORMAS_MANAGE}
    move: str

    def perform(self, request: Request, proforma_id: Any, input_class: type[serializers.Serializer]) -> Response:
        proforma = _proforma(self, proforma_id)
        version = expected_version(request, proforma)
        values = _valid(input_class, self)
        services.proforma_move(
            proforma=proforma,
            action=self.move,
            by=self.membership,
            on=values.get("on"),
            reason=values.get("reason", ""),
            reference=values.get("reference", ""),
            override_reason=values.get("override_reason", ""),
            expected_version=version,
        )
        return detail_response(self, proforma_id)


def _move_schema(action: str, input_class: type[serializers.Serializer], summary: str) -> Any:
    transition = states.ACTIONS[action]
    sources = ", ".join(sorted(transition.sources))
    return extend_schema(
        request=input_class,
        responses={200: s.ProformaDetailOutput},
        summary=summary,
        description=f"From {sources} to {transition.target}; from any other status a 409 `invalid_transition`.",
    )


class ProformaSendApi(_MoveApi):
    move = states.SEND

    @_move_schema(states.SEND, s.ProformaSendInput, "Mark the proforma invoice sent to the buyer")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, proforma_id: Any) -> Response:
        return self.perform(request, proforma_id, s.ProformaSendInput)


class ProformaAcceptApi(_MoveApi):
    move = states.ACCEPT

    @_move_schema(
        states.ACCEPT,
        s.ProformaAcceptInput,
        "Record the buyer's acceptance (day, reference); the order's accepted PIs stay within its value + tolerance",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, proforma_id: Any) -> Response:
        return self.perform(request, proforma_id, s.ProformaAcceptInput)


class ProformaCancelApi(_MoveApi):
    move = states.CANCEL

    @_move_schema(states.CANCEL, s.ProformaCancelInput, "Cancel the proforma invoice, with a reason")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, proforma_id: Any) -> Response:
        return self.perform(request, proforma_id, s.ProformaCancelInput)


class ProformaReviseApi(TenantAPIView):
    capabilities = {"POST": PROFORMAS_MANAGE}

    @extend_schema(
        request=s.ProformaReviseInput,
        responses={201: s.ProformaDetailOutput},
        summary="Revise a sent or accepted PI: a new draft revision with the same number (this one is superseded)",
        description="From sent or accepted; otherwise a 409 `proforma_not_revisable`.",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, proforma_id: Any) -> Response:
        proforma = _proforma(self, proforma_id)
        version = expected_version(request, proforma)

        def perform() -> Response:
            data, lines = _split(_valid(s.ProformaReviseInput, self, partial=True))
            revision = services.proforma_revise(
                proforma=proforma, by=self.membership, data=data, lines=lines, expected_version=version
            )
            return detail_response(self, revision.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)
