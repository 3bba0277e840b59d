"""The one place that turns ``(user, organisation slug)`` into an active membership.

Both the web middleware and the API base view call ``membership_resolve``. "No such organisation" and "not a
member" raise the same ``Http404``, so a slug's existence never leaks. On success the transaction's tenant
context is set, and from then on PostgreSQL shows only that organisation's rows.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from tradeloom.tenancy import context
from tradeloom.tenancy.models import Membership


def membership_resolve(*, user: Any, slug: str) -> Membership:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("No such organisation.")
    context.set_user(user.pk)
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(user=user, is_active=True, organization__slug=slug, organization__is_active=True)
        .first()
    )
    if membership is None:
        raise Http404("No such organisation.")
    context.set_organization(membership.organization_id)
    return membership
