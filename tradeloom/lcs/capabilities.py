"""Letters of credit (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

LCS_VIEW = Capability(
    "lcs.view", "See letters of credit, their amendments, drawings and presentations", roles=EVERY_ROLE
)
LCS_MANAGE = Capability(
    "lcs.manage",
    "Record letters of credit, their amendments, drawings, presentations and discrepancies",
    roles=(Role.MANAGER, Role.ACCOUNTS),
)
