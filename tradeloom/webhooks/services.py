"""Every write of the webhooks app: endpoints, messages and their deliveries, attempts, replays, the sweep.

The path of a change: ``subscriptions.on_audit_recorded`` (in the change's transaction) → the ``webhooks.dispatch``
task (``messages_create``: one message per event, one delivery per subscribed endpoint, each queued through the
outbox) → the ``webhooks.deliver`` task (``delivery_attempt``: the HTTP request outside any transaction, its outcome
recorded after) → on failure ``next_attempt_at`` by the schedule, which the sweep (``deliveries_queue_due``, every
minute) hands out again → failed after the last, counted against the endpoint, which is disabled when it keeps
failing (``schedule``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from drf_orjson_renderer.renderers import ORJSONRenderer

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.services import audit_record
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.outbox import OWNER_DB, outbox_enqueue
from tradeloom.core.shapes import iso
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS
from tradeloom.notifications.services import notify
from tradeloom.records.services import record_create, record_update
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role
from tradeloom.webhooks import guard, schedule, sender
from tradeloom.webhooks.catalogue import TEST_EVENT
from tradeloom.webhooks.events import EndpointAction
from tradeloom.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    Endpoint,
    Message,
    new_secret,
    subscribed_types_forget,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.deliver"
DISABLED_KIND = "webhooks.endpoint_disabled"


# --- endpoints ------------------------------------------------------------------------------------------------------


def _url_error(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, extra={"errors": {"url": [message]}})


def endpoint_url_check(url: str) -> None:
    """An endpoint's URL: http(s) with a host, no credentials in it; https unless private addresses are allowed (local
    receivers) or ``DEBUG``; a host written as an IP address must be one webhooks may reach."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _url_error("Enter a valid URL.", "validation_error") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _url_error("Enter an http:// or https:// address.", "validation_error")
    if parts.username is not None or parts.password is not None:
        raise _url_error(
            "Leave credentials out of the address; receivers check the webhook-signature header instead.",
            "validation_error",
        )
    if parts.scheme == "http" and not (settings.DEBUG or guard.allow_private()):
        raise _url_error("Use an https:// address: webhooks carry your business data.", "insecure_url")
    if port == 0:
        raise _url_error("Enter a valid port.", "validation_error")
    refused = guard.literal_refusal(parts.hostname)
    if refused:
        raise _url_error(f"Webhooks may not be sent to {refused}.", "address_not_allowed")


def event_types_check(event_types: Iterable[str]) -> list[str]:
    """The chosen event types, each one of the catalogue (``unknown_event_type`` naming the others), de-duplicated
    in the catalogue's order."""
    chosen = list(event_types)
    unknown = sorted({t for t in chosen if t not in WEBHOOK_EVENT_TYPES})
    if unknown:
        message = f"Unknown event types: {', '.join(unknown)}. GET webhooks/event-types/ lists them."
        raise ApplicationError(
            message, code="unknown_event_type", extra={"errors": {"event_types": [message]}, "unknown": unknown}
        )
    if not chosen:
        message = "Choose at least one event type."
        raise ApplicationError(message, code="validation_error", extra={"errors": {"event_types": [message]}})
    wanted = set(chosen)
    return [t.code for t in WEBHOOK_EVENT_TYPES if t.code in wanted]


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "url" in data:
        endpoint_url_check(data["url"])
    if "event_types" in data:
        data["event_types"] = event_types_check(data["event_types"])
    return data


@transaction.atomic
def endpoint_create(*, organization: Any, by: Membership, data: dict[str, Any]) -> Endpoint:
    """A new endpoint with a new secret (the record services audit it; the secret never reaches the log)."""
    data = _checked(data)
    if "event_types" not in data:
        event_types_check([])
    return record_create(model=Endpoint, organization=organization, by=by, data=data)


@transaction.atomic
def endpoint_update(
    *, endpoint: Endpoint, by: Membership, data: dict[str, Any], expected_version: int | None = None
) -> Endpoint:
    """Change an endpoint; activating it again clears its failure count and why it was disabled."""
    data = _checked(data)
    was_active = endpoint.is_active
    endpoint = record_update(instance=endpoint, by=by, data=data, expected_version=expected_version)
    if endpoint.is_active and not was_active:
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
        endpoint.save(update_fields=["consecutive_failures", "failing_since", "disabled_at", "disabled_reason"])
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, by: Membership, expected_version: int | None = None) -> Endpoint:
    """A new secret; the previous one keeps signing beside it for ``PREVIOUS_SECRET_LIFETIME``."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if expected_version is not None and endpoint.version != expected_version:
        raise ApplicationError(
            "The endpoint was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": endpoint.version},
        )
    now = timezone.now()
    endpoint.previous_secret, endpoint.previous_secret_expires_at = (
        endpoint.secret,
        now + schedule.PREVIOUS_SECRET_LIFETIME,
    )
    endpoint.secret = new_secret()
    endpoint.version += 1
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "version", "updated_at"])
    audit_record(actor=by, action=EndpointAction.SECRET_ROTATED, target=endpoint, changes={"secret": ["", ""]})
    return endpoint


# --- messages: from audit events, or a test -------------------------------------------------------------------------


def _render(payload: dict[str, Any]) -> str:
    """JSON as the API writes it (the same renderer: decimals, days and times alike)."""
    return ORJSONRenderer().render(payload).decode()


def _queue(deliveries: Iterable[Delivery]) -> None:
    for delivery in deliveries:
        outbox_enqueue(DELIVER_TASK, organization_id=delivery.organization_id, delivery_id=str(delivery.pk))


def messages_create(*, organization: Any, event_ids: Iterable[str]) -> list[Delivery]:
    """One message per audit event that an active endpoint subscribes to, one delivery per such endpoint, queued.
    The record's representation is read now, once, and kept in the message (every attempt sends the same body)."""
    events = list(AuditEvent.objects.filter(organization=organization, pk__in=list(event_ids)).order_by("created_at"))
    actions = sorted({event.action for event in events})
    endpoints = list(
        Endpoint.objects.filter(
            organization=organization, is_active=True, archived_at__isnull=True, event_types__overlap=actions
        ).order_by("created_at", "id")
    )
    if not events or not endpoints:
        return []
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        wanted[event.target_type].add(event.target_id)
    data: dict[str, dict[str, Any]] = {}
    for target_type, ids in wanted.items():
        representation = WEBHOOK_REPRESENTATIONS.get(target_type)
        data[target_type] = representation.represent(organization, ids) if representation else {}
    messages: list[Message] = []
    deliveries: list[Delivery] = []
    for event in events:
        receivers = [endpoint for endpoint in endpoints if event.action in endpoint.event_types]
        if not receivers:
            continue
        payload = {
            "type": event.action,
            "timestamp": iso(event.created_at),
            "data": data[event.target_type].get(event.target_id),
            "changes": event.changes,
        }
        message = Message(
            organization_id=organization.pk,
            event_type=event.action,
            body=_render(payload),
            audit_event_id=event.pk,
            target_type=event.target_type,
            target_id=event.target_id,
        )
        messages.append(message)
        deliveries += [
            Delivery(organization_id=organization.pk, endpoint=endpoint, message=message, event_type=event.action)
            for endpoint in receivers
        ]
    Message.objects.bulk_create(messages)
    Delivery.objects.bulk_create(deliveries)
    _queue(deliveries)
    return deliveries


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint, by: Membership) -> Delivery:
    """A ``webhook.test`` message to this endpoint alone (active or not): one attempt, no retries, not counted
    against the endpoint."""
    now = timezone.now()
    payload = {
        "type": TEST_EVENT,
        "timestamp": iso(now),
        "data": {"endpoint_id": str(endpoint.pk), "message": "A test event from Tradeloom."},
        "changes": {},
    }
    message = Message.objects.create(
        organization_id=endpoint.organization_id, event_type=TEST_EVENT, body=_render(payload), is_test=True
    )
    delivery = Delivery.objects.create(
        organization_id=endpoint.organization_id, endpoint=endpoint, message=message, event_type=TEST_EVENT
    )
    _queue([delivery])
    audit_record(actor=by, action=EndpointAction.TEST_SENT, target=endpoint)
    return delivery


# --- replays --------------------------------------------------------------------------------------------------------


def _active_or_refuse(endpoint: Endpoint) -> None:
    if not endpoint.is_active or endpoint.archived_at is not None:
        raise ApplicationError(
            "This endpoint is not active: activate it before replaying its deliveries.",
            code="endpoint_inactive",
            status=409,
        )


@transaction.atomic
def delivery_replay(*, delivery: Delivery, by: Membership) -> Delivery:
    """Send a finished delivery again, now, with the same ``webhook-id`` and a fresh retry schedule."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",)).select_related("endpoint", "message").get(pk=delivery.pk)
    )
    if not delivery.message.is_test:
        _active_or_refuse(delivery.endpoint)
    if delivery.status == Delivery.Status.PENDING:
        raise ApplicationError("This delivery is still being attempted.", code="delivery_pending", status=409)
    delivery.status, delivery.round_attempts = Delivery.Status.PENDING, 0
    delivery.next_attempt_at = delivery.finished_at = None
    delivery.save(update_fields=["status", "round_attempts", "next_attempt_at", "finished_at", "updated_at"])
    _queue([delivery])
    audit_record(
        actor=by,
        action=EndpointAction.REPLAYED,
        target=delivery.endpoint,
        changes={"deliveries": [None, 1], "delivery": [None, str(delivery.pk)]},
    )
    return delivery


@transaction.atomic
def deliveries_replay_failed(*, endpoint: Endpoint, since: datetime, by: Membership) -> int:
    """Send again every failed delivery of the endpoint made since ``since`` (one statement: the sweep hands them
    to workers, a batch a minute); how many."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    _active_or_refuse(endpoint)
    count = (
        Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.FAILED, created_at__gte=since)
        .exclude(message__is_test=True)
        .update(
            status=Delivery.Status.PENDING,
            round_attempts=0,
            next_attempt_at=timezone.now(),
            finished_at=None,
            updated_at=timezone.now(),
        )
    )
    audit_record(
        actor=by,
        action=EndpointAction.REPLAYED,
        target=endpoint,
        changes={"deliveries": [None, count], "since": [None, since]},
    )
    return count


# --- attempts -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    url: str
    webhook_id: str
    body: bytes
    secrets: list[str]


def _claim(delivery_id: Any, now: datetime) -> Claimed | None:
    """Lock the delivery and mark an attempt in flight; None when there is nothing to attempt (finished, another copy
    of the task is at it, or its endpoint is paused: the sweep takes it up when the endpoint is active again)."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "message")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return None
    if delivery.claimed_at is not None and delivery.claimed_at > now - schedule.CLAIM_LIFETIME:
        return None
    endpoint, message = delivery.endpoint, delivery.message
    if not message.is_test and (not endpoint.is_active or endpoint.archived_at is not None):
        if delivery.next_attempt_at is None:
            delivery.next_attempt_at = now
            delivery.save(update_fields=["next_attempt_at", "updated_at"])
        return None
    delivery.claimed_at, delivery.next_attempt_at = now, None
    delivery.save(update_fields=["claimed_at", "next_attempt_at", "updated_at"])
    return Claimed(endpoint.url, message.webhook_id, message.body.encode(), endpoint.signing_secrets(now))


def _trigger(delivery: Delivery) -> str:
    if delivery.message.is_test:
        return DeliveryAttempt.Trigger.TEST
    if delivery.round_attempts == 1:
        return DeliveryAttempt.Trigger.FIRST if delivery.attempts == 1 else DeliveryAttempt.Trigger.REPLAY
    return DeliveryAttempt.Trigger.RETRY


def _record(delivery_id: Any, outcome: sender.Outcome, now: datetime) -> DeliveryAttempt:
    delivery = (
        Delivery.objects.select_for_update(of=("self",)).select_related("endpoint", "message").get(pk=delivery_id)
    )
    delivery.attempts += 1
    delivery.round_attempts += 1
    attempt = DeliveryAttempt.objects.create(
        organization_id=delivery.organization_id,
        delivery=delivery,
        number=delivery.attempts,
        trigger=_trigger(delivery),
        url=outcome.url,
        address=outcome.address,
        request_headers=outcome.request_headers,
        succeeded=outcome.succeeded,
        status_code=outcome.status_code,
        response_body=outcome.response_body,
        duration_ms=outcome.duration_ms,
        error=outcome.error or ("" if outcome.succeeded else f"The receiver answered {outcome.status_code}."),
    )
    delivery.claimed_at = None
    delivery.last_attempt_at = now
    delivery.last_status_code, delivery.last_duration_ms = outcome.status_code, outcome.duration_ms
    delivery.last_error = attempt.error
    is_test = delivery.message.is_test
    if outcome.succeeded:
        delivery.status, delivery.finished_at = Delivery.Status.SUCCEEDED, now
        if not is_test:
            Endpoint.objects.filter(pk=delivery.endpoint_id).filter(
                Q(consecutive_failures__gt=0) | Q(failing_since__isnull=False)
            ).update(consecutive_failures=0, failing_since=None)
    else:
        delay = None if is_test else schedule.retry_delay(delivery.round_attempts)
        if delay is None:
            delivery.status, delivery.finished_at = Delivery.Status.FAILED, now
        else:
            delivery.next_attempt_at = now + delay
        if not is_test:
            _endpoint_failed(delivery.endpoint_id, now=now, message_failed=delay is None)
    delivery.save()
    return attempt


def _endpoint_failed(endpoint_id: Any, *, now: datetime, message_failed: bool) -> None:
    """Count a failed attempt (and a message that failed every attempt) against the endpoint; disable it when it
    keeps failing (``schedule``)."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
    fields = []
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        fields.append("failing_since")
    if message_failed:
        endpoint.consecutive_failures = F("consecutive_failures") + 1
        fields.append("consecutive_failures")
    if fields:
        endpoint.save(update_fields=fields)
        endpoint.refresh_from_db(fields=["consecutive_failures"])
    if not endpoint.is_active:
        return
    reason = ""
    if endpoint.consecutive_failures >= schedule.DISABLE_AFTER_FAILED_MESSAGES:
        reason = f"{endpoint.consecutive_failures} messages in a row failed every attempt."
    elif endpoint.failing_since <= now - schedule.DISABLE_AFTER_FAILING_FOR:
        reason = f"No attempt has succeeded since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC."
    if reason:
        endpoint_disable(endpoint=endpoint, reason=reason, now=now)


def owners_and_admins(organization_id: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organization_id=organization_id, is_active=True, role__in=(Role.OWNER, Role.ADMIN)
        ).select_related("user")
    )


def endpoint_disable(*, endpoint: Endpoint, reason: str, now: datetime) -> Endpoint:
    """Stop sending to an endpoint that keeps failing, record why, and tell the organisation's owners and admins."""
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason[:300]
    endpoint.version += 1
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "version", "updated_at"])
    subscribed_types_forget(endpoint.organization_id)
    audit_record(
        action=EndpointAction.DISABLED, target=endpoint, changes={"is_active": [True, False], "reason": [None, reason]}
    )
    organization = endpoint.organization
    notify(
        organization=organization,
        recipients=owners_and_admins(endpoint.organization_id),
        kind=DISABLED_KIND,
        title=f"Webhook endpoint disabled: {endpoint}",
        message=f"{reason} Nothing more is sent to {endpoint.url} until it is activated again; replay the failed "
        "deliveries from its page.",
        severity="warning",
        link=reverse("webhooks:endpoint", kwargs={"org_slug": organization.slug, "endpoint_id": endpoint.pk}),
        target=endpoint,
    )
    return endpoint


def delivery_attempt(*, organization_id: Any, delivery_id: Any) -> DeliveryAttempt | None:
    """Make one attempt of a delivery: claim it, send outside any transaction (a slow receiver holds no lock), record
    what happened. At least once: a crash after sending repeats it, with the same ``webhook-id``."""
    with tenant_context(organization_id):
        claimed = _claim(delivery_id, timezone.now())
    if claimed is None:
        return None
    outcome = sender.send(url=claimed.url, webhook_id=claimed.webhook_id, body=claimed.body, secrets=claimed.secrets)
    with tenant_context(organization_id):
        return _record(delivery_id, outcome, timezone.now())


# --- the sweep ------------------------------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True) & Q(
        endpoint__archived_at__isnull=True
    )


def organizations_with_due_deliveries(*, now: datetime) -> list[Any]:
    """The organisations with deliveries due, read across organisations as the owner role."""
    return list(
        Delivery.objects.using(OWNER_DB)
        .filter(_due(now))
        .order_by()
        .values_list("organization_id", flat=True)
        .distinct()
    )


def deliveries_queue_due(*, organization: Any, now: datetime | None = None) -> int:
    """Hand the organisation's due deliveries to workers through the outbox (locked rows another sweep has taken
    are skipped); how many."""
    now = now or timezone.now()
    with tenant_context(organization):
        due = list(
            Delivery.objects.filter(_due(now))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[: schedule.SWEEP_BATCH]
        )
        if not due:
            return 0
        Delivery.objects.filter(pk__in=due).update(next_attempt_at=None)
        organization_id = getattr(organization, "pk", organization)
        for pk in due:
            outbox_enqueue(DELIVER_TASK, organization_id=organization_id, delivery_id=str(pk))
    return len(due)


def deliveries_sweep(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    total = 0
    for organization_id in organizations_with_due_deliveries(now=now):
        try:
            total += deliveries_queue_due(organization=organization_id, now=now)
        except Exception:
            logger.exception("webhooks: sweeping an organisation failed", extra={"organization": str(organization_id)})
    return total


def messages_purge(*, now: datetime | None = None, using: str = OWNER_DB) -> int:
    """Delete the messages older than ``KEEP_FOR`` none of whose deliveries is pending, with their deliveries and
    attempts, a batch at a time, across organisations as the owner role; how many messages."""
    cutoff = (now or timezone.now()) - schedule.KEEP_FOR
    ids = list(
        Message.objects.using(using)
        .filter(created_at__lt=cutoff)
        .exclude(deliveries__status=Delivery.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[: schedule.PURGE_BATCH]
    )
    if not ids:
        return 0
    _deleted, per_model = Message.objects.using(using).filter(pk__in=ids).delete()  # deliveries and attempts too
    return per_model.get(Message._meta.label, 0)
