"""Time & Action templates and plans (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

TNA_VIEW = Capability(
    "tna.view",
    "See T&A plans of orders, their milestones and the calendar of due milestones",
    roles=EVERY_ROLE,
)
TNA_MANAGE = Capability(
    "tna.manage",
    "Apply T&A templates to orders and lines, move planned dates with a reason and record actual dates",
    roles=(Role.MANAGER, Role.MERCHANDISER),
)
TNA_TEMPLATES = Capability(
    "tna.templates",
    "Make and change the organisation's T&A templates",
    roles=(Role.MANAGER,),
)
