"""The database router: reads inside ``core.replica.report_reads`` go to the replica, everything else where Django
would send it, and nothing migrates the replica (a hot standby replays the primary's schema)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from tradeloom.core import replica

# the aliases that reach the same data: the app role, the owner role, and the primary's replica
_SAME_DATA = {DEFAULT_DB_ALIAS, "owner", replica.REPLICA}


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return replica.REPLICA if replica.reading_replica() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        # an instance read from the replica saves to the primary
        instance = hints.get("instance")
        if instance is not None and instance._state.db == replica.REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if obj1._state.db in _SAME_DATA and obj2._state.db in _SAME_DATA:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == replica.REPLICA else None
