from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.exports.registry import FORMATS


class ExportStartInput(serializers.Serializer):
    """A background export: the file's format and the list's filters, as its page's query string names them
    (``{"status": "open", "customer": "<id>", "sort": "oldest"}``; a list of values for a repeated key)."""

    format = serializers.ChoiceField(choices=[(f, f.upper()) for f in FORMATS])
    filters = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict, help_text="The list's filters"
    )

    def validate_filters(self, value: dict[str, Any]) -> dict[str, list[str]]:
        if len(value) > 50:
            raise serializers.ValidationError("At most 50 filters.")
        out: dict[str, list[str]] = {}
        for key, raw in value.items():
            values = raw if isinstance(raw, list) else [raw]
            if len(key) > 60 or len(values) > 50:
                raise serializers.ValidationError(f"{key[:60]}: too long.")
            if not all(isinstance(v, str | int | float) for v in values):  # a bool is an int
                raise serializers.ValidationError(f"{key}: each value is a string or a number.")
            texts = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
            if any(len(t) > 200 or "\x00" in t for t in texts):
                raise serializers.ValidationError(f"{key}: a value is too long or holds a NUL character.")
            out[key] = texts
        return out


class ExportOutput(serializers.Serializer):
    """One list that exports, and the address of each of its files (for ``?<filters>``)."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    formats = serializers.ListField(child=serializers.CharField())
    files = serializers.DictField(child=serializers.URLField(), help_text="format → address of the file")
    start = serializers.URLField(help_text="POST here to export it in the background")
