"""Reads for organisations and members. The organisation always comes first."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now
from django.http import Http404

from tradeloom.accounts.models import Invitation
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


def memberships_of_user(*, user: Any, user_context_set: bool = False) -> QuerySet[Membership]:
    """Every active membership of ``user``, across organisations (RLS lets a user see their own).

    ``user_context_set``: the caller's transaction already carries this user (a tenant page resolved it before
    any savepoint), so the ``set_config`` round trip is skipped."""
    if not user_context_set:
        context.set_user(user.pk)
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def organization_counters(*, organization: Organization) -> dict[str, int]:
    """Navigation counters (active members, pending invitations) in one query."""
    members = (
        Membership.objects.filter(organization=OuterRef("pk"), is_active=True)
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invitations = (
        Invitation.objects.filter(
            organization=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=Now()
        )
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(members=Coalesce(Subquery(members), 0), invitations=Coalesce(Subquery(invitations), 0))
        .values("members", "invitations")
        .get()
    )
    return {"members": row["members"], "invitations": row["invitations"]}
