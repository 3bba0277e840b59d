"""How alerts answers other apps' events (subscribed in ``AlertsConfig.ready``)."""

from __future__ import annotations

from tradeloom.alerts import services
from tradeloom.tenancy.events import OrganizationCreated


def give_default_rules(event: OrganizationCreated) -> None:
    """A new organisation starts with a rule per kind, on with the kind's N, telling the responsible member."""
    services.rules_create_defaults(organization=event.organization, by=event.membership)
