"""Roles and what they may do: one readable table.

Every tenant view declares the capability each HTTP method needs (``TenantAPIView.capabilities``); a membership's
role either has it or the request is refused with 403. Capabilities ending in ``.view`` are read-only; the
viewer role holds only those. Later modules add their rows here.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    MERCHANDISER = "merchandiser", "Merchandiser"
    ACCOUNTS = "accounts", "Accounts"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"


class Cap(StrEnum):
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_MANAGE = "organization.manage"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    INVITATIONS_VIEW = "invitations.view"
    INVITATIONS_MANAGE = "invitations.manage"
    AUDIT_VIEW = "audit.view"
    PARTNERS_VIEW = "partners.view"
    PARTNERS_MANAGE = "partners.manage"
    CATALOG_VIEW = "catalog.view"
    CATALOG_MANAGE = "catalog.manage"
    ORDERS_VIEW = "orders.view"
    ORDERS_MANAGE = "orders.manage"

    @property
    def is_read_only(self) -> bool:
        return self.value.endswith(".view")


_ALL = frozenset(Cap)
_READ = frozenset(c for c in Cap if c.is_read_only)
_MASTER_DATA = frozenset({Cap.PARTNERS_VIEW, Cap.PARTNERS_MANAGE, Cap.CATALOG_VIEW, Cap.CATALOG_MANAGE})
_MASTER_DATA_READ = frozenset({Cap.PARTNERS_VIEW, Cap.CATALOG_VIEW})
_ORDERS = frozenset({Cap.ORDERS_VIEW, Cap.ORDERS_MANAGE})

#                      role → capabilities
CAPABILITIES: dict[Role, frozenset[Cap]] = {
    Role.OWNER: _ALL,
    Role.ADMIN: _ALL,
    Role.MANAGER: frozenset({Cap.ORGANIZATION_VIEW, Cap.MEMBERS_VIEW, Cap.INVITATIONS_VIEW, *_MASTER_DATA, *_ORDERS}),
    Role.MERCHANDISER: frozenset({Cap.ORGANIZATION_VIEW, Cap.MEMBERS_VIEW, *_MASTER_DATA, *_ORDERS}),
    Role.ACCOUNTS: frozenset({Cap.ORGANIZATION_VIEW, Cap.MEMBERS_VIEW, *_MASTER_DATA, Cap.ORDERS_VIEW}),
    Role.STAFF: frozenset({Cap.ORGANIZATION_VIEW, Cap.MEMBERS_VIEW, *_MASTER_DATA_READ, Cap.ORDERS_VIEW}),
    Role.VIEWER: frozenset({Cap.ORGANIZATION_VIEW, Cap.MEMBERS_VIEW, *_MASTER_DATA_READ, Cap.ORDERS_VIEW}),
}

# Rules that are not a capability:
# - only an owner makes someone an owner, changes an owner's role, or deactivates an owner;
# - an organisation always keeps at least one active owner.
ROLES_ONLY_OWNERS_GRANT = frozenset({Role.OWNER})


def role_has(role: str, capability: Cap) -> bool:
    return capability in CAPABILITIES.get(Role(role), frozenset())
