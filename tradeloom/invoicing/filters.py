"""The invoices list's filters, shared by the API and the page: status, customer, order, shipment, LC, due date
range, overdue, and the search by number."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from tradeloom.invoicing import states
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.invoicing.selectors import overdue_condition
from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class InvoiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=40)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label="Due from", widget=DATE)
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due to", widget=DATE)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Any"), ("true", "Overdue only"), ("false", "Not overdue")]),
    )
    order = django_filters.UUIDFilter(method="filter_order", widget=forms.HiddenInput, label="Order")
    shipment = django_filters.UUIDFilter(field_name="shipment_id", widget=forms.HiddenInput, label="Shipment")
    letter_of_credit = django_filters.UUIDFilter(
        field_name="letter_of_credit_id", widget=forms.HiddenInput, label="Letter of credit"
    )

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        return queryset.filter(number__icontains=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_order(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        billed = InvoiceLine.objects.filter(invoice=OuterRef("pk"), order_id=value)
        return queryset.filter(Exists(billed))
