"""The kinds of alert: conditions on records that the alerts app watches for every organisation that turned a rule
on ("ETA within N days", "approval gate stuck N days", later "LC expiring", "invoice overdue" …).

The registry lives on the ground floor so that any module registers its kinds from its own ``AppConfig.ready()``
without importing the alerts app (which sits above it)::

    from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind, Condition, Rules, url_sql

    def lc_expiring(rules: Rules) -> Condition:
        link = url_sql("finance:lc", lc_id="c.id")
        return Condition(f'''
            SELECT r.rule_id, c.id AS target_id, c.number AS label, {link} AS link,
                   NULL::uuid AS responsible_id, jsonb_build_object('date', c.expires_on) AS detail
              FROM {rules.relation} r
              JOIN finance_lc c ON c.organization_id = r.organization_id
             WHERE c.status = 'open' AND c.expires_on BETWEEN r.today AND r.today + r.days''')

    ALERT_KINDS.register("lc_expiring", AlertKind(code="lc_expiring", label="LC expiring", ...,
                                                  target="finance.lc", evaluate=lc_expiring))

The contract of ``evaluate``: it gets the enabled rules of its kind of **all** organisations at once, as the
relation ``rules.relation`` with one row per rule — ``organization_id uuid, rule_id uuid, days int, today date``
(the organisation's today, in its time zone) and ``org_slug text`` — and returns **one** SQL statement
(``Condition``) selecting the records in the condition now, one row per (rule, record), with exactly these columns:

    rule_id         the rule's id (from the relation)
    target_id       the record's id (uuid); one alert per (rule, record) at a time
    label           how the record is named ("SO-000123 · Bayside Apparel")
    link            the record's page without the host ("/o/acme/orders/…/"; ``url_sql`` builds it from a URL name)
    responsible_id  the member the record belongs to (an order's merchandiser, a task's assignee) or NULL
    detail          jsonb: what the alert page and the notification say beyond the label (a date, a count …)

It runs set-based across organisations as the database owner (row-level security does not apply: join on
``organization_id`` yourself) — at a million orders one statement per kind must stay within seconds, so it should
walk an index that starts with the organisation. It must not write. The alerts app turns its rows into alerts that
fire once and resolve when the row no longer comes back (docs/alerts.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tradeloom.core.registry import Registry

__all__ = ["ALERT_KINDS", "CONDITION_COLUMNS", "AlertKind", "Condition", "Rules", "url_sql"]

# The columns every condition selects, in this order.
CONDITION_COLUMNS = ("rule_id", "target_id", "label", "link", "responsible_id", "detail")


@dataclass(frozen=True)
class Rules:
    """The enabled rules of one kind, of every organisation: the name of the relation a condition reads them from
    (columns ``organization_id, rule_id, days, today, org_slug``) and, for a kind that wants to look, the rows."""

    relation: str
    rows: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class Condition:
    """One SQL statement selecting ``CONDITION_COLUMNS``; ``params`` are its named parameters (``%(name)s``; names
    starting with ``alert_`` are the alerts app's)."""

    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertKind:
    code: str  # "eta_near"; the rule's kind and the notification kind "alerts.<code>"
    label: str  # "ETA within N days"
    description: str  # the exact condition, as the settings page explains it
    default_days: int
    unit: str  # what N counts, as the form labels it: "Days before the ETA"
    target: str  # the model label of the records it is about: "sales.order"
    evaluate: Callable[[Rules], Condition]
    min_days: int = 0
    max_days: int = 365
    default_enabled: bool = True  # for organisations created after the kind was registered
    severity: str = "warning"  # of its notifications: "info", "warning", "critical"
    responsible: str = "The order's merchandiser"  # who ``responsible_id`` is, as the settings page names them

    def __post_init__(self) -> None:
        if not self.min_days <= self.default_days <= self.max_days:
            raise ValueError(f"{self.code}: default_days must be within {self.min_days} to {self.max_days}.")


# Registered by the modules that own the records (``ALERT_KINDS.register(kind.code, kind)`` in ``ready()``).
ALERT_KINDS: Registry[AlertKind] = Registry("alert kinds")


def url_sql(url_name: str, *, slug: str = "r.org_slug", **parts: str) -> str:
    """A SQL expression for the path of ``url_name`` (reversed with Django's URLconf, so a route that moves moves
    its alerts' links too) whose organisation slug is the SQL ``slug`` and whose other URL kwargs are the SQL
    expressions ``parts`` (``order_id="o.id"``)."""
    from django.urls import reverse

    sentinels = {"org_slug": str(uuid.UUID(int=1))} | {name: str(uuid.UUID(int=n + 2)) for n, name in enumerate(parts)}
    path = reverse(url_name, kwargs=sentinels)
    expressions = {sentinels["org_slug"]: slug} | {sentinels[name]: sql for name, sql in parts.items()}
    pieces: list[str] = []
    rest = path
    while rest:
        found = [(rest.find(s), s) for s in expressions if s in rest]
        if not found:
            pieces.append(_literal(rest))
            break
        at, sentinel = min(found)
        if at:
            pieces.append(_literal(rest[:at]))
        pieces.append(f"({expressions[sentinel]})::text")
        rest = rest[at + len(sentinel) :]
    return "(" + " || ".join(pieces) + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
