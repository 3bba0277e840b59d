"""The alert kind on proforma invoices (``core.alert_kinds``): a PI sent and not accepted (nor cancelled, nor
revised) N days after it was sent. Registered by ``register()`` from ``ProformasConfig.ready()``; the alerts app
evaluates it with the others (docs/alerts.md).

One set-based statement over every organisation with the rule on, walking the partial index of sent PIs by their
sent day (``proforma_sent_idx``). A revision supersedes the sent PI (its alert resolves) and starts again as a draft.
The record is the PI revision; the responsible member is its order's merchandiser. The label is
``PI-2026-0001 · Customer``.
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.proformas import states

_LABEL = """(SELECT p.number || CASE WHEN p.revision > 1 THEN ' rev. ' || p.revision ELSE '' END || ' · '
            || coalesce(nullif(c.trade_name, ''), c.legal_name)
     FROM proformas_proformainvoice p JOIN partners_customer c ON c.id = p.customer_id WHERE p.id = x.id)"""


def not_accepted(rules: Rules) -> Condition:
    """PIs sent N days ago or earlier (sent on or before today - N) and still waiting for the buyer."""
    link = url_sql("proformas:proforma", slug="x.org_slug", proforma_id="x.id")
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {link} AS link,
       (SELECT o.merchandiser_id FROM sales_order o WHERE o.id = x.order_id) AS responsible_id,
       jsonb_build_object('date', x.sent_on, 'days_waiting', x.today - x.sent_on, 'total', x.total,
                          'currency', x.currency) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, r.today, p.id, p.sent_on, p.order_id, p.total, p.currency
      FROM {rules.relation} r
      JOIN proformas_proformainvoice p ON p.organization_id = r.organization_id
     WHERE p.status = '{states.SENT}' AND p.sent_on <= r.today - r.days
  ) x
""")  # noqa: S608 - our own table and column names, no input


PROFORMA_KINDS = (
    AlertKind(
        code="proforma_not_accepted",
        label="Proforma invoice not accepted after N days",
        description=(
            "A proforma invoice was sent to the buyer N days ago or more and is still waiting for acceptance "
            "(not accepted, cancelled or revised)."
        ),
        default_days=7,
        unit="Days after sending",
        target="proformas.proformainvoice",
        evaluate=not_accepted,
        responsible="The merchandiser of the PI's order",
    ),
)


def register() -> None:
    """Put the kind in the platform's registry (``ProformasConfig.ready()``; registering twice is a no-op)."""
    for kind in PROFORMA_KINDS:
        ALERT_KINDS.register(kind.code, kind)
