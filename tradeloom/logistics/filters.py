"""The shipments list's filters, shared by the API and the page: status, mode, customer, carrier, ETA range, late,
an order, and the search by number, B/L or AWB, or container (``logistics.search``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from tradeloom.logistics import states
from tradeloom.logistics.models import Shipment, ShipmentLine
from tradeloom.logistics.search import search_condition
from tradeloom.logistics.selectors import late_condition
from tradeloom.partners.models import Carrier, Customer
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status")
    mode = django_filters.ChoiceFilter(choices=Shipment.Mode.choices, empty_label="Any mode")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
        label="Customer",
    )
    carrier = RecordChoiceFilter(
        queryset=lambda request: Carrier.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any carrier",
        label="Carrier",
    )
    eta_from = django_filters.DateFilter(field_name="eta", lookup_expr="gte", label="ETA from", widget=DATE)
    eta_to = django_filters.DateFilter(field_name="eta", lookup_expr="lte", label="ETA to", widget=DATE)
    late = django_filters.BooleanFilter(
        method="filter_late",
        label="Late",
        widget=forms.Select(choices=[("", "Any"), ("true", "Late only")]),
    )
    order = django_filters.UUIDFilter(method="filter_order", widget=forms.HiddenInput, label="Order")

    class Meta:
        model = Shipment
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = search_condition(value)
        return queryset if condition is None else queryset.filter(condition)

    def filter_late(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(late_condition()) if value else queryset.exclude(late_condition())

    def filter_order(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(Exists(ShipmentLine.objects.filter(shipment=OuterRef("pk"), order_id=value)))
