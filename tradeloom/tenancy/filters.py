"""Member and invitation filters, shared by the API (``?role=``…) and the web lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from tradeloom.accounts.models import Invitation
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


class InvitationFilter(django_filters.FilterSet):
    """Invitations by state (computed from the dates) and e-mail."""

    STATES = (("pending", "Pending"), ("accepted", "Accepted"), ("revoked", "Revoked"), ("expired", "Expired"))
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", empty_label="Any state", label="State")
    search = django_filters.CharFilter(field_name="email", lookup_expr="icontains", label="E-mail", max_length=100)

    class Meta:
        model = Invitation
        fields = ("state",)

    def filter_state(self, queryset: QuerySet[Invitation], name: str, value: str) -> QuerySet[Invitation]:
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        conditions = {
            "pending": open_ & Q(expires_at__gt=now),
            "accepted": Q(accepted_at__isnull=False),
            "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
            "expired": open_ & Q(expires_at__lte=now),
        }
        return queryset.filter(conditions[value])
