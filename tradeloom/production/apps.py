from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "tradeloom.production"
    label = "production"
    verbose_name = "Production"

    def ready(self) -> None:
        """Where production plugs into the floors below it (docs/modules.md)."""
        from celery.schedules import crontab

        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.production import alerts, events, tasks, timeline, webhooks  # noqa: F401  (events: sentences)
        from tradeloom.production.capabilities import PRODUCTION_REPORT, PRODUCTION_VIEW
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        webhooks.register()
        alerts.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the work orders made for an order
            ORDER_TIMELINE.register(source.target_type, source)
        # hourly: each organisation's open work orders move to its new day soon after its midnight (idempotent)
        PERIODIC_TASKS.register(tasks.REFRESH_TASK, Periodic(task=tasks.REFRESH_TASK, at=crontab(minute=20)))

        # the order page's Production tab: its work orders and cumulative progress per process
        ORDER_TABS.register("production", OrderTab("production", "Production", "production:order-panel"))
        section = "Production"
        NAVIGATION.register(
            "work_orders",
            NavLink(
                section,
                "Work orders",
                "production:work-orders",
                "production/icons/wrench.svg",
                capability=PRODUCTION_VIEW,
                order=60,
            ),
        )
        NAVIGATION.register(
            "daily_production",
            NavLink(
                section,
                "Daily production",
                "production:daily",
                "production/icons/pencil-square.svg",
                capability=PRODUCTION_REPORT,
                order=61,
            ),
        )
