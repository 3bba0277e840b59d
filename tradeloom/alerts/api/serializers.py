"""What the alerts API reads and takes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.alerts.models import Alert
from tradeloom.alerts.selectors import RuleView
from tradeloom.tenancy.roles import Role


class AlertRuleOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="The kind of alert; the rule's id in the URL.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label (DRF pops declared fields)
    description = serializers.CharField(help_text="The exact condition.")
    unit = serializers.CharField(help_text="What `days` counts.")
    target = serializers.CharField(help_text="The kind of record the alerts are about (`sales.order` …).")
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    enabled = serializers.BooleanField()
    days = serializers.IntegerField()
    notify_merchandiser = serializers.BooleanField(
        help_text="Tell the record's responsible member (an order's merchandiser, a task's assignee)."
    )
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    members = serializers.ListField(child=serializers.UUIDField(), help_text="Named members (membership ids).")
    version = serializers.IntegerField(help_text="0 until the rule is first saved (the kind's defaults, off).")


def rule_data(view: RuleView) -> dict[str, Any]:
    rule, kind = view.rule, view.kind
    return {
        "kind": kind.code,
        "label": kind.label,
        "description": kind.description,
        "unit": kind.unit,
        "target": kind.target,
        "min_days": kind.min_days,
        "max_days": kind.max_days,
        "enabled": rule.enabled,
        "days": rule.days,
        "notify_merchandiser": rule.notify_merchandiser,
        "roles": list(rule.roles),
        "members": [str(m.pk) for m in view.members],
        "version": view.version,
    }


class AlertRuleInput(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    days = serializers.IntegerField(
        required=False, min_value=0, max_value=3650, help_text="Within the kind's `min_days` and `max_days`."
    )
    notify_merchandiser = serializers.BooleanField(required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, max_length=len(Role.choices)
    )
    members = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=200, help_text="Active members of the organisation."
    )


class AlertOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    detail = serializers.DictField(read_only=True)

    class Meta:
        model = Alert
        fields = (*Alert.Shape.read, "kind_label")
        read_only_fields = fields
