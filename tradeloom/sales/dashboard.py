"""The dashboard's order panels (registered in ``tenancy.dashboard.DASHBOARD_PANELS`` by ``SalesConfig.ready``):
the pipeline's value by stage, potential and realised profit this month and quarter, top customers this quarter,
lines due in the next 14 days and late lines.

Every figure is computed in SQL, in one statement per panel whatever the number of orders:

* money from the tables the database keeps (``sales.totals``): the pipeline from the open orders by merchandiser,
  stage and currency (``sales_stagetotals``, a few dozen rows), the periods and customers from one row per order
  (``sales_ordertotals``, through the (organisation, order date) index alone). Each order's figures are the orders
  list's, and in the base currency each is converted at the rate of the order's date and rounded as the order's
  page shows it, so a sum here is the sum of what the orders' pages say. An order without a rate is in no
  base-currency figure: the panel names its currency, orders and amount instead. Lines whose cost or price is
  missing are left out of profit (their profit is unknown) and counted;
* lines from ``sales_line`` through the partial index of open lines by ETD (``sales_line_open_etd_idx``); a line
  without an ETD of its own is due on its order's ETD (``sales_ordertotals_undated_idx`` finds those orders).

"Open" is the orders' pipeline: status open, not deleted; the profit and top customers count every order not
cancelled, deleted or still a draft (a draft is not confirmed to the buyer: docs/sales.md). An open line is neither
completed nor archived and not fully delivered. Days are the organisation's (``dashboard.today`` is
``timezone.localdate()`` in its zone): "this month" and "this quarter" are calendar periods of the order date,
"late" an ETD before today, "next 14 days" today to today + 14. Visibility is the orders list's: a merchandiser
restricted to their orders (``selectors.merchandiser_restricted``) sees only theirs in every figure.

Counts that could reach hundreds of thousands (late lines at a million orders) stop at ``CAP`` and read "1,000+":
the read walks the index from today backwards and stops, so it costs the same at any size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection

from tradeloom.sales.models import Line
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.sales.services import STAGES
from tradeloom.sales.totals import OPEN_LINE_SQL
from tradeloom.tenancy.dashboard import Dashboard

CAP = 1000  # a count that reaches it reads "1,000+"
SHOWN = 8  # lines listed in a panel
DUE_DAYS = 14
TOP_CUSTOMERS = 5


def _scope(dashboard: Dashboard, alias: str) -> tuple[str, dict[str, Any]]:
    """The member's orders: a condition on ``alias``'s merchandiser when they see only theirs, and the parameters
    every statement takes."""
    organization = dashboard.organization
    params = {"org": organization.pk, "today": dashboard.today}
    if merchandiser_restricted(organization=organization, membership=dashboard.membership):
        params["merchandiser"] = dashboard.membership.pk
        return f" AND {alias}.merchandiser_id = %(merchandiser)s", params
    return "", params


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _json(chart: dict[str, Any]) -> str:
    return orjson.dumps(chart).decode()


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


@dataclass(frozen=True)
class Unrated:
    """Orders in a currency with no rate to the base currency on their dates: their figure in that currency."""

    currency: str
    orders: int
    amount: Decimal | None


def _unrated(groups: Iterable[tuple[str, int, Decimal | None]]) -> list[Unrated]:
    merged: dict[str, tuple[int, Decimal | None]] = {}
    for currency, orders, amount in groups:
        count, total = merged.get(currency, (0, None))
        merged[currency] = (count + orders, _add(total, amount))
    return [Unrated(currency, orders, amount) for currency, (orders, amount) in sorted(merged.items())]


# --- the pipeline: open orders' value by stage --------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    name: str  # "" for orders without a stage
    orders: int
    value: Decimal | None  # base currency; None when no order of the stage has a known value and a rate


@dataclass(frozen=True)
class Pipeline:
    stages: list[Stage]
    orders: int
    value: Decimal | None
    unrated: list[Unrated]
    price_missing_lines: int


# The stage rollup's rows of the member's orders: per stage and currency, those with a rate (their base-currency
# value) and those without (their value in the currency).
PIPELINE_SQL = """
SELECT s.stage, s.currency, s.rated, sum(s.orders), sum(s.valued_orders), sum(s.value), sum(s.base_value),
       sum(s.price_missing_lines)
  FROM sales_stagetotals s
 WHERE s.organization_id = %(org)s{scope}
 GROUP BY 1, 2, 3
HAVING sum(s.orders) > 0
"""


def pipeline(dashboard: Dashboard) -> Pipeline:
    scope, params = _scope(dashboard, "s")
    configured = list((dashboard.organization.settings or {}).get("order_stages") or STAGES)
    counts: dict[str, int] = {}
    values: dict[str, Decimal | None] = {}
    unrated = []
    missing = 0
    for stage, currency, rated, orders, valued, value, base_value, price_missing in _rows(
        PIPELINE_SQL.format(scope=scope), params
    ):
        counts[stage] = counts.get(stage, 0) + orders
        missing += price_missing
        if not rated:
            unrated.append((currency, orders, value if valued else None))
        elif valued:
            values[stage] = _add(values.get(stage), base_value)
    known = {name: n for n, name in enumerate(configured)}
    others = sorted((name for name in counts if name not in known), key=lambda name: (name == "", name))
    # every configured stage, empty ones too (the funnel's shape is part of the picture), then any other
    stages = [Stage(name, counts.get(name, 0), values.get(name)) for name in configured + others]
    total = None
    for stage in stages:
        total = _add(total, stage.value)
    return Pipeline(
        stages=stages,
        orders=sum(counts.values()),
        value=total,
        unrated=_unrated(unrated),
        price_missing_lines=missing,
    )


def _stage_label(name: str) -> str:
    return name[:1].upper() + name[1:] if name else "No stage"


def pipeline_panel(dashboard: Dashboard) -> dict[str, Any]:
    figures = dashboard.once("sales.pipeline", pipeline)
    base = dashboard.organization.base_currency
    chart = {
        "type": "bar",
        "horizontal": True,
        "money": base,
        "labels": [_stage_label(stage.name) for stage in figures.stages],
        "datasets": [{"label": f"Value ({base})", "data": [float(s.value or 0) for s in figures.stages]}],
    }
    return {"pipeline": figures, "chart": _json(chart) if figures.orders else None}


def pipeline_figure(dashboard: Dashboard) -> dict[str, Any]:
    return {"pipeline": dashboard.once("sales.pipeline", pipeline)}


# --- profit this month and this quarter ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    orders: int = 0
    value: Decimal | None = None
    profit: Decimal | None = None  # potential: the lines with a cost and a price
    realised: Decimal | None = None
    lines: int = 0
    cost_missing_lines: int = 0
    price_missing_lines: int = 0
    profit_left_out_lines: int = 0
    unrated: tuple[Unrated, ...] = ()

    @property
    def realised_percent(self) -> int | None:
        if self.profit is None or self.realised is None or self.profit <= 0:
            return None
        return round(self.realised * 100 / self.profit)


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def quarter_of(day: date) -> tuple[date, date]:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, following - timedelta(days=1)


# The quarter's orders (dated in it, not cancelled, not deleted) in two groups, this month's and the others, each
# with the orders without a rate apart by currency (their profit, else value, in it). From the index alone.
PROFIT_SQL = """
SELECT t.order_date BETWEEN %(month_start)s AND %(month_end)s AS this_month,
       CASE WHEN t.rate IS NULL THEN t.currency END AS unrated,
       count(*), sum(t.base_value), sum(t.base_profit), sum(t.base_realised_profit),
       coalesce(sum(t.profit), sum(t.value)),
       sum(t.line_count), sum(t.cost_missing_lines), sum(t.price_missing_lines), sum(t.profit_left_out_lines)
  FROM sales_ordertotals t
 WHERE t.organization_id = %(org)s AND t.order_date BETWEEN %(start)s AND %(end)s
   AND t.archived_at IS NULL AND t.status NOT IN ('cancelled', 'draft'){scope}
 GROUP BY 1, 2
"""


def _period(label: str, start: date, end: date, rows: list[tuple[Any, ...]]) -> Period:
    orders = lines = cost_missing = price_missing = left_out = 0
    value = profit_ = realised = None
    unrated = []
    for _month, currency, n, base_value, base_profit, base_realised, own, line_count, *missing in rows:
        orders, lines = orders + n, lines + line_count
        cost_missing, price_missing = cost_missing + missing[0], price_missing + missing[1]
        left_out += missing[2]
        if currency is None:
            value, profit_ = _add(value, base_value), _add(profit_, base_profit)
            realised = _add(realised, base_realised)
        else:
            unrated.append((currency, n, own))
    return Period(
        label=label,
        start=start,
        end=end,
        orders=orders,
        value=value,
        profit=profit_,
        realised=realised,
        lines=lines,
        cost_missing_lines=cost_missing,
        price_missing_lines=price_missing,
        profit_left_out_lines=left_out,
        unrated=tuple(_unrated(unrated)),
    )


@dataclass(frozen=True)
class Profit:
    month: Period
    quarter: Period


def profit(dashboard: Dashboard) -> Profit:
    month_start, month_end = month_of(dashboard.today)
    start, end = quarter_of(dashboard.today)
    scope, params = _scope(dashboard, "t")
    params |= {"start": start, "end": end, "month_start": month_start, "month_end": month_end}
    rows = _rows(PROFIT_SQL.format(scope=scope), params)
    quarter = f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return Profit(
        month=_period(dashboard.today.strftime("%B %Y"), month_start, month_end, [r for r in rows if r[0]]),
        quarter=_period(quarter, start, end, rows),
    )


def profit_panel(dashboard: Dashboard) -> dict[str, Any]:
    return {"profit": dashboard.once("sales.profit", profit)}


# --- top customers this quarter ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerValue:
    customer_id: Any
    name: str
    orders: int
    value: Decimal
    percent: int | None  # of the quarter's value


TOP_CUSTOMERS_SQL = """
WITH top AS (
    SELECT t.customer_id, count(*) AS orders, sum(t.base_value) AS value
      FROM sales_ordertotals t
     WHERE t.organization_id = %(org)s AND t.order_date BETWEEN %(start)s AND %(end)s
       AND t.archived_at IS NULL AND t.status NOT IN ('cancelled', 'draft') AND t.base_value IS NOT NULL{scope}
     GROUP BY t.customer_id
     ORDER BY value DESC, t.customer_id
     LIMIT %(limit)s
)
SELECT top.customer_id, coalesce(nullif(c.trade_name, ''), c.legal_name), top.orders, top.value
  FROM top JOIN partners_customer c ON c.id = top.customer_id
 ORDER BY top.value DESC, top.customer_id
"""


def top_customers(dashboard: Dashboard) -> list[CustomerValue]:
    start, end = quarter_of(dashboard.today)
    scope, params = _scope(dashboard, "t")
    params |= {"start": start, "end": end, "limit": TOP_CUSTOMERS}
    total = dashboard.once("sales.profit", profit).quarter.value
    return [
        CustomerValue(pk, name, orders, value, round(value * 100 / total) if total else None)
        for pk, name, orders, value in _rows(TOP_CUSTOMERS_SQL.format(scope=scope), params)
    ]


def top_customers_panel(dashboard: Dashboard) -> dict[str, Any]:
    return {"customers": top_customers(dashboard), "quarter": dashboard.once("sales.profit", profit).quarter}


# --- lines due: the next 14 days, and late -------------------------------------------------------------------------
@dataclass(frozen=True)
class DueLine:
    order_id: Any
    order_number: str
    customer: str
    style_number: str
    colour: str
    quantity: Decimal
    unit: str
    status: str
    etd: date
    days: int  # ETD - today: 0 due today, negative late

    @property
    def status_label(self) -> str:
        return str(Line.Status(self.status).label)


# The open lines of open orders (an order's status read from its totals row: the index of open orders answers it
# without a visit to the table) whose ETD — their own, else their order's — is in a range
# (``{range}``), each branch optionally cut (``{order_l}``, ``{order_t}``: the latest first, at most so many): through
# the open-lines index for lines with an ETD, through the orders that have undated open lines for the others.
_DUE_LINES = f"""
(SELECT l.id AS line_id, l.order_id, l.etd
   FROM sales_line l JOIN sales_ordertotals o ON o.order_id = l.order_id
  WHERE l.organization_id = %(org)s AND l.etd IS NOT NULL AND l.etd {{range}} AND {OPEN_LINE_SQL}
    AND o.status = 'open' AND o.archived_at IS NULL{{scope_o}}
  {{order_l}})
UNION ALL
(SELECT l.id, l.order_id, t.etd
   FROM sales_ordertotals t JOIN sales_line l ON l.order_id = t.order_id
  WHERE t.organization_id = %(org)s AND t.status = 'open' AND t.archived_at IS NULL AND t.open_lines_without_etd > 0
    AND t.etd {{range}} AND l.etd IS NULL AND {OPEN_LINE_SQL}{{scope_t}}
  {{order_t}})
"""  # noqa: S608 - our own table and column names, no input
# The counts of ``picked`` (lines; orders, and lines per day, when ``{per_day}``) and the first ``SHOWN`` of its lines
# with what a panel shows of each: one row per line listed, or one row of counts when there is none.
_COUNTED_AND_SHOWN = """
WITH picked AS MATERIALIZED ({picked}),
counted AS (
    SELECT (SELECT count(*) FROM picked) AS lines,
           {orders} AS orders,
           {days} AS days
)
SELECT counted.lines, counted.orders, counted.days, x.*
  FROM counted
  LEFT JOIN LATERAL (
      SELECT p.order_id, o.number, coalesce(nullif(c.trade_name, ''), c.legal_name), s.style_number,
             l.colour_code || CASE WHEN l.cad_code <> '' THEN ' / ' || l.cad_code ELSE '' END, l.quantity, u.code,
             l.status, p.etd, p.line_id
        FROM (SELECT * FROM picked ORDER BY etd {direction}, line_id LIMIT %(shown)s) p
        JOIN sales_line l ON l.id = p.line_id
        JOIN sales_order o ON o.id = p.order_id
        JOIN sales_style s ON s.id = l.style_id
        JOIN partners_customer c ON c.id = o.customer_id
        JOIN catalog_unitofmeasure u ON u.id = l.unit_id
  ) x ON true
 ORDER BY x.etd {direction}, x.line_id
"""
_PER_DAY = (
    "(SELECT ARRAY[array_agg(etd ORDER BY etd)::text[], array_agg(n ORDER BY etd)::text[]]"
    " FROM (SELECT etd, count(*) AS n FROM picked GROUP BY etd) d)"
)

DUE_SQL = _COUNTED_AND_SHOWN.format(
    picked=_DUE_LINES.format(
        range="BETWEEN %(today)s AND %(until)s", order_l="", order_t="", scope_o="{scope_o}", scope_t="{scope_t}"
    ),
    orders="(SELECT count(DISTINCT order_id) FROM picked)",
    days=_PER_DAY,
    direction="",
)
LATE_SQL = _COUNTED_AND_SHOWN.format(
    picked=_DUE_LINES.format(
        range="< %(today)s",
        order_l="ORDER BY l.etd DESC LIMIT %(cap)s",
        order_t="ORDER BY t.etd DESC LIMIT %(cap)s",
        scope_o="{scope_o}",
        scope_t="{scope_t}",
    ),
    orders="NULL::bigint",
    days="NULL::text[]",
    direction="DESC",
)


@dataclass(frozen=True)
class LinesDue:
    lines: list[DueLine]
    count: int  # lines; for late lines at most CAP (``more``: there are more)
    orders: int | None = None
    by_day: tuple[tuple[date, int], ...] = ()
    until: date | None = None
    more: bool = False


def _lines(sql: str, dashboard: Dashboard, extra: dict[str, Any]) -> tuple[int, int | None, Any, list[DueLine]]:
    scope_o, params = _scope(dashboard, "o")
    scope_t, _ = _scope(dashboard, "t")
    rows = _rows(sql.format(scope_o=scope_o, scope_t=scope_t), params | extra | {"shown": SHOWN})
    count, orders, days = rows[0][:3]
    today = dashboard.today
    shown = [
        DueLine(order_id, number, customer, style, colour, quantity, unit, status, etd, (etd - today).days)
        for *_counts, order_id, number, customer, style, colour, quantity, unit, status, etd, _line in rows
        if order_id is not None
    ]
    return count, orders, days, shown


def lines_due(dashboard: Dashboard) -> LinesDue:
    until = dashboard.today + timedelta(days=DUE_DAYS)
    count, orders, days, shown = _lines(DUE_SQL, dashboard, {"until": until})
    dated, counts = days if days and days[0] else ([], [])
    per = {date.fromisoformat(day): int(n) for day, n in zip(dated, counts, strict=True)}
    by_day = tuple(
        (dashboard.today + timedelta(days=n), per.get(dashboard.today + timedelta(days=n), 0))
        for n in range(DUE_DAYS + 1)
    )
    return LinesDue(lines=shown, count=count, orders=orders, by_day=by_day, until=until)


def lines_late(dashboard: Dashboard) -> LinesDue:
    count, _orders, _days, shown = _lines(LATE_SQL, dashboard, {"cap": CAP + 1})
    return LinesDue(lines=shown, count=min(count, CAP), more=count > CAP)


def due_panel(dashboard: Dashboard) -> dict[str, Any]:
    due = dashboard.once("sales.due", lines_due)
    chart = {
        "type": "bar",
        "labels": ["Today" if n == 0 else day.strftime("%a %-d") for n, (day, _) in enumerate(due.by_day)],
        "datasets": [{"label": "Open lines", "data": [count for _, count in due.by_day]}],
    }
    return {"due": due, "days": DUE_DAYS, "chart": _json(chart)}


def due_figure(dashboard: Dashboard) -> dict[str, Any]:
    return {"due": dashboard.once("sales.due", lines_due), "days": DUE_DAYS}


def late_panel(dashboard: Dashboard) -> dict[str, Any]:
    return {"late": dashboard.once("sales.late", lines_late)}
