"""The work-order list's filters, shared by the API and the page: status, priority, mill, order, late, the due-date
range and the search by number or product."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from tradeloom.partners.models import Supplier
from tradeloom.production import states
from tradeloom.production.models import WorkOrder
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Number or product", max_length=60)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status")
    priority = django_filters.ChoiceFilter(choices=states.PRIORITIES, empty_label="Any priority")
    supplier = RecordChoiceFilter(
        queryset=lambda request: Supplier.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any mill",
        label="Mill",
    )
    order = django_filters.UUIDFilter(field_name="order_id", widget=forms.HiddenInput, label="Order")
    late = django_filters.BooleanFilter(
        field_name="is_late",
        label="Late",
        widget=forms.Select(choices=[("", "Late or not"), ("true", "Late"), ("false", "On time")]),
    )
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label="Due from", widget=DATE)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due until", widget=DATE)

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(product_name__icontains=value))
