"""Proforma invoices (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PROFORMAS_VIEW = Capability(
    "proformas.view", "See proforma invoices, their lines, revisions and acceptance", roles=EVERY_ROLE
)
PROFORMAS_MANAGE = Capability(
    "proformas.manage",
    "Make proforma invoices from orders, edit drafts, send, revise, record the buyer's acceptance and cancel them",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
