"""Items, units, payment terms and exchange rates (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

CATALOG_VIEW = Capability("catalog.view", "See items, units, payment terms and rates", roles=EVERY_ROLE)
CATALOG_MANAGE = Capability(
    "catalog.manage",
    "Add and change items, units, payment terms and rates",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
