"""The T&A templates list's filters, shared by the API and the page: archived or not, customer, product type, the
default ones, and the search by name."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from tradeloom.catalog.models import Item
from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter
from tradeloom.tna.models import Template


class TemplateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Name", max_length=120)
    archived = django_filters.BooleanFilter(method="filter_archived", label="Archived")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    product_type = django_filters.ChoiceFilter(choices=Item.Kind.choices, empty_label="Any product type")
    is_default = django_filters.BooleanFilter(label="Default")

    class Meta:
        model = Template
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_archived(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(archived_at__isnull=not value)
