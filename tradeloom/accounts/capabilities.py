"""Invitations into the organisation (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import Capability, Role

INVITATIONS_VIEW = Capability("invitations.view", "See pending invitations", roles=(Role.MANAGER,))
INVITATIONS_MANAGE = Capability("invitations.manage", "Invite people and revoke invitations", roles=())
