"""What has departed of every line due to the buyer, kept by PostgreSQL for the on-time-in-full report:
``logistics_linedepartures`` (``LineDepartures``), one row per counted line — not archived, of an order that is not
cancelled, a draft or deleted, with an ETD (the line's, else its order's) — holding its ETD, quantity and the order's
own shipment tolerance, and from the shipments that carry it (not cancelled or returned, departed): the first
departure day, the quantity departed and the quantity departed on or before the ETD.

Why a table: judging a month's lines read the due lines and every shipment line (0.9 M and 1 M rows at the benchmark's
size, 4 s); the report now reads one index entry per due line (docs/reports.md). The judgement itself (on time, in
full against the quantity less the tolerance, both) stays in the report's statement, so a change to the
organisation's default tolerance needs no recomputation.

Who writes it: nobody in Python. Statement triggers on lines (inserted, deleted, or changed in quantity, ETD, status
or order), orders (ETD, status, deletion, customer, merchandiser, tolerance), shipment lines (any change) and
shipments (departure, status) recompute the lines they touch, in the statement that changed them. The lines are
locked first (``FOR NO KEY UPDATE``, in id order, as shipping locks them), then recomputed by the next statement:
under READ COMMITTED that statement's snapshot sees what a transaction that held a line committed before the lock was
granted, so two transactions touching one line (a departure and an order's new ETD) leave the row right.

Bulk loads that bypass triggers (the benchmark's ``COPY`` with ``session_replication_role = replica``) run
``REBUILD_SQL`` afterwards. Changing the SQL here changes what a fresh database installs; an existing one keeps the
functions of its last migration until a new migration runs ``install()`` again (a test compares them).
"""

from __future__ import annotations

from django.db import migrations

from tradeloom.core.summaries import STATEMENT, Trigger, changed, triggers_sql, uninstall_sql

TABLE = "logistics_linedepartures"
COLUMNS = (
    "organization_id",
    "line_id",
    "order_id",
    "customer_id",
    "merchandiser_id",
    "etd",
    "quantity",
    "tolerance_percent",
    "first_departed_on",
    "departed",
    "departed_by_etd",
)
_TARGET = ", ".join(COLUMNS)
# What of a line decides its row, and what of an order (any other change is no change).
LINE_INPUTS = ("order_id", "quantity", "etd", "status")
ORDER_INPUTS = ("etd", "status", "archived_at", "customer_id", "merchandiser_id", "shipment_tolerance_percent")
SHIPMENT_INPUTS = ("departed_on", "status")
SHIPMENT_LINE_INPUTS = ("line_id", "shipment_id", "quantity")
LIVE_SHIPMENT = "s.departed_on IS NOT NULL AND s.status NOT IN ('cancelled', 'returned')"

# The rows of the counted lines matching ``{where}`` (on ``sales_line`` aliased ``l``, its order ``o``), their
# departures from ``{departures}``: for a few lines, each line's shipment lines by its index (``_EACH``); for all of
# them, every shipment line grouped by line once (``_ALL``, the rebuild).
_LINE_ROWS = """
SELECT l.organization_id, l.id, l.order_id, o.customer_id, o.merchandiser_id, coalesce(l.etd, o.etd), l.quantity,
       o.shipment_tolerance_percent, x.first_on, coalesce(x.departed, 0), coalesce(x.by_etd, 0)
  FROM sales_line l
  JOIN sales_order o ON o.id = l.order_id
  LEFT JOIN {departures}
 WHERE {where} AND l.status <> 'archived' AND o.status NOT IN ('cancelled', 'draft') AND o.archived_at IS NULL
   AND coalesce(l.etd, o.etd) IS NOT NULL
"""
_EACH = f"""LATERAL (
       SELECT min(s.departed_on) AS first_on, sum(sl.quantity) AS departed,
              sum(sl.quantity) FILTER (WHERE s.departed_on <= coalesce(l.etd, o.etd)) AS by_etd
         FROM logistics_shipmentline sl JOIN logistics_shipment s ON s.id = sl.shipment_id
        WHERE sl.line_id = l.id AND {LIVE_SHIPMENT}) x ON true"""  # noqa: S608 - our own SQL only
_ALL = f"""(
       SELECT sl.line_id, min(s.departed_on) AS first_on, sum(sl.quantity) AS departed,
              sum(sl.quantity) FILTER (WHERE s.departed_on <= coalesce(dl.etd, dord.etd)) AS by_etd
         FROM logistics_shipmentline sl
         JOIN logistics_shipment s ON s.id = sl.shipment_id
         JOIN sales_line dl ON dl.id = sl.line_id
         JOIN sales_order dord ON dord.id = dl.order_id
        WHERE {LIVE_SHIPMENT}
        GROUP BY sl.line_id) x ON x.line_id = l.id"""  # noqa: S608 - our own SQL only

REFRESH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION logistics_line_departures_refresh(lines uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM sales_line WHERE id = ANY(lines) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM {TABLE} WHERE line_id = ANY(lines);
    INSERT INTO {TABLE} ({_TARGET}) {_LINE_ROWS.format(where="l.id = ANY(lines)", departures=_EACH)};
END $$;
"""  # noqa: S608 - our own table and column names, no input


TRIGGER_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION logistics_line_departures_on_new_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(SELECT n.id FROM new_lines n));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_changed_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(
        SELECT n.id FROM new_lines n JOIN old_lines o ON o.id = n.id WHERE {changed(LINE_INPUTS)}));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_old_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} AS d USING old_lines o WHERE d.line_id = o.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(
        SELECT l.id FROM new_orders n JOIN old_orders o ON o.id = n.id JOIN sales_line l ON l.order_id = n.id
         WHERE {changed(ORDER_INPUTS)}));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_new_shipment_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(SELECT DISTINCT n.line_id FROM new_shipment_lines n));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_changed_shipment_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(
        SELECT n.line_id FROM new_shipment_lines n JOIN old_shipment_lines o ON o.id = n.id
         WHERE {changed(SHIPMENT_LINE_INPUTS)}
        UNION
        SELECT o.line_id FROM new_shipment_lines n JOIN old_shipment_lines o ON o.id = n.id
         WHERE n.line_id <> o.line_id));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_old_shipment_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(SELECT DISTINCT o.line_id FROM old_shipment_lines o));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION logistics_line_departures_on_shipments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM logistics_line_departures_refresh(ARRAY(
        SELECT DISTINCT sl.line_id
          FROM new_shipments n JOIN old_shipments o ON o.id = n.id
          JOIN logistics_shipmentline sl ON sl.shipment_id = n.id
         WHERE {changed(SHIPMENT_INPUTS)}));
    RETURN NULL;
END $$;
"""  # noqa: S608 - our own table and column names, no input

FUNCTIONS = (
    "logistics_line_departures_refresh(uuid[])",
    "logistics_line_departures_on_new_lines()",
    "logistics_line_departures_on_changed_lines()",
    "logistics_line_departures_on_old_lines()",
    "logistics_line_departures_on_orders()",
    "logistics_line_departures_on_new_shipment_lines()",
    "logistics_line_departures_on_changed_shipment_lines()",
    "logistics_line_departures_on_old_shipment_lines()",
    "logistics_line_departures_on_shipments()",
)

_STATEMENT = STATEMENT
# Statement triggers with transition tables, one per event.
TRIGGERS: tuple[Trigger, ...] = (
    (
        "logistics_line_departures_line_insert",
        "sales_line",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_lines"),
        "logistics_line_departures_on_new_lines",
    ),
    (
        "logistics_line_departures_line_update",
        "sales_line",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_lines NEW TABLE AS new_lines"),
        "logistics_line_departures_on_changed_lines",
    ),
    (
        "logistics_line_departures_line_delete",
        "sales_line",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_lines"),
        "logistics_line_departures_on_old_lines",
    ),
    (
        "logistics_line_departures_order_update",
        "sales_order",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_orders NEW TABLE AS new_orders"),
        "logistics_line_departures_on_orders",
    ),
    (
        "logistics_line_departures_shipment_line_insert",
        "logistics_shipmentline",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_shipment_lines"),
        "logistics_line_departures_on_new_shipment_lines",
    ),
    (
        "logistics_line_departures_shipment_line_update",
        "logistics_shipmentline",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_shipment_lines NEW TABLE AS new_shipment_lines"),
        "logistics_line_departures_on_changed_shipment_lines",
    ),
    (
        "logistics_line_departures_shipment_line_delete",
        "logistics_shipmentline",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_shipment_lines"),
        "logistics_line_departures_on_old_shipment_lines",
    ),
    (
        "logistics_line_departures_shipment_update",
        "logistics_shipment",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_shipments NEW TABLE AS new_shipments"),
        "logistics_line_departures_on_shipments",
    ),
)

INSTALL_SQL = REFRESH_FUNCTION + TRIGGER_FUNCTIONS + triggers_sql(TRIGGERS)
UNINSTALL_SQL = uninstall_sql(TRIGGERS, FUNCTIONS)
# Every counted line's row computed afresh (all organisations as the owner role; scoped by row-level security as the
# app role): the migration's backfill, and the benchmark's after its bulk load.
REBUILD_SQL = f"""
DELETE FROM {TABLE};
INSERT INTO {TABLE} ({_TARGET}) {_LINE_ROWS.format(where="true", departures=_ALL)};
"""  # noqa: S608 - our own table and column names, no input


def install() -> migrations.RunSQL:
    return migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)


def rebuild() -> migrations.RunSQL:
    return migrations.RunSQL(REBUILD_SQL, migrations.RunSQL.noop)
