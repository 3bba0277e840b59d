"""Outbound webhooks: endpoints, their secrets and delivery logs are the owners' and admins' (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import Capability

WEBHOOKS_MANAGE = Capability(
    "webhooks.manage", "Manage webhook endpoints, their secrets and delivery logs; replay deliveries", roles=()
)
