"""Reads for the alerts pages and API: the organisation's rules (one per registered kind, with the kind's defaults
where none was saved yet), its alerts with filters, and the members a rule may name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from tradeloom.alerts.defaults import default_days, kind_get
from tradeloom.alerts.models import Alert, AlertRule
from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership


@dataclass(frozen=True)
class RuleView:
    """A kind and the organisation's rule for it (``rule.pk`` is None until one is saved: the defaults, off)."""

    kind: AlertKind
    rule: AlertRule
    members: tuple[Membership, ...]

    @property
    def version(self) -> int:
        return self.rule.version if self.rule.pk is not None and not self.rule._state.adding else 0

    @property
    def etag(self) -> str:
        return f'"{self.kind.code}-{self.version}"'


def _unsaved(kind: AlertKind, organization: Any) -> AlertRule:
    return AlertRule(
        organization_id=organization.pk, kind=kind.code, enabled=False, days=default_days(kind, organization)
    )


def _members() -> Prefetch:
    return Prefetch("members", queryset=Membership.objects.select_related("user").order_by("user__full_name", "pk"))


def rule_list(*, organization: Any) -> list[RuleView]:
    """Every registered kind with the organisation's rule (two queries: the rules, their named members)."""
    saved = {r.kind: r for r in AlertRule.objects.filter(organization=organization).prefetch_related(_members())}
    views = []
    for kind in ALERT_KINDS:
        rule = saved.get(kind.code) or _unsaved(kind, organization)
        members = tuple(rule.members.all()) if rule.kind in saved else ()
        views.append(RuleView(kind=kind, rule=rule, members=members))
    return views


def rule_get(*, organization: Any, kind: str) -> RuleView:
    """The organisation's rule for ``kind`` (its defaults when none was saved); 404 for an unknown kind."""
    alert_kind = kind_get(kind)
    rule = AlertRule.objects.filter(organization=organization, kind=kind).prefetch_related(_members()).first()
    if rule is None:
        return RuleView(kind=alert_kind, rule=_unsaved(alert_kind, organization), members=())
    return RuleView(kind=alert_kind, rule=rule, members=tuple(rule.members.all()))


def alert_list(*, organization: Any, membership: Membership, status: str | None = None) -> QuerySet[Alert]:
    """The organisation's alerts: the open ones unless ``status`` is given (the filters then choose open, resolved
    or all, and the kind). A merchandiser who sees only their own orders (``sales.selectors.merchandiser_restricted``)
    sees only the alerts of records they are responsible for."""
    qs = Alert.objects.filter(organization=organization)
    if not status:
        qs = qs.filter(resolved_at__isnull=True)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(responsible_id=membership.pk)
    return qs


def member_choices(*, organization: Any) -> list[Membership]:
    """The organisation's active members, for naming them on a rule (one query)."""
    return list(
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in ALERT_KINDS]
