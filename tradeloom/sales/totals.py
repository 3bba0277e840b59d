"""Every order's money and line counts, kept by PostgreSQL for the reads that sum many orders at once — the
dashboard's pipeline, profit per month and quarter, top customers:

* ``sales_ordertotals`` (``OrderTotals``): one row per order — the orders list's figures in the order's currency,
  the rate of the order's date to the organisation's base currency and the figures converted at it, and copies of
  the order's columns the reads filter by;
* ``sales_stagetotals`` (``StageTotals``): the open orders' count and value by merchandiser, stage and currency, so
  the pipeline reads a few dozen rows rather than every open order.
* ``sales_openlinetotals`` (``OpenLineTotals``): the open orders' open lines by order and ETD — how many and their
  value — for the late-orders and workload reports (a few groups per order instead of every line);
* ``sales_suppliertotals`` (``SupplierTotals``): the counted orders' lines by mill with their profit, for profit by
  mill.

Why tables: summing the lines of every open order at a million orders reads three million lines (1.3 s on the
benchmark machine); summing one row per open order still reads 365,000 rows (150 ms on two cores). Per stage it is a
handful (docs/performance.md).

Who writes them: nobody in Python. Triggers keep them in the statement that changes what they sum, whichever way the
change is made (services, ``bulk_insert``, ``QuerySet.update``, raw SQL), so they never disagree with it:

* an order inserted gets its row; a change to a column the row copies (customer, merchandiser, currency, dates,
  status, stage, deletion) recomputes it; an order deleted takes its row with it;
* lines inserted, deleted, or changed in a figure, status, ETD or order recompute their orders' rows;
* an exchange rate published, corrected or archived recomputes the orders whose date it covers (those of its
  currency from its date to the pair's next rate), and a new base currency every order of the organisation;
* every change to an order's row moves its contribution in the stage rollup (out of the old key, into the new).
* the recomputation of an order's row replaces its open-line groups and its lines by mill (deleted with the order).

The figures are ``sales.money.LINE_TOTALS_SQL`` — the orders list's own statement, unchanged — so a row holds exactly
what the list shows for that order; the conversion is ``core.money``'s (each order figure times the rate of the
order's date, ``catalog.rates.tradeloom_rate_on``, rounded to cents: what the order's page shows), so a sum of
converted figures is the sum of what each order's page says. An order without a rate has ``rate`` NULL and no
converted figures: readers report it apart, never as 0.

Bulk loads that bypass triggers (the benchmark's ``COPY`` with ``session_replication_role = replica``) run
``REBUILD_SQL`` afterwards. Changing the SQL here changes what a fresh database installs; an existing one keeps the
functions of its last migration until a new migration runs ``install()`` again (a test compares the installed
functions with these).
"""

from __future__ import annotations

from django.db import migrations

from tradeloom.core.summaries import STATEMENT, changed, triggers_sql, uninstall_sql
from tradeloom.sales.money import LINE_TOTALS_SQL

TABLE = "sales_ordertotals"
STAGE_TABLE = "sales_stagetotals"
OPEN_LINES_TABLE = "sales_openlinetotals"
SUPPLIER_TABLE = "sales_suppliertotals"
# The order's columns the row copies: what the dashboard's reads filter and group by.
COPIED = ("customer_id", "merchandiser_id", "currency", "order_date", "etd", "status", "stage", "archived_at")
# What the lines add up to: LINE_TOTALS_SQL's nine values.
FIGURES = (
    "value",
    "cost",
    "commission",
    "profit",
    "realised_profit",
    "line_count",
    "cost_missing_lines",
    "price_missing_lines",
    "profit_left_out_lines",
)
# The open lines that take the order's ETD, the rate of the order's date and the figures in the base currency.
DERIVED = ("open_lines_without_etd", "rate", "base_value", "base_profit", "base_realised_profit")
COLUMNS = (*COPIED, *FIGURES, *DERIVED)
# An open line: not completed or archived and not fully delivered (``sales.models.OPEN_LINE`` is the same rule as a
# Q, for the partial index the dashboard reads through). Written for a table aliased ``l``.
OPEN_LINE_SQL = "l.status NOT IN ('completed', 'archived') AND l.delivered_quantity < l.quantity"
# The line columns a recomputation depends on: a change to any other (its colour name, position …) is no change.
LINE_INPUTS = (
    "order_id",
    "quantity",
    "selling_price",
    "mill_price",
    "commission_per_unit",
    "delivered_quantity",
    "status",
    "etd",
    "supplier_id",
)

_CASTS = ("numeric",) * 5 + ("integer",) * 4
_FIGURE_CASTS = ", ".join(
    f"(x.line_totals[{n}])::{cast} AS {name}" for n, (cast, name) in enumerate(zip(_CASTS, FIGURES, strict=True), 1)
)
# Every column of the rows of the orders matching ``{where}`` (on ``sales_order``), computed from the order, its
# lines (LINE_TOTALS_SQL, correlated to "sales_order"."id"), its organisation's base currency and the rate. The
# ``OFFSET 0``s keep each level a subquery of its own: flattened, every reference to ``line_totals`` and ``rate``
# would run the lines' subquery (nine times) and the rate's lookup (four) again.
_ORDER_ROWS = f"""
SELECT f.order_id, f.organization_id, {", ".join(f"f.{c}" for c in (*COPIED, *FIGURES))}, f.undated, f.rate,
       round(f.value * f.rate, 2), round(f.profit * f.rate, 2), round(f.realised_profit * f.rate, 2)
  FROM (
    SELECT x.order_id, x.organization_id, {", ".join(f"x.{c}" for c in COPIED)},
           {_FIGURE_CASTS},
           x.undated, tradeloom_rate_on(x.organization_id, x.currency, x.base_currency, x.order_date) AS rate
      FROM (
        SELECT "sales_order"."id" AS order_id, "sales_order"."organization_id",
               {", ".join(f'"sales_order"."{c}"' for c in COPIED)},
               (SELECT o.base_currency FROM tenancy_organization o WHERE o.id = "sales_order"."organization_id")
                   AS base_currency,
               ({LINE_TOTALS_SQL}) AS line_totals,
               (SELECT count(*) FROM sales_line l
                 WHERE l.order_id = "sales_order"."id" AND l.etd IS NULL AND {OPEN_LINE_SQL})::integer AS undated
          FROM sales_order
         WHERE {{where}}
        OFFSET 0
      ) x
    OFFSET 0
  ) f
"""  # noqa: S608 - our own table and column names, no input
_TARGET = ", ".join(COLUMNS)

# The open lines of the open orders matching ``{where}`` (on ``sales_ordertotals`` aliased ``t``, read after its
# row is recomputed) by order and ETD: what ``sales_openlinetotals`` holds.
_OPEN_LINE_ROWS = f"""
SELECT g.*, lag(g.etd) OVER (PARTITION BY g.order_id ORDER BY g.etd NULLS LAST)
  FROM (SELECT t.organization_id, t.order_id, coalesce(l.etd, t.etd) AS etd, t.customer_id, t.merchandiser_id,
               t.rate IS NOT NULL, count(*), sum(round(round(l.quantity * l.selling_price, 2) * t.rate, 2))
          FROM {TABLE} t JOIN sales_line l ON l.order_id = t.order_id
         WHERE {{where}} AND t.status = 'open' AND t.archived_at IS NULL AND {OPEN_LINE_SQL}
         GROUP BY t.organization_id, t.order_id, coalesce(l.etd, t.etd), t.customer_id, t.merchandiser_id,
                  t.rate IS NOT NULL) g
"""  # noqa: S608 - our own table and column names, no input
_OPEN_LINE_COLUMNS = "organization_id, order_id, etd, customer_id, merchandiser_id, rated, lines, value, previous_etd"
# The lines by mill of the orders the profit report counts (not cancelled, drafts or deleted): each line's profit
# (``sales.money``: to cents; realised as delivered / ordered, at most all of it, to cents) at the order's rate, to
# cents — what ``sales_suppliertotals`` holds.
_SUPPLIER_ROWS = f"""
SELECT x.organization_id, x.order_id, x.supplier_id, x.customer_id, x.merchandiser_id, x.order_date, count(*),
       count(*) FILTER (WHERE x.rate IS NULL), count(*) FILTER (WHERE x.rate IS NOT NULL AND x.p IS NULL),
       sum(round(x.p * x.rate, 2)),
       sum(round(CASE WHEN x.q > 0 THEN round(x.p * x.d / x.q, 2) ELSE 0 END * x.rate, 2))
  FROM (SELECT t.organization_id, t.order_id, l.supplier_id, t.customer_id, t.merchandiser_id, t.order_date, t.rate,
               round(l.quantity * l.selling_price, 2) - round(l.quantity * l.mill_price, 2)
                 - round(l.quantity * coalesce(l.commission_per_unit, 0), 2) AS p,
               least(l.delivered_quantity, l.quantity)::numeric(48, 30) AS d, l.quantity AS q
          FROM {TABLE} t JOIN sales_line l ON l.order_id = t.order_id
         WHERE {{where}} AND t.archived_at IS NULL AND t.status NOT IN ('cancelled', 'draft')) x
 GROUP BY x.organization_id, x.order_id, x.supplier_id, x.customer_id, x.merchandiser_id, x.order_date
"""  # noqa: S608 - our own table and column names, no input
_SUPPLIER_COLUMNS = (
    "organization_id, order_id, supplier_id, customer_id, merchandiser_id, order_date, lines, unrated_lines, "
    "left_out_lines, potential, realised"
)

# The rows are locked first, in the orders' id order, and recomputed by the next statement: under READ COMMITTED a
# statement of a (volatile) function reads with a snapshot taken when it starts, so the recomputation sees what a
# concurrent transaction that held a row committed before the lock was granted. Recomputed in the statement that
# waited for the lock, its figures would be those of before that commit (an UPDATE re-reads the row it waited for,
# not the lines its FROM read), and two deliveries on two lines of one order at once would leave one uncounted.
# The fixed order keeps two transactions refreshing the same orders from deadlocking on them.
REFRESH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sales_order_totals_refresh(orders uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {TABLE} WHERE order_id = ANY(orders) ORDER BY order_id FOR UPDATE;
    UPDATE {TABLE} AS s
       SET ({_TARGET}) = ({", ".join(f"x.{c}" for c in COLUMNS)})
      FROM ({_ORDER_ROWS.format(where='"sales_order"."id" = ANY(orders)')})
           AS x (order_id, organization_id, {_TARGET})
     WHERE s.order_id = x.order_id
       AND ({", ".join(f"s.{c}" for c in COLUMNS)}) IS DISTINCT FROM ({", ".join(f"x.{c}" for c in COLUMNS)});
    DELETE FROM {OPEN_LINES_TABLE} WHERE order_id = ANY(orders);
    INSERT INTO {OPEN_LINES_TABLE} ({_OPEN_LINE_COLUMNS}) {_OPEN_LINE_ROWS.format(where="t.order_id = ANY(orders)")};
    DELETE FROM {SUPPLIER_TABLE} WHERE order_id = ANY(orders);
    INSERT INTO {SUPPLIER_TABLE} ({_SUPPLIER_COLUMNS}) {_SUPPLIER_ROWS.format(where="t.order_id = ANY(orders)")};
END $$;
"""  # noqa: S608 - our own table and column names, no input

# The stage rollup: an order's contribution (its count, whether its value is known, its value in its currency and
# in the base currency, its lines without a selling price), added with ``sign`` 1 or taken away with -1.
STAGE_ADD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sales_stage_totals_add(t {TABLE}, sign integer) RETURNS void LANGUAGE sql AS $$
INSERT INTO {STAGE_TABLE} AS s (organization_id, merchandiser_id, stage, currency, rated, orders, valued_orders,
                                value, base_value, price_missing_lines)
VALUES (t.organization_id, t.merchandiser_id, t.stage, t.currency, t.rate IS NOT NULL, sign,
        sign * (t.value IS NOT NULL)::integer, sign * coalesce(t.value, 0), sign * coalesce(t.base_value, 0),
        sign * t.price_missing_lines)
ON CONFLICT (organization_id, merchandiser_id, stage, currency, rated) DO UPDATE SET
    orders = s.orders + EXCLUDED.orders,
    valued_orders = s.valued_orders + EXCLUDED.valued_orders,
    value = s.value + EXCLUDED.value,
    base_value = s.base_value + EXCLUDED.base_value,
    price_missing_lines = s.price_missing_lines + EXCLUDED.price_missing_lines
$$;
"""  # noqa: S608 - our own table and column names, no input
# What decides an order's place and weight in the stage rollup (a change to anything else moves nothing).
STAGE_INPUTS = (
    "organization_id",
    "merchandiser_id",
    "stage",
    "currency",
    "rate",  # its presence is part of the key (rated or not), even for an order whose value is unknown
    "status",
    "archived_at",
    "value",
    "base_value",
    "price_missing_lines",
)
_OPEN = "{t}.status = 'open' AND {t}.archived_at IS NULL"


TRIGGER_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION sales_order_totals_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (order_id, organization_id, {_TARGET})
    {_ORDER_ROWS.format(where='"sales_order"."id" IN (SELECT n.id FROM new_orders n)')};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_order_totals_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_refresh(ARRAY(
        SELECT n.id FROM new_orders n JOIN old_orders o ON o.id = n.id WHERE {changed(COPIED)}));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_order_totals_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {OPEN_LINES_TABLE} AS s USING old_orders o WHERE s.order_id = o.id;
    DELETE FROM {SUPPLIER_TABLE} AS s USING old_orders o WHERE s.order_id = o.id;
    DELETE FROM {TABLE} AS s USING old_orders o WHERE s.order_id = o.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_line_totals_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_refresh(ARRAY(SELECT DISTINCT n.order_id FROM new_lines n));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_line_totals_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_refresh(ARRAY(
        SELECT n.order_id FROM new_lines n JOIN old_lines o ON o.id = n.id WHERE {changed(LINE_INPUTS)}
        UNION
        SELECT o.order_id FROM new_lines n JOIN old_lines o ON o.id = n.id WHERE n.order_id <> o.order_id));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_line_totals_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_refresh(ARRAY(SELECT DISTINCT o.order_id FROM old_lines o));
    RETURN NULL;
END $$;

-- Rates of an organisation's base currency published, corrected or archived: the orders of the other currency dated
-- from the rate's day up to the pair's next rate take the rate in force again.
CREATE OR REPLACE FUNCTION sales_order_totals_rateschanged(orgs uuid[], froms text[], tos text[], days date[])
RETURNS void LANGUAGE sql AS $$
SELECT sales_order_totals_refresh(ARRAY(
    SELECT t.order_id
      FROM unnest(orgs, froms, tos, days) AS r (organization_id, from_currency, to_currency, day)
      JOIN tenancy_organization org ON org.id = r.organization_id
      JOIN {TABLE} t ON t.organization_id = r.organization_id
       AND t.currency = CASE WHEN r.to_currency = org.base_currency THEN r.from_currency ELSE r.to_currency END
       AND t.order_date >= r.day
       AND t.order_date < coalesce(
             (SELECT min(n.date) FROM catalog_exchangerate n
               WHERE n.organization_id = r.organization_id AND n.from_currency = r.from_currency
                 AND n.to_currency = r.to_currency AND n.date > r.day AND n.archived_at IS NULL),
             'infinity'::date)
     WHERE org.base_currency IN (r.from_currency, r.to_currency)))
$$;

CREATE OR REPLACE FUNCTION sales_order_totals_on_new_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_rateschanged(ARRAY(SELECT organization_id FROM new_rates),
        ARRAY(SELECT from_currency FROM new_rates), ARRAY(SELECT to_currency FROM new_rates),
        ARRAY(SELECT date FROM new_rates));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_order_totals_on_old_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_rateschanged(ARRAY(SELECT organization_id FROM old_rates),
        ARRAY(SELECT from_currency FROM old_rates), ARRAY(SELECT to_currency FROM old_rates),
        ARRAY(SELECT date FROM old_rates));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_order_totals_on_base_currency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sales_order_totals_refresh(ARRAY(SELECT t.order_id FROM {TABLE} t WHERE t.organization_id = NEW.id));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sales_stage_totals_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND {_OPEN.format(t="OLD")} THEN
        PERFORM sales_stage_totals_add(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND {_OPEN.format(t="NEW")} THEN
        PERFORM sales_stage_totals_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
"""  # noqa: S608 - our own table and column names, no input

FUNCTIONS = (
    "sales_order_totals_refresh(uuid[])",
    "sales_stage_totals_add(sales_ordertotals,integer)",
    "sales_order_totals_on_insert()",
    "sales_order_totals_on_update()",
    "sales_order_totals_on_delete()",
    "sales_line_totals_on_insert()",
    "sales_line_totals_on_update()",
    "sales_line_totals_on_delete()",
    "sales_order_totals_rateschanged(uuid[],text[],text[],date[])",
    "sales_order_totals_on_new_rates()",
    "sales_order_totals_on_old_rates()",
    "sales_order_totals_on_base_currency()",
    "sales_stage_totals_on_change()",
)

# (name, table, event, how: "REFERENCING … FOR EACH STATEMENT" or "FOR EACH ROW [WHEN …]", function). Statement
# triggers take their rows as transition tables (allowed on single-event triggers only, hence one per event), so a bulk
# insert of 20 lines recomputes its order once.
_STATEMENT = STATEMENT
TRIGGERS = (
    (
        "sales_order_totals_insert",
        "sales_order",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_orders"),
        "sales_order_totals_on_insert",
    ),
    (
        "sales_order_totals_update",
        "sales_order",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_orders NEW TABLE AS new_orders"),
        "sales_order_totals_on_update",
    ),
    (
        "sales_order_totals_delete",
        "sales_order",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_orders"),
        "sales_order_totals_on_delete",
    ),
    (
        "sales_line_totals_insert",
        "sales_line",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_lines"),
        "sales_line_totals_on_insert",
    ),
    (
        "sales_line_totals_update",
        "sales_line",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_lines NEW TABLE AS new_lines"),
        "sales_line_totals_on_update",
    ),
    (
        "sales_line_totals_delete",
        "sales_line",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_lines"),
        "sales_line_totals_on_delete",
    ),
    (
        "sales_order_totals_rate_insert",
        "catalog_exchangerate",
        "INSERT",
        _STATEMENT.format("NEW TABLE AS new_rates"),
        "sales_order_totals_on_new_rates",
    ),
    (
        "sales_order_totals_rate_update_old",
        "catalog_exchangerate",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_rates NEW TABLE AS new_rates"),
        "sales_order_totals_on_old_rates",
    ),
    (
        "sales_order_totals_rate_update_new",
        "catalog_exchangerate",
        "UPDATE",
        _STATEMENT.format("OLD TABLE AS old_rates NEW TABLE AS new_rates"),
        "sales_order_totals_on_new_rates",
    ),
    (
        "sales_order_totals_rate_delete",
        "catalog_exchangerate",
        "DELETE",
        _STATEMENT.format("OLD TABLE AS old_rates"),
        "sales_order_totals_on_old_rates",
    ),
    (
        "sales_order_totals_base_currency",
        "tenancy_organization",
        "UPDATE",
        "FOR EACH ROW WHEN (OLD.base_currency IS DISTINCT FROM NEW.base_currency)",
        "sales_order_totals_on_base_currency",
    ),
    ("sales_stage_totals_insert", TABLE, "INSERT", "FOR EACH ROW", "sales_stage_totals_on_change"),
    (
        "sales_stage_totals_update",
        TABLE,
        "UPDATE",
        f"FOR EACH ROW WHEN ({changed(STAGE_INPUTS, new='NEW', old='OLD')})",
        "sales_stage_totals_on_change",
    ),
    ("sales_stage_totals_delete", TABLE, "DELETE", "FOR EACH ROW", "sales_stage_totals_on_change"),
)


_STAGE_TRIGGERS = tuple(t for t in TRIGGERS if t[1] == TABLE)
_ORDER_TRIGGERS = tuple(t for t in TRIGGERS if t[1] != TABLE)
FUNCTIONS_SQL = REFRESH_FUNCTION + STAGE_ADD_FUNCTION + TRIGGER_FUNCTIONS
INSTALL_SQL = FUNCTIONS_SQL + triggers_sql(TRIGGERS)
UNINSTALL_SQL = uninstall_sql(TRIGGERS, FUNCTIONS)

# Every order's row and the stage rollup computed afresh (all organisations as the owner role; scoped by row-level
# security as the app role): the migration's backfill, and the benchmark's after its bulk load.
REBUILD_ORDERS_SQL = f"""
INSERT INTO {TABLE} (order_id, organization_id, {_TARGET})
{_ORDER_ROWS.format(where="true")}
ON CONFLICT (order_id) DO UPDATE SET ({_TARGET}) = ({", ".join(f"EXCLUDED.{c}" for c in COLUMNS)});
"""
REBUILD_STAGES_SQL = f"""
DELETE FROM {STAGE_TABLE};
INSERT INTO {STAGE_TABLE} (organization_id, merchandiser_id, stage, currency, rated, orders, valued_orders, value,
                           base_value, price_missing_lines)
SELECT organization_id, merchandiser_id, stage, currency, rate IS NOT NULL, count(*), count(value),
       coalesce(sum(value), 0), coalesce(sum(base_value), 0), sum(price_missing_lines)
  FROM {TABLE}
 WHERE {_OPEN.format(t=TABLE)}
 GROUP BY 1, 2, 3, 4, 5;
"""  # noqa: S608 - our own table and column names, no input
# The open lines by order and ETD, and the counted orders' lines by mill, from the orders' rows (after them).
REBUILD_LINE_GROUPS_SQL = f"""
DELETE FROM {OPEN_LINES_TABLE};
INSERT INTO {OPEN_LINES_TABLE} ({_OPEN_LINE_COLUMNS}) {_OPEN_LINE_ROWS.format(where="true")};
DELETE FROM {SUPPLIER_TABLE};
INSERT INTO {SUPPLIER_TABLE} ({_SUPPLIER_COLUMNS}) {_SUPPLIER_ROWS.format(where="true")};
"""  # noqa: S608 - our own table and column names, no input
REBUILD_SQL = REBUILD_ORDERS_SQL + REBUILD_STAGES_SQL + REBUILD_LINE_GROUPS_SQL


def install(*, stage_triggers: bool = True) -> migrations.RunSQL:
    """The functions and triggers, as a migration operation (a later migration calls it again after a change)."""
    triggers = TRIGGERS if stage_triggers else _ORDER_TRIGGERS
    return migrations.RunSQL(FUNCTIONS_SQL + triggers_sql(triggers), UNINSTALL_SQL)


def install_stage_triggers() -> migrations.RunSQL:
    return migrations.RunSQL(triggers_sql(_STAGE_TRIGGERS), migrations.RunSQL.noop)


def rebuild_orders() -> migrations.RunSQL:
    return migrations.RunSQL(REBUILD_ORDERS_SQL, migrations.RunSQL.noop)


def rebuild_stages() -> migrations.RunSQL:
    return migrations.RunSQL(REBUILD_STAGES_SQL, migrations.RunSQL.noop)


def rebuild_line_groups() -> migrations.RunSQL:
    return migrations.RunSQL(REBUILD_LINE_GROUPS_SQL, migrations.RunSQL.noop)
