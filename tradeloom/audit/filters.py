"""Audit-log filters, shared by the API and the web viewer."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.audit.models import AuditEvent


class AuditEventFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            self.add_error("until", "Must be after “From”.")
        return data


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.UUIDFilter(field_name="actor_id", label="Actor (user id)")
    action = django_filters.CharFilter(
        method="filter_action",
        label="Action",
        max_length=100,
        help_text="Exact, or a prefix ending in * (membership.*)",
    )
    target_type = django_filters.CharFilter(label="Target type", max_length=100)
    target_id = django_filters.CharFilter(label="Target id", max_length=64)
    since = django_filters.IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="lt",
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = AuditEvent
        fields = ("actor", "target_type", "target_id")
        form = AuditEventFilterForm

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        if value.endswith("*"):
            return queryset.filter(action__startswith=value[:-1])
        return queryset.filter(action=value)
