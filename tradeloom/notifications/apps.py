from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tradeloom.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        """Where notifications plugs into the floors below it (docs/modules.md, docs/notifications.md)."""
        from celery.schedules import crontab

        from tradeloom.core.events import Phase, subscribe
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.notifications import subscribers, tasks  # noqa: F401  (tasks: the Celery tasks exist)
        from tradeloom.notifications.kinds import NOTIFICATION_KINDS, TASK_ASSIGNED
        from tradeloom.sales.events import TaskAssigned

        NOTIFICATION_KINDS.register(TASK_ASSIGNED.code, TASK_ASSIGNED)
        subscribe(TaskAssigned, subscribers.notify_task_assignee, phase=Phase.IN_TRANSACTION)
        # hourly; each run sends to the organisations whose local time is the digest's morning (digest.py)
        PERIODIC_TASKS.register(
            "notifications.daily_digest", Periodic(task="notifications.daily_digest", at=crontab(minute=0))
        )
