"""After every ``migrate``: give the app role data access to what the owner role just created.

The app role (``DATABASES["default"]["USER"]``) may read and write rows but owns nothing, so it can neither
change the schema nor escape row-level security. Runs on the connection that migrated; a no-op when both aliases
use the same role (a single-role external database, which docs/database.md advises against).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from psycopg import sql

_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
)


def grant_app_role(using: str) -> None:
    app_role = settings.DATABASES["default"].get("USER")
    connection = connections[using]
    if not app_role or connection.settings_dict.get("USER") == app_role:
        return
    with connection.cursor() as cursor:
        for statement in _GRANTS:
            cursor.execute(sql.SQL(statement).format(role=sql.Identifier(app_role)))


@receiver(post_migrate, dispatch_uid="tradeloom.core.grant_app_role")
def _grant_after_migrate(sender: Any, using: str, **kwargs: Any) -> None:
    # post_migrate fires once per installed app; the grant is idempotent and cheap, run it once per migrate.
    if sender.label == "core":
        grant_app_role(using)
