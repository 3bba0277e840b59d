"""Alert kinds on invoices (``core.alert_kinds``): an invoice due within N days, and an invoice overdue by more than N
days — both only while something is outstanding. Registered by ``register()`` from ``InvoicingConfig.ready()``; the
alerts app evaluates them with the others (docs/alerts.md).

Each condition is one set-based statement over every organisation with the rule on, walking the partial index of
owed invoices by due date (``invoice_open_due_idx``: issued and partly paid). A draft, paid or void invoice never
raises an alert; an open alert resolves at the pass after its invoice is paid, credited in full or voided (or its
due date moves out of the window). An invoice whose due date is not known yet (terms counted from a B/L date or an
arrival still to come) is not in either condition until the shipment's event sets it.

The record is the invoice; the responsible member is the merchandiser of the order it bills (its order, else the
order of its first line). The label is ``INV-2026-00012 · Customer``.
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.invoicing import states

_OPEN = ", ".join(f"'{status}'" for status in sorted(states.OPEN))

_LABEL = """(SELECT i.number || ' · ' || coalesce(nullif(c.trade_name, ''), c.legal_name)
     FROM invoicing_invoice i JOIN partners_customer c ON c.id = i.customer_id WHERE i.id = x.id)"""

_MERCHANDISER = """(SELECT o.merchandiser_id FROM sales_order o
    WHERE o.id = coalesce(x.order_id, (SELECT l.order_id FROM invoicing_invoiceline l WHERE l.invoice_id = x.id
                                        ORDER BY l.position, l.id LIMIT 1)))"""


def _link() -> str:
    return url_sql("invoicing:invoice", slug="x.org_slug", invoice_id="x.id")


def _condition(window: str) -> Condition:
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link, {_MERCHANDISER} AS responsible_id,
       jsonb_build_object('date', x.due_date, 'days_overdue', GREATEST(x.today - x.due_date, 0),
                          'outstanding', x.outstanding::text, 'currency', x.currency, 'status', x.status) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, r.today, i.id, i.order_id, i.due_date, i.currency, i.status,
           i.total - i.paid_amount - i.credited_amount AS outstanding
      FROM {{relation}} r
      JOIN invoicing_invoice i ON i.organization_id = r.organization_id
     WHERE i.status IN ({_OPEN}) AND i.due_date IS NOT NULL
       AND i.total - i.paid_amount - i.credited_amount > 0
       AND {window}
  ) x
""")  # noqa: S608 - our own table and column names, no input


def due_near(rules: Rules) -> Condition:
    """Owed invoices whose due date is today to today + N (both included)."""
    condition = _condition("i.due_date BETWEEN r.today AND r.today + r.days")
    return Condition(condition.sql.replace("{relation}", rules.relation))


def overdue(rules: Rules) -> Condition:
    """Owed invoices whose due date is more than N days before today (N = 0: due yesterday or before)."""
    condition = _condition("i.due_date < r.today - r.days")
    return Condition(condition.sql.replace("{relation}", rules.relation))


RESPONSIBLE = "The merchandiser of the order the invoice bills"

INVOICING_KINDS = (
    AlertKind(
        code="invoice_due_near",
        label="Invoice due within N days",
        description=(
            "An issued or partly paid invoice with something outstanding is due between today and today + N days "
            "(both included)."
        ),
        default_days=7,
        unit="Days ahead",
        target="invoicing.invoice",
        evaluate=due_near,
        severity="info",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="invoice_overdue",
        label="Invoice overdue",
        description=(
            "An issued or partly paid invoice with something outstanding is more than N days past its due date "
            "(N = 0: due yesterday or before)."
        ),
        default_days=0,
        unit="Days of grace after the due date",
        target="invoicing.invoice",
        evaluate=overdue,
        severity="critical",
        responsible=RESPONSIBLE,
    ),
)


def register() -> None:
    for kind in INVOICING_KINDS:
        ALERT_KINDS.register(kind.code, kind)
