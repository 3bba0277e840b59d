"""The webhooks API's inputs and outputs: an endpoint derives from its shape (``records.serializers``); the secret
shows only where it is asked for (creation, ``secret/``, a rotation)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import shape_of
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES
from tradeloom.records.serializers import input_serializer, output_serializer
from tradeloom.webhooks.models import Delivery, DeliveryAttempt, Endpoint, webhook_id_of

EVENT_TYPES_HELP = "Event types from GET webhooks/event-types/ (an unknown one is a 400 unknown_event_type)."


def _event_type_field() -> serializers.CharField:
    """An event type: documented as the catalogue's codes (read when the URLconf loads, after every app registered
    its types); checked by the service, which names the unknown ones (400 ``unknown_event_type``)."""

    @extend_schema_field({"type": "string", "enum": WEBHOOK_EVENT_TYPES.keys()})
    class EventTypeField(serializers.CharField):
        pass

    return EventTypeField(max_length=100)


EndpointOutput = output_serializer(
    Endpoint, name="WebhookEndpointOutput", doc="A webhook endpoint (its secret is read from secret/)."
)
EndpointInput = input_serializer(
    Endpoint,
    shape_of(Endpoint).create,
    name="WebhookEndpointInput",
    overrides={
        "url": serializers.URLField(
            max_length=1000, help_text="https://… (http only where private addresses are allowed)"
        ),
        "event_types": serializers.ListField(child=_event_type_field(), max_length=200, help_text=EVENT_TYPES_HELP),
    },
)


class _EndpointWithSecret(serializers.ModelSerializer):
    secret = serializers.CharField(read_only=True, help_text="whsec_…: verify signatures with it; keep it secret.")


EndpointCreatedOutput = output_serializer(
    Endpoint,
    name="WebhookEndpointCreatedOutput",
    extra=("secret",),
    base=_EndpointWithSecret,
    doc="The new endpoint with its signing secret (shown in full here, and on demand from secret/).",
)


class WebhookSecretOutput(serializers.Serializer):
    secret = serializers.CharField(help_text="The current signing secret (whsec_…).")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when the previous secret also signs (after a rotation)."
    )


class WebhookEventTypeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field named label, not Field.label
    area = serializers.CharField()
    description = serializers.CharField()


@extend_schema_field(
    {
        "type": "string",
        "description": "`pending` (being attempted, or waiting for a retry), `succeeded`, or `failed` (every attempt"
        " failed).",
    }
)
class DeliveryStatusField(serializers.CharField):
    """A delivery's status, documented in words: as an enum its component would take the name of another ``status``
    of the API (drf-spectacular names enums by field), which settings would have to override."""


class WebhookDeliveryOutput(serializers.ModelSerializer):
    status = DeliveryStatusField(read_only=True)
    endpoint_id = serializers.UUIDField(read_only=True)
    message_id = serializers.UUIDField(read_only=True)
    webhook_id = serializers.SerializerMethodField(help_text="The webhook-id header: the same on every attempt.")

    class Meta:
        model = Delivery
        fields: tuple[str, ...] = (
            "id",
            "endpoint_id",
            "message_id",
            "webhook_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
            "finished_at",
            "created_at",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_webhook_id(self, delivery: Delivery) -> str:
        return webhook_id_of(delivery.message_id)


class WebhookAttemptOutput(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = (
            "number",
            "trigger",
            "created_at",
            "url",
            "address",
            "request_headers",
            "succeeded",
            "status_code",
            "response_body",
            "duration_ms",
            "error",
        )
        read_only_fields = fields


class WebhookDeliveryDetailOutput(WebhookDeliveryOutput):
    body = serializers.CharField(source="message.body", read_only=True, help_text="The JSON body as sent.")
    attempt_log = WebhookAttemptOutput(many=True, read_only=True)

    class Meta(WebhookDeliveryOutput.Meta):
        fields = (*WebhookDeliveryOutput.Meta.fields, "body", "attempt_log")
        read_only_fields = fields


class WebhookReplayFailedInput(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Replay the deliveries that failed and were made at or after this.")


class WebhookReplayFailedOutput(serializers.Serializer):
    replayed = serializers.IntegerField(help_text="How many failed deliveries are sent again (within a minute).")


def event_type_rows(types: Any) -> list[dict[str, Any]]:
    return [{"code": t.code, "label": t.label, "area": t.area, "description": t.description} for t in types]
