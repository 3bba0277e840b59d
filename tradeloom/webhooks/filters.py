"""The delivery log's filters, shared by the API and the endpoint's page."""

from __future__ import annotations

import django_filters
from django import forms

from tradeloom.webhooks.models import Delivery


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices, label="Status", empty_label="Any status")
    event_type = django_filters.CharFilter(label="Event type", max_length=100)
    since = django_filters.IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Delivery
        fields = ("status", "event_type")
