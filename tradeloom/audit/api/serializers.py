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
