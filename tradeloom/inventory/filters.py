"""Inventory filters, shared by the API and the web pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from tradeloom.catalog.models import Item
from tradeloom.inventory.models import StockBalance, StockMove, Warehouse

DATE = forms.DateInput(attrs={"type": "date"})


def _org(request: Any) -> Any:
    return getattr(request, "organization", None)


def _warehouses(request: Any) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(organization=_org(request)).order_by("code")


def _items(request: Any) -> QuerySet[Item]:
    return Item.objects.filter(organization=_org(request), archived_at__isnull=True).order_by("code")


class WarehouseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Warehouse.Kind.choices, empty_label="Any kind")
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Warehouse
        fields = ("kind",)

    def filter_search(self, queryset: QuerySet[Warehouse], name: str, value: Any) -> QuerySet[Warehouse]:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class BalanceFilter(django_filters.FilterSet):
    item = django_filters.ModelChoiceFilter(queryset=_items, empty_label="Any item")
    warehouse = django_filters.ModelChoiceFilter(queryset=_warehouses, empty_label="Any warehouse")
    search = django_filters.CharFilter(method="filter_search", label="Item code or name", max_length=100)
    lot = django_filters.CharFilter(label="Lot", max_length=60)
    empty = django_filters.BooleanFilter(method="filter_empty", label="Show empty balances", widget=forms.CheckboxInput)

    class Meta:
        model = StockBalance
        fields = ("item", "warehouse", "lot")

    def filter_search(self, queryset: QuerySet[StockBalance], name: str, value: Any) -> QuerySet[StockBalance]:
        return queryset.filter(Q(item__code__icontains=value) | Q(item__name__icontains=value))

    def filter_empty(self, queryset: QuerySet[StockBalance], name: str, value: Any) -> QuerySet[StockBalance]:
        return queryset if value else queryset.exclude(quantity=0, value=0)

    @property
    def qs(self) -> QuerySet[StockBalance]:
        queryset = super().qs
        # empty balances are left out unless asked for
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("empty")):
            queryset = queryset.exclude(quantity=0, value=0)
        return queryset


class MoveFilter(django_filters.FilterSet):
    item = django_filters.ModelChoiceFilter(queryset=_items, empty_label="Any item")
    warehouse = django_filters.ModelChoiceFilter(queryset=_warehouses, empty_label="Any warehouse")
    kind = django_filters.ChoiceFilter(choices=StockMove.Kind.choices, empty_label="Any kind")
    date_from = django_filters.DateFilter(field_name="moved_on", lookup_expr="gte", label="On or after", widget=DATE)
    date_to = django_filters.DateFilter(field_name="moved_on", lookup_expr="lte", label="On or before", widget=DATE)
    source_type = django_filters.CharFilter(label="Source type", max_length=60)
    source_id = django_filters.UUIDFilter(label="Source id")
    search = django_filters.CharFilter(
        field_name="reference", lookup_expr="icontains", label="Reference", max_length=100
    )

    class Meta:
        model = StockMove
        fields = ("item", "warehouse", "kind", "source_type", "source_id")


class ItemLedgerFilter(django_filters.FilterSet):
    """An item's ledger page: the item is in the path."""

    warehouse = django_filters.ModelChoiceFilter(queryset=_warehouses, empty_label="Every warehouse")
    kind = django_filters.ChoiceFilter(choices=StockMove.Kind.choices, empty_label="Any kind")
    date_from = django_filters.DateFilter(field_name="moved_on", lookup_expr="gte", label="On or after", widget=DATE)
    date_to = django_filters.DateFilter(field_name="moved_on", lookup_expr="lte", label="On or before", widget=DATE)

    class Meta:
        model = StockMove
        fields = ("warehouse", "kind")


class MovePageFilter(MoveFilter):
    """The ledger page's filters: the API's, less the source type and id (what integrations look up)."""

    source_type = None
    source_id = None

    class Meta:
        model = StockMove
        fields = ("item", "warehouse", "kind")
