"""The evaluation pass: every kind's condition, for every organisation at once, turned into alerts that fire once
and resolve when the condition clears.

One pass (``alerts_evaluate``, the beat task ``alerts.evaluate`` every 15 minutes) is one transaction on the
``owner`` alias — the owner role bypasses row-level security, so one statement per kind covers every organisation
(docs/alerts.md):

1. a transaction-scoped advisory lock (``pg_try_advisory_xact_lock``): a pass that finds another running returns at
   once, so beat firing twice or two workers overlapping never evaluate twice;
2. the enabled rules of active organisations with each organisation's today in its time zone (one statement);
3. per registered kind, one statement: the kind's condition (``core.alert_kinds``) materialised once, INSERT of an
   alert for each (rule, record) without an open one — against the partial unique index, ``ON CONFLICT DO NOTHING`` —
   and UPDATE of the kind's open alerts whose (rule, record) is no longer in the condition (``resolved_at``); it
   answers how many fired and resolved per organisation;
4. one outbox entry per organisation with new alerts (``alerts.notify``), relayed after the commit: the notification
   task tells each rule's recipients (``notifying``).

So a pass costs the lock, the rules, one statement per kind that has rules and one insert of outbox entries,
whatever the number of organisations, orders and alerts. Only alerts that fire notify; an open alert seen again
does nothing; a resolved one that comes back is a new alert.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Rules
from tradeloom.core.models import OutboxEntry
from tradeloom.core.outbox import OWNER_DB, outbox_relay

logger = logging.getLogger(__name__)

__all__ = ["NOTIFY_TASK", "PassResult", "alerts_evaluate"]

NOTIFY_TASK = "alerts.notify"
# pg_try_advisory_xact_lock's key for the pass (any constant no other lock uses: "alerts" in ASCII)
LOCK_KEY = 0x616C65727473
RULES_RELATION = "alert_rules"
# The pass's joins and groupings hold a few hundred thousand rows at a million orders: in memory, not spilled to disk
# in batches (the default is 4 MB). For its transaction only.
PASS_WORK_MEM = "64MB"  # noqa: S105 - a memory size, not a password

# A time-ordered id (UUID version 7, as ``core.ids``) in SQL, for PostgreSQL 16 and 17 too (18 has uuidv7()).
UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), "
    "52, 1), 53, 1), 'hex')::uuid"
)

# Every rule, whether it is on (and its organisation active), with the organisation's today (in its zone) at the
# pass's time: the rules on are evaluated; the open alerts of all of them resolve when their condition is gone.
RULES_SQL = """
SELECT r.kind, r.enabled AND o.is_active, r.organization_id, r.id, r.days,
       (%(now)s::timestamptz AT TIME ZONE o.timezone)::date, o.slug
  FROM alerts_alertrule r JOIN tenancy_organization o ON o.id = r.organization_id
 ORDER BY r.kind, r.organization_id
"""

RULES_CTE = """
WITH {rules} AS (
    SELECT * FROM unnest(%(alert_orgs)s::uuid[], %(alert_rules)s::uuid[], %(alert_days)s::int[],
                         %(alert_today)s::date[], %(alert_slugs)s::text[])
               AS r(organization_id, rule_id, days, today, org_slug)
)"""

# One kind, in two statements. First the (rule, record) pairs in the condition, into a table of the transaction: a
# read, so PostgreSQL may run it in parallel (a statement that writes never does), and without the condition's
# label, link and detail (scalar subqueries in the kinds here, left out of this projection).
PAIRS_SQL = """CREATE TEMPORARY TABLE {pairs} ON COMMIT DROP AS{rules_cte}
SELECT c.rule_id, c.target_id FROM ({condition}) AS c(rule_id, target_id, label, link, responsible_id, detail)
"""
# Then, in one statement: the pairs and the kind's open alerts side by side (one full join: a pair without an open
# alert is new, an open alert without its pair is over); the alerts that fire — the condition again, joined to the
# new pairs only, so its label, link and detail are read for them alone (and when nothing is new PostgreSQL does not
# run it a second time: a join with an empty side stops there); the open alerts that resolve; how many fired and
# resolved per organisation.
KIND_SQL = """{rules_cte},
open_alerts AS (
    SELECT a.id, a.rule_id, a.target_id FROM alerts_alert a
     WHERE a.resolved_at IS NULL AND a.rule_id = ANY(%(alert_kind_rules)s::uuid[])
),
changes AS MATERIALIZED (
    SELECT p.rule_id, p.target_id, o.id AS alert_id
      FROM {pairs} p FULL JOIN open_alerts o ON o.rule_id = p.rule_id AND o.target_id = p.target_id
     WHERE p.rule_id IS NULL OR o.id IS NULL
),
fired AS (
    INSERT INTO alerts_alert (id, created_at, updated_at, organization_id, rule_id, kind, target_type, target_id,
                              label, link, responsible_id, detail, fired_at)
    SELECT {uuid7}, %(alert_now)s, %(alert_now)s, r.organization_id, c.rule_id, %(alert_kind)s, %(alert_target)s,
           c.target_id, left(coalesce(c.label, ''), 300), left(coalesce(c.link, ''), 500), c.responsible_id,
           coalesce(c.detail, '{{}}'::jsonb), %(alert_now)s
      FROM changes n
      JOIN ({condition}) AS c(rule_id, target_id, label, link, responsible_id, detail)
        ON c.rule_id = n.rule_id AND c.target_id = n.target_id
      JOIN {rules} r ON r.rule_id = c.rule_id
     WHERE n.alert_id IS NULL
    ON CONFLICT (rule_id, target_id) WHERE resolved_at IS NULL DO NOTHING
    RETURNING organization_id
),
resolved AS (
    UPDATE alerts_alert a SET resolved_at = %(alert_now)s, updated_at = %(alert_now)s
      FROM changes g
     WHERE g.alert_id = a.id AND g.rule_id IS NULL AND a.resolved_at IS NULL
    RETURNING a.organization_id
)
SELECT 'fired', organization_id, count(*) FROM fired GROUP BY organization_id
UNION ALL
SELECT 'resolved', organization_id, count(*) FROM resolved GROUP BY organization_id
"""


@dataclass
class PassResult:
    ran: bool = True  # False: another pass held the lock
    fired: dict[str, int] = field(default_factory=dict)  # per kind
    resolved: dict[str, int] = field(default_factory=dict)
    organizations_notified: int = 0
    seconds_by_kind: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def fired_total(self) -> int:
        return sum(self.fired.values())

    @property
    def resolved_total(self) -> int:
        return sum(self.resolved.values())


@dataclass
class _KindRules:
    on: list[tuple[Any, ...]] = field(default_factory=list)  # (organization_id, rule_id, days, today, org_slug)
    ids: list[Any] = field(default_factory=list)  # every rule of the kind, on or off


def _rules_by_kind(cursor: Any, now: datetime) -> dict[str, _KindRules]:
    cursor.execute(RULES_SQL, {"now": now})
    by_kind: dict[str, _KindRules] = {}
    for kind, on, *row in cursor.fetchall():
        rules = by_kind.setdefault(kind, _KindRules())
        rules.ids.append(row[1])
        if on:
            rules.on.append(tuple(row))
    return by_kind


def _kind_pass(cursor: Any, kind: AlertKind, rules: _KindRules, now: datetime, number: int) -> list[tuple[Any, ...]]:
    if not rules.ids:
        return []  # no organisation has a rule of this kind: nothing can fire or be open
    rows = rules.on
    condition = kind.evaluate(Rules(relation=RULES_RELATION, rows=tuple(rows)))
    parts = {
        "rules": RULES_RELATION,
        "rules_cte": RULES_CTE.format(rules=RULES_RELATION),
        "condition": condition.sql,
        "uuid7": UUID7_SQL,
        "pairs": f"alert_pairs_{number}",
    }
    params = {
        **condition.params,
        "alert_orgs": [row[0] for row in rows],
        "alert_rules": [row[1] for row in rows],
        "alert_days": [row[2] for row in rows],
        "alert_today": [row[3] for row in rows],
        "alert_slugs": [row[4] for row in rows],
        "alert_now": now,
        "alert_kind": kind.code,
        "alert_target": kind.target,
        # every rule of the kind: one turned off (or of an inactive organisation) has no pairs, so its alerts resolve
        "alert_kind_rules": rules.ids,
    }
    cursor.execute(PAIRS_SQL.format(**parts), params)
    cursor.execute(KIND_SQL.format(**parts), params)
    counts = list(cursor.fetchall())
    cursor.execute(f"DROP TABLE {parts['pairs']}")  # (a pass inside a larger transaction: the next one makes it again)
    return counts


def alerts_evaluate(*, now: datetime | None = None, using: str = OWNER_DB) -> PassResult:
    """One evaluation pass over every organisation (see the module's docstring). ``now`` fixes the clock (tests,
    the benchmark); ``using`` is the alias of the owner role."""
    now = now or timezone.now()
    started = time.perf_counter()
    result = PassResult()
    with transaction.atomic(using=using):
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                logger.info("alerts: another evaluation pass is running; this one stops")
                return PassResult(ran=False)
            # JIT compiling the kinds' large statements costs more than it saves (a second each, for nothing new)
            cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [PASS_WORK_MEM])
            by_kind = _rules_by_kind(cursor, now)
            fired_orgs: set[Any] = set()
            for number, kind in enumerate(ALERT_KINDS):
                kind_started = time.perf_counter()
                rules = by_kind.get(kind.code, _KindRules())
                for what, organization_id, count in _kind_pass(cursor, kind, rules, now, number):
                    counts = result.fired if what == "fired" else result.resolved
                    counts[kind.code] = counts.get(kind.code, 0) + count
                    if what == "fired":
                        fired_orgs.add(organization_id)
                result.seconds_by_kind[kind.code] = time.perf_counter() - kind_started
        entries = OutboxEntry.objects.using(using).bulk_create(
            OutboxEntry(
                organization_id=organization_id, task=NOTIFY_TASK, kwargs={"organization_id": str(organization_id)}
            )
            for organization_id in sorted(fired_orgs, key=str)
        )
        result.organizations_notified = len(entries)
        if entries:
            transaction.on_commit(lambda: outbox_relay(entries, using=using), using=using)
    result.seconds = time.perf_counter() - started
    logger.info(
        "alerts: evaluation pass",
        extra={"fired": result.fired_total, "resolved": result.resolved_total, "seconds": round(result.seconds, 3)},
    )
    return result
