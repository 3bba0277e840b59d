"""Every write of alert rules: the defaults of a new organisation, and an admin's change of a rule (audited).

Alerts themselves are written by the evaluation pass (``evaluation``) and told by ``notifying``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.alerts.defaults import default_days, kind_get
from tradeloom.alerts.events import AlertRuleAction
from tradeloom.alerts.models import Alert, AlertRule, AlertRuleMember
from tradeloom.audit.services import audit_record
from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role

EDITABLE = ("enabled", "days", "notify_merchandiser", "roles", "members")


@transaction.atomic
def rules_create_defaults(*, organization: Any, by: Any = None) -> list[AlertRule]:
    """A new organisation's rules: one per registered kind, on when the kind says so, telling the responsible
    member (the order's merchandiser, a task's assignee). Kinds that already have a rule are left alone."""
    existing = set(AlertRule.objects.filter(organization=organization).values_list("kind", flat=True))
    rules = [
        AlertRule(
            organization_id=organization.pk,
            created_by_id=getattr(by, "user_id", None),
            kind=kind.code,
            enabled=kind.default_enabled,
            days=default_days(kind, organization),
            notify_merchandiser=True,
        )
        for kind in ALERT_KINDS
        if kind.code not in existing
    ]
    return AlertRule.objects.bulk_create(rules)


def _member_names(members: Iterable[Membership]) -> str:
    return ", ".join(sorted(m.user.full_name or m.user.email for m in members))


def _role_names(roles: Iterable[str]) -> str:
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in sorted(roles))


def _clean(kind: AlertKind, organization: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The rule's new values, each checked; a refusal names its field (400 in the API, an error next to the field
    on the page)."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise field_error(unknown[0], "This field cannot be changed.", code="field_not_editable")
    clean: dict[str, Any] = {}
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise field_error("enabled", "Must be true or false.")
        clean["enabled"] = data["enabled"]
    if "notify_merchandiser" in data:
        if not isinstance(data["notify_merchandiser"], bool):
            raise field_error("notify_merchandiser", "Must be true or false.")
        clean["notify_merchandiser"] = data["notify_merchandiser"]
    if "days" in data:
        days = data["days"]
        if isinstance(days, bool) or not isinstance(days, int):
            raise field_error("days", "Enter a whole number of days.")
        if not kind.min_days <= days <= kind.max_days:
            raise field_error("days", f"Enter a number of days from {kind.min_days} to {kind.max_days}.")
        clean["days"] = days
    if "roles" in data:
        roles = data["roles"]
        if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
            raise field_error("roles", "A list of roles.")
        bad = sorted(set(roles) - set(Role.values))
        if bad:
            raise field_error("roles", f"No such role: {', '.join(bad)}.")
        clean["roles"] = sorted(set(roles))
    if "members" in data:
        ids = data["members"]
        if not isinstance(ids, list | tuple):
            raise field_error("members", "A list of members.")
        wanted = {str(pk) for pk in ids}
        # another organisation's member is not found here, exactly as an id that does not exist
        found = {
            str(m.pk): m
            for m in Membership.objects.filter(organization=organization, pk__in=list(wanted)).select_related("user")
        }
        missing = sorted(wanted - set(found))
        if missing:
            raise field_error("members", f"No such member of this organisation: {', '.join(missing)}.")
        inactive = sorted(str(m.user) for m in found.values() if not m.is_active)
        if inactive:
            raise field_error("members", f"Not an active member: {', '.join(inactive)}.")
        clean["members"] = list(found.values())
    return clean


@transaction.atomic
def rule_update(
    *, organization: Any, kind: str, by: Any, data: dict[str, Any], expected_version: int | None = None
) -> AlertRule:
    """Change the organisation's rule for ``kind`` (made with the kind's defaults if it has none yet): on or off,
    N days, who is told. ``expected_version`` (the API's If-Match) must be the rule's current version (0: none
    yet). Turning a rule off resolves its open alerts at once; other changes take effect at the next pass."""
    alert_kind = kind_get(kind)
    rule = AlertRule.objects.select_for_update().filter(organization=organization, kind=kind).first()
    current = rule.version if rule is not None else 0
    if expected_version is not None and expected_version != current:
        raise ApplicationError(
            "The rule was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": current},
        )
    clean = _clean(alert_kind, organization, data)
    if rule is None:
        rule = AlertRule(
            organization_id=organization.pk,
            created_by_id=getattr(by, "user_id", None),
            kind=kind,
            enabled=False,
            days=default_days(alert_kind, organization),
            version=0,
        )
        members_before: list[Membership] = []
    else:
        members_before = list(rule.members.select_related("user").order_by("pk"))
    before = {
        "enabled": rule.enabled,
        "days": rule.days,
        "notify_merchandiser": rule.notify_merchandiser,
        "roles": _role_names(rule.roles),
        "members": _member_names(members_before),
    }
    for name in ("enabled", "days", "notify_merchandiser", "roles"):
        if name in clean:
            setattr(rule, name, clean[name])
    members_after = clean.get("members", members_before)
    after = {
        "enabled": rule.enabled,
        "days": rule.days,
        "notify_merchandiser": rule.notify_merchandiser,
        "roles": _role_names(rule.roles),
        "members": _member_names(members_after),
    }
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if rule.pk is None or rule._state.adding or changes:
        rule.version += 1
        rule.save()
    if "members" in clean and {m.pk for m in members_after} != {m.pk for m in members_before}:
        AlertRuleMember.objects.filter(rule=rule).delete()
        AlertRuleMember.objects.bulk_create(
            AlertRuleMember(organization_id=organization.pk, rule=rule, membership=m) for m in members_after
        )
    if changes:
        audit_record(actor=by, action=AlertRuleAction.CHANGED, target=rule, changes=changes)
    if before["enabled"] and not rule.enabled:
        now = timezone.now()
        Alert.objects.filter(rule=rule, resolved_at__isnull=True).update(resolved_at=now, updated_at=now)
    return rule
