"""Outbound webhooks: an organisation's endpoints, the messages sent to them, and each delivery with its attempts.

* ``Endpoint`` — a receiver's URL, its signing secret, the event types it takes and whether it is active (a record:
  versioned, audited, archived rather than deleted while it has a history).
* ``Message`` — one event as sent: its type and the exact JSON body that is signed. Its ``webhook_id`` is the same on
  every retry and replay (Standard Webhooks: receivers drop duplicates by it).
* ``Delivery`` — a message to one endpoint: pending until an attempt succeeds, or failed once the retry schedule
  (``webhooks.schedule``) is spent. ``next_attempt_at`` is when the sweep hands it to a worker again.
* ``DeliveryAttempt`` — one HTTP request: what was sent (headers, never the secret), the answer's status and the
  first bytes of its body, how long it took, or why it could not be made.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.records.models import RecordModel

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one
SECRET_BYTES = 32


def subscribed_types_key(organization_id: Any) -> str:
    """The cache key of an organisation's subscribed event types (``webhooks.subscriptions``)."""
    return f"webhooks:types:{organization_id}"


def subscribed_types_forget(organization_id: Any) -> None:
    """Drop the cached subscribed types when an endpoint changes — now, and again once its transaction commits (a
    reader between the two may have cached the state before it)."""
    key = subscribed_types_key(organization_id)

    def forget() -> None:
        try:
            cache.delete(key)
        except Exception:  # a cache that is down holds nothing to forget; it expires anyway
            return

    forget()
    transaction.on_commit(forget)


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes them: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


class Endpoint(RecordModel):
    """Where an organisation's events go. The secret is stored as it is (it must be, to sign) and never shown in
    lists, logs or the audit log; owners and admins may read it on demand, or rotate it (the previous one keeps
    signing beside the new one for a day, so receivers can switch without losing a message)."""

    audit_prefix = "webhook_endpoint"

    url = models.URLField("URL", max_length=1000, help_text="Where Tradeloom POSTs the events (https://…).")
    description = models.CharField(max_length=200, blank=True)
    event_types = ArrayField(
        models.CharField(max_length=100), default=list, help_text="The event types this endpoint receives."
    )
    is_active = models.BooleanField("active", default=True, help_text="Inactive endpoints receive nothing.")
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # failures: messages whose every attempt failed, in a row; since when no attempt has succeeded
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Shape:
        editable = ("url", "description", "event_types", "is_active")
        read = (
            "id",
            "version",
            "archived_at",
            "created_at",
            "updated_at",
            "url",
            "description",
            "event_types",
            "is_active",
            "consecutive_failures",
            "failing_since",
            "disabled_at",
            "disabled_reason",
        )

    class Meta(RecordModel.Meta):
        verbose_name = "webhook endpoint"
        constraints = [*RecordModel.Meta.constraints]
        indexes = [models.Index(fields=["organization", "-created_at", "-id"], name="webhooks_endpoint_list_idx")]

    def __str__(self) -> str:
        return self.description or self.url

    def after_change(self, previous: dict[str, Any] | None = None) -> None:
        subscribed_types_forget(self.organization_id)

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets an attempt signs with: the current one, and the previous one for a day after a rotation."""
        keys = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            keys.append(self.previous_secret)
        return keys


class Message(TenantModel):
    """One event as sent: the body is kept as the exact text that is signed, so every attempt sends the same bytes."""

    audit_prefix = "webhook_message"

    event_type = models.CharField(max_length=100)
    body = models.TextField()
    is_test = models.BooleanField(default=False)
    # what it tells: the audit event of the change and its record (none for a test event)
    audit_event_id = models.UUIDField(null=True, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="webhooks_message_org_id_key")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return webhook_id_of(self.pk)


def webhook_id_of(message_id: Any) -> str:
    """The ``webhook-id`` of a message: ``msg_`` and its id, the same on every attempt and replay."""
    return f"msg_{getattr(message_id, 'hex', str(message_id).replace('-', ''))}"


class Delivery(TenantModel):
    audit_prefix = "webhook_delivery"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    event_type = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # attempts since it was queued or replayed: the step of the retry schedule it is on
    round_attempts = models.PositiveSmallIntegerField(default=0)
    # when the sweep hands it to a worker again (empty while an attempt is queued or once it is finished)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # an attempt in flight (a second copy of the task leaves it alone)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="webhooks_delivery_org_id_key"),
            models.UniqueConstraint(fields=["message", "endpoint"], name="webhooks_delivery_message_endpoint_key"),
        ]
        indexes = [
            # an endpoint's log, newest first, and its failures since a time
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhooks_delivery_log_idx"),
            models.Index(
                fields=["endpoint", "created_at"], name="webhooks_delivery_failed_idx", condition=Q(status="failed")
            ),
            # the sweep: what is due, across organisations
            models.Index(fields=["next_attempt_at"], name="webhooks_delivery_due_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class DeliveryAttempt(TenantModel):
    audit_prefix = "webhook_attempt"

    class Trigger(models.TextChoices):
        FIRST = "first", "First attempt"
        RETRY = "retry", "Retry"
        REPLAY = "replay", "Replay"
        TEST = "test", "Test event"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log", db_index=False)
    number = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    url = models.CharField(max_length=1000)
    address = models.CharField(max_length=64, blank=True, help_text="The IP address connected to.")
    request_headers = models.JSONField(default=dict)
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2 KB of the answer.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="webhooks_attempt_org_id_key"),
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_attempt_number_key"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
