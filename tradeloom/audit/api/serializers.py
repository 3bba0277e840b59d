from __future__ import annotations

from rest_framework import serializers

from tradeloom.audit.models import AuditEvent


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


class AuditEventFilterInput(serializers.Serializer):
    actor = serializers.UUIDField(required=False)
    action = serializers.CharField(required=False, max_length=100, help_text="Exact, or a prefix ending in *")
    target_type = serializers.CharField(required=False, max_length=100)
    target_id = serializers.CharField(required=False, max_length=64)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["Must be after “since”."]})
        return attrs
