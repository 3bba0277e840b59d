"""Customers, suppliers, plants, contacts and carriers (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PARTNERS_VIEW = Capability("partners.view", "See customers, suppliers, plants and carriers", roles=EVERY_ROLE)
PARTNERS_MANAGE = Capability(
    "partners.manage",
    "Add and change customers, suppliers, plants and carriers",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
