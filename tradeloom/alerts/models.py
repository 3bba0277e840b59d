"""Alert rules (one per kind per organisation: on or off, N days, who is told) and the alerts they fire.

An ``Alert`` is one condition of one record under one rule, from the pass that first saw it (``fired_at``) to the pass
that no longer did (``resolved_at``). At most one is open per (rule, record) — a partial unique index the evaluation
pass inserts against — so a condition fires once however many passes see it, and a condition that clears and comes
back fires again as a new row. Firing and resolving are these rows, not audit events.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.models import TenantModel


def alert_kind_choices() -> list[tuple[str, str]]:
    """The registered kinds (``core.alert_kinds.ALERT_KINDS``), for the fields' choices."""
    return [(kind.code, kind.label) for kind in ALERT_KINDS]


class AlertRule(TenantModel):
    """An organisation's rule for one kind of alert. ``days`` is the kind's N (within its bounds); who is told: the
    record's responsible member (``notify_merchandiser``: an order's merchandiser, a task's assignee), the active
    members holding one of ``roles``, and the named ``members`` (active ones)."""

    audit_prefix = "alert_rule"

    kind = models.CharField(max_length=60, choices=alert_kind_choices)
    enabled = models.BooleanField(default=False)
    days = models.PositiveSmallIntegerField()
    notify_merchandiser = models.BooleanField(default=True)
    roles = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    members = models.ManyToManyField("tenancy.Membership", through="AlertRuleMember", related_name="+", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="alerts_alertrule_org_id_key"),
            models.UniqueConstraint(fields=["organization", "kind"], name="alerts_alertrule_one_per_kind"),
            models.CheckConstraint(condition=Q(days__lte=3650), name="alerts_alertrule_days_bounded"),
        ]

    def __str__(self) -> str:
        kind = ALERT_KINDS.get(self.kind)
        return kind.label if kind else self.kind


class AlertRuleMember(TenantModel):
    """A member named on a rule."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="+", db_index=False)
    membership = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="alerts_alertrulemember_org_id_key"),
            models.UniqueConstraint(fields=["rule", "membership"], name="alerts_alertrulemember_once"),
        ]


class Alert(TenantModel):
    """A condition of a record, fired once by the evaluation pass and resolved by the pass that no longer sees it.

    ``target_type``/``target_id`` name the record (``sales.order``, its id); ``label``, ``link`` and ``detail`` are
    what the pass saw when it fired. ``responsible_id`` copies the record's responsible member then (a copy, not a
    reference: the notification resolves it among the organisation's active members). ``notified_at``: the
    notification task has told the rule's recipients."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=60, choices=alert_kind_choices)
    target_type = models.CharField(max_length=100)
    target_id = models.UUIDField()
    label = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    responsible_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    fired_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Shape:
        read = (
            "id",
            "kind",
            "rule_id",
            "target_type",
            "target_id",
            "label",
            "link",
            "responsible_id",
            "detail",
            "fired_at",
            "resolved_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="alerts_alert_org_id_key"),
            # one open alert per rule and record: the pass inserts against it (ON CONFLICT DO NOTHING)
            models.UniqueConstraint(
                fields=["rule", "target_id"], condition=Q(resolved_at__isnull=True), name="alerts_alert_open_once"
            ),
        ]
        indexes = [
            # the rule's alerts (its key), newest first
            models.Index(fields=["rule", "-fired_at"], name="alerts_alert_rule_idx"),
            # the alerts page: newest first, all or open only
            models.Index(fields=["organization", "-fired_at", "-id"], name="alerts_alert_list_idx"),
            models.Index(
                fields=["organization", "-fired_at", "-id"],
                condition=Q(resolved_at__isnull=True),
                name="alerts_alert_open_idx",
            ),
            # what the notification task has still to tell
            models.Index(
                fields=["organization", "fired_at"],
                condition=Q(notified_at__isnull=True),
                name="alerts_alert_unnotified_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def kind_label(self) -> str:
        kind = ALERT_KINDS.get(self.kind)
        return kind.label if kind else self.kind
