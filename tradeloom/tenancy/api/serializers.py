from __future__ import annotations

from typing import Any

import orjson
from rest_framework import serializers

from tradeloom.audit.models import AuditEvent
from tradeloom.core.models import Job
from tradeloom.core.validators import currency_codes, timezone_names
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

MAX_SETTINGS_BYTES = 16 * 1024


class OrganizationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ("id", "name", "slug", "base_currency", "timezone", "settings", "seat_limit", "created_at")
        read_only_fields = fields


class OrganizationUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    base_currency = serializers.CharField(max_length=3, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    settings = serializers.DictField(required=False)

    def validate_settings(self, value: dict[str, Any]) -> dict[str, Any]:
        encoded = orjson.dumps(value)
        if len(encoded) > MAX_SETTINGS_BYTES:
            raise serializers.ValidationError(f"Settings may take at most {MAX_SETTINGS_BYTES // 1024} KB.")
        if b"\\u0000" in encoded:
            raise serializers.ValidationError("Settings may not contain NUL characters.")
        return value

    def validate_base_currency(self, value: str) -> str:
        value = value.upper()
        if value not in currency_codes():
            raise serializers.ValidationError(f"“{value}” is not an ISO 4217 currency code.")
        return value

    def validate_timezone(self, value: str) -> str:
        if value not in timezone_names():
            raise serializers.ValidationError(f"“{value}” is not a known time zone.")
        return value


class MemberUserOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class MembershipOutput(serializers.ModelSerializer):
    user = MemberUserOutput()

    class Meta:
        model = Membership
        fields = ("id", "user", "role", "is_active", "created_at")
        read_only_fields = fields


class MembershipRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class AuditActorOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class AuditEventOutput(serializers.ModelSerializer):
    actor = AuditActorOutput(allow_null=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "action",
            "actor",
            "target_type",
            "target_id",
            "changes",
            "request_id",
            "ip",
            "user_agent",
            "created_at",
        )
        read_only_fields = fields


class AuditExportInput(serializers.Serializer):
    """The audit log's filters (as on ``GET audit-events/``), for the events to export."""

    actor = serializers.UUIDField(required=False)
    action = serializers.CharField(max_length=100, required=False, help_text="Exact, or a prefix ending in *")
    target_type = serializers.CharField(max_length=100, required=False)
    target_id = serializers.CharField(max_length=64, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["Must be after “since”."]})
        return attrs


class JobOutput(serializers.Serializer):
    """A background job and how far it got; ``download`` is the API address of its file once it succeeded."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in Job.Status])
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="per cent")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download = serializers.SerializerMethodField()

    def get_download(self, job: Job) -> str | None:
        if job.status != Job.Status.SUCCEEDED or not job.result:
            return None
        return str(self.context["download"](job))
