"""The tenant context PostgreSQL's row-level security reads: ``app.organization_id`` and ``app.user_id``.

Both are set transaction-locally (``set_config(..., true)``, the function form of ``SET LOCAL``), so they vanish
when the request's transaction ends and can never leak into another request on a pooled connection. Setting
them outside a transaction is refused: it would silently last for one statement only.

The organisation's time zone goes with it (``organization_time_zone``): while it is current, ``timezone.localdate()``
is the organisation's today and times display in its zone. Tenant pages and API views make it current for the
request (``tenancy.web``, ``tenancy.api.base``); ``tenant_context`` does for background work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

ORGANIZATION_SETTING = "app.organization_id"
USER_SETTING = "app.user_id"


def set_local(name: str, value: str) -> None:
    """Set a transaction-local setting a row-level policy reads (``app.…``)."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"{name} must be set inside a transaction (it is transaction-local).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _get(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        row = cursor.fetchone()
    return (row[0] if row else "") or ""


def set_organization(organization_id: UUID | str | None) -> None:
    set_local(ORGANIZATION_SETTING, str(organization_id) if organization_id else "")


def set_user(user_id: UUID | str | None) -> None:
    set_local(USER_SETTING, str(user_id) if user_id else "")


@contextmanager
def organization_time_zone(organization: Any) -> Iterator[None]:
    """Make the organisation's time zone (``Organization.timezone``) the current one for a block, then restore the
    one before (so nothing leaks to the next request a thread serves). An organisation given by id only (no
    ``timezone`` attribute) leaves the current zone as it is."""
    zone = getattr(organization, "timezone", None)
    with timezone.override(zone) if zone else nullcontext():
        yield


@contextmanager
def tenant_context(organization: Any, *, user: Any = None) -> Iterator[None]:
    """Run a block as ``organization`` (and optionally ``user``), in a transaction; restore the previous values.

    For background tasks, commands, demo data and tests. Requests get their context from the tenant views. Given
    the organisation itself (not its id), its time zone is current in the block (``organization_time_zone``).
    """
    organization_id = getattr(organization, "pk", organization)
    with transaction.atomic(), organization_time_zone(organization):
        previous_org = _get(ORGANIZATION_SETTING)
        previous_user = _get(USER_SETTING)
        set_organization(organization_id)
        if user is not None:
            set_user(getattr(user, "pk", user))
        yield
        # On an exception the savepoint/transaction rolls back, and the settings with it.
        set_local(ORGANIZATION_SETTING, previous_org)
        set_local(USER_SETTING, previous_user)
