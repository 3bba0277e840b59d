"""The manager's reports: each a function of the organisation and the filters returning a ``Report`` — its table
(columns and rows), its totals, the chart's data and notes — in one to three SQL statements whatever the data size.
The page, the XLSX download and the API all show the same ``Report`` (docs/reports.md defines every figure).

Money is in the organisation's base currency. The order figures are ``sales.totals``' (``sales_ordertotals``: the
orders list's figures of each order, converted at the rate of its date): a sum here is the sum of what the orders'
pages say, and the same sum the dashboard makes. What has no rate is never counted as 0: each report counts it apart
("unrated").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections

from tradeloom.core import replica
from tradeloom.core.money import ZERO
from tradeloom.lcs.states import AVAILABLE
from tradeloom.production.states import OPEN
from tradeloom.receivables.selectors import BUCKETS, ageing
from tradeloom.sales.services import STAGES
from tradeloom.sales.totals import OPEN_LINE_SQL

TOP = 20  # groups shown by name in the profit report; the rest are "Others"
OLDEST = 100  # late lines listed
DUE_DAYS = 14  # workload: lines due in the next …
MILESTONE_DAYS = 7  # workload: milestones due in the next …
WORK_MEM = "64MB"  # for the statements that sort or hash hundreds of thousands of lines (docs/reports.md)
LATE_BUCKETS = (("d1_7", "1-7 days", 1, 7), ("d8_30", "8-30 days", 8, 30), ("d31_60", "31-60 days", 31, 60))
LATE_LAST = ("d60_plus", "60+ days", 61, None)
PROFIT_GROUPS = (("customer", "Customer"), ("mill", "Mill"), ("merchandiser", "Merchandiser"), ("month", "Month"))

TEXT, NUMBER, MONEY, PERCENT, MONTH, DATE = "text", "number", "money", "percent", "month", "date"


@dataclass(frozen=True)
class Filters:
    """What a report is asked for: months as first days (``start`` to the end of ``end``'s month; ``None``: no
    bound), optional customer and merchandiser (ids), the profit report's grouping and the ageing's day."""

    today: datetime.date
    start: datetime.date | None = None
    end: datetime.date | None = None
    customer_id: Any = None
    merchandiser_id: Any = None
    by: str = "customer"
    as_of: datetime.date | None = None

    @property
    def last_day(self) -> datetime.date | None:
        return None if self.end is None else next_month(self.end) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT  # text | number | money | percent | month | date


@dataclass
class Section:
    """A second table of a report (OTIF by customer, late lines by customer …)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass
class Report:
    key: str
    title: str
    base_currency: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    chart: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------------------------------------
def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def month_label(month: datetime.date) -> str:
    return month.strftime("%b %Y")


def _months(filters: Filters) -> tuple[datetime.date, datetime.date]:
    if filters.start is None or filters.end is None:
        raise ValueError("This report needs its first and last month.")
    return filters.start, filters.end


def _rows(sql: str, params: dict[str, Any], *, work_mem: str | None = None) -> list[tuple[Any, ...]]:
    """The statement's rows. With ``work_mem`` (e.g. ``"64MB"``) the statement's sorts and hashes get that much
    memory: ``SET LOCAL`` sent with the statement in the same call (one round trip, one query; the statements of a
    call run in one transaction, the request's or an implicit one) and put back to the default right after it."""
    with connections[replica.current_alias()].cursor() as cursor:
        if work_mem is None:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        cursor.execute(f"SET LOCAL work_mem = '{work_mem}';\n{sql};\nSET LOCAL work_mem TO DEFAULT", params)
        cursor.nextset()
        return list(cursor.fetchall())


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


def _percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _number(value: Decimal | None) -> float:
    return float(value or 0)


def _filters_of(filters: Filters, **extra: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    if filters.start is not None:
        shown["from"] = filters.start.strftime("%Y-%m")
    if filters.end is not None:
        shown["to"] = filters.end.strftime("%Y-%m")
    if filters.customer_id is not None:
        shown["customer"] = str(filters.customer_id)
    if filters.merchandiser_id is not None:
        shown["merchandiser"] = str(filters.merchandiser_id)
    return shown | extra


def _scope(filters: Filters, alias: str, *, merchandiser: bool = True) -> str:
    """The customer and merchandiser conditions on ``alias`` (a table with ``customer_id`` and ``merchandiser_id``)."""
    condition = ""
    if filters.customer_id is not None:
        condition += f" AND {alias}.customer_id = %(customer)s"
    if merchandiser and filters.merchandiser_id is not None:
        condition += f" AND {alias}.merchandiser_id = %(merchandiser)s"
    return condition


def _params(organization: Any, filters: Filters, **extra: Any) -> dict[str, Any]:
    return {
        "org": organization.pk,
        "today": filters.today,
        "start": filters.start,
        "end": filters.last_day,
        "customer": filters.customer_id,
        "merchandiser": filters.merchandiser_id,
        **extra,
    }


def _unrated_note(orders: int, what: str = "order") -> list[str]:
    if not orders:
        return []
    return [
        f"{orders} {what}{'s' if orders != 1 else ''} without a rate to the base currency: left out of the figures."
    ]


# The names of customers, suppliers and members, by id, in the statement that groups by them.
CUSTOMER_NAME = "coalesce(nullif(c.trade_name, ''), c.legal_name)"
MEMBER_NAME = "coalesce(nullif(u.full_name, ''), u.email)"


# --- 1. pipeline by stage and month --------------------------------------------------------------------------------
PIPELINE_SQL = """
SELECT t.stage,
       CASE WHEN t.etd IS NULL THEN 'none'
            WHEN t.etd < %(start)s THEN 'before'
            WHEN t.etd > %(end)s THEN 'after'
            ELSE to_char(t.etd, 'YYYY-MM') END AS month,
       count(*) FILTER (WHERE t.rate IS NULL) AS unrated,
       count(*) AS orders,
       sum(t.base_value) AS value
  FROM sales_ordertotals t
 WHERE t.organization_id = %(org)s AND t.status = 'open' AND t.archived_at IS NULL{scope}
 GROUP BY 1, 2
"""


def pipeline(*, organization: Any, filters: Filters) -> Report:
    """Open orders (the dashboard's pipeline: status open, not deleted) by stage and month of the order's ETD:
    each order's value in the base currency; orders dated before or after the months asked for are summed as
    "Earlier" and "Later", orders without an ETD as "No ETD", so each stage's total is the dashboard's."""
    start, end = _months(filters)
    params = _params(organization, filters)
    rows = _rows(PIPELINE_SQL.format(scope=_scope(filters, "t")), params)
    months = months_between(start, end)
    keys = ["before", *(m.strftime("%Y-%m") for m in months), "after", "none"]
    labels = {"before": "Earlier", "after": "Later", "none": "No ETD"} | {
        m.strftime("%Y-%m"): month_label(m) for m in months
    }
    configured = list((organization.settings or {}).get("order_stages") or STAGES)
    values: dict[str, dict[str, Decimal | None]] = {}
    counts: dict[str, int] = {}
    unrated = 0
    for stage, month, missing, orders, value in rows:
        unrated += missing
        counts[stage] = counts.get(stage, 0) + orders
        per = values.setdefault(stage, {})
        per[month] = _add(per.get(month), value)
    stages = configured + sorted((s for s in counts if s not in configured), key=lambda s: (s == "", s))
    used = [k for k in keys if k not in ("before", "after", "none") or any(k in v for v in values.values())]
    columns = [Column("stage", "Stage"), Column("orders", "Orders", NUMBER)]
    columns += [Column(f"m_{k}", labels[k], MONEY) for k in used] + [Column("total", "Total", MONEY)]
    table: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"stage": "Total", "orders": 0, "total": ZERO}
    for stage in stages:
        per = values.get(stage, {})
        row: dict[str, Any] = {"stage": stage_label(stage), "orders": counts.get(stage, 0)}
        for k in used:
            row[f"m_{k}"] = per.get(k) or ZERO
            totals[f"m_{k}"] = totals.get(f"m_{k}", ZERO) + row[f"m_{k}"]
        row["total"] = sum((v or ZERO for v in per.values()), ZERO)
        totals["orders"] += row["orders"]
        totals["total"] += row["total"]
        table.append(row)
    chart = {
        "type": "bar",
        "stacked": True,
        "legend": True,
        "money": organization.base_currency,
        "labels": [labels[k] for k in used],
        "datasets": [
            {"label": row["stage"], "data": [_number(row[f"m_{k}"]) for k in used]} for row in table if row["orders"]
        ],
    }
    return Report(
        key="pipeline",
        title="Pipeline by stage and month",
        base_currency=organization.base_currency,
        columns=columns,
        rows=table,
        totals=totals,
        chart=chart,
        notes=_unrated_note(unrated),
        filters=_filters_of(filters),
    )


def stage_label(name: str) -> str:
    return name[:1].upper() + name[1:] if name else "No stage"


# --- 2. potential vs realised profit --------------------------------------------------------------------------------
# The orders counted: the dashboard's profit (dated in the months, not cancelled, not a draft, not deleted).
_PROFIT_ORDERS = """t.organization_id = %(org)s AND t.order_date BETWEEN %(start)s AND %(end)s
   AND t.archived_at IS NULL AND t.status NOT IN ('cancelled', 'draft'){scope}"""
PROFIT_BY_ORDER_SQL = f"""
WITH g AS (
    SELECT {{key}} AS key, count(*) AS orders, count(*) FILTER (WHERE t.rate IS NULL) AS unrated,
           sum(t.base_profit) AS potential, sum(t.base_realised_profit) AS realised,
           sum(t.profit_left_out_lines) FILTER (WHERE t.rate IS NOT NULL) AS left_out
      FROM sales_ordertotals t
     WHERE {_PROFIT_ORDERS}
     GROUP BY 1
)
SELECT g.key::text, {{name}}, g.orders, g.unrated, g.potential, g.realised, g.left_out
  FROM g {{join}}
"""  # noqa: S608 - our own SQL only
# By mill (the line's supplier): each line's profit (sales.money's rules: to cents, realised as delivered / ordered
# capped at 100 %), converted at its order's rate and rounded to cents per line — summed per order and mill in
# ``sales_suppliertotals`` (kept with the orders' totals, for the counted orders only), so an order counts once per
# mill of its lines.
PROFIT_BY_MILL_SQL = """
WITH g AS (
    SELECT t.supplier_id AS key, count(*) AS orders, sum(t.unrated_lines) AS unrated, sum(t.potential) AS potential,
           sum(t.realised) AS realised, sum(t.left_out_lines) AS left_out
      FROM sales_suppliertotals t
     WHERE t.organization_id = %(org)s AND t.order_date BETWEEN %(start)s AND %(end)s{scope}
     GROUP BY 1
)
SELECT g.key::text, coalesce(s.legal_name, ''), g.orders, g.unrated, g.potential, g.realised, g.left_out
  FROM g LEFT JOIN partners_supplier s ON s.id = g.key
"""
_PROFIT_KEYS = {
    "customer": (
        "t.customer_id",
        CUSTOMER_NAME,
        "LEFT JOIN partners_customer c ON c.id = g.key",
    ),
    "merchandiser": (
        "t.merchandiser_id",
        f"coalesce({MEMBER_NAME}, '')",
        "LEFT JOIN tenancy_membership m ON m.id = g.key LEFT JOIN accounts_user u ON u.id = m.user_id",
    ),
    "month": ("date_trunc('month', t.order_date)::date", "''", ""),
}


def profit(*, organization: Any, filters: Filters) -> Report:
    """Potential profit (selling - buying - commission of the lines with both prices) and realised profit (the
    same scaled by what was delivered, at most the quantity) of the orders dated in the months, by customer, mill
    (the line's supplier), merchandiser or month: the top 20 by potential profit and the rest as "Others"."""
    start, end = _months(filters)
    by = filters.by
    params = _params(organization, filters)
    if by == "mill":
        rows = _rows(PROFIT_BY_MILL_SQL.format(scope=_scope(filters, "t")), params)
    else:
        key, name, join = _PROFIT_KEYS[by]
        rows = _rows(PROFIT_BY_ORDER_SQL.format(key=key, name=name, join=join, scope=_scope(filters, "t")), params)
    unrated = sum(r[3] for r in rows)
    left_out = sum(r[6] or 0 for r in rows)
    groups = [
        {"key": key, "name": name or "", "orders": orders, "potential": potential, "realised": realised}
        for key, name, orders, _unrated, potential, realised, _left in rows
    ]
    if by == "month":
        known = {g["key"]: g for g in groups}
        groups = []
        for month in months_between(start, end):
            group = known.get(month.isoformat(), {"orders": 0, "potential": None, "realised": None})
            groups.append(group | {"key": month.isoformat(), "name": month_label(month)})
    else:
        for group in groups:
            if group["key"] is None:
                group["name"] = {"mill": "No mill", "merchandiser": "Unassigned", "customer": "—"}[by]
        groups.sort(key=lambda g: (-(g["potential"] or ZERO), g["name"], g["key"] or ""))
        if len(groups) > TOP:
            rest = groups[TOP:]
            groups = groups[:TOP]
            others = {"key": None, "name": f"Others ({len(rest)})", "orders": sum(g["orders"] for g in rest)}
            others["potential"] = sum((g["potential"] or ZERO for g in rest), ZERO)
            others["realised"] = sum((g["realised"] or ZERO for g in rest), ZERO)
            groups.append(others)
    label = dict(PROFIT_GROUPS)[by]
    table = []
    for group in groups:
        potential, realised = group["potential"] or ZERO, group["realised"] or ZERO
        table.append(
            {
                "name": group["name"],
                "orders": group["orders"],
                "potential": potential,
                "realised": realised,
                "realised_percent": None if potential <= 0 else (realised * 100 / potential).quantize(Decimal("0.1")),
            }
        )
    potential_total = sum((r["potential"] for r in table), ZERO)
    realised_total = sum((r["realised"] for r in table), ZERO)
    totals = {
        "name": "Total",
        "orders": sum(r["orders"] for r in table) if by != "mill" else None,
        "potential": potential_total,
        "realised": realised_total,
        "realised_percent": None
        if potential_total <= 0
        else (realised_total * 100 / potential_total).quantize(Decimal("0.1")),
    }
    notes = _unrated_note(unrated, "order" if by != "mill" else "line")
    if left_out:
        notes.append(f"{left_out} line{'s' if left_out != 1 else ''} without a selling or mill price: left out.")
    if by == "mill":
        notes.append("An order with lines of several mills counts once under each.")
    return Report(
        key="profit",
        title=f"Potential vs realised profit by {label.lower()}",
        base_currency=organization.base_currency,
        columns=[
            Column("name", label),
            Column("orders", "Orders", NUMBER),
            Column("potential", "Potential profit", MONEY),
            Column("realised", "Realised profit", MONEY),
            Column("realised_percent", "Realised %", PERCENT),
        ],
        rows=table,
        totals=totals,
        chart={
            "type": "bar",
            "legend": True,
            "money": organization.base_currency,
            "labels": [r["name"] for r in table],
            "datasets": [
                {"label": "Potential", "data": [_number(r["potential"]) for r in table], "backgroundColor": "#a5b4fc"},
                {"label": "Realised", "data": [_number(r["realised"]) for r in table], "backgroundColor": "#4f46e5"},
            ],
        },
        notes=notes,
        filters=_filters_of(filters, by=by),
    )


# --- 3. on time in full ---------------------------------------------------------------------------------------------
# The lines due (their own ETD, else their order's) in the months and by today, of orders not cancelled, drafts or
# deleted, lines not archived, with what of each departed (shipments not cancelled or returned, with an actual
# departure): the first departure, all of it, and what departed on or before the ETD — ``logistics_linedepartures``,
# kept by triggers (``logistics.departures``), one index entry per due line. The tolerance is the order's, else the
# organisation's; a line nothing departed of is in full only when its quantity is 0.
OTIF_SQL = """
WITH per AS (
    SELECT y.customer_id, date_trunc('month', y.etd)::date AS month, count(*) AS due,
           count(*) FILTER (WHERE y.first_departed_on <= y.etd) AS on_time,
           count(*) FILTER (WHERE CASE WHEN y.first_departed_on IS NULL THEN y.quantity = 0
                                       ELSE y.departed >= y.needed END) AS in_full,
           count(*) FILTER (WHERE CASE WHEN y.first_departed_on IS NULL THEN y.quantity = 0
                                       ELSE y.departed_by_etd >= y.needed END) AS otif
      FROM (SELECT t.customer_id, t.etd, t.quantity, t.first_departed_on, t.departed, t.departed_by_etd,
                   t.quantity * (1 - coalesce(t.tolerance_percent, %(tolerance)s) / 100) AS needed
              FROM logistics_linedepartures t
             WHERE t.organization_id = %(org)s AND t.etd BETWEEN %(start)s AND %(due_until)s{scope}) y
     GROUP BY 1, 2
)
SELECT GROUPING(p.month) = 0 AS per_month, p.month, p.customer_id, max({customer}),
       sum(p.due)::bigint, sum(p.on_time)::bigint, sum(p.in_full)::bigint, sum(p.otif)::bigint
  FROM per p LEFT JOIN partners_customer c ON c.id = p.customer_id
 GROUP BY GROUPING SETS ((p.month), (p.customer_id))
"""


def otif(*, organization: Any, filters: Filters) -> Report:
    """Per month of the ETD (the line's, else its order's), the lines due by today: on time (something departed by
    the ETD), in full (what departed reaches the quantity less the tolerance) and on time in full (what departed by
    the ETD reaches it); the same per customer."""
    start, end = _months(filters)
    last = next_month(end) - datetime.timedelta(days=1)
    due_until = min(last, filters.today)
    params = _params(organization, filters, due_until=due_until, tolerance=organization.shipment_tolerance_percent)
    rows = _rows(OTIF_SQL.format(scope=_scope(filters, "t"), customer=CUSTOMER_NAME), params, work_mem=WORK_MEM)
    per_month = {r[1]: r[4:] for r in rows if r[0]}
    customers = sorted((r for r in rows if not r[0]), key=lambda r: (-r[4], r[3] or "", str(r[2])))

    def figures(name: str, counts: Iterable[int]) -> dict[str, Any]:
        due, on_time, in_full, both = counts
        return {
            "name": name,
            "due": due,
            "on_time": on_time,
            "in_full": in_full,
            "otif": both,
            "on_time_percent": _percent(on_time, due),
            "in_full_percent": _percent(in_full, due),
            "otif_percent": _percent(both, due),
        }

    months = [m for m in months_between(start, end) if m <= filters.today]
    table = [figures(month_label(m), per_month.get(m, (0, 0, 0, 0))) for m in months]
    totals = figures("Total", [sum(r[i] for r in per_month.values()) for i in range(4)])
    by_customer = [figures(r[3] or "", r[4:]) for r in customers]
    columns = [
        Column("name", "Month"),
        Column("due", "Lines due", NUMBER),
        Column("on_time", "On time", NUMBER),
        Column("in_full", "In full", NUMBER),
        Column("otif", "On time in full", NUMBER),
        Column("on_time_percent", "On time %", PERCENT),
        Column("in_full_percent", "In full %", PERCENT),
        Column("otif_percent", "OTIF %", PERCENT),
    ]
    report = Report(
        key="otif",
        title="On time in full",
        base_currency=organization.base_currency,
        columns=columns,
        rows=table,
        totals=totals,
        chart={
            "type": "line",
            "legend": True,
            "percent": True,
            "labels": [r["name"] for r in table],
            "datasets": [
                {"label": "OTIF %", "data": [_number(r["otif_percent"]) for r in table], "borderColor": "#4f46e5"},
                {
                    "label": "On time %",
                    "data": [_number(r["on_time_percent"]) for r in table],
                    "borderColor": "#0ea5e9",
                },
                {
                    "label": "In full %",
                    "data": [_number(r["in_full_percent"]) for r in table],
                    "borderColor": "#10b981",
                },
            ],
        },
        filters=_filters_of(filters),
    )
    report.sections = [Section("by_customer", "By customer", [Column("name", "Customer"), *columns[1:]], by_customer)]
    return report


# --- 4. late orders --------------------------------------------------------------------------------------------------
# The dashboard's late lines (open lines of open orders whose ETD — theirs, else their order's — is before today),
# each with its value (quantity x selling price, to cents) at its order's rate, to cents; read for the oldest only:
# the lines of the open-line groups (``sales_openlinetotals``, by order and ETD) as old as the oldest 100 groups or
# older — every group holds a line, so the oldest 100 lines are among them, ties on the last day included.
_LATE_LINES = f"""
SELECT l.id AS line_id, l.order_id, g.etd, g.customer_id, g.merchandiser_id, o.rate, %(today)s - g.etd AS days,
       round(round(l.quantity * l.selling_price, 2) * o.rate, 2) AS value
  FROM sales_openlinetotals g
  JOIN sales_ordertotals o ON o.order_id = g.order_id
  JOIN sales_line l ON l.order_id = g.order_id AND coalesce(l.etd, o.etd) = g.etd AND {OPEN_LINE_SQL}
 WHERE g.organization_id = %(org)s AND g.etd < %(today)s{{scope_g}}
   AND g.etd <= (SELECT max(f.etd)
                   FROM (SELECT t.etd FROM sales_openlinetotals t
                          WHERE t.organization_id = %(org)s AND t.etd < %(today)s{{scope}}
                          ORDER BY t.etd LIMIT %(oldest)s) f)
"""  # noqa: S608 - our own SQL only
# The summary reads the open orders' open lines by order and ETD (``sales_openlinetotals``, kept with the orders'
# totals: a few groups per order) before today from its ETD index, once, summed per customer x merchandiser: lines,
# value and unrated lines, all and per days-late bucket, and the orders — each at its first group (no earlier one:
# ``previous_etd`` is empty) and in each bucket at its first group there (the earlier one is in another bucket), so
# no count is a count of distinct orders and nothing is grouped by order (an order counts in a bucket when it has
# lines in it). Those sums are then added up per bucket, customer and merchandiser. Same figures as grouping the
# lines (docs/reports.md).
_LATE_BUCKET_KEYS = ("d1_7", "d8_30", "d31_60", "d60_plus")


def _late_bucket(etd: str) -> str:
    """The days-late bucket (1-4, as ``_LATE_BUCKET_KEYS``) of a day before today."""
    days = f"%(today)s - {etd}"
    return f"CASE WHEN {days} <= 7 THEN 1 WHEN {days} <= 30 THEN 2 WHEN {days} <= 60 THEN 3 ELSE 4 END"


_LATE_SUMS = "".join(
    f",\n sum(x.lines) FILTER (WHERE x.bucket = {n}) AS n_{key},"
    f" count(*) FILTER (WHERE x.bucket = {n} AND x.first_in_bucket) AS o_{key},"
    f" sum(x.value) FILTER (WHERE x.bucket = {n}) AS v_{key},"
    f" sum(x.lines) FILTER (WHERE x.bucket = {n} AND NOT x.rated) AS u_{key}"
    for n, key in enumerate(_LATE_BUCKET_KEYS, 1)
)
_LATE_TOTALS = ", ".join(
    f"sum(cm.n_{key}) AS n_{key}, sum(cm.o_{key}) AS o_{key}, sum(cm.v_{key}) AS v_{key}, sum(cm.u_{key}) AS u_{key}"
    for key in _LATE_BUCKET_KEYS
)
_LATE_BUCKETS = ", ".join(f"('{key}', s.n_{key}, s.o_{key}, s.v_{key}, s.u_{key})" for key in _LATE_BUCKET_KEYS)
LATE_SUMMARY_SQL = f"""
WITH cm AS MATERIALIZED (
    SELECT x.customer_id, x.merchandiser_id, sum(x.lines) AS n, count(*) FILTER (WHERE x.first) AS o,
           sum(x.value) AS v, sum(x.lines) FILTER (WHERE NOT x.rated) AS u{_LATE_SUMS}
      FROM (SELECT t.customer_id, t.merchandiser_id, t.rated, t.lines, t.value, {_late_bucket("t.etd")} AS bucket,
                   t.previous_etd IS NULL AS first,
                   t.previous_etd IS NULL OR {_late_bucket("t.previous_etd")} <> {_late_bucket("t.etd")}
                     AS first_in_bucket
              FROM sales_openlinetotals t
             WHERE t.organization_id = %(org)s AND t.etd < %(today)s{{scope}}) x
     GROUP BY 1, 2
), g AS (
    SELECT true AS per_bucket, false AS per_customer, b.bucket, NULL::uuid AS customer_id,
           NULL::uuid AS merchandiser_id, b.lines, b.orders, b.value, b.unrated
      FROM (SELECT {_LATE_TOTALS} FROM cm) s
     CROSS JOIN LATERAL (VALUES {_LATE_BUCKETS}) b(bucket, lines, orders, value, unrated)
     WHERE b.lines > 0
    UNION ALL
    SELECT false, true, NULL, cm.customer_id, NULL, sum(cm.n), sum(cm.o), sum(cm.v), sum(cm.u)
      FROM cm GROUP BY cm.customer_id
    UNION ALL
    SELECT false, false, NULL, NULL, cm.merchandiser_id, sum(cm.n), sum(cm.o), sum(cm.v), sum(cm.u)
      FROM cm GROUP BY cm.merchandiser_id
)
SELECT g.per_bucket, g.per_customer, g.bucket, coalesce(g.customer_id, g.merchandiser_id)::text,
       CASE WHEN g.per_customer THEN {CUSTOMER_NAME} ELSE {MEMBER_NAME} END,
       g.lines::bigint, g.orders::bigint, g.value, coalesce(g.unrated, 0)::bigint
  FROM g
  LEFT JOIN partners_customer c ON c.id = g.customer_id
  LEFT JOIN tenancy_membership m ON m.id = g.merchandiser_id
  LEFT JOIN accounts_user u ON u.id = m.user_id
"""  # noqa: S608 - our own SQL only
LATE_OLDEST_SQL = f"""
SELECT x.order_id, o.number, {CUSTOMER_NAME}, s.style_number, l.colour_code, x.etd, x.days, l.quantity,
       l.shipped_quantity, x.value, coalesce({MEMBER_NAME}, '')
  FROM ({_LATE_LINES} ORDER BY 3, 1 LIMIT %(oldest)s) x
  JOIN sales_line l ON l.id = x.line_id
  JOIN sales_order o ON o.id = x.order_id
  JOIN sales_style s ON s.id = l.style_id
  JOIN partners_customer c ON c.id = o.customer_id
  LEFT JOIN tenancy_membership m ON m.id = x.merchandiser_id
  LEFT JOIN accounts_user u ON u.id = m.user_id
 ORDER BY x.etd, x.line_id
"""  # noqa: S608 - our own SQL only


def late(*, organization: Any, filters: Filters) -> Report:
    """The open lines past their ETD (the dashboard's late lines): lines, orders and value by days late, by
    customer and by merchandiser; the oldest 100 listed with their orders."""
    params = _params(organization, filters, oldest=OLDEST)
    scope = _scope(filters, "t")
    summary = _rows(LATE_SUMMARY_SQL.format(scope=scope), params, work_mem=WORK_MEM)
    oldest = _rows(LATE_OLDEST_SQL.format(scope=scope, scope_g=_scope(filters, "g")), params)
    buckets = {r[2]: r for r in summary if r[0]}
    unrated = sum(r[8] for r in buckets.values())

    def group(name: str, row: tuple[Any, ...] | None) -> dict[str, Any]:
        return {
            "name": name,
            "lines": row[5] if row else 0,
            "orders": row[6] if row else 0,
            "value": (row[7] if row else None) or ZERO,
        }

    table = [group(label, buckets.get(key)) for key, label, *_ in (*LATE_BUCKETS, LATE_LAST)]
    totals = {
        "name": "Total",
        "lines": sum(r["lines"] for r in table),
        "orders": None,
        "value": sum((r["value"] for r in table), ZERO),
    }
    group_columns = [
        Column("lines", "Late lines", NUMBER),
        Column("orders", "Orders", NUMBER),
        Column("value", "Value", MONEY),
    ]

    def ranked(rows: list[tuple[Any, ...]], nobody: str) -> list[dict[str, Any]]:
        out = [group(r[4] or nobody, r) | {"key": r[3]} for r in rows]
        return sorted(out, key=lambda g: (-g["lines"], g["name"]))

    customers = ranked([r for r in summary if r[1]], "—")
    merchandisers = ranked([r for r in summary if not r[0] and not r[1]], "Unassigned")
    listed = [
        {
            "order_id": str(order_id),
            "order": number,
            "customer": customer,
            "style": style,
            "colour": colour,
            "etd": etd,
            "days_late": days,
            "quantity": quantity,
            "shipped": shipped,
            "value": value,
            "merchandiser": merchandiser,
        }
        for order_id, number, customer, style, colour, etd, days, quantity, shipped, value, merchandiser in oldest
    ]
    report = Report(
        key="late",
        title="Late orders",
        base_currency=organization.base_currency,
        columns=[Column("name", "Days late"), *group_columns],
        rows=table,
        totals=totals,
        chart={
            "type": "bar",
            "legend": False,
            "labels": [r["name"] for r in table],
            "datasets": [{"label": "Late lines", "data": [r["lines"] for r in table], "backgroundColor": "#f43f5e"}],
        },
        notes=_unrated_note(unrated, "line"),
        filters=_filters_of(filters),
    )
    report.sections = [
        Section("by_customer", "By customer", [Column("name", "Customer"), *group_columns], customers),
        Section("by_merchandiser", "By merchandiser", [Column("name", "Merchandiser"), *group_columns], merchandisers),
        Section(
            "oldest",
            f"The oldest {OLDEST}",
            [
                Column("order", "Order"),
                Column("customer", "Customer"),
                Column("style", "Style"),
                Column("colour", "Colour"),
                Column("etd", "ETD", DATE),
                Column("days_late", "Days late", NUMBER),
                Column("quantity", "Quantity", NUMBER),
                Column("shipped", "Shipped", NUMBER),
                Column("value", "Value", MONEY),
                Column("merchandiser", "Merchandiser"),
            ],
            listed,
        ),
    ]
    return report


# --- 5. LC exposure by expiry month ---------------------------------------------------------------------------------
# Open LCs (issued, confirmed or utilised: lcs' exposure) with what is still open (cap - utilised, the cap with its
# plus tolerance rounded to cents as lcs computes it), per expiry month, bank and currency, with today's rate.
LC_SQL = """
SELECT x.month, x.issuing_bank, x.currency, count(*), sum(x.open),
       tradeloom_rate_on(%(org)s, x.currency, %(base)s, %(today)s)
  FROM (SELECT date_trunc('month', lc.expiry_date)::date AS month, lc.issuing_bank, lc.currency,
               lc.amount + round(lc.amount * lc.tolerance_percent / 100, 2) - lc.utilised_amount AS open
          FROM lcs_letterofcredit lc
         WHERE lc.organization_id = %(org)s AND lc.status = ANY(%(statuses)s){scope}{months}) x
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3
"""


def lc_exposure(*, organization: Any, filters: Filters) -> Report:
    """What open LCs may still draw, in the base currency at today's rate, per expiry month, stacked by issuing
    bank (the months asked for; without them every open LC)."""
    months_sql = ""
    if filters.start is not None:
        months_sql += " AND lc.expiry_date >= %(start)s"
    if filters.end is not None:
        months_sql += " AND lc.expiry_date <= %(end)s"
    params = _params(organization, filters, base=organization.base_currency, statuses=sorted(AVAILABLE))
    rows = _rows(LC_SQL.format(scope=_scope(filters, "lc", merchandiser=False), months=months_sql), params)
    months = sorted({r[0] for r in rows})
    banks: dict[str, dict[datetime.date, Decimal]] = {}
    counts: dict[datetime.date, int] = {}
    unrated = 0
    for month, bank, _currency, n, open_amount, rate in rows:
        counts[month] = counts.get(month, 0) + n
        if rate is None:
            unrated += n
            continue
        per = banks.setdefault(bank, {})
        per[month] = per.get(month, ZERO) + (open_amount * rate).quantize(Decimal("0.01"))
    bank_names = sorted(banks)
    table = []
    for month in months:
        row: dict[str, Any] = {"month": month_label(month), "lcs": counts[month]}
        for n, bank in enumerate(bank_names):
            row[f"b{n}"] = banks[bank].get(month, ZERO)
        row["total"] = sum((banks[b].get(month, ZERO) for b in bank_names), ZERO)
        table.append(row)
    totals: dict[str, Any] = {"month": "Total", "lcs": sum(counts.values())}
    for n, bank in enumerate(bank_names):
        totals[f"b{n}"] = sum(banks[bank].values(), ZERO)
    totals["total"] = sum((r["total"] for r in table), ZERO)
    return Report(
        key="lc-exposure",
        title="LC exposure by expiry month",
        base_currency=organization.base_currency,
        columns=[
            Column("month", "Expiry month"),
            Column("lcs", "Open LCs", NUMBER),
            *(Column(f"b{n}", bank, MONEY) for n, bank in enumerate(bank_names)),
            Column("total", "Total", MONEY),
        ],
        rows=table,
        totals=totals,
        chart={
            "type": "bar",
            "stacked": True,
            "legend": True,
            "money": organization.base_currency,
            "labels": [r["month"] for r in table],
            "datasets": [
                {"label": bank, "data": [_number(r[f"b{n}"]) for r in table]} for n, bank in enumerate(bank_names)
            ],
        },
        notes=_unrated_note(unrated, "LC"),
        filters=_filters_of(filters),
    )


# --- 6. receivables ageing -------------------------------------------------------------------------------------------
def receivables_ageing(*, organization: Any, filters: Filters) -> Report:
    """``receivables.selectors.ageing`` as it is (one statement), in the base currency: a row per customer of each
    section (LC-backed, open account) with its buckets, charted by bucket."""
    as_of = filters.as_of or filters.today
    report = ageing(organization=organization, as_of=as_of)
    bucket_columns = [Column(key, label, MONEY) for key, label in BUCKETS]
    table = []
    for section in report.sections:
        for customer in section.customers:
            row: dict[str, Any] = {"section": section.label, "customer": customer.name}
            row |= {key: customer.base.get(key, ZERO) for key, _ in BUCKETS}
            table.append(row | {"total": customer.base.get("total", ZERO)})
    totals: dict[str, Any] = {"section": "Total", "customer": ""}
    totals |= {key: report.base.get(key, ZERO) for key, _ in BUCKETS}
    totals["total"] = report.base.get("total", ZERO)
    colours = {"lc_backed": "#0ea5e9", "open_account": "#6366f1"}
    return Report(
        key="ageing",
        title="Receivables ageing",
        base_currency=organization.base_currency,
        columns=[
            Column("section", "Section"),
            Column("customer", "Customer"),
            *bucket_columns,
            Column("total", "Total", MONEY),
        ],
        rows=table,
        totals=totals,
        chart={
            "type": "bar",
            "stacked": True,
            "legend": True,
            "money": organization.base_currency,
            "labels": [label for _, label in BUCKETS],
            "datasets": [
                {
                    "label": section.label,
                    "data": [_number(section.base.get(key)) for key, _ in BUCKETS],
                    "backgroundColor": colours[section.key],
                }
                for section in report.sections
            ],
        },
        notes=_unrated_note(report.unrated_invoices, "invoice"),
        filters={"as_of": as_of.isoformat()},
    )


# --- 7. workload per merchandiser ------------------------------------------------------------------------------------
WORKLOAD_SQL = f"""
WITH orders AS (
    SELECT t.merchandiser_id AS who, count(*) AS open_orders
      FROM sales_ordertotals t
     WHERE t.organization_id = %(org)s AND t.status = 'open' AND t.archived_at IS NULL{{scope}}
     GROUP BY 1
), lines AS (
    SELECT t.merchandiser_id AS who, sum(t.lines)::bigint AS open_lines,
           coalesce(sum(t.lines) FILTER (WHERE t.etd BETWEEN %(today)s AND %(due_until)s), 0)::bigint AS due,
           coalesce(sum(t.lines) FILTER (WHERE t.etd < %(today)s), 0)::bigint AS late
      FROM sales_openlinetotals t
     WHERE t.organization_id = %(org)s{{scope}}
     GROUP BY 1
), milestones AS (
    SELECT ms.responsible_id AS who,
           count(*) FILTER (WHERE ms.forecast_date BETWEEN %(today)s AND %(milestones_until)s) AS due,
           count(*) FILTER (WHERE ms.planned_date < %(today)s) AS late
      FROM tna_milestone ms
     WHERE ms.organization_id = %(org)s AND ms.status = 'pending'
       AND (ms.forecast_date BETWEEN %(today)s AND %(milestones_until)s OR ms.planned_date < %(today)s){{scope_ms}}
     GROUP BY 1
), gates AS (
    SELECT t.merchandiser_id AS who, sum(w.waiting)::bigint AS waiting
      FROM approvals_waitinggates w JOIN sales_ordertotals t ON t.order_id = w.order_id
     WHERE w.organization_id = %(org)s AND w.waiting > 0
       AND t.status = 'open' AND t.archived_at IS NULL{{scope}}
     GROUP BY 1
), work_orders AS (
    SELECT t.merchandiser_id AS who, count(*) AS late
      FROM production_workorder w JOIN sales_ordertotals t ON t.order_id = w.order_id
     WHERE w.organization_id = %(org)s AND w.is_late AND w.status = ANY(%(wo_open)s) AND w.archived_at IS NULL{{scope}}
     GROUP BY 1
), who AS (
    SELECT who FROM orders UNION SELECT who FROM lines UNION SELECT who FROM milestones
    UNION SELECT who FROM gates UNION SELECT who FROM work_orders
)
SELECT w.who::text, coalesce({MEMBER_NAME}, ''), coalesce(o.open_orders, 0), coalesce(l.open_lines, 0),
       coalesce(l.due, 0), coalesce(l.late, 0), coalesce(ms.due, 0), coalesce(ms.late, 0), coalesce(g.waiting, 0),
       coalesce(wo.late, 0)
  FROM who w
  LEFT JOIN orders o ON o.who IS NOT DISTINCT FROM w.who
  LEFT JOIN lines l ON l.who IS NOT DISTINCT FROM w.who
  LEFT JOIN milestones ms ON ms.who IS NOT DISTINCT FROM w.who
  LEFT JOIN gates g ON g.who IS NOT DISTINCT FROM w.who
  LEFT JOIN work_orders wo ON wo.who IS NOT DISTINCT FROM w.who
  LEFT JOIN tenancy_membership m ON m.id = w.who
  LEFT JOIN accounts_user u ON u.id = m.user_id
"""  # noqa: S608 - our own SQL only
WORKLOAD_FIGURES = (
    ("open_orders", "Open orders"),
    ("open_lines", "Open lines"),
    ("lines_due", f"Lines due in {DUE_DAYS} days"),
    ("lines_late", "Late lines"),
    ("milestones_due", f"T&A due in {MILESTONE_DAYS} days"),
    ("milestones_late", "T&A late"),
    ("gates_waiting", "Gates waiting"),
    ("work_orders_late", "Work orders late"),
)


def workload(*, organization: Any, filters: Filters) -> Report:
    """Per merchandiser (the order's; a milestone's responsible): open orders, open lines, lines due in the next 14
    days and late, pending T&A milestones due in the next 7 days and late, approval gates waiting for the buyer and
    late work orders of their open orders."""
    params = _params(
        organization,
        filters,
        due_until=filters.today + datetime.timedelta(days=DUE_DAYS),
        milestones_until=filters.today + datetime.timedelta(days=MILESTONE_DAYS),
        wo_open=sorted(OPEN),
    )
    scope = _scope(filters, "t")
    scope_ms = "" if filters.merchandiser_id is None else " AND ms.responsible_id = %(merchandiser)s"
    if filters.customer_id is not None:  # milestones of the customer's orders only
        scope_ms += (
            " AND EXISTS (SELECT 1 FROM tna_plan p JOIN sales_ordertotals t ON t.order_id = p.order_id"
            " WHERE p.id = ms.plan_id AND t.customer_id = %(customer)s)"
        )
    rows = _rows(WORKLOAD_SQL.format(scope=scope, scope_ms=scope_ms), params)
    keys = [k for k, _ in WORKLOAD_FIGURES]
    table = []
    for who, name, *figures in rows:
        table.append({"name": name or ("Unassigned" if who is None else "—"), **dict(zip(keys, figures, strict=True))})
    table.sort(key=lambda r: (r["name"] == "Unassigned", -r["open_lines"], r["name"]))
    totals = {"name": "Total"} | {k: sum(r[k] for r in table) for k in keys}
    chart_keys = ("lines_due", "lines_late", "milestones_late", "gates_waiting", "work_orders_late")
    colours = ("#0ea5e9", "#f43f5e", "#f59e0b", "#a855f7", "#64748b")
    labels = dict(WORKLOAD_FIGURES)
    return Report(
        key="workload",
        title="Workload per merchandiser",
        base_currency=organization.base_currency,
        columns=[Column("name", "Merchandiser"), *(Column(k, label, NUMBER) for k, label in WORKLOAD_FIGURES)],
        rows=table,
        totals=totals,
        chart={
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "legend": True,
            "labels": [r["name"] for r in table],
            "datasets": [
                {"label": labels[k], "data": [r[k] for r in table], "backgroundColor": colour}
                for k, colour in zip(chart_keys, colours, strict=True)
            ],
        },
        filters=_filters_of(filters),
    )


# --- the catalogue ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    summary: str
    compute: Callable[..., Report]
    filters: tuple[str, ...]  # of: from, to, customer, merchandiser, by, as_of
    window: tuple[int, int] | None  # default months (from, to) relative to this month; None: no bound


KINDS: dict[str, ReportKind] = {
    kind.key: kind
    for kind in (
        ReportKind(
            "pipeline",
            "Pipeline by stage and month",
            "Open orders' value by stage and month of the order's ETD.",
            pipeline,
            ("from", "to", "customer", "merchandiser"),
            (-11, 6),
        ),
        ReportKind(
            "profit",
            "Potential vs realised profit",
            "By customer, mill, merchandiser or month of the order date: the top 20 and the others.",
            profit,
            ("from", "to", "customer", "merchandiser", "by"),
            (-11, 0),
        ),
        ReportKind(
            "otif",
            "On time in full",
            "Lines due per month of their ETD: departed on time, in full, both; by customer.",
            otif,
            ("from", "to", "customer", "merchandiser"),
            (-11, 6),
        ),
        ReportKind(
            "late",
            "Late orders",
            "Open lines past their ETD by days late, customer and merchandiser; the oldest 100.",
            late,
            ("customer", "merchandiser"),
            None,
        ),
        ReportKind(
            "lc-exposure",
            "LC exposure by expiry month",
            "What open letters of credit may still draw, per expiry month and issuing bank.",
            lc_exposure,
            ("from", "to", "customer"),
            None,
        ),
        ReportKind(
            "ageing",
            "Receivables ageing",
            "What customers owe by days past due, LC-backed and open account apart.",
            receivables_ageing,
            ("as_of",),
            None,
        ),
        ReportKind(
            "workload",
            "Workload per merchandiser",
            "Open orders and lines, what is due and late, T&A, gates waiting and late work orders.",
            workload,
            ("customer", "merchandiser"),
            None,
        ),
    )
}


def report_run(*, organization: Any, key: str, filters: Filters) -> Report:
    """The report, read on the replica when one is configured (``core.replica``; the request's database otherwise)."""
    with replica.report_reads(organization=organization):
        return KINDS[key].compute(organization=organization, filters=filters)
