"""The inbox's filters, shared by the page and the API: kind, severity, unread."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.notifications.kinds import kind_choices
from tradeloom.notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=kind_choices, empty_label="Any kind", label="Kind")
    severity = django_filters.ChoiceFilter(
        choices=Notification.Severity.choices, empty_label="Any severity", label="Severity"
    )
    unread = django_filters.BooleanFilter(
        method="filter_unread",
        label="Show",
        widget=forms.Select(choices=[("", "All"), ("true", "Unread only"), ("false", "Read only")]),
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=bool(value))
