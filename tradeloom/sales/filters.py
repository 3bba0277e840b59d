"""Order filters, shared by the API and (later) the web list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, QuerySet

from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter
from tradeloom.sales.models import Line, Order
from tradeloom.sales.search import order_search_filter
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership


class OrderFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        label="Search",
        help_text="Order number, buyer's PO, buyer, customer, style, colour or CAD (typos forgiven)",
    )
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, empty_label="Any status")
    order_type = django_filters.ChoiceFilter(choices=Order.Type.choices, empty_label="Any type", label="Type")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any customer",
    )
    merchandiser = django_filters.ModelChoiceFilter(
        queryset=lambda request: Membership.objects.filter(
            organization=getattr(request, "organization", None), is_active=True
        ).select_related("user"),
        empty_label="Anyone",
    )
    stage = django_filters.CharFilter(max_length=40)
    line_status = django_filters.ChoiceFilter(
        choices=Line.Status.choices, method="filter_line_status", label="Line status", empty_label="Any line status"
    )
    etd_from = django_filters.DateFilter(
        field_name="etd", lookup_expr="gte", label="ETD from", widget=forms.DateInput(attrs={"type": "date"})
    )
    etd_to = django_filters.DateFilter(
        field_name="etd", lookup_expr="lte", label="ETD to", widget=forms.DateInput(attrs={"type": "date"})
    )
    eta_from = django_filters.DateFilter(
        field_name="eta", lookup_expr="gte", label="ETA from", widget=forms.DateInput(attrs={"type": "date"})
    )
    eta_to = django_filters.DateFilter(
        field_name="eta", lookup_expr="lte", label="ETA to", widget=forms.DateInput(attrs={"type": "date"})
    )
    has_shortage = django_filters.BooleanFilter(
        method="filter_shortage",
        label="Shortage",
        widget=forms.Select(choices=[("", "Any"), ("true", "Short"), ("false", "Complete")]),
    )

    class Meta:
        model = Order
        fields = ("status", "order_type", "customer", "merchandiser", "stage")

    def filter_line_status(self, queryset: QuerySet[Order], name: str, value: Any) -> QuerySet[Order]:
        return queryset.filter(Exists(Line.objects.filter(order=OuterRef("pk"), status=value)))

    def filter_shortage(self, queryset: QuerySet[Order], name: str, value: Any) -> QuerySet[Order]:
        short = Exists(Line.objects.filter(order=OuterRef("pk"), delivered_quantity__lt=F("quantity")))
        return queryset.filter(short) if value else queryset.exclude(short)

    def filter_search(self, queryset: QuerySet[Order], name: str, value: Any) -> QuerySet[Order]:
        """Typo-tolerant and index-backed (``sales.search``), ranked best first (``search_rank``)."""
        organization = getattr(self.request, "organization", None)
        membership = getattr(self.request, "membership", None)
        restricted = membership is not None and merchandiser_restricted(
            organization=organization, membership=membership
        )
        return order_search_filter(
            queryset, value, merchandiser=membership if restricted else None, filters=self.form.cleaned_data
        )
