"""Alerts: who reads them and who sets the rules (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability

ALERTS_VIEW = Capability("alerts.view", "See alerts and the organisation's alert rules", roles=EVERY_ROLE)
ALERTS_MANAGE = Capability("alerts.manage", "Turn alert rules on and off, set their days and recipients", roles=())
