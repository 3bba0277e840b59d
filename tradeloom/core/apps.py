from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tradeloom.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from datetime import timedelta

        from celery.schedules import crontab

        from tradeloom.core import signals  # noqa: F401  (connects the post_migrate grant)
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic

        PERIODIC_TASKS.register("core.outbox_sweep", Periodic(task="core.outbox_sweep", every=timedelta(minutes=1)))
        PERIODIC_TASKS.register("core.heartbeat", Periodic(task="core.heartbeat", every=timedelta(seconds=30)))
        PERIODIC_TASKS.register(
            "core.idempotency_keys_purge", Periodic(task="core.idempotency_keys_purge", at=crontab(minute=17))
        )
        PERIODIC_TASKS.register("core.outbox_purge", Periodic(task="core.outbox_purge", at=crontab(hour=3, minute=41)))
