"""Purchase orders, their approval and goods receipts (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PURCHASING_VIEW = Capability(
    "purchasing.view",
    "See purchase orders, their lines, approvals, amendments and goods receipts",
    roles=EVERY_ROLE,
)
PURCHASING_MANAGE = Capability(
    "purchasing.manage",
    "Make purchase orders (by hand or back to back from order lines), edit drafts, submit, amend and cancel them, and "
    "record and cancel goods receipts",
    roles=(Role.MANAGER, Role.MERCHANDISER),
)
PURCHASING_APPROVE = Capability(
    "purchasing.approve",
    "Approve purchase orders above the organisation's approval limit, or send them back (never one's own)",
    roles=(Role.MANAGER,),
)
