from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tradeloom.alerts"
    label = "alerts"
    verbose_name = "Alert rules"

    def ready(self) -> None:
        """Where alerts plugs into the floors below it (docs/modules.md, docs/alerts.md)."""
        from datetime import timedelta

        from django.db.models import Case, F, Value, When

        from tradeloom.alerts import subscribers, tasks  # noqa: F401  (tasks: the Celery tasks exist)
        from tradeloom.alerts.capabilities import ALERTS_MANAGE, ALERTS_VIEW
        from tradeloom.alerts.kinds import OWN_KINDS
        from tradeloom.alerts.models import AlertRule
        from tradeloom.alerts.notifying import register_notification_kind
        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.core.alert_kinds import ALERT_KINDS
        from tradeloom.core.events import subscribe
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.tenancy.events import OrganizationCreated
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        for kind in OWN_KINDS:  # sales' and approvals' kinds; the modules below register theirs in their ready()
            ALERT_KINDS.register(kind.code, kind)
        for kind in ALERT_KINDS:  # every kind registered so far (apps after this one: when their alerts fire)
            register_notification_kind(kind)
        PERIODIC_TASKS.register("alerts.evaluate", Periodic(task="alerts.evaluate", every=timedelta(minutes=15)))
        subscribe(OrganizationCreated, subscribers.give_default_rules)
        RECORD_LABELS.register(
            "alerts.alertrule",
            RecordLabel(
                AlertRule,
                text=Case(*(When(kind=k.code, then=Value(k.label)) for k in ALERT_KINDS), default=F("kind")),
            ),
        )
        NAVIGATION.register(
            "alerts",
            NavLink("Workspace", "Alerts", "alerts:list", "icons/bell.svg", capability=ALERTS_VIEW, order=30),
        )
        NAVIGATION.register(
            "alert-rules",
            NavLink(
                "Organisation",
                "Alert rules",
                "alerts:rules",
                "icons/shield-check.svg",
                capability=ALERTS_MANAGE,
                order=80,
            ),
        )
