from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "tradeloom.approvals"
    label = "approvals"
    verbose_name = "Approvals and samples"

    def ready(self) -> None:
        """Where approvals plugs into the floors below it (docs/modules.md)."""
        from tradeloom.approvals import selectors, subscribers
        from tradeloom.approvals.api.serializers import GateBadgeOutput, gate_badges_json
        from tradeloom.approvals.timeline import LABELS, SOURCES
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import subscribe
        from tradeloom.sales.capabilities import ORDERS_VIEW
        from tradeloom.sales.events import LinesCreated, LineStatusChanging
        from tradeloom.sales.extensions import (
            ORDER_LIST_COLUMNS,
            ORDER_TABS,
            ORDER_TIMELINE,
            OrderListColumn,
            OrderTab,
        )
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
        for kind, label in LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in SOURCES:  # line gates, samples and files belong to the order's timeline
            ORDER_TIMELINE.register(source.target_type, source)
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
        from tradeloom.approvals.dashboard import stuck_panel
        from tradeloom.tenancy.dashboard import DASHBOARD_PANELS, DashboardPanel

        # the dashboard: a figure beside the orders', and the gates waiting too long beside profit and customers
        for key, template, position, size in (
            ("approvals.stuck_figure", "figure_stuck", 40, "figure"),
            ("approvals.stuck", "stuck", 300, "third"),
        ):
            DASHBOARD_PANELS.register(
                key,
                DashboardPanel(
                    template=f"approvals/dashboard/{template}.html",
                    context=stuck_panel,
                    capability=ORDERS_VIEW,
                    position=position,
                    size=size,
                ),
            )
