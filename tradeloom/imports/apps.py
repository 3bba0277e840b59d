from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tradeloom.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from django.db.models import F

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.core.jobs import JOB_KINDS, JobKind
        from tradeloom.imports import events, tasks  # noqa: F401  (sentences; the Celery task exists)
        from tradeloom.imports.capabilities import IMPORTS_RUN
        from tradeloom.imports.entities import register_built_in
        from tradeloom.imports.models import ImportMapping, ImportRun
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        register_built_in()
        JOB_KINDS.register("imports.commit", JobKind("imports.commit", "Import of a file"))
        JOB_KINDS.register("imports.check", JobKind("imports.check", "Dry run of an import"))
        RECORD_LABELS.register("imports.importrun", RecordLabel(ImportRun, text=F("filename")))
        RECORD_LABELS.register("imports.importmapping", RecordLabel(ImportMapping, text=F("entity")))
        NAVIGATION.register(
            "imports",
            NavLink(
                "Organisation",
                "Imports",
                "imports:runs",
                "imports/icons/arrow-up-tray.svg",
                capability=IMPORTS_RUN,
                order=87,
            ),
        )
