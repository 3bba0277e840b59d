"""Approvals board filters, shared by the API and the web board."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.approvals import states
from tradeloom.approvals.models import Gate, LineGate
from tradeloom.approvals.selectors import stuck_days, waiting_since
from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter
from tradeloom.tenancy.models import Membership


class BoardFilter(django_filters.FilterSet):
    gate = django_filters.ModelChoiceFilter(
        queryset=lambda request: Gate.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        to_field_name="code",
        empty_label="Any gate",
    )
    state = django_filters.ChoiceFilter(choices=states.STATES, empty_label="Any state")
    customer = RecordChoiceFilter(
        field_name="line__order__customer",
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    merchandiser = django_filters.ModelChoiceFilter(
        field_name="line__order__merchandiser",
        queryset=lambda request: Membership.objects.filter(
            organization=getattr(request, "organization", None), is_active=True
        ).select_related("user"),
        empty_label="Anyone",
        label="Merchandiser",
    )
    order = django_filters.UUIDFilter(field_name="line__order_id", widget=forms.HiddenInput, label="Order")
    waiting_days = django_filters.NumberFilter(
        method="filter_waiting", min_value=0, max_value=3650, label="Waiting at least (days)"
    )
    stuck = django_filters.BooleanFilter(
        method="filter_stuck",
        label="Stuck",
        widget=forms.Select(choices=[("", "Any"), ("true", "Stuck only")]),
    )

    class Meta:
        model = LineGate
        fields: list[str] = []

    def filter_waiting(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset if value is None else queryset.filter(waiting_since(int(value)))

    def filter_stuck(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return queryset
        organization = getattr(self.request, "organization", None)
        return queryset.filter(waiting_since(stuck_days(organization=organization) + 1))
