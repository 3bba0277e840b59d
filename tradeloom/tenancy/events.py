"""What the tenancy app records and announces: its audit actions and its domain events (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass

from tradeloom.audit import formats
from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, sentences_register
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


sentences_register(
    {
        OrganizationAction.CREATED: lambda t: (
            f"{t.actor} created "
            + (
                f"the organisation {t.value('name').new or t.name}"
                if t.has("name") or t.labelled
                else "an organisation"
            )
        ),
        OrganizationAction.UPDATED: "{actor} changed the organisation's settings",
        MembershipAction.CREATED: lambda t: (
            f"{t.target} joined" + (f" as {t.value('role').new.lower()}" if t.has("role") else "")
        ),
        MembershipAction.ROLE_CHANGED: lambda t: (
            f"{t.actor} changed {formats.possessive(t.target)} role"
            + (f" from {t.value('role').old.lower()}" if t.value("role").old else "")
            + (f" to {t.value('role').new.lower()}" if t.value("role").new else "")
        ),
        MembershipAction.DEACTIVATED: "{actor} deactivated {target}",
        MembershipAction.ACTIVATED: "{actor} reactivated {target}",
    },
    fields={"slug": Field(hidden=True), "is_active": Field(hidden=True), "timezone": Field(label="Time zone")},
)


@dataclass(frozen=True, kw_only=True)
class OrganizationCreated(Event):
    """A new organisation and its first owner, inside the creating transaction with the tenant context on it:
    apps give it their starting data (default units, standard gates …)."""

    name = "tenancy.organization_created"
    organization: Organization
    membership: Membership
