"""Catalog filters, shared by the API and the web lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure


class ItemFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=lambda request: UnitOfMeasure.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        )
    )
    kind = django_filters.ChoiceFilter(choices=Item.Kind.choices, empty_label="Any kind")
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Item
        fields = ("kind", "unit")

    def filter_search(self, queryset: QuerySet[Item], name: str, value: Any) -> QuerySet[Item]:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(composition__icontains=value))


class UnitFilter(django_filters.FilterSet):
    dimension = django_filters.ChoiceFilter(choices=UnitOfMeasure.Dimension.choices, empty_label="Any dimension")

    class Meta:
        model = UnitOfMeasure
        fields = ("dimension",)


class ExchangeRateFilter(django_filters.FilterSet):
    from_currency = django_filters.CharFilter(label="From", max_length=3)
    to_currency = django_filters.CharFilter(label="To", max_length=3)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="On or after")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="On or before")

    class Meta:
        model = ExchangeRate
        fields = ("from_currency", "to_currency")


class PaymentTermsFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search", max_length=100)

    class Meta:
        model = PaymentTerms
        fields: tuple[str, ...] = ()
