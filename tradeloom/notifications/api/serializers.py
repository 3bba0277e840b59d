from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.notifications.kinds import NOTIFICATION_KINDS, Channel, kind_label
from tradeloom.notifications.models import Notification


def _channel(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=Channel.choices, **kwargs)


class NotificationOutput(serializers.ModelSerializer):
    channel = serializers.CharField(
        read_only=True,
        help_text="How it was delivered, from your settings when it was made: `in_app`, `email` or `digest`.",
    )
    kind_label = serializers.SerializerMethodField(help_text="The kind as people read it.")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "kind_label",
            "title",
            "message",
            "severity",
            "link",
            "target_type",
            "target_id",
            "channel",
            "read",
            "read_at",
            "emailed_at",
            "created_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "link": {"help_text": "The relative address of the page it is about (may be empty)."},
            "target_type": {"help_text": "The record it is about, as `app_label.model` (may be empty)."},
        }

    def get_kind_label(self, notification: Notification) -> str:
        return kind_label(notification.kind)

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class UnreadCountOutput(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many of your notifications are unread.")


class ReadAllInput(serializers.Serializer):
    kind = serializers.CharField(
        max_length=80, required=False, allow_blank=True, help_text="Only this kind (empty or left out: every kind)."
    )
    severity = serializers.ChoiceField(
        choices=Notification.Severity.choices,
        required=False,
        allow_blank=True,
        help_text="Only this severity (empty or left out: every severity).",
    )

    def validate_kind(self, value: str) -> str:
        if value and value not in NOTIFICATION_KINDS:
            raise serializers.ValidationError("No such kind of notification.")
        return value


class ReadAllOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class PreferenceOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    description = serializers.CharField()
    default_channel = serializers.CharField(help_text="The kind's channel until you choose one (as `channel`).")
    channel = _channel(help_text="Yours: the default until you choose.")


class PreferencesOutput(serializers.Serializer):
    preferences = PreferenceOutput(many=True)


class PreferenceInput(serializers.Serializer):
    kind = serializers.CharField(max_length=80, help_text="A kind's code, as `GET` lists them.")
    channel = _channel()

    def validate_kind(self, value: str) -> str:
        if value not in NOTIFICATION_KINDS:
            raise serializers.ValidationError("No such kind of notification.")
        return value


class PreferencesInput(serializers.Serializer):
    preferences = PreferenceInput(
        many=True, help_text="The kinds to set, each once; kinds left out keep their channel."
    )

    def validate_preferences(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kinds = [item["kind"] for item in value]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError("Each kind at most once.")
        return value


def preferences_data(channels: dict[str, str]) -> dict[str, Any]:
    """Every registered kind with the member's channel (``selectors.preferences_of``), for ``PreferencesOutput``."""
    rows = []
    for code, channel in channels.items():
        kind = NOTIFICATION_KINDS[code]
        rows.append(
            {
                "kind": code,
                "kind_label": kind.label,
                "description": kind.description,
                "default_channel": kind.default_channel,
                "channel": channel,
            }
        )
    return {"preferences": rows}
