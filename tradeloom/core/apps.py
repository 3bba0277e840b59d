from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tradeloom.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from datetime import timedelta

        from celery.schedules import crontab
        from django.core import checks

        from tradeloom.core import metrics, signals  # noqa: F401  (connect the query counter and the post_migrate grant)
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.core.startup import check_database_role

        # manage.py check --deploy --database default: the app role may not escape row-level security
        checks.register(check_database_role, checks.Tags.database, deploy=True)
        checks.register(metrics.check_metrics_networks, checks.Tags.security)

        PERIODIC_TASKS.register("core.outbox_sweep", Periodic(task="core.outbox_sweep", every=timedelta(minutes=1)))
        PERIODIC_TASKS.register("core.heartbeat", Periodic(task="core.heartbeat", every=timedelta(seconds=30)))
        PERIODIC_TASKS.register(
            "core.idempotency_keys_purge", Periodic(task="core.idempotency_keys_purge", at=crontab(minute=17))
        )
        PERIODIC_TASKS.register("core.outbox_purge", Periodic(task="core.outbox_purge", at=crontab(hour=3, minute=41)))
