from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tradeloom.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        """Where the reports plug in (docs/modules.md): a link in the sidebar's Workspace section."""
        from tradeloom.reports.capabilities import REPORTS_VIEW
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        NAVIGATION.register(
            "reports",
            NavLink(
                "Workspace",
                "Reports",
                "reports:index",
                "reports/icons/chart-bar.svg",
                capability=REPORTS_VIEW,
                order=95,
            ),
        )
