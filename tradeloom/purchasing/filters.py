"""The PO list's filters, shared by the API and the page: status, supplier, customer, PO date range and the search
by number."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.partners.models import Customer, Supplier
from tradeloom.purchasing import states
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class PurchaseOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Number", max_length=40)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status")
    supplier = RecordChoiceFilter(
        queryset=lambda request: Supplier.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any supplier",
        label="Supplier",
    )
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    order = django_filters.UUIDFilter(field_name="order_id", widget=forms.HiddenInput, label="Order")
    date_from = django_filters.DateFilter(field_name="po_date", lookup_expr="gte", label="PO date from", widget=DATE)
    date_to = django_filters.DateFilter(field_name="po_date", lookup_expr="lte", label="PO date to", widget=DATE)

    class Meta:
        model = PurchaseOrder
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip().upper()
        return queryset.filter(number__icontains=value) if value else queryset
