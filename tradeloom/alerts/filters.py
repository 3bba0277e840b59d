"""The alerts list's filters, shared by the API and the page: kind, and open or resolved. Without ``status`` a list
shows the open ones (``selectors.alert_list(..., status=…)``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from tradeloom.alerts.models import Alert, alert_kind_choices

STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("all", "Open and resolved")]


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=alert_kind_choices, empty_label="Any kind", label="Kind")
    status = django_filters.ChoiceFilter(
        choices=STATUSES, method="filter_status", empty_label=None, label="Status", null_label=None
    )

    class Meta:
        model = Alert
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(resolved_at__isnull=True)
