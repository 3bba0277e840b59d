"""Alert kinds on sales records: an order's lines near their ETA or past their ETD, tasks due and overdue.

Every condition is one set-based statement over every organisation with the rule on (``core.alert_kinds``), and each
reads an index that starts with the organisation. "Open" is the dashboard's (``sales.dashboard``): an open order has
status open and is not deleted; an open line is neither completed nor archived and not fully delivered
(``sales.totals.OPEN_LINE_SQL``). A line without a date of its own has its order's.
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import AlertKind, Condition, Rules, url_sql
from tradeloom.sales.totals import OPEN_LINE_SQL

# "SO-000123 · Bayside Apparel": the order and its customer. A scalar subquery, like every column that costs a read
# of its own: the pass evaluates it only for the alerts that fire, not for every record still in the condition.
_ORDER_LABEL = """(SELECT o.number || ' · ' || coalesce(nullif(c.trade_name, ''), c.legal_name)
     FROM sales_order o JOIN partners_customer c ON c.id = o.customer_id WHERE o.id = x.order_id)"""

# The open lines of open orders of a rule's organisation whose date (``{column}``: the line's own, else its order's)
# meets ``{line_test}`` / ``{order_test}``, grouped per order: the soonest such date and how many lines. Whether an
# order is open, and whose it is, come from its totals row (``sales_ordertotals``, kept by the database: its index
# of open orders answers both without reading the orders). Lines with their own date come from ``{line_source}``,
# lines that take their order's from ``{order_source}`` (the orders with such lines).
_LINES_BY_ORDER = f"""
SELECT x.rule_id, x.order_id AS target_id, {_ORDER_LABEL} AS label, {{link}} AS link,
       x.merchandiser_id AS responsible_id, jsonb_build_object('date', x.first, 'lines', x.lines) AS detail
  FROM (
    SELECT d.rule_id, d.org_slug, d.order_id, d.merchandiser_id, min(d.day) AS first, count(*) AS lines
      FROM (
        SELECT r.rule_id, r.org_slug, l.order_id, t.merchandiser_id, l.{{column}} AS day
          FROM {{rules}} r
          JOIN sales_line l ON l.organization_id = r.organization_id
          JOIN sales_ordertotals t ON t.order_id = l.order_id AND t.organization_id = r.organization_id
         WHERE l.{{column}} IS NOT NULL AND {{line_test}} AND {OPEN_LINE_SQL}
           AND t.status = 'open' AND t.archived_at IS NULL
        UNION ALL
        SELECT r.rule_id, r.org_slug, l.order_id, t.merchandiser_id, {{order_day}}
          FROM {{rules}} r
          {{order_source}}
          JOIN sales_line l ON l.order_id = t.order_id
         WHERE l.{{column}} IS NULL AND {OPEN_LINE_SQL}
      ) d
     GROUP BY d.rule_id, d.org_slug, d.order_id, d.merchandiser_id
  ) x
"""  # noqa: S608 - our own table and column names, no input


def _order_link(alias: str = "x") -> str:
    return url_sql("sales:order", slug=f"{alias}.org_slug", order_id=f"{alias}.order_id")


def eta_near(rules: Rules) -> Condition:
    """Open orders with open lines whose ETA is today to today + N (both included)."""
    # orders by their ETA (``sales_order_open_eta_idx``), their totals row for whose they are
    orders = """JOIN sales_order o ON o.organization_id = r.organization_id
          JOIN sales_ordertotals t ON t.order_id = o.id
         AND o.status = 'open' AND o.archived_at IS NULL AND o.eta BETWEEN r.today AND r.today + r.days"""
    return Condition(
        _LINES_BY_ORDER.format(
            rules=rules.relation,
            column="eta",
            line_test="l.eta BETWEEN r.today AND r.today + r.days",
            order_source=orders,
            order_day="o.eta",
            link=_order_link(),
        )
    )


def etd_passed(rules: Rules) -> Condition:
    """Open orders with open lines (not fully delivered) whose ETD is more than N days before today."""
    # the open orders that have open lines without an ETD of their own, by the order's ETD (their totals' index)
    orders = """JOIN sales_ordertotals t ON t.organization_id = r.organization_id
         AND t.status = 'open' AND t.archived_at IS NULL AND t.open_lines_without_etd > 0
         AND t.etd < r.today - r.days"""
    return Condition(
        _LINES_BY_ORDER.format(
            rules=rules.relation,
            column="etd",
            line_test="l.etd < r.today - r.days",
            order_source=orders,
            order_day="t.etd",
            link=_order_link(),
        )
    )


# Tasks not done (open or in progress) of orders not deleted whose due day meets ``{test}``; the responsible member
# is the task's assignee, else the order's merchandiser.
_TASKS = """
SELECT r.rule_id, t.id AS target_id, t.title || ' · ' || o.number AS label, {link} || '?tab=tasks' AS link,
       coalesce(t.assignee_id, o.merchandiser_id) AS responsible_id,
       jsonb_build_object('date', t.due_date, 'order', o.number, 'priority', t.priority) AS detail
  FROM {rules} r
  JOIN sales_task t ON t.organization_id = r.organization_id
  JOIN sales_order o ON o.id = t.order_id
 WHERE t.status IN ('open', 'in_progress') AND t.due_date IS NOT NULL AND {test} AND o.archived_at IS NULL
"""


def task_due(rules: Rules) -> Condition:
    """Tasks not done whose due day is today to today + N (both included)."""
    link = url_sql("sales:order", order_id="t.order_id")
    return Condition(
        _TASKS.format(rules=rules.relation, link=link, test="t.due_date BETWEEN r.today AND r.today + r.days")
    )


def task_overdue(rules: Rules) -> Condition:
    """Tasks not done whose due day is more than N days before today (N = 0: due yesterday or earlier)."""
    link = url_sql("sales:order", order_id="t.order_id")
    return Condition(_TASKS.format(rules=rules.relation, link=link, test="t.due_date < r.today - r.days"))


TASK_RESPONSIBLE = "The task's assignee (else the order's merchandiser)"

SALES_KINDS = (
    AlertKind(
        code="eta_near",
        label="ETA within N days",
        description=(
            "An open order has open lines (not completed, archived or fully delivered) whose ETA — the line's own, "
            "else the order's — is between today and today + N days."
        ),
        default_days=7,
        unit="Days ahead",
        target="sales.order",
        evaluate=eta_near,
        severity="info",
    ),
    AlertKind(
        code="etd_passed",
        label="ETD passed without full delivery",
        description=(
            "An open order has lines not yet fully delivered (and not completed or archived) whose ETD — the line's "
            "own, else the order's — is more than N days ago (N = 0: the ETD was yesterday or before)."
        ),
        default_days=0,
        unit="Days of grace after the ETD",
        target="sales.order",
        evaluate=etd_passed,
        severity="critical",
    ),
    AlertKind(
        code="task_due",
        label="Task due within N days",
        description="A task that is open or in progress is due between today and today + N days.",
        default_days=2,
        unit="Days ahead",
        target="sales.task",
        evaluate=task_due,
        severity="info",
        responsible=TASK_RESPONSIBLE,
    ),
    AlertKind(
        code="task_overdue",
        label="Task overdue",
        description=(
            "A task that is open or in progress was due more than N days ago (N = 0: due yesterday or before)."
        ),
        default_days=0,
        unit="Days of grace after the due day",
        target="sales.task",
        evaluate=task_overdue,
        responsible=TASK_RESPONSIBLE,
    ),
)
