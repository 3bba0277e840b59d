"""The payments list's filters, shared by the API and the page: customer, date range, unallocated, status,
currency, method, and the search by number or bank reference."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet

from tradeloom.partners.models import Customer
from tradeloom.receivables.models import Payment
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    date_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label="From", widget=DATE)
    date_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label="To", widget=DATE)
    unallocated = django_filters.BooleanFilter(
        method="filter_unallocated",
        label="Allocation",
        widget=forms.Select(choices=[("", "Any"), ("true", "With credit left"), ("false", "Fully allocated")]),
    )
    status = django_filters.ChoiceFilter(choices=Payment.Status.choices, empty_label="Any status")
    method = django_filters.ChoiceFilter(choices=Payment.Method.choices, empty_label="Any method")
    currency = django_filters.CharFilter(method="filter_currency", label="Currency", max_length=3)

    class Meta:
        model = Payment
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(bank_reference__icontains=value))

    def filter_unallocated(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        open_ = Q(status=Payment.Status.RECEIVED, allocated_amount__lt=F("amount"))
        return queryset.filter(open_) if value else queryset.exclude(open_)

    def filter_currency(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(currency=value.upper()) if value else queryset
