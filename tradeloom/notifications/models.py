"""Notifications: what a member is told (in the app, by e-mail, in the daily digest), what each member chose per
kind, and when each member's last digest went out."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.notifications.kinds import DELIVERY_CHANNELS, Channel


class Notification(TenantModel):
    """One thing told to one member. Only its recipient reads it (selectors filter by organisation and recipient).

    ``link`` is the relative address of the page it is about; ``target_type``/``target_id`` name the record
    (``"sales.task"``, its id) so a notification can point at any record of any app. ``channel`` is how it was
    delivered, from the recipient's preference when it was made: ``email`` ones are e-mailed (``emailed_at``),
    ``digest`` ones wait for the next daily digest."""

    class Severity(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    recipient = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    link = models.CharField(max_length=500, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(
        max_length=10, choices=[(c.value, c.label) for c in DELIVERY_CHANNELS], default=Channel.IN_APP
    )
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="notifications_notification_org_id_key"),
            models.CheckConstraint(
                condition=Q(severity__in=["info", "warning", "critical"]), name="notifications_severity_valid"
            ),
        ]
        indexes = [
            # The inbox, newest first, keyset pages on (created_at, id); a recipient is one organisation's.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notifications_inbox_idx"),
            # The bell's count and the unread filter read only what is unread.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notifications_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TenantModel):
    """How one member wants to be told of one kind. No row: the kind's default channel."""

    membership = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "kind"], name="notifications_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class DigestRecord(TenantModel):
    """When a member's last daily digest was made: ``last_sent_at`` ends the window it covered (the next one starts
    there), ``last_sent_on`` is that day in the organisation's time zone (a second run that day sends nothing)."""

    membership = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+", db_index=False)
    last_sent_at = models.DateTimeField()
    last_sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership"], name="notifications_digest_one_per_member"),
            models.UniqueConstraint(fields=["organization", "id"], name="notifications_digestrecord_org_id_key"),
        ]

    def __str__(self) -> str:
        return f"digest of {self.membership_id} on {self.last_sent_on}"
