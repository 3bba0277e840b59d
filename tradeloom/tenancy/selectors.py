"""Reads for organisations and members. The organisation always comes first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tradeloom.core import context
from tradeloom.core.models import Job
from tradeloom.tenancy.models import AUDIT_EXPORT, Membership, Organization
from tradeloom.tenancy.navigation import NAV_COUNTERS


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


def membership_first_of_user(*, user: Any) -> Membership | None:
    """The user's first organisation (by name) to land in, or None: they have none yet."""
    return memberships_of_user(user=user).first()


def organization_counters(*, organization: Organization) -> dict[str, int]:
    """The navigation counters the apps registered (``tenancy.navigation.NAV_COUNTERS``), in one query."""
    counters = NAV_COUNTERS.items()
    if not counters:
        return {}
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(**{name: make() for name, make in counters})
        .values(*(name for name, _ in counters))
        .get()
    )
    return {name: int(row[name]) for name, _ in counters}


def audit_export_get(*, organization: Organization, pk: Any) -> Job:
    """An audit-log export job of the organisation, else 404."""
    job = Job.objects.filter(organization=organization, pk=pk, kind=AUDIT_EXPORT.code).first()
    if job is None:
        raise Http404("No such export.")
    return job
