"""Invitation filters, shared by the API (``?state=``…) and the web list."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from tradeloom.accounts.models import Invitation


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
