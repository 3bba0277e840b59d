"""What the organisation's own pages need: settings, members and the audit log (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability

ORGANIZATION_VIEW = Capability("organization.view", "See the organisation and its settings", roles=EVERY_ROLE)
ORGANIZATION_MANAGE = Capability("organization.manage", "Change the organisation's settings", roles=())
MEMBERS_VIEW = Capability("members.view", "See the members", roles=EVERY_ROLE)
MEMBERS_MANAGE = Capability("members.manage", "Change roles, deactivate and reactivate members", roles=())
AUDIT_VIEW = Capability("audit.view", "Read and export the audit log", roles=())
