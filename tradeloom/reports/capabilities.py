from tradeloom.tenancy.roles import Capability, Role

REPORTS_VIEW = Capability(
    "reports.view",
    "See the manager's reports (pipeline, profit, OTIF, late orders, LC exposure, ageing, workload)",
    roles=[Role.MANAGER, Role.ACCOUNTS],
)
