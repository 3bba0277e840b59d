"""Alert kinds on work orders (``core.alert_kinds``): a work order late, and a running work order with no production
reported for N days (3 by default). Registered by ``register()`` from ``ProductionConfig.ready()``; the alerts app
evaluates them with the others (docs/alerts.md).

Each condition is one set-based statement over every organisation with the rule on:

* ``work_order_late``: an open work order (pending or in progress) whose late flag is set — its due date has passed,
  or its estimated completion falls after it, or nothing was finished lately and it is due within the rate window
  (``services.figures``; the flag is written with every entry and each morning). N is not used (0); the alert
  resolves when the flag clears or the work order completes or is cancelled;
* ``production_not_reported``: a work order in progress whose last production day (else its start date, else the
  day it was made) is **more than** N days before today.

The record is the work order; the responsible member is its order's merchandiser, else the member who made it. The
label is ``WO-000001 · product`` (the item's name when it makes a catalog item).
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.production import states

_OPEN = ", ".join(f"'{status}'" for status in sorted(states.OPEN))

_LABEL = """(SELECT w.number || ' · ' || coalesce(nullif(w.product_name, ''), i.name, '')
     FROM production_workorder w LEFT JOIN catalog_item i ON i.id = w.item_id WHERE w.id = x.id)"""

_RESPONSIBLE = """coalesce(
    (SELECT o.merchandiser_id FROM sales_order o WHERE o.id = x.order_id),
    (SELECT m.id FROM tenancy_membership m
      WHERE m.organization_id = x.organization_id AND m.user_id = x.created_by_id AND m.is_active LIMIT 1))"""


def _link() -> str:
    return url_sql("production:work-order", slug="x.org_slug", work_order_id="x.id")


def late(rules: Rules) -> Condition:
    """Open work orders flagged late."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link, {_RESPONSIBLE} AS responsible_id,
       jsonb_build_object('due_date', x.due_date, 'estimated_completion', x.estimated_completion,
                          'progress_percent', x.progress_percent, 'status', x.status) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, w.id, w.organization_id, w.order_id, w.created_by_id, w.due_date,
           w.estimated_completion, w.progress_percent, w.status
      FROM {rules.relation} r
      JOIN production_workorder w ON w.organization_id = r.organization_id
     WHERE w.status IN ({_OPEN}) AND w.is_late
  ) x
""")  # noqa: S608 - our own table and column names, no input


def not_reported(rules: Rules) -> Condition:
    """Work orders in progress with nothing reported for more than N days."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link, {_RESPONSIBLE} AS responsible_id,
       jsonb_build_object('last_reported_on', x.last_reported_on, 'since', x.since,
                          'days', x.r_today - x.since) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, r.today AS r_today, w.id, w.organization_id, w.order_id, w.created_by_id,
           w.last_reported_on,
           coalesce(w.last_reported_on, w.started_on, (w.created_at AT TIME ZONE 'UTC')::date) AS since
      FROM {rules.relation} r
      JOIN production_workorder w ON w.organization_id = r.organization_id
     WHERE w.status = '{states.IN_PROGRESS}'
       AND coalesce(w.last_reported_on, w.started_on, (w.created_at AT TIME ZONE 'UTC')::date) < r.today - r.days
  ) x
""")  # noqa: S608 - our own table and column names, no input


RESPONSIBLE = "The merchandiser of the work order's sales order, else the member who made it"

PRODUCTION_KINDS = (
    AlertKind(
        code="work_order_late",
        label="Work order late",
        description=(
            "A pending or in-progress work order is late: its due date has passed, its estimated completion (from "
            "the last seven working days' rate) falls after its due date, or nothing was finished lately and it is "
            "due within seven working days."
        ),
        default_days=0,
        min_days=0,
        max_days=0,
        unit="Not used",
        target="production.workorder",
        evaluate=late,
        severity="warning",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="production_not_reported",
        label="No production reported for N days",
        description=(
            "A work order in progress has had no production reported for more than N days (counted from its last "
            "production day, else its start)."
        ),
        default_days=3,
        min_days=1,
        unit="Days without production",
        target="production.workorder",
        evaluate=not_reported,
        severity="warning",
        responsible=RESPONSIBLE,
    ),
)


def register() -> None:
    """Put the kinds in the platform's registry (``ProductionConfig.ready()``; registering twice is a no-op)."""
    for kind in PRODUCTION_KINDS:
        ALERT_KINDS.register(kind.code, kind)
