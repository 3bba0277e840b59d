"""Partner filters, shared by the API and the web lists. ``search`` is ranked and typo-tolerant (core.search)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import FloatField, QuerySet, Value

from tradeloom.core.search import search_filter
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.records.choices import RecordChoiceFilter


def _ours(model: type) -> Any:
    """Choices for a reference filter: the organisation's active records (never another organisation's)."""

    def queryset(request: Any) -> QuerySet[Any]:
        organization = getattr(request, "organization", None)
        if organization is None:
            return model._default_manager.none()  # type: ignore[attr-defined]
        return model._default_manager.filter(organization=organization, archived_at__isnull=True)  # type: ignore[attr-defined]

    return queryset


class RankedSearchFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    def filter_search(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return search_filter(queryset, value)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        if "search_rank" not in queryset.query.annotations:  # no (usable) search term: every row ranks the same
            queryset = queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
        return queryset


class CustomerFilter(RankedSearchFilterSet):
    class Meta:
        model = Customer
        fields = ("country", "default_currency")


class SupplierFilter(RankedSearchFilterSet):
    kind = django_filters.ChoiceFilter(choices=Supplier.Kind.choices, empty_label="Any kind")

    class Meta:
        model = Supplier
        fields = ("kind", "country", "default_currency")


class ContactFilter(django_filters.FilterSet):
    customer = RecordChoiceFilter(queryset=_ours(Customer))
    supplier = RecordChoiceFilter(queryset=_ours(Supplier))
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Contact
        fields = ("customer", "supplier", "is_primary")

    def filter_search(self, queryset: QuerySet[Contact], name: str, value: Any) -> QuerySet[Contact]:
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value) | Q(phone__icontains=value))


class PlantFilter(django_filters.FilterSet):
    supplier = RecordChoiceFilter(queryset=_ours(Supplier))
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Plant
        fields = ("supplier", "country")

    def filter_search(self, queryset: QuerySet[Plant], name: str, value: Any) -> QuerySet[Plant]:
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(licence_number__icontains=value))


class MappingFilter(django_filters.FilterSet):
    supplier = RecordChoiceFilter(queryset=_ours(Supplier))
    plant = RecordChoiceFilter(queryset=_ours(Plant))
    customer = RecordChoiceFilter(queryset=_ours(Customer))

    class Meta:
        model = SupplierPlantMapping
        fields = ("supplier", "plant", "customer")


class CarrierFilter(django_filters.FilterSet):
    mode = django_filters.ChoiceFilter(choices=Carrier.Mode.choices, empty_label="Any mode")
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Carrier
        fields = ("mode",)

    def filter_search(self, queryset: QuerySet[Carrier], name: str, value: Any) -> QuerySet[Carrier]:
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class AddressFilter(django_filters.FilterSet):
    class Meta:
        model = Address
        fields = ("kind", "country")
