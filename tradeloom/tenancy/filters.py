"""Member filters, shared by the API (``?role=``…) and the web list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label="Any role")
    is_active = django_filters.BooleanFilter(
        label="Status",
        widget=forms.Select(choices=[("", "Any status"), ("true", "Active"), ("false", "Deactivated")]),
    )
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)

    class Meta:
        model = Membership
        fields = ("role", "is_active")

    def filter_search(self, queryset: QuerySet[Membership], name: str, value: Any) -> QuerySet[Membership]:
        return queryset.filter(Q(user__full_name__icontains=value) | Q(user__email__icontains=value))
