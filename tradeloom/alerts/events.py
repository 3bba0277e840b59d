"""What the alerts app records: its audit action (docs/events.md). Alerts firing and resolving are rows of their own
(``Alert``), not audit events."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register


class AlertRuleAction(Action):
    CHANGED = "alert_rule.changed"


def _rule_changed(t: Told) -> str:
    rule = f"the alert “{t.name}”" if t.labelled else "an alert rule"
    enabled = t.raw("enabled")
    if t.has("enabled") and t.raw_old("enabled") != enabled:
        return f"{t.actor} turned {'on' if enabled else 'off'} {rule}"
    return f"{t.actor} changed {rule}"


sentences_register(
    {AlertRuleAction.CHANGED: _rule_changed},
    fields={
        "kind": Field(hidden=True),
        "days": Field(label="Days"),
        "notify_merchandiser": Field(label="Tell the responsible member"),
        "roles": Field(label="Roles", plain=True),  # recorded as the roles' names, "Manager, Accounts"
        "members": Field(label="Members", plain=True),  # recorded as the members' names
    },
)
