"""Order filters, shared by the API and (later) the web list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from tradeloom.partners.models import Customer
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.models import Membership


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    order_type = django_filters.ChoiceFilter(choices=Order.Type.choices)
    customer = django_filters.ModelChoiceFilter(
        queryset=lambda request: Customer.objects.filter(organization=getattr(request, "organization", None))
    )
    merchandiser = django_filters.ModelChoiceFilter(
        queryset=lambda request: Membership.objects.filter(organization=getattr(request, "organization", None))
    )
    line_status = django_filters.ChoiceFilter(choices=Line.Status.choices, method="filter_line_status")
    etd_from = django_filters.DateFilter(field_name="etd", lookup_expr="gte")
    etd_to = django_filters.DateFilter(field_name="etd", lookup_expr="lte")
    eta_from = django_filters.DateFilter(field_name="eta", lookup_expr="gte")
    eta_to = django_filters.DateFilter(field_name="eta", lookup_expr="lte")
    has_shortage = django_filters.BooleanFilter(method="filter_shortage")
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, help_text="Order number, buyer's PO, buyer, style or colour"
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
        lines = Line.objects.filter(order=OuterRef("pk")).filter(
            Q(colour_code__icontains=value) | Q(colour_name__icontains=value) | Q(style__style_number__icontains=value)
        )
        return queryset.filter(
            Q(number__icontains=value) | Q(po_number__icontains=value) | Q(buyer_name__icontains=value) | Exists(lines)
        )
