"""The audit log: append-only, written in the same transaction as the change it records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tradeloom.core.ids import new_id


class AuditEvent(models.Model):
    """One recorded action. The database refuses UPDATE and DELETE on this table (see migration 0001).

    ``organization`` is empty for account events that belong to no organisation (logins, logouts).
    ``changes`` maps a field to ``[old, new]``; secrets are never recorded (``audit.services``).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # No database constraint: the log keeps who acted even if that login is ever deleted (rows never change).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    # A Python default, not db_default: an INSERT ... RETURNING would need read access to the new row, which
    # the app role does not have for account events (organization IS NULL).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_time_idx"),
            models.Index(fields=["organization", "target_type", "target_id"], name="audit_org_target_idx"),
            models.Index(fields=["organization", "actor", "-created_at"], name="audit_org_actor_idx"),
            models.Index(fields=["organization", "action", "-created_at"], name="audit_org_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
