"""Roles and what they may do.

Every tenant view declares the capability each HTTP method needs (``TenantAPIView.capabilities``,
``tenant_view(GET=…, POST=…)``); a membership's role either has it or the request is refused with 403.

Each app declares its own capabilities in its ``capabilities.py`` (``ORDERS_VIEW = Capability("orders.view", …)``),
naming the roles that hold each; owners and admins hold every capability. The tenancy app imports every installed
app's ``capabilities`` module when Django starts (``TenancyConfig.ready``), so the registry is complete before the
first request. Capabilities ending in ``.view`` are read-only; the viewer role holds only those.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    MERCHANDISER = "merchandiser", "Merchandiser"
    ACCOUNTS = "accounts", "Accounts"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"


# Roles that hold every capability, whatever a capability lists.
ALL_POWERFUL = frozenset({Role.OWNER, Role.ADMIN})
EVERY_ROLE = frozenset(Role)

# Rules that are not a capability:
# - only an owner makes someone an owner, changes an owner's role, or deactivates an owner;
# - an organisation always keeps at least one active owner.
ROLES_ONLY_OWNERS_GRANT = frozenset({Role.OWNER})

_REGISTRY: dict[str, Capability] = {}


class Capability(str):
    """A named permission (``"orders.view"``), the roles that hold it beside owners and admins, and a label for
    the permissions page. Declaring one registers it; a code is declared once.

    A ``personal`` capability changes only the member's own things — their inbox, how they are told — never the
    organisation's records; every role may hold one, the read-only viewer too (the walls tests skip such writes)."""

    label: str
    roles: frozenset[Role]
    personal: bool

    def __new__(cls, code: str, label: str, *, roles: Iterable[Role], personal: bool = False) -> Capability:
        if code in _REGISTRY:
            raise ValueError(f"The capability {code!r} is declared twice.")
        if "." not in code:
            raise ValueError(f"A capability is <area>.<verb> ({code!r}).")
        capability = super().__new__(cls, code)
        capability.label = label
        capability.roles = frozenset(roles) | ALL_POWERFUL
        capability.personal = personal
        if not capability.is_read_only and not personal and Role.VIEWER in capability.roles:
            raise ValueError(f"The viewer role only reads; {code!r} changes things.")
        _REGISTRY[code] = capability
        return capability

    @property
    def value(self) -> str:
        return str(self)

    @property
    def key(self) -> str:
        """The template name of the capability: ``{{ can.orders_view }}``."""
        return self.replace(".", "_").replace("-", "_")

    @property
    def is_read_only(self) -> bool:
        return self.endswith(".view")


def all_capabilities() -> list[Capability]:
    """Every declared capability, in the order the apps declared them."""
    return list(_REGISTRY.values())


def capability(code: str) -> Capability:
    return _REGISTRY[code]


def capabilities_of(role: str) -> frozenset[Capability]:
    return frozenset(cap for cap in _REGISTRY.values() if role in cap.roles)


def role_has(role: str, capability: Capability) -> bool:
    return role in capability.roles
