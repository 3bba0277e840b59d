from django.apps import AppConfig


class TnaConfig(AppConfig):
    name = "tradeloom.tna"
    label = "tna"
    verbose_name = "Time & Action"

    def ready(self) -> None:
        """Where T&A plugs into the floors below it (docs/modules.md)."""
        from celery.schedules import crontab

        from tradeloom.approvals.events import GateStateChanged
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import Phase, subscribe
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.logistics.events import ShipmentDeparted
        from tradeloom.production.events import ProductionReported
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab
        from tradeloom.tenancy.events import OrganizationCreated
        from tradeloom.tna import alerts, subscribers, tasks
        from tradeloom.tna.timeline import LABELS, SOURCES

        # a new organisation's standard template; milestones completed by gates, production and departures
        subscribe(OrganizationCreated, subscribers.give_standard_template, phase=Phase.IN_TRANSACTION)
        subscribe(GateStateChanged, subscribers.milestones_on_gate, phase=Phase.IN_TRANSACTION)
        subscribe(ProductionReported, subscribers.milestones_on_production, phase=Phase.IN_TRANSACTION)
        subscribe(ShipmentDeparted, subscribers.ex_factory_on_departure, phase=Phase.IN_TRANSACTION)
        for kind, label in LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in SOURCES:  # the plans' events (every milestone change) belong to the order's timeline
            ORDER_TIMELINE.register(source.target_type, source)
        # the alert kinds (docs/alerts.md): milestone due, late, ex-factory forecast after the ETD
        alerts.register()
        # forecasts move with today: hourly, so each organisation's morning is covered in its own time zone
        PERIODIC_TASKS.register(tasks.REFRESH_TASK, Periodic(task=tasks.REFRESH_TASK, at=crontab(minute=7)))
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink
        from tradeloom.tna.capabilities import TNA_VIEW

        # the order page's T&A tab: the grid of milestones x planned / forecast / actual
        ORDER_TABS.register("tna", OrderTab("tna", "T&A", "tna:order-panel"))
        section = "Production"
        NAVIGATION.register(
            "tna_calendar",
            NavLink(section, "T&A calendar", "tna:calendar", "tna/icons/calendar.svg", capability=TNA_VIEW, order=62),
        )
        NAVIGATION.register(
            "tna_templates",
            NavLink(
                section, "T&A templates", "tna:templates", "tna/icons/clipboard.svg", capability=TNA_VIEW, order=63
            ),
        )
