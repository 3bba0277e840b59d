"""Reads for organisations and members. The organisation always comes first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tradeloom.tenancy import context
from tradeloom.tenancy.models import Membership, Organization


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    """Members with their users; filter with ``tenancy.filters.MembershipFilter``."""
    return Membership.objects.filter(organization=organization).select_related("user")


def membership_get(*, organization: Organization, pk: Any) -> Membership:
    membership = Membership.objects.filter(organization=organization, pk=pk).select_related("user").first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def memberships_of_user(*, user: Any) -> QuerySet[Membership]:
    """Every active membership of ``user``, across organisations (RLS lets a user see their own)."""
    context.set_user(user.pk)
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
