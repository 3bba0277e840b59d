"""Startup checks: a process refuses to serve when its database role could escape row-level security.

Row-level security binds the app role only while that role is no superuser, lacks BYPASSRLS and owns none of the
tables (an owner is exempt from its own table's policies unless they are forced, and may drop or alter them). A
deployment that points ``DATABASE_URL`` at the owner or at ``postgres`` would serve every organisation's rows to
every request without an error anywhere; these checks turn that into a refusal to start.

* ``database_role_problems(alias)`` — what is wrong with the role of a connection (empty when nothing is);
* ``check_database_role`` — the same as a Django system check (tag ``database``, deploy only):
  ``manage.py check --deploy --database default``;
* ``refuse_unsafe_database_role()`` — called at process start where ``settings.STARTUP_CHECKS`` is on (production):
  by ``config/wsgi.py`` and ``config/asgi.py`` in every web worker, and by Celery's ``worker_init`` signal
  (``config/celery.py``). It logs the problems and raises ``StartupRefused``: a gunicorn worker that cannot load
  the application exits with gunicorn's boot-error status, and gunicorn stops ("Worker failed to boot", status 3);
  the Celery worker exits with status 78 (``EX_CONFIG``). Neither serves.

A database that cannot be reached also refuses: the role cannot be checked, and a process that started anyway would
serve as whatever role it finds once the database is back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from tradeloom.core.outbox import OWNER_DB

logger = logging.getLogger(__name__)

EXIT_CONFIG = 78  # sysexits.h EX_CONFIG, for the Celery worker


class StartupRefused(ImproperlyConfigured):
    """The process must not serve: its message says why and what to change."""


# One round trip. Membership counts as having: a role that can SET ROLE to a superuser, or to a table's owner,
# has what that role has. The app's schemas are the ones on its search path (``public``).
_ROLE_SQL = """
SELECT r.rolname,
       r.rolsuper,
       r.rolbypassrls,
       ARRAY(SELECT p.rolname FROM pg_roles p
             WHERE p.oid <> r.oid AND (p.rolsuper OR p.rolbypassrls) AND pg_has_role(r.oid, p.oid, 'MEMBER')
             ORDER BY 1),
       ARRAY(SELECT n.nspname FROM pg_namespace n
             WHERE n.nspname = ANY (current_schemas(false)) AND pg_has_role(r.oid, n.nspowner, 'MEMBER')
             ORDER BY 1),
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND pg_has_role(r.oid, c.relowner, 'MEMBER')),
       ARRAY(SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
               AND pg_has_role(r.oid, c.relowner, 'MEMBER')
             ORDER BY 1 LIMIT 5)
FROM pg_roles r
WHERE r.rolname = current_user
"""


def _describe(row: Sequence[Any]) -> list[str]:
    role, superuser, bypassrls, privileged, schemas, owned_count, owned_sample = row
    if superuser:  # a superuser is a member of every role, so the rest would follow
        return [f"the database role {role!r} is a superuser"]
    problems = []
    if bypassrls:
        problems.append(f"the database role {role!r} has BYPASSRLS")
    if privileged:
        problems.append(f"the database role {role!r} is a member of {', '.join(privileged)} (superuser or BYPASSRLS)")
    if schemas:
        problems.append(f"the database role {role!r} owns the schema {', '.join(schemas)}")
    if owned_count:
        sample = ", ".join(owned_sample) + (" …" if owned_count > len(owned_sample) else "")
        problems.append(f"the database role {role!r} owns {owned_count} tables or sequences ({sample})")
    return problems


def database_role_problems(alias: str = "default", *, connection: Any = None) -> list[str]:
    """What makes the role of connection ``alias`` (or of the given connection) unfit to serve requests under
    row-level security."""
    with (connection or connections[alias]).cursor() as cursor:
        cursor.execute(_ROLE_SQL)
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - current_user is always in pg_roles
        return ["the database role could not be found in pg_roles"]
    return _describe(row)


_HINT = (
    "Connect DATABASE_URL as the app role (no superuser, no BYPASSRLS, owning nothing; docs/database.md) and "
    "DATABASE_OWNER_URL as the owner that migrates; see docs/operations.md, 'Startup checks'."
)


def check_database_role(app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any) -> list[Any]:
    """System check ``tradeloom.E001``: the role of each checked connection but the owner's may not escape row-level
    security. Runs with ``manage.py check --deploy --database default`` (Django runs database checks only for the
    databases named)."""
    errors: list[Any] = []
    for alias in databases or ():
        if alias == OWNER_DB:
            continue
        try:
            problems = database_role_problems(alias)
        except DatabaseError as exc:
            errors.append(
                checks.Error(
                    f"The role of database {alias!r} could not be checked ({type(exc).__name__}).",
                    hint=_HINT,
                    id="tradeloom.E002",
                )
            )
            continue
        errors.extend(checks.Error(f"{problem} ({alias!r}).", hint=_HINT, id="tradeloom.E001") for problem in problems)
    return errors


def refuse_unsafe_database_role(alias: str = "default") -> None:
    """Raise ``StartupRefused`` (after logging why) when the role of ``alias`` is unfit or cannot be checked."""
    try:
        problems = database_role_problems(alias)
    except DatabaseError as exc:
        problems = [f"the database role could not be checked: {type(exc).__name__}: {exc}".strip()]
    finally:
        connections[alias].close()
    if not problems:
        return
    message = f"Refusing to start: {'; '.join(problems)}. {_HINT}"
    logger.critical(message, extra={"check": "database_role", "problems": problems})
    sys.stderr.write(message + "\n")  # also plain on stderr: what the operator reads in the journal
    sys.stderr.flush()
    raise StartupRefused(message)


def startup_checks() -> None:
    """Run the startup checks when the settings ask for them (production); a no-op elsewhere."""
    from django.conf import settings

    if getattr(settings, "STARTUP_CHECKS", False):
        refuse_unsafe_database_role()
