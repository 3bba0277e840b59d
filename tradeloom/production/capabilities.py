"""Work orders and daily production (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PRODUCTION_VIEW = Capability(
    "production.view",
    "See work orders, their requirements and the production reported against them",
    roles=EVERY_ROLE,
)
PRODUCTION_MANAGE = Capability(
    "production.manage",
    "Make and edit work orders, move them (release, start, complete, cancel, reopen) and issue their materials",
    roles=(Role.MANAGER, Role.MERCHANDISER),
)
PRODUCTION_REPORT = Capability(
    "production.report",
    "Report and correct daily production (knitted, dyed, finished, pieces, rejects)",
    roles=(Role.MANAGER, Role.MERCHANDISER),
)
