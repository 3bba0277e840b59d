"""Payments, their allocations, the ageing report and customer statements (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PAYMENTS_VIEW = Capability(
    "payments.view",
    "See payments received, their allocations, the ageing report and customer statements",
    roles=EVERY_ROLE,
)
PAYMENTS_MANAGE = Capability(
    "payments.manage",
    "Record payments received, allocate them to invoices and void them",
    roles=(Role.MANAGER, Role.ACCOUNTS),
)
