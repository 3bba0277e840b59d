"""What the tenancy app records and announces: its audit actions and its domain events (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass

from tradeloom.audit.actions import Action
from tradeloom.core.events import Event
from tradeloom.tenancy.models import Membership, Organization


class OrganizationAction(Action):
    CREATED = "organization.created"
    UPDATED = "organization.updated"


class MembershipAction(Action):
    CREATED = "membership.created"
    ROLE_CHANGED = "membership.role_changed"
    DEACTIVATED = "membership.deactivated"
    ACTIVATED = "membership.activated"


@dataclass(frozen=True, kw_only=True)
class OrganizationCreated(Event):
    """A new organisation and its first owner, inside the creating transaction with the tenant context on it:
    apps give it their starting data (default units, standard gates …)."""

    name = "tenancy.organization_created"
    organization: Organization
    membership: Membership
