"""The tenant guard of every web page under ``/o/<org_slug>/`` (the URL wall, docs/tenancy.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase

from tradeloom.core.context import organization_time_zone, tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.resolution import membership_resolve
from tradeloom.tenancy.roles import Capability, role_has
from tradeloom.tenancy.selectors import membership_first_of_user

ViewFunc = Callable[..., HttpResponseBase]


class TenantRequest(HttpRequest):
    """The request a ``tenant_view`` receives: its organisation and the caller's membership are resolved."""

    organization: Organization
    membership: Membership


def tenant_view(**capabilities: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a web view under ``/o/<org_slug>/``: ``@tenant_view(GET=MEMBERS_VIEW, POST=MEMBERS_MANAGE)``.

    Anonymous → login page; not a member (or no such organisation) → 404; a method the view does not declare → 405;
    a role without the capability → 403. Runs inside the request's transaction, so the database tenant context
    is set for everything the view does, and in the organisation's time zone (restored afterwards): times display
    in it and ``timezone.localdate()`` is its today. Tests walk the URLconf to check every ``/o/`` view carries it.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_resolve(user=request.user, slug=org_slug)
            request.membership = membership  # type: ignore[attr-defined]
            request.organization = membership.organization  # type: ignore[attr-defined]
            method = "GET" if request.method == "HEAD" else (request.method or "GET")
            capability = capabilities.get(method)
            if capability is None:
                return HttpResponseNotAllowed(sorted(capabilities))
            if not role_has(membership.role, capability):
                raise PermissionDenied("Your role does not allow this action.")
            with organization_time_zone(membership.organization):
                return view(request, *args, **kwargs)

        wrapped.tenant_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapped

    return decorator


def tenant_stream(request: TenantRequest, chunks: Callable[[], Iterator[Any]]) -> Iterator[Any]:
    """Run a streamed response's generator as the request's organisation and user.

    A ``StreamingHttpResponse`` is iterated by the server after the view has returned — after the request's
    transaction, and with it the tenant context row-level security reads, has ended: its queries would see no rows.
    This opens a transaction with the same context for as long as the stream runs."""
    organization, user = request.organization, request.membership.user_id

    def stream() -> Iterator[Any]:
        with tenant_context(organization, user=user):
            yield from chunks()

    return stream()


def frame_resolve(request: HttpRequest) -> Membership | None:
    """Frame a page outside any organisation (the profile) with one of the user's organisations, so that its sidebar
    shows their navigation: the one ``?org=<slug>`` names (the user menu passes the page's organisation) when the
    user belongs to it, else their first (by name, where logging in lands). Sets ``request.organization`` and
    ``request.membership`` and the transaction's tenant context as ``tenant_view`` does (so the sidebar's counters
    count that organisation's rows); None, and no sidebar, when the user has no organisation yet. Needs a
    transaction."""
    user = request.user
    membership = None
    slug = request.GET.get("org", "")
    if slug:
        try:
            membership = membership_resolve(user=user, slug=slug)
        except Http404:  # not (or no longer) theirs: the first one instead, as if no slug was given
            membership = None
    if membership is None:
        first = membership_first_of_user(user=user)
        if first is None:
            return None
        membership = membership_resolve(user=user, slug=first.organization.slug)
    request.membership = membership  # type: ignore[attr-defined]
    request.organization = membership.organization  # type: ignore[attr-defined]
    return membership
