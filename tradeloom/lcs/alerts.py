"""Alert kinds on letters of credit (``core.alert_kinds``): the expiry coming up, the latest shipment date coming up
and a utilisation above N % (90 by default). Registered by ``register()`` from ``LcsConfig.ready()``; the alerts app
evaluates them with the others (docs/alerts.md).

Each condition is one set-based statement over every organisation with the rule on. Only LCs the bank opened and
not yet fully drawn count (issued or confirmed — ``states.OPEN``): pending, utilised, expired and cancelled LCs never
raise an alert, and an open alert resolves at the pass after its LC leaves those statuses. The dates compared are
the LC's own (its row holds its terms as of the latest accepted amendment, so an accepted extension resolves the
alert); the expiry is the stated date (a weekend expiry moves to the Monday for drawings, the alert warns of the
stated day). The record is the LC; the responsible member is the merchandiser of the first order linked to it. The
label is ``DBH-LC-001 · Customer``.
"""

from __future__ import annotations

from collections.abc import Callable

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.lcs import states

_OPEN = ", ".join(f"'{status}'" for status in sorted(states.OPEN))

_LABEL = """(SELECT l.number || ' · ' || coalesce(nullif(c.trade_name, ''), c.legal_name)
     FROM lcs_letterofcredit l JOIN partners_customer c ON c.id = l.customer_id WHERE l.id = x.id)"""

_FIRST_MERCHANDISER = """(SELECT o.merchandiser_id
     FROM lcs_lcorder lo JOIN sales_order o ON o.id = lo.order_id
    WHERE lo.letter_of_credit_id = x.id ORDER BY lo.created_at, lo.id LIMIT 1)"""


def _link() -> str:
    return url_sql("lcs:lc", slug="x.org_slug", lc_id="x.id")


def _date_near(column: str) -> Callable[[Rules], Condition]:
    """The condition of an open LC whose date ``column`` is today to today + N (both included)."""

    def evaluate(rules: Rules) -> Condition:
        return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link,
       {_FIRST_MERCHANDISER} AS responsible_id,
       jsonb_build_object('date', x.day, 'status', x.status, 'currency', x.currency,
                          'amount', x.amount, 'utilised', x.utilised_amount) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, l.id, l.{column} AS day, l.status, l.currency, l.amount, l.utilised_amount
      FROM {rules.relation} r
      JOIN lcs_letterofcredit l ON l.organization_id = r.organization_id
     WHERE l.status IN ({_OPEN}) AND l.{column} BETWEEN r.today AND r.today + r.days
  ) x
""")  # noqa: S608 - our own table and column names, no input

    return evaluate


expiry_near = _date_near("expiry_date")
latest_shipment_near = _date_near("latest_shipment_date")


def utilisation_high(rules: Rules) -> Condition:
    """LCs issued or confirmed whose live drawings are above N % of the amount (default 90; not yet fully drawn:
    then the LC is utilised and the alert resolves)."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link,
       {_FIRST_MERCHANDISER} AS responsible_id,
       jsonb_build_object('percent', round(x.utilised_amount * 100 / x.amount, 1), 'currency', x.currency,
                          'amount', x.amount, 'utilised', x.utilised_amount) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, l.id, l.currency, l.amount, l.utilised_amount
      FROM {rules.relation} r
      JOIN lcs_letterofcredit l ON l.organization_id = r.organization_id
     WHERE l.status IN ({_OPEN}) AND l.utilised_amount * 100 > l.amount * r.days
  ) x
""")  # noqa: S608 - our own table and column names, no input


RESPONSIBLE = "The merchandiser of the first order linked to the LC"

LCS_KINDS = (
    AlertKind(
        code="lc_expiry_near",
        label="LC expiry within N days",
        description="An issued or confirmed letter of credit expires between today and today + N days (both included).",
        default_days=14,
        unit="Days ahead",
        target="lcs.letterofcredit",
        evaluate=expiry_near,
        severity="warning",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="lc_latest_shipment_near",
        label="LC latest shipment date within N days",
        description=(
            "An issued or confirmed letter of credit's latest shipment date is between today and today + N days "
            "(both included): the goods must leave by then."
        ),
        default_days=7,
        unit="Days ahead",
        target="lcs.letterofcredit",
        evaluate=latest_shipment_near,
        severity="warning",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="lc_utilisation_high",
        label="LC utilisation above N %",
        description=(
            "An issued or confirmed letter of credit has been drawn above N % of its amount (90 % unless set) and "
            "is not yet fully drawn (then it is utilised)."
        ),
        default_days=90,
        min_days=1,
        max_days=99,
        unit="Percent of the amount drawn",
        target="lcs.letterofcredit",
        evaluate=utilisation_high,
        severity="info",
        responsible=RESPONSIBLE,
    ),
)


def register() -> None:
    """Put the kinds in the platform's registry (``LcsConfig.ready()``; registering twice is a no-op)."""
    for kind in LCS_KINDS:
        ALERT_KINDS.register(kind.code, kind)
