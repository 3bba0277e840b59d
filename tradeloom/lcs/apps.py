from django.apps import AppConfig


class LcsConfig(AppConfig):
    name = "tradeloom.lcs"
    label = "lcs"
    verbose_name = "Letters of credit"

    def ready(self) -> None:
        """Where lcs plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.lcs import alerts, timeline, webhooks
        from tradeloom.lcs.capabilities import LCS_VIEW
        from tradeloom.sales.extensions import ORDER_TIMELINE
        from tradeloom.tenancy.navigation import NAVIGATION, SECTIONS, NavLink

        # the LC alert kinds (docs/alerts.md; lcs comes before the alerts app, whose ready() gives each kind its
        # notification kind) and the LC actions webhooks may carry (docs/webhooks.md)
        alerts.register()
        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the LCs linked to an order
            ORDER_TIMELINE.register(source.target_type, source)
        NAVIGATION.register(
            "lcs",
            NavLink(
                "Finance" if "Finance" in SECTIONS else "Workspace",
                "Letters of credit",
                "lcs:lcs",
                "lcs/icons/banknotes.svg",
                capability=LCS_VIEW,
                order=50,
            ),
        )
