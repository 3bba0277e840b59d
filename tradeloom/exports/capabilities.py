"""Exports read what the member may already see: each list's own view capability. Only large exports, which run as
a background job and keep a file, need one more (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import Capability, Role

EXPORTS_RUN = Capability(
    "exports.run",
    "Start background exports of large lists (what one may see; smaller ones download at once with the list's view)",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
