"""The T&A templates list's filters, shared by the API and the page: archived or not, customer, product type, the
default ones, and the search by name; and the T&A plans' filters (the T&A workbook's)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from tradeloom.catalog.models import Item
from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter
from tradeloom.tenancy.models import Membership
from tradeloom.tna.models import Milestone, Plan, Template


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


class _AnyoneOrMember(django_filters.fields.ModelChoiceField):
    """A member's id, or ``all`` (the calendar's "Everyone") for anyone."""

    def to_python(self, value: Any) -> Any:
        return None if value == "all" else super().to_python(value)


class MerchandiserFilter(django_filters.ModelChoiceFilter):
    field_class = _AnyoneOrMember


class PlanFilter(django_filters.FilterSet):
    """The T&A plans' filters (the T&A workbook's, carried from the calendar's query string): the merchandiser as the
    calendar takes it (a member's id, or ``all``) — the plans of the orders they merchandise or with a milestone they
    are responsible for —, the order's customer, and the plan's ETD now (the line's, else the order's) from / to.
    The calendar's ``month`` is not a filter: a plan spans months."""

    merchandiser = MerchandiserFilter(
        queryset=lambda request: Membership.objects.filter(
            organization=getattr(request, "organization", None), is_active=True
        ).select_related("user"),
        method="filter_merchandiser",
        empty_label="Anyone",
    )
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        field_name="order__customer",
        empty_label="Any customer",
        label="Customer",
    )
    etd_from = django_filters.DateFilter(
        field_name="etd_now", lookup_expr="gte", label="ETD from", widget=forms.DateInput(attrs={"type": "date"})
    )
    etd_to = django_filters.DateFilter(
        field_name="etd_now", lookup_expr="lte", label="ETD to", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Plan
        fields: list[str] = []

    def filter_merchandiser(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        responsible = Milestone.objects.filter(plan=OuterRef("pk"), responsible=value)
        return queryset.filter(Q(order__merchandiser=value) | Exists(responsible))
