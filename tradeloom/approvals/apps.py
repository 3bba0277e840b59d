from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "tradeloom.approvals"
    label = "approvals"
    verbose_name = "Approvals and samples"

    def ready(self) -> None:
        """Where approvals plugs into the floors below it (docs/modules.md)."""
        from tradeloom.approvals import selectors, subscribers
        from tradeloom.approvals.api.serializers import GateBadgeOutput, gate_badges_json
        from tradeloom.core.events import subscribe
        from tradeloom.sales.capabilities import ORDERS_VIEW
        from tradeloom.sales.events import LinesCreated, LineStatusChanging
        from tradeloom.sales.extensions import ORDER_LIST_COLUMNS, ORDER_TABS, OrderListColumn, OrderTab
        from tradeloom.tenancy.events import OrganizationCreated
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        subscribe(OrganizationCreated, subscribers.give_standard_gates)
        subscribe(LinesCreated, subscribers.attach_default_gates)
        subscribe(LineStatusChanging, subscribers.hold_to_gating_rules)
        ORDER_LIST_COLUMNS.register(
            "gates",
            OrderListColumn(
                key="gates",
                annotation="gate_states",
                expression=selectors.order_gate_states,
                to_json=gate_badges_json,
                field=lambda: GateBadgeOutput(many=True, read_only=True),
                heading="Approvals",
                cell_template="approvals/_order_list_cell.html",
            ),
        )
        ORDER_TABS.register("approvals", OrderTab("approvals", "Approvals", "approvals:order-panel"))
        NAVIGATION.register(
            "approvals",
            NavLink(
                "Workspace",
                "Approvals",
                "approvals:board",
                "icons/check-circle.svg",
                capability=ORDERS_VIEW,
                active=("approvals", "approval-settings"),
                order=20,
            ),
        )
