"""Invoices and credit notes (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

INVOICES_VIEW = Capability(
    "invoices.view", "See invoices and credit notes, their lines, amounts, due dates and balances", roles=EVERY_ROLE
)
INVOICES_MANAGE = Capability(
    "invoices.manage",
    "Make invoices from shipments and orders, issue and void them, and raise credit notes",
    roles=(Role.MANAGER, Role.ACCOUNTS),
)
