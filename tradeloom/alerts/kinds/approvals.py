"""Alert kinds on approvals: gates waiting for the buyer too long, samples sent and not decided.

"Stuck" is the approvals board's and dashboard's definition (``approvals.selectors.waiting_since(days + 1)``): a
gate in submission or resubmission whose current step is more than N days old; gates that are archived, and gates of
deleted orders, are left out as the board leaves them out. An alert also wants the order open and the line not
archived: a closed or cancelled order's waiting gates need no one's attention.
"""

from __future__ import annotations

from tradeloom.approvals import states
from tradeloom.core.alert_kinds import AlertKind, Condition, Rules, url_sql

_WAITING = ", ".join(f"'{state}'" for state in sorted(states.WAITING))
_LINE = "l.colour_code || CASE WHEN l.cad_code <> '' THEN ' / ' || l.cad_code ELSE '' END"


# Whether a line's order is open, and whose it is, come from its totals row (``sales_ordertotals``, kept by the
# database); the label is a scalar subquery, so the pass reads the names only for the alerts that fire.
def gate_stuck(rules: Rules) -> Condition:
    """Line gates waiting for the buyer (submission, resubmission) for more than N days: their current step's
    effective day is on or before today - (N + 1)."""
    link = url_sql("sales:order", slug="x.org_slug", order_id="x.order_id")
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id,
       (SELECT g.name || ' for ' || {_LINE} || ' on ' || o.number
          FROM approvals_gate g, sales_line l, sales_order o
         WHERE g.id = x.gate_id AND l.id = x.line_id AND o.id = x.order_id) AS label,
       {link} || '?tab=approvals' AS link, x.merchandiser_id AS responsible_id,
       jsonb_build_object('date', x.state_since, 'state', x.state) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, lg.id, lg.gate_id, lg.line_id, lg.state, lg.state_since, l.order_id,
           t.merchandiser_id
      FROM {rules.relation} r
      JOIN approvals_linegate lg ON lg.organization_id = r.organization_id
      JOIN approvals_gate g ON g.id = lg.gate_id
      JOIN sales_line l ON l.id = lg.line_id
      JOIN sales_ordertotals t ON t.order_id = l.order_id AND t.organization_id = r.organization_id
     WHERE lg.state IN ({_WAITING}) AND lg.state_since <= r.today - (r.days + 1)
       AND g.archived_at IS NULL AND l.status <> 'archived' AND t.status = 'open' AND t.archived_at IS NULL
  ) x
""")  # noqa: S608 - our own table and column names, no input


def sample_awaiting(rules: Rules) -> Condition:
    """Samples sent to the buyer (submitted) and not decided for more than N days: sent on or before
    today - (N + 1)."""
    link = url_sql("sales:order", slug="x.org_slug", order_id="x.order_id")
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id,
       (SELECT g.name || ' v' || x.version || ' for ' || {_LINE} || ' on ' || o.number
          FROM approvals_gate g, sales_line l, sales_order o
         WHERE g.id = x.gate_id AND l.id = x.line_id AND o.id = x.order_id) AS label,
       {link} || '?tab=approvals' AS link, x.merchandiser_id AS responsible_id,
       jsonb_build_object('date', x.submitted_on, 'version', x.version, 'awb', x.awb_number) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, s.id, s.gate_id, s.line_id, s.version, s.submitted_on, s.awb_number, l.order_id,
           t.merchandiser_id
      FROM {rules.relation} r
      JOIN approvals_sample s ON s.organization_id = r.organization_id
      JOIN sales_line l ON l.id = s.line_id
      JOIN sales_ordertotals t ON t.order_id = l.order_id AND t.organization_id = r.organization_id
     WHERE s.status = 'submitted' AND s.submitted_on <= r.today - (r.days + 1)
       AND l.status <> 'archived' AND t.status = 'open' AND t.archived_at IS NULL
  ) x
""")  # noqa: S608 - our own table and column names, no input


APPROVAL_KINDS = (
    AlertKind(
        code="gate_stuck",
        label="Approval gate stuck",
        description=(
            "A gate of a line of an open order has waited for the buyer (in submission or resubmission) for more "
            "than N days — the approvals board's “stuck”."
        ),
        default_days=14,
        unit="Days waiting",
        target="approvals.linegate",
        evaluate=gate_stuck,
    ),
    AlertKind(
        code="sample_awaiting",
        label="Sample awaiting the buyer",
        description="A sample sent to the buyer has had no decision for more than N days.",
        default_days=10,
        unit="Days since it was sent",
        target="approvals.sample",
        evaluate=sample_awaiting,
    ),
)
