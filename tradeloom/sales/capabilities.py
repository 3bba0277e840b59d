"""Orders and everything done on them (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

ORDERS_VIEW = Capability("orders.view", "See orders, their money and approvals", roles=EVERY_ROLE)
ORDERS_MANAGE = Capability(
    "orders.manage", "Create and change orders, lines, approvals and samples", roles=(Role.MANAGER, Role.MERCHANDISER)
)
