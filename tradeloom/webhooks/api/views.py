"""Webhooks API: endpoints (a record resource with its secret, rotation and a test event), the event types, each
endpoint's delivery log, replays."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.schema import api_contract
from tradeloom.records.api import RecordViewSet, expected_version, idempotent
from tradeloom.records.selectors import record_get
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.webhooks import selectors, services
from tradeloom.webhooks.api import serializers as s
from tradeloom.webhooks.capabilities import WEBHOOKS_MANAGE
from tradeloom.webhooks.filters import DeliveryFilter
from tradeloom.webhooks.models import Delivery, Endpoint

MANAGE = dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), WEBHOOKS_MANAGE)


class EndpointViewSet(RecordViewSet):
    """The organisation's webhook endpoints (owners and admins)."""

    model = Endpoint
    output_serializer = s.EndpointOutput
    input_serializer = s.EndpointInput
    serializer_class = s.EndpointOutput
    capabilities = MANAGE
    lookup_url_kwarg = "endpoint_id"

    def get_object(self) -> Any:
        return record_get(records=self.base_queryset(), pk=self.kwargs["endpoint_id"])

    @extend_schema(responses={201: s.EndpointCreatedOutput}, summary="Add an endpoint (its secret is in the answer)")
    @api_contract(idempotency_key=True)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def perform() -> Response:
            data = self._input(request, partial=False)
            endpoint = services.endpoint_create(organization=self.organization, by=self.membership, data=data)
            body = s.EndpointCreatedOutput(endpoint, context=self.get_serializer_context()).data
            return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": endpoint.etag})

        return idempotent(request, self, perform)

    def _update(self, request: Request, *, partial: bool) -> Response:
        endpoint = self.get_object()
        version = expected_version(request, endpoint)
        data = self._input(request, partial=partial, instance=endpoint)
        endpoint = services.endpoint_update(endpoint=endpoint, by=self.membership, data=data, expected_version=version)
        return self._respond(record_get(records=self.base_queryset(), pk=endpoint.pk))

    @extend_schema(request=None, responses={200: s.WebhookSecretOutput}, summary="Read the endpoint's signing secret")
    @action(detail=True, methods=["get"])
    def secret(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        return Response(s.WebhookSecretOutput(_secret(endpoint)).data, headers={"Cache-Control": "no-store"})

    @extend_schema(request=None, responses={200: s.WebhookSecretOutput}, summary="Rotate the signing secret")
    @api_contract(if_match=True)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        endpoint = services.endpoint_rotate_secret(
            endpoint=endpoint, by=self.membership, expected_version=expected_version(request, endpoint)
        )
        return Response(
            s.WebhookSecretOutput(_secret(endpoint)).data, headers={"Cache-Control": "no-store", "ETag": endpoint.etag}
        )

    @extend_schema(request=None, responses={202: s.WebhookDeliveryOutput}, summary="Send a test event to the endpoint")
    @action(detail=True, methods=["post"])
    def test(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delivery = services.endpoint_send_test(endpoint=self.get_object(), by=self.membership)
        return Response(s.WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


def _secret(endpoint: Endpoint) -> dict[str, Any]:
    return {"secret": endpoint.secret, "previous_secret_expires_at": endpoint.previous_secret_expires_at}


class EventTypeListApi(TenantAPIView):
    """The event types an endpoint may subscribe to: audit actions of the public catalogue."""

    capabilities = {"GET": WEBHOOKS_MANAGE}

    @extend_schema(responses={200: s.WebhookEventTypeOutput(many=True)}, summary="Webhook event types")
    def get(self, request: Request) -> Response:
        return Response(s.event_type_rows(selectors.event_type_list()))


class DeliveryListApi(TenantGenericAPIView):
    """An endpoint's delivery log, newest first."""

    capabilities = {"GET": WEBHOOKS_MANAGE}
    serializer_class = s.WebhookDeliveryOutput
    model = Delivery
    filterset_class = DeliveryFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.WebhookDeliveryOutput(many=True)}, summary="An endpoint's deliveries")
    def get(self, request: Request, endpoint_id: Any) -> Response:
        endpoint = selectors.endpoint_get(organization=self.organization, pk=endpoint_id)
        page = self.paginate_queryset(self.filter_queryset(selectors.delivery_list(endpoint=endpoint)))
        return self.get_paginated_response(s.WebhookDeliveryOutput(page, many=True).data)


def _delivery(view: Any, endpoint_id: Any, delivery_id: Any) -> Delivery:
    endpoint = selectors.endpoint_get(organization=view.organization, pk=endpoint_id)
    return selectors.delivery_get(endpoint=endpoint, pk=delivery_id)


class DeliveryDetailApi(TenantAPIView):
    capabilities = {"GET": WEBHOOKS_MANAGE}

    @extend_schema(responses={200: s.WebhookDeliveryDetailOutput}, summary="A delivery: its body and every attempt")
    def get(self, request: Request, endpoint_id: Any, webhook_delivery_id: Any) -> Response:
        return Response(s.WebhookDeliveryDetailOutput(_delivery(self, endpoint_id, webhook_delivery_id)).data)


class DeliveryReplayApi(TenantAPIView):
    capabilities = {"POST": WEBHOOKS_MANAGE}

    @extend_schema(
        request=None,
        responses={202: s.WebhookDeliveryOutput},
        summary="Send a finished delivery again (the same webhook-id)",
    )
    def post(self, request: Request, endpoint_id: Any, webhook_delivery_id: Any) -> Response:
        delivery = services.delivery_replay(
            delivery=_delivery(self, endpoint_id, webhook_delivery_id), by=self.membership
        )
        return Response(s.WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class ReplayFailedApi(TenantAPIView):
    capabilities = {"POST": WEBHOOKS_MANAGE}

    @extend_schema(
        request=s.WebhookReplayFailedInput,
        responses={202: s.WebhookReplayFailedOutput},
        summary="Send again every delivery that failed since a time",
    )
    def post(self, request: Request, endpoint_id: Any) -> Response:
        endpoint = selectors.endpoint_get(organization=self.organization, pk=endpoint_id)
        data = s.WebhookReplayFailedInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.deliveries_replay_failed(
            endpoint=endpoint, since=data.validated_data["since"], by=self.membership
        )
        return Response(s.WebhookReplayFailedOutput({"replayed": count}).data, status=status.HTTP_202_ACCEPTED)
