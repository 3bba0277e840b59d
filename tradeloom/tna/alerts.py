"""Alert kinds on T&A milestones (``core.alert_kinds``): a milestone due within N days, a milestone late, and the
forecast ex-factory after the ETD. Registered by ``register()`` from ``TnaConfig.ready()``; the alerts app evaluates
them with the others (docs/alerts.md).

Each condition is one set-based statement over every organisation with the rule on, walking the milestones' indexes
that lead with the organisation. Only pending milestones of open orders (confirmed, not archived) count; a milestone
done, or an order closed or cancelled, resolves its alert at the next pass. The record is the milestone; the
responsible member is the milestone's responsible, else the order's merchandiser. The label is
``SO-000123 · NAVY · Knitting`` (the line's colour for a line's plan). The forecasts the conditions read are kept by
the services and refreshed each morning (``tasks.refresh``).
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.tna.models import EX_FACTORY

_LABEL = "x.number || coalesce(' · ' || nullif(x.colour_code, ''), '') || ' · ' || x.name"


def _link() -> str:
    return url_sql("sales:order", slug="x.org_slug", order_id="x.order_id") + " || '?tab=tna'"


def _select(where: str, rules: Rules, detail: str) -> Condition:
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link,
       x.responsible_id, {detail} AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, r.today, r.days, m.id, m.code, m.name, m.planned_date, m.forecast_date,
           m.slippage_days, p.order_id, o.number, l.colour_code, coalesce(l.etd, o.etd) AS etd,
           coalesce(m.responsible_id, o.merchandiser_id) AS responsible_id
      FROM {rules.relation} r
      JOIN tna_milestone m ON m.organization_id = r.organization_id AND m.status = 'pending'
      JOIN tna_plan p ON p.id = m.plan_id
      JOIN sales_order o ON o.id = p.order_id
      LEFT JOIN sales_line l ON l.id = p.line_id
     WHERE o.status = 'open' AND o.archived_at IS NULL AND ({where})
  ) x
""")  # noqa: S608 - our own table and column names, no input


def milestone_due(rules: Rules) -> Condition:
    """Pending milestones forecast between today and today + N days (both included)."""
    return _select(
        "m.forecast_date BETWEEN r.today AND r.today + r.days",
        rules,
        "jsonb_build_object('date', x.forecast_date, 'planned', x.planned_date, 'slippage_days', x.slippage_days)",
    )


def milestone_late(rules: Rules) -> Condition:
    """Pending milestones whose planned date is more than N days past (N = 0: any day past)."""
    return _select(
        "m.planned_date < r.today - r.days",
        rules,
        "jsonb_build_object('date', x.planned_date, 'forecast', x.forecast_date, "
        "'days_late', x.today - x.planned_date)",
    )


def ex_factory_after_etd(rules: Rules) -> Condition:
    """The ex-factory milestone (pending) forecast more than N days after the ETD of its line (else its order)."""
    return _select(
        f"m.code = '{EX_FACTORY}' AND m.forecast_date > coalesce(l.etd, o.etd) + r.days",
        rules,
        "jsonb_build_object('date', x.forecast_date, 'etd', x.etd, 'days_after', x.forecast_date - x.etd)",
    )


RESPONSIBLE = "The milestone's responsible, else the order's merchandiser"

TNA_KINDS = (
    AlertKind(
        code="milestone_due",
        label="Milestone due within N days",
        description=(
            "A pending T&A milestone of an open order is forecast between today and today + N days (both included)."
        ),
        default_days=3,
        unit="Days ahead",
        target="tna.milestone",
        evaluate=milestone_due,
        severity="info",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="milestone_late",
        label="Milestone late",
        description=(
            "A pending T&A milestone of an open order is past its planned date by more than N days (0: any day)."
        ),
        default_days=0,
        unit="Days of grace",
        target="tna.milestone",
        evaluate=milestone_late,
        severity="warning",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="ex_factory_after_etd",
        label="Forecast ex-factory after the ETD",
        description=(
            "The ex-factory milestone of a T&A plan is forecast more than N days after the ETD of its line (else "
            "of its order): the shipment will miss it unless something moves."
        ),
        default_days=0,
        unit="Days of grace",
        target="tna.milestone",
        evaluate=ex_factory_after_etd,
        severity="critical",
        responsible=RESPONSIBLE,
    ),
)


def register() -> None:
    """Put the kinds in the platform's registry (``TnaConfig.ready()``; registering twice is a no-op)."""
    for kind in TNA_KINDS:
        ALERT_KINDS.register(kind.code, kind)
