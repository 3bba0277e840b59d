"""How many of each order's gates wait for the buyer (state submission or resubmission), kept by PostgreSQL in
``approvals_waitinggates`` (``WaitingGates``) for the workload report: per open order instead of every line's gates
(0.75 M waiting gates over 3 M lines at the benchmark's size).

Who writes it: nobody in Python. Statement triggers on line gates (inserted, deleted, or changed in state or line)
add what they start waiting and take away what they stop waiting for, per order, with ``INSERT … ON CONFLICT DO
UPDATE`` (an increment: concurrent changes of one order's gates add up under the row's lock); a line moved to another
order moves its waiting gates. Rows at 0 stay (an order with gates again reuses its row).

Bulk loads that bypass triggers (the benchmark's ``COPY`` with ``session_replication_role = replica``) run
``REBUILD_SQL`` afterwards; a test compares the installed functions with these.
"""

from __future__ import annotations

from django.db import migrations

from tradeloom.approvals.states import WAITING
from tradeloom.core.summaries import STATEMENT, Trigger, triggers_sql, uninstall_sql

TABLE = "approvals_waitinggates"
_STATES = ", ".join(f"'{state}'" for state in sorted(WAITING))
_ADD = f"""
INSERT INTO {TABLE} AS w (organization_id, order_id, waiting)
SELECT d.organization_id, d.order_id, sum(d.delta)
  FROM ({{deltas}}) AS d (organization_id, order_id, delta)
 GROUP BY 1, 2
HAVING sum(d.delta) <> 0
    ON CONFLICT (order_id) DO UPDATE SET waiting = w.waiting + EXCLUDED.waiting
"""  # noqa: S608 - our own table and column names, no input
_NEW = f"SELECT l.organization_id, l.order_id, 1 FROM new_gates n JOIN sales_line l ON l.id = n.line_id WHERE n.state IN ({_STATES})"  # noqa: E501, S608
_OLD = f"SELECT l.organization_id, l.order_id, -1 FROM old_gates o JOIN sales_line l ON l.id = o.line_id WHERE o.state IN ({_STATES})"  # noqa: E501, S608
_MOVED = f"""
SELECT n.organization_id, n.order_id, count(*) FROM new_lines n JOIN old_lines o ON o.id = n.id
  JOIN approvals_linegate g ON g.line_id = n.id WHERE n.order_id <> o.order_id AND g.state IN ({_STATES}) GROUP BY 1, 2
UNION ALL
SELECT o.organization_id, o.order_id, -count(*) FROM new_lines n JOIN old_lines o ON o.id = n.id
  JOIN approvals_linegate g ON g.line_id = n.id WHERE n.order_id <> o.order_id AND g.state IN ({_STATES}) GROUP BY 1, 2
"""  # noqa: S608 - our own table and column names, no input

TRIGGER_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION approvals_waiting_gates_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_ADD.format(deltas=_NEW).strip()};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION approvals_waiting_gates_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_ADD.format(deltas=_NEW + " UNION ALL " + _OLD).strip()};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION approvals_waiting_gates_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_ADD.format(deltas=_OLD).strip()};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION approvals_waiting_gates_on_moved_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_ADD.format(deltas=_MOVED).strip()};
    RETURN NULL;
END $$;
"""
FUNCTIONS = (
    "approvals_waiting_gates_on_insert()",
    "approvals_waiting_gates_on_update()",
    "approvals_waiting_gates_on_delete()",
    "approvals_waiting_gates_on_moved_lines()",
)
_STATEMENT = STATEMENT
TRIGGERS: tuple[Trigger, ...] = (
    (
        "approvals_waiting_gates_insert",
        "approvals_linegate",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_gates"),
        "approvals_waiting_gates_on_insert",
    ),
    (
        "approvals_waiting_gates_update",
        "approvals_linegate",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_gates NEW TABLE AS new_gates"),
        "approvals_waiting_gates_on_update",
    ),
    (
        "approvals_waiting_gates_delete",
        "approvals_linegate",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_gates"),
        "approvals_waiting_gates_on_delete",
    ),
    (
        "approvals_waiting_gates_line_update",
        "sales_line",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_lines NEW TABLE AS new_lines"),
        "approvals_waiting_gates_on_moved_lines",
    ),
)
INSTALL_SQL = TRIGGER_FUNCTIONS + triggers_sql(TRIGGERS)
UNINSTALL_SQL = uninstall_sql(TRIGGERS, FUNCTIONS)
# Every order's count afresh (all organisations as the owner role; scoped by row-level security as the app role).
REBUILD_SQL = f"""
DELETE FROM {TABLE};
INSERT INTO {TABLE} (organization_id, order_id, waiting)
SELECT l.organization_id, l.order_id, count(*)
  FROM approvals_linegate g JOIN sales_line l ON l.id = g.line_id
 WHERE g.state IN ({_STATES})
 GROUP BY 1, 2;
"""  # noqa: S608 - our own table and column names, no input


def install() -> migrations.RunSQL:
    return migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)


def rebuild() -> migrations.RunSQL:
    return migrations.RunSQL(REBUILD_SQL, migrations.RunSQL.noop)
