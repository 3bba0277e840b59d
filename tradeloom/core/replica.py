"""Report reads on a streaming replica, when one is configured (``DATABASE_REPLICA_URL``; docs/scaling.md).

The reports are long reads that tolerate a few seconds of replication lag; on a hot standby they take load off the
primary. ``report_reads`` runs a block of them there::

    with replica.report_reads(organization=organization):
        with connections[replica.current_alias()].cursor() as cursor:
            cursor.execute(REPORT_SQL, params)

In the block, ``current_alias()`` is ``"replica"`` and the ORM's reads go there too (``core.routers.ReplicaRouter``);
writes always go to ``default``. The replica connection gets its own read-only transaction carrying the tenant
context row-level security reads (``app.organization_id``, ``app.user_id``; ``set_config(..., true)``, which a hot
standby accepts in a read-only transaction): the request's context lives in the request's transaction on
``default`` and does not reach another server.

Without a replica the block reads from ``default``: inside a transaction (a request's, with its tenant context
already set) as it is; outside one in ``tenant_context``. A block never sees the request's own uncommitted writes
on the replica: use it for reads that do not follow a write of the same request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tradeloom.core import context

REPLICA = "replica"

_SET_CONTEXT = "SELECT set_config(%s, %s, true), set_config(%s, %s, true)"

_current: ContextVar[str | None] = ContextVar("tradeloom_report_alias", default=None)


def configured() -> bool:
    return REPLICA in connections.settings


def current_alias() -> str:
    """The alias reads of the current block use: ``"replica"`` inside ``report_reads`` with a replica, else
    ``"default"``."""
    return _current.get() or DEFAULT_DB_ALIAS


def reading_replica() -> bool:
    return _current.get() == REPLICA


@contextmanager
def report_reads(*, organization: Any, user: Any = None) -> Iterator[str]:
    """Run the block's report reads on the replica when there is one, as ``organization`` (and ``user``); yields the
    alias they use."""
    if not configured():
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            yield DEFAULT_DB_ALIAS
        else:
            with context.tenant_context(organization, user=user):
                yield DEFAULT_DB_ALIAS
        return
    organization_id = getattr(organization, "pk", organization)
    user_id = getattr(user, "pk", user)
    settings = [
        context.ORGANIZATION_SETTING,
        str(organization_id) if organization_id else "",
        context.USER_SETTING,
        str(user_id) if user_id else "",
    ]
    replica_connection = connections[REPLICA]
    nested = replica_connection.in_atomic_block
    token = _current.set(REPLICA)
    try:
        with transaction.atomic(using=REPLICA):
            with replica_connection.cursor() as cursor:
                if nested:  # an enclosing block's context comes back after this one
                    cursor.execute(
                        "SELECT current_setting(%s, true), current_setting(%s, true)",
                        [context.ORGANIZATION_SETTING, context.USER_SETTING],
                    )
                    previous = cursor.fetchone() or ("", "")
                    cursor.execute(_SET_CONTEXT, settings)
                else:
                    # one round trip: a read-only transaction (a standby's are anyway; a replica URL that points at a
                    # primary by mistake stays unwritable) carrying the tenant context
                    cursor.execute(f"SET TRANSACTION READ ONLY; {_SET_CONTEXT}", settings)
            yield REPLICA
            if nested:
                with replica_connection.cursor() as cursor:
                    cursor.execute(
                        _SET_CONTEXT,
                        [context.ORGANIZATION_SETTING, previous[0] or "", context.USER_SETTING, previous[1] or ""],
                    )
    finally:
        _current.reset(token)
