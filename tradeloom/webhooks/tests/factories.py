"""Webhooks factories: endpoints, messages, deliveries and attempts, each in one organisation."""

from __future__ import annotations

from typing import Any

import factory

from tradeloom.core.context import tenant_context
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object
from tradeloom.webhooks.models import Delivery, DeliveryAttempt, Endpoint, Message


class EndpointFactory(TenantFactory[Endpoint]):
    class Meta:
        model = Endpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://receiver{n}.example.com/hooks")
    event_types = factory.LazyFunction(lambda: ["sales_order.created"])


class MessageFactory(TenantFactory[Message]):
    class Meta:
        model = Message

    organization = factory.SubFactory(OrganizationFactory)
    event_type = "sales_order.created"
    body = '{"type":"sales_order.created","timestamp":"2026-12-01T00:00:00Z","data":null,"changes":{}}'


class DeliveryFactory(TenantFactory[Delivery]):
    class Meta:
        model = Delivery

    organization = factory.SubFactory(OrganizationFactory)
    endpoint = factory.SubFactory(EndpointFactory, organization=SAME_ORG)
    message = factory.SubFactory(MessageFactory, organization=SAME_ORG)
    event_type = "sales_order.created"


class AttemptFactory(TenantFactory[DeliveryAttempt]):
    class Meta:
        model = DeliveryAttempt

    organization = factory.SubFactory(OrganizationFactory)
    delivery = factory.SubFactory(DeliveryFactory, organization=SAME_ORG)
    number = 1
    trigger = DeliveryAttempt.Trigger.FIRST
    url = "https://receiver.example.com/hooks"


def _delivery_of_first_endpoint(org: Any) -> Delivery:
    """A delivery of the organisation's first endpoint, so a path naming both reaches its handler (the fuzz run)."""
    with tenant_context(org):
        endpoint = Endpoint.objects.filter(organization=org).order_by("created_at").first()
    if endpoint is None:
        return DeliveryFactory(organization=org)
    return DeliveryFactory(organization=org, endpoint=endpoint)


register_factory(Endpoint, EndpointFactory)
register_factory(Message, MessageFactory)
register_factory(Delivery, DeliveryFactory)
register_factory(DeliveryAttempt, AttemptFactory)
register_url_object("endpoint_id", lambda org: EndpointFactory(organization=org))
register_url_object("webhook_delivery_id", _delivery_of_first_endpoint)
