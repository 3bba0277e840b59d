"""The one place that turns ``(user, organisation slug)`` into an active membership.

Both the web middleware and the API base view call ``membership_resolve``. "No such organisation" and "not a
member" raise the same ``Http404``, so a slug's existence never leaks. On success the transaction's tenant
context is set, and from then on PostgreSQL shows only that organisation's rows.

Every tenant request runs this, so it is one round trip: the database function ``tradeloom_membership_resolve``
(tenancy migration 0002) sets the user, finds the membership under row-level security, sets the organisation and
returns both rows.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import Http404

from tradeloom.core.prepared import model_from_row, server_binding
from tradeloom.tenancy.models import Membership, Organization

_RESOLVE = "SELECT (r.membership).*, (r.organization).* FROM tradeloom_membership_resolve(%s, %s) r"
_MEMBERSHIP_COLUMNS = len(Membership._meta.concrete_fields)


def membership_resolve(*, user: Any, slug: str) -> Membership:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("No such organisation.")
    if not connection.in_atomic_block:
        raise RuntimeError("The tenant must be resolved inside a transaction (its settings are transaction-local).")
    with server_binding(), connection.cursor() as cursor:
        cursor.execute(_RESOLVE, [user.pk, slug])
        row = cursor.fetchone()
        columns = [column.name for column in cursor.description or ()]
    if row is None:
        raise Http404("No such organisation.")
    split = _MEMBERSHIP_COLUMNS
    membership: Membership = model_from_row(Membership, columns[:split], row[:split])
    organization: Organization = model_from_row(Organization, columns[split:], row[split:])
    Membership.organization.field.set_cached_value(membership, organization)
    Membership.user.field.set_cached_value(membership, user)
    return membership
