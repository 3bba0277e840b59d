"""The PI list's filters, shared by the API and the page: status, customer, order, PI date range and the search by
number. Without a status the list shows the latest revisions: ``selectors.proforma_list(latest_only=…)``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.partners.models import Customer
from tradeloom.proformas import states
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class ProformaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Number", max_length=40)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status", method="filter_status")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    order = django_filters.UUIDFilter(field_name="order_id", widget=forms.HiddenInput, label="Order")
    date_from = django_filters.DateFilter(field_name="pi_date", lookup_expr="gte", label="PI date from", widget=DATE)
    date_to = django_filters.DateFilter(field_name="pi_date", lookup_expr="lte", label="PI date to", widget=DATE)

    class Meta:
        model = ProformaInvoice
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(status=value) if value else queryset

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip().upper()
        if not value:
            return queryset
        return queryset.filter(number__icontains=value)
