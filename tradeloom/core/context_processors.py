"""What every page's frame needs: the user's organisations, the current one, what the role may do, counters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tradeloom.tenancy.roles import CAPABILITIES, Cap, Role


def _capabilities(request: HttpRequest) -> dict[str, bool]:
    membership = getattr(request, "membership", None)
    granted = CAPABILITIES.get(Role(membership.role), frozenset()) if membership else frozenset()
    return {cap.name.lower(): cap in granted for cap in Cap}


def _memberships(request: HttpRequest) -> list[Any]:
    from tradeloom.tenancy.selectors import memberships_of_user

    if not request.user.is_authenticated:
        return []
    # On a tenant page ``membership_resolve`` already set the user for this request's transaction.
    resolved = getattr(request, "membership", None) is not None
    return list(memberships_of_user(user=request.user, user_context_set=resolved))


def _counters(request: HttpRequest) -> dict[str, int]:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    from tradeloom.tenancy.selectors import organization_counters

    return organization_counters(organization=organization)


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "can": SimpleLazyObject(lambda: _capabilities(request)),
        "my_memberships": SimpleLazyObject(lambda: _memberships(request)),
        "nav_counts": SimpleLazyObject(lambda: _counters(request)),
    }
