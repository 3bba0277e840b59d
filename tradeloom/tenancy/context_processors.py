"""What every page's frame needs: the user's organisations, the current one, what the role may do, the navigation
and its counters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tradeloom.tenancy.navigation import navigation_for
from tradeloom.tenancy.roles import all_capabilities
from tradeloom.tenancy.selectors import memberships_of_user, organization_counters


def _capabilities(request: HttpRequest) -> dict[str, bool]:
    membership = getattr(request, "membership", None)
    role = membership.role if membership else ""
    return {cap.key: role in cap.roles for cap in all_capabilities()}


def _memberships(request: HttpRequest) -> list[Any]:
    if not request.user.is_authenticated:
        return []
    # On a tenant page ``membership_resolve`` already set the user for this request's transaction.
    resolved = getattr(request, "membership", None) is not None
    return list(memberships_of_user(user=request.user, user_context_set=resolved))


def _counters(request: HttpRequest) -> dict[str, int]:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    # One query per page, shared by the sidebar and whatever else shows a counter.
    cached: dict[str, int] | None = getattr(request, "_nav_counts", None)
    if cached is None:
        cached = organization_counters(organization=organization)
        request._nav_counts = cached  # type: ignore[attr-defined]
    return cached


def navigation_of(request: HttpRequest, nav: str) -> list[Any]:
    """The sidebar of a tenant page (``{% navigation_sections %}``); empty elsewhere."""
    membership = getattr(request, "membership", None)
    organization = getattr(request, "organization", None)
    if membership is None or organization is None:
        return []
    return navigation_for(organization=organization, role=membership.role, nav=nav, counters=_counters(request))


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "can": SimpleLazyObject(lambda: _capabilities(request)),
        "my_memberships": SimpleLazyObject(lambda: _memberships(request)),
        "nav_counts": SimpleLazyObject(lambda: _counters(request)),
    }
