"""Telling people about alerts that fired: the body of the ``alerts.notify`` effect (one per organisation and pass,
through the outbox), in the organisation's tenant context and in the transaction that marks the entry done.

Recipients per rule, resolved in bulk: the record's responsible member (the order's merchandiser, a task's assignee)
when ``notify_merchandiser`` is on, the members holding one of the rule's ``roles``, and its named members — active
members only, each told once. A recipient with more than ``DIGEST_AFTER`` new alerts of one kind in a batch gets one
notification counting them, linked to the alerts page filtered by that kind, instead of one each (a rule turned on
over a thousand late orders tells a merchandiser once, not a thousand times).

Statements: the alerts not yet told, the organisation's rules and their named members, its active members (three
reads, whatever the number of alerts), then ``notify``'s per call — at most ``DIGEST_AFTER`` calls per member and
kind plus one per digest — and one update marking the alerts told. Alerts that resolved before they were told are
marked without telling anyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode

from tradeloom.alerts.models import Alert, AlertRule, AlertRuleMember
from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind
from tradeloom.notifications.kinds import NOTIFICATION_KINDS, NotificationKind
from tradeloom.notifications.services import notify
from tradeloom.tenancy.models import Membership, Organization

DIGEST_AFTER = 5


def notification_kind_code(kind_code: str) -> str:
    return f"alerts.{kind_code}"


def notification_kind(kind: AlertKind) -> NotificationKind:
    return NotificationKind(
        code=notification_kind_code(kind.code),
        label=kind.label.replace("N days", "some days"),
        description=kind.description,
        default_channel="in_app",
    )


def register_notification_kind(kind: AlertKind) -> None:
    NOTIFICATION_KINDS.register(notification_kind_code(kind.code), notification_kind(kind))


def label_for(kind: AlertKind | None, code: str, days: int | None) -> str:
    """The kind's label with its N: "ETA within 7 days", "Approval gate stuck for more than 14 days"."""
    if kind is None:
        return code.replace("_", " ").capitalize()
    if days is None:
        return kind.label
    return kind.label.replace("N days", f"{days} day{'s' if days != 1 else ''}")


def detail_text(detail: dict[str, Any]) -> str:
    """What the detail says, read: "2 lines · 5 Dec 2026"."""
    parts = []
    if detail.get("lines"):
        n = int(detail["lines"])
        parts.append(f"{n} line{'s' if n != 1 else ''}")
    if detail.get("date"):
        try:
            parts.append(formats.date_format(date.fromisoformat(str(detail["date"])), "j M Y"))
        except ValueError:
            parts.append(str(detail["date"]))
    return " · ".join(parts)


@dataclass(frozen=True)
class _Rule:
    kind: str
    days: int
    notify_merchandiser: bool
    roles: frozenset[str]
    members: frozenset[Any]


def _recipients(rule: _Rule, responsible_id: Any, active: dict[Any, Membership]) -> list[Any]:
    chosen: dict[Any, None] = {}
    if rule.notify_merchandiser and responsible_id in active:
        chosen[responsible_id] = None
    for pk, membership in active.items():
        if membership.role in rule.roles or pk in rule.members:
            chosen[pk] = None
    return list(chosen)


def alerts_notify(*, organization: Organization) -> int:
    """Tell the recipients of ``organization``'s alerts not yet told; how many notifications were made."""
    pending = Alert.objects.filter(organization=organization, notified_at__isnull=True)
    upto = pending.aggregate(upto=Max("fired_at"))["upto"]
    if upto is None:
        return 0
    batch = pending.filter(fired_at__lte=upto)
    # who hears of what needs only these columns (a first pass over a large backlog brings many alerts at once)
    alerts: list[dict[str, Any]] = [
        {"id": pk, "rule_id": rule_id, "kind": kind, "responsible_id": responsible_id}
        for pk, rule_id, kind, responsible_id in batch.filter(resolved_at__isnull=True)
        .order_by("fired_at", "id")
        .values_list("id", "rule_id", "kind", "responsible_id")
    ]
    rules: dict[Any, _Rule] = {}
    if alerts:
        named: dict[Any, set[Any]] = defaultdict(set)
        for rule_id, membership_id in AlertRuleMember.objects.filter(organization=organization).values_list(
            "rule_id", "membership_id"
        ):
            named[rule_id].add(membership_id)
        for values in AlertRule.objects.filter(organization=organization).values(
            "id", "kind", "days", "notify_merchandiser", "roles"
        ):
            row: dict[str, Any] = dict(values)
            rules[row["id"]] = _Rule(
                row["kind"],
                row["days"],
                row["notify_merchandiser"],
                frozenset(row["roles"]),
                frozenset(named[row["id"]]),
            )
    active = {m.pk: m for m in Membership.objects.filter(organization=organization, is_active=True)} if alerts else {}
    # (kind, recipient) → the alerts they are to hear of
    heard: dict[tuple[str, Any], list[dict[str, Any]]] = defaultdict(list)
    recipients_of: dict[Any, list[Any]] = {}
    for alert in alerts:
        rule = rules.get(alert["rule_id"])
        if rule is None or alert["kind"] not in ALERT_KINDS:  # a kind no module registers any more: told no one
            continue
        recipients_of[alert["id"]] = _recipients(rule, alert["responsible_id"], active)
        for pk in recipients_of[alert["id"]]:
            heard[(alert["kind"], pk)].append(alert)
    digested = {key for key, told in heard.items() if len(told) > DIGEST_AFTER}
    told_alone = {
        alert["id"]: [pk for pk in recipients_of.get(alert["id"], []) if (alert["kind"], pk) not in digested]
        for alert in alerts
    }
    told_alone = {pk: members for pk, members in told_alone.items() if members}
    described: dict[Any, dict[str, Any]] = {
        row["id"]: dict(row)
        for row in Alert.objects.filter(organization=organization, pk__in=list(told_alone)).values(
            "id", "label", "link", "detail", "target_type", "target_id"
        )
    }
    made = 0
    for alert in alerts:
        individual = told_alone.get(alert["id"])
        if not individual:
            continue
        kind = ALERT_KINDS.get(alert["kind"])
        rule = rules[alert["rule_id"]]
        shown = described[alert["id"]]
        made += len(
            notify(
                organization=organization,
                recipients=[active[pk] for pk in individual],
                kind=_ensure_kind(alert["kind"]),
                title=f"{label_for(kind, alert['kind'], rule.days)}: {shown['label']}",
                message=detail_text(shown["detail"]),
                severity=kind.severity if kind else "warning",
                link=shown["link"],
                target=_target(shown["target_type"], shown["target_id"]),
            )
        )
    for kind_code, pk in sorted(digested, key=lambda key: (key[0], str(key[1]))):
        told = heard[(kind_code, pk)]
        kind = ALERT_KINDS.get(kind_code)
        rule = rules[told[0]["rule_id"]]
        link = reverse("alerts:list", kwargs={"org_slug": organization.slug})
        made += len(
            notify(
                organization=organization,
                recipients=[active[pk]],
                kind=_ensure_kind(kind_code),
                title=f"{len(told):,} new alerts: {label_for(kind, kind_code, rule.days)}",
                message="Open the alerts page for the list.",
                severity=kind.severity if kind else "warning",
                link=f"{link}?{urlencode({'kind': kind_code, 'status': 'open'})}",
            )
        )
    batch.update(notified_at=timezone.now())
    return made


def _ensure_kind(kind_code: str) -> str:
    """The notification kind of an alert kind, registered now if the kind came after the alerts app's start."""
    code = notification_kind_code(kind_code)
    if code not in NOTIFICATION_KINDS:
        kind = ALERT_KINDS.get(kind_code)
        if kind is not None:
            register_notification_kind(kind)
    return code


def _target(target_type: str, target_id: Any) -> Any:
    """The record an alert is about, as a model instance holding only its id (what ``notify`` reads of a target)."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return None
    return model(pk=target_id)
