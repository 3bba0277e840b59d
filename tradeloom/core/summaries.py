"""Building blocks of the summaries PostgreSQL keeps with triggers (``sales.totals``, ``logistics.departures``,
``approvals.waiting``): the "did any of these columns change" condition between a transition table's old and new
rows, the DROP/CREATE statements of a set of triggers, and the statements that remove them with their functions."""

from __future__ import annotations

from collections.abc import Iterable

# (name, table, event, how: "REFERENCING … FOR EACH STATEMENT" or "FOR EACH ROW [WHEN …]", function)
Trigger = tuple[str, str, str, str, str]
STATEMENT = "REFERENCING {} FOR EACH STATEMENT"


def changed(columns: Iterable[str], new: str = "n", old: str = "o") -> str:
    """``(n.a, n.b) IS DISTINCT FROM (o.a, o.b)``: any of the columns changed between the rows aliased ``new`` and
    ``old``."""
    names = list(columns)
    return f"({', '.join(f'{new}.{c}' for c in names)}) IS DISTINCT FROM ({', '.join(f'{old}.{c}' for c in names)})"


def triggers_sql(triggers: Iterable[Trigger]) -> str:
    """Each trigger dropped if it exists and created again (``AFTER`` its event), so installing twice is harmless."""
    return "\n".join(
        f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {how} EXECUTE FUNCTION {function}();"
        for name, table, event, how, function in triggers
    )


def uninstall_sql(triggers: Iterable[Trigger], functions: Iterable[str]) -> str:
    """The triggers, then their functions (given as ``name(argument types)``, in the order they were created)."""
    return "\n".join(
        [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table, *_ in triggers]
        + [f"DROP FUNCTION IF EXISTS {function};" for function in reversed(list(functions))]
    )
