from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "tradeloom.sales"
    label = "sales"
    verbose_name = "Sales orders"

    def ready(self) -> None:
        """Where sales plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.sales import timeline
        from tradeloom.sales.capabilities import ORDERS_VIEW
        from tradeloom.sales.extensions import ORDER_TIMELINE
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:
            ORDER_TIMELINE.register(source.target_type, source)

        NAVIGATION.register(
            "orders",
            NavLink("Workspace", "Orders", "sales:orders", "icons/shopping-bag.svg", capability=ORDERS_VIEW, order=10),
        )
        self._dashboard_panels()

    @staticmethod
    def _dashboard_panels() -> None:
        """The order panels of the dashboard (``tenancy.dashboard``): three figures, then the cards."""
        from tradeloom.sales import dashboard
        from tradeloom.sales.capabilities import ORDERS_VIEW
        from tradeloom.tenancy.dashboard import DASHBOARD_PANELS, DashboardPanel

        panels = {
            "sales.pipeline_figure": ("figure_pipeline", dashboard.pipeline_figure, 10, "figure"),
            "sales.due_figure": ("figure_due", dashboard.due_figure, 20, "figure"),
            "sales.late_figure": ("figure_late", dashboard.late_panel, 30, "figure"),
            "sales.pipeline": ("pipeline", dashboard.pipeline_panel, 100, "full"),
            "sales.due": ("due", dashboard.due_panel, 200, "two-thirds"),
            "sales.late": ("late", dashboard.late_panel, 210, "third"),
            "sales.profit": ("profit", dashboard.profit_panel, 310, "third"),
            "sales.customers": ("customers", dashboard.top_customers_panel, 320, "third"),
        }
        for key, (template, context, position, size) in panels.items():
            DASHBOARD_PANELS.register(
                key,
                DashboardPanel(
                    template=f"sales/dashboard/{template}.html",
                    context=context,
                    capability=ORDERS_VIEW,
                    position=position,
                    size=size,
                ),
            )
