from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "tradeloom.exports"
    label = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        from tradeloom.core.jobs import JOB_KINDS, JobKind
        from tradeloom.exports import tasks  # noqa: F401  (the Celery task exists)
        from tradeloom.exports.lists import register_built_in
        from tradeloom.exports.selectors import EXPORT_JOB

        JOB_KINDS.register(EXPORT_JOB, JobKind(EXPORT_JOB, "Export of a list"))
        register_built_in()
