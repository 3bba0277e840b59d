"""Shipments and what travels with them (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

SHIPMENTS_VIEW = Capability("shipments.view", "See shipments, their lines, dates and documents", roles=EVERY_ROLE)
SHIPMENTS_MANAGE = Capability(
    "shipments.manage",
    "Book shipments, move them through their statuses, revise ETAs and keep their documents",
    roles=(Role.MANAGER, Role.MERCHANDISER),
)
