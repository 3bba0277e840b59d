"""What the notifications app records: a member's change of their notification settings (docs/events.md).

Reading a notification is not audited (it changes nothing anyone else sees); choosing how one is told is.
"""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Told, sentences_register
from tradeloom.notifications.kinds import Channel, kind_label


class MembershipNotificationAction(Action):
    """A member's notification settings: one event per save, the changed kinds as its changes."""

    SETTINGS_CHANGED = "membership.notification_settings_changed"


CHANNEL_WORDS = {
    Channel.IN_APP: "in the app",
    Channel.EMAIL: "by e-mail",
    Channel.DIGEST: "in the daily digest",
    Channel.OFF: "off",
}


def _settings_changed(t: Told) -> str:
    parts = []
    for code in sorted((t.event.changes or {}).keys(), key=kind_label):
        old, new = t.raw_old(code), t.raw(code)
        before = f" from {CHANNEL_WORDS.get(old, old)}" if old else ""
        parts.append(f"{kind_label(code)}{before} to {CHANNEL_WORDS.get(new, new)}")
    return f"{t.actor} changed their notification settings" + (f": {'; '.join(parts)}" if parts else "")


sentences_register({MembershipNotificationAction.SETTINGS_CHANGED: _settings_changed})
