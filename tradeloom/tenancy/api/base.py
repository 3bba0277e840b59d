"""Base classes for every API view under ``/api/v1/o/<org_slug>/``.

A tenant view cannot forget its scoping: ``initial()`` authenticates, resolves the membership (404 when the
organisation is not the caller's), sets the database tenant context and the organisation's time zone (for
``timezone.localdate()`` in the rules and the times the answer shows) and checks the capability the view declares
for the HTTP method (403 when the role lacks it) — all before the handler runs. A handler method without a
declared capability is refused, and a test walks the URLconf to prove every tenant route is covered.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from django.db import models
from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from tradeloom.core.context import organization_time_zone
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.resolution import membership_resolve
from tradeloom.tenancy.roles import Capability, role_has

_SAFE_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}


class TenantScopedMixin:
    # Mix into an ``APIView``; set ``capabilities = {"GET": ORDERS_VIEW, "POST": ORDERS_MANAGE, ...}``. (A comment,
    # not a docstring: the API documentation shows a view's docstring, inherited ones included.)
    # A generic view names the ``model`` of its rows (for the schema, its filters and the walls tests); its handlers
    # read the rows through the app's selectors, so ``get_queryset()`` gives none.

    capabilities: dict[str, Capability] = {}
    model: type[models.Model]
    organization: Organization
    membership: Membership

    def get_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.none()

    def dispatch(self, request: Any, *args: Any, org_slug: str = "", **kwargs: Any) -> Any:
        self.org_slug = org_slug
        # ``initial()`` makes the organisation's time zone current once it is resolved; it ends with the request
        # (error responses included), so the next request on this thread starts from the default again.
        with ExitStack() as self._request_scope:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        method_name = (request.method or "").lower()
        if method_name not in self.http_method_names or not hasattr(self, method_name):  # type: ignore[attr-defined]
            # a method the route does not have is a 405 (as on any DRF view), not "your role does not allow this"
            raise MethodNotAllowed(request.method or "")
        self.membership = membership_resolve(user=request.user, slug=self.org_slug)
        self.organization = self.membership.organization
        self._request_scope.enter_context(organization_time_zone(self.organization))
        request.membership = self.membership  # type: ignore[attr-defined]
        request.organization = self.organization  # type: ignore[attr-defined]
        method = _SAFE_ALIASES.get(request.method or "", request.method or "")
        capability = self.capabilities.get(method)
        if capability is None or not role_has(self.membership.role, capability):
            raise PermissionDenied("Your role does not allow this action.")


class TenantAPIView(TenantScopedMixin, APIView):
    pass


class TenantGenericAPIView(TenantScopedMixin, generics.GenericAPIView):
    pass
