"""Reads of the webhooks pages and API: the organisation first; a delivery's page in a fixed number of statements."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WebhookEventType
from tradeloom.webhooks.models import Delivery, DeliveryAttempt, Endpoint


def endpoint_list(*, organization: Any) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organization=organization)


def endpoint_get(*, organization: Any, pk: Any) -> Endpoint:
    endpoint = endpoint_list(organization=organization).filter(pk=pk).first()
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def delivery_list(*, endpoint: Endpoint) -> QuerySet[Delivery]:
    """An endpoint's log, in the caller's keyset order (one statement a page: the body stays with the message)."""
    return Delivery.objects.filter(organization_id=endpoint.organization_id, endpoint=endpoint)


def delivery_get(*, endpoint: Endpoint, pk: Any) -> Delivery:
    """One delivery of the endpoint with its message and every attempt (three statements)."""
    delivery = (
        Delivery.objects.filter(organization_id=endpoint.organization_id, endpoint=endpoint, pk=pk)
        .select_related("message")
        .prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("-number")))
        .first()
    )
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery


def event_type_list() -> list[WebhookEventType]:
    return list(WEBHOOK_EVENT_TYPES)


def event_types_by_area() -> list[tuple[str, list[WebhookEventType]]]:
    areas: dict[str, list[WebhookEventType]] = {}
    for event_type in WEBHOOK_EVENT_TYPES:
        areas.setdefault(event_type.area, []).append(event_type)
    return list(areas.items())
