"""The check every trigger-kept summary's tests make: the database runs the functions and triggers its module
installs (a change to the SQL without a migration that installs it again fails here)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tradeloom.core.summaries import Trigger


def assert_installed(*, like: str, functions: Iterable[str], install_sql: str, triggers: Iterable[Trigger]) -> None:
    """The functions whose name is ``LIKE like`` are exactly ``functions``, each with the body ``install_sql``
    writes, and the triggers named ``LIKE like`` are exactly ``triggers`` (name, table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.proname LIKE %s",
            [like],
        )
        installed = dict(cursor.fetchall())
        cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s", [like])
        present = set(cursor.fetchall())
    assert set(installed) == set(functions)
    for body in install_sql.split("CREATE OR REPLACE FUNCTION ")[1:]:
        name = body.split("(")[0]
        function = next(text for signature, text in installed.items() if signature.startswith(name + "("))
        assert body.split("$$", 2)[1].strip() in function, name
    assert present == {(name, table) for name, table, *_ in triggers}
