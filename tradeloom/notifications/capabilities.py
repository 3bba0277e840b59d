"""What the notification pages need. Every member reads their own notifications, marks them read and chooses how they
are told — the viewer too: these change only the member's own inbox and settings, never the organisation's records
(a ``personal`` capability; docs/notifications.md)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability

NOTIFICATIONS_VIEW = Capability("notifications.view", "See your own notifications", roles=EVERY_ROLE)
NOTIFICATIONS_MANAGE = Capability(
    "notifications.manage",
    "Mark your notifications read and choose how you are told",
    roles=EVERY_ROLE,
    personal=True,
)
