"""Alert kinds on shipments (``core.alert_kinds``): an ETA coming up, an ETA beyond the ETA of an order the shipment
carries, and a shipment still booked after the ETD of an order it carries. Registered by ``register()`` from
``LogisticsConfig.ready()``; the alerts app evaluates them with the others (docs/alerts.md).

Each condition is one set-based statement over every organisation with the rule on, walking the partial indexes of
shipments still under way that start with the organisation (``shipment_open_eta_idx``, ``shipment_booked_etd_idx``).
Only shipments under way count (booked, in transit, arrived — ``states.UNDER_WAY``); delivered, returned and cancelled
shipments never raise an alert, and an open alert resolves at the pass after its shipment reaches one of those.

The dates of an order are its header's (``sales_order.eta``, ``sales_order.etd``), of the orders not cancelled or
deleted whose lines the shipment carries (``logistics_shipmentline``). The record is the shipment (one alert per
shipment, however many of its orders are in the condition); the responsible member is the merchandiser of the first
order it carries — the order of its first line (for the two order kinds: of its first line whose order is in the
condition). The label is ``SH-2026-00012 · Customer``: a scalar subquery, read only for alerts that fire.
"""

from __future__ import annotations

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql
from tradeloom.logistics import states


def _in(statuses: frozenset[str] | set[str]) -> str:
    return ", ".join(f"'{status}'" for status in sorted(statuses))


# The index predicate of ``shipment_open_eta_idx``, written as it is, so the planner sees it holds.
_UNDER_WAY = _in(states.UNDER_WAY)
# on its way and not there yet: an ETA still to come means something only for these
_EN_ROUTE = _in({states.BOOKED, states.IN_TRANSIT})

_LABEL = """(SELECT s.number || ' · ' || coalesce(nullif(c.trade_name, ''), c.legal_name)
     FROM logistics_shipment s JOIN partners_customer c ON c.id = s.customer_id WHERE s.id = x.id)"""

# The merchandiser of the order of the shipment's first line.
_FIRST_MERCHANDISER = """(SELECT o.merchandiser_id
     FROM logistics_shipmentline sl JOIN sales_order o ON o.id = sl.order_id
    WHERE sl.shipment_id = x.id ORDER BY sl.position, sl.id LIMIT 1)"""

# The orders of a shipment whose dates the two order kinds compare with: not cancelled, not deleted.
_LIVE_ORDER = "o.status <> 'cancelled' AND o.archived_at IS NULL"


def _link() -> str:
    return url_sql("logistics:shipment", slug="x.org_slug", shipment_id="x.id")


def eta_near(rules: Rules) -> Condition:
    """Shipments booked or in transit whose ETA is today to today + N (both included)."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link,
       {_FIRST_MERCHANDISER} AS responsible_id,
       jsonb_build_object('date', x.eta, 'etd', x.etd, 'status', x.status) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, s.id, s.eta, s.etd, s.status
      FROM {rules.relation} r
      JOIN logistics_shipment s ON s.organization_id = r.organization_id
     WHERE s.status IN ({_UNDER_WAY}) AND s.status IN ({_EN_ROUTE})
       AND s.eta BETWEEN r.today AND r.today + r.days
  ) x
""")  # noqa: S608 - our own table and column names, no input


def eta_beyond_order(rules: Rules) -> Condition:
    """Shipments under way whose ETA is more than N days after the ETA of an order they carry (detail: the
    earliest such order ETA, by how many days the shipment's is after it, those orders' numbers)."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link, x.merchandiser_id AS responsible_id,
       jsonb_build_object('date', x.eta, 'order_eta', x.order_eta, 'days_late', x.eta - x.order_eta,
                          'orders', x.orders) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, s.id, s.eta, min(o.eta) AS order_eta,
           array_agg(DISTINCT o.number ORDER BY o.number) AS orders,
           (array_agg(o.merchandiser_id ORDER BY sl.position, sl.id))[1] AS merchandiser_id
      FROM {rules.relation} r
      JOIN logistics_shipment s ON s.organization_id = r.organization_id
      JOIN logistics_shipmentline sl ON sl.shipment_id = s.id
      JOIN sales_order o ON o.id = sl.order_id
     WHERE s.status IN ({_UNDER_WAY}) AND o.eta IS NOT NULL AND s.eta > o.eta + r.days AND {_LIVE_ORDER}
     GROUP BY r.rule_id, r.org_slug, s.id, s.eta
  ) x
""")  # noqa: S608 - our own table and column names, no input


def not_departed(rules: Rules) -> Condition:
    """Shipments still booked (not departed) carrying an order whose ETD is more than N days before today (detail:
    the earliest such order ETD, the shipment's own ETD, those orders' numbers)."""
    return Condition(f"""
SELECT x.rule_id, x.id AS target_id, {_LABEL} AS label, {_link()} AS link, x.merchandiser_id AS responsible_id,
       jsonb_build_object('date', x.order_etd, 'etd', x.etd, 'orders', x.orders) AS detail
  FROM (
    SELECT r.rule_id, r.org_slug, s.id, s.etd, min(o.etd) AS order_etd,
           array_agg(DISTINCT o.number ORDER BY o.number) AS orders,
           (array_agg(o.merchandiser_id ORDER BY sl.position, sl.id))[1] AS merchandiser_id
      FROM {rules.relation} r
      JOIN logistics_shipment s ON s.organization_id = r.organization_id
      JOIN logistics_shipmentline sl ON sl.shipment_id = s.id
      JOIN sales_order o ON o.id = sl.order_id
     WHERE s.status = '{states.BOOKED}' AND o.etd < r.today - r.days AND {_LIVE_ORDER}
     GROUP BY r.rule_id, r.org_slug, s.id, s.etd
  ) x
""")  # noqa: S608 - our own table and column names, no input


RESPONSIBLE = "The merchandiser of the first order the shipment carries"

LOGISTICS_KINDS = (
    AlertKind(
        code="shipment_eta_near",
        label="Shipment ETA within N days",
        description=(
            "A shipment that is booked or in transit has its ETA between today and today + N days (both included)."
        ),
        default_days=3,
        unit="Days ahead",
        target="logistics.shipment",
        evaluate=eta_near,
        severity="info",
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="shipment_eta_beyond_order",
        label="Shipment ETA beyond the order ETA",
        description=(
            "A shipment under way (booked, in transit or arrived) has its ETA more than N days after the ETA of an "
            "order it carries (N = 0: any day after it); cancelled and deleted orders are left out."
        ),
        default_days=0,
        unit="Days of grace after the order ETA",
        target="logistics.shipment",
        evaluate=eta_beyond_order,
        responsible=RESPONSIBLE,
    ),
    AlertKind(
        code="shipment_not_departed",
        label="Shipment not departed by the order ETD",
        description=(
            "A shipment still booked (not departed) carries an order whose ETD is more than N days ago (N = 0: the "
            "order's ETD was yesterday or before); cancelled and deleted orders are left out."
        ),
        default_days=0,
        unit="Days of grace after the order ETD",
        target="logistics.shipment",
        evaluate=not_departed,
        severity="critical",
        responsible=RESPONSIBLE,
    ),
)


def register() -> None:
    """Put the kinds in the platform's registry (``LogisticsConfig.ready()``; registering twice is a no-op)."""
    for kind in LOGISTICS_KINDS:
        ALERT_KINDS.register(kind.code, kind)
