from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "tradeloom.printing"
    label = "printing"
    verbose_name = "PDF documents"

    def ready(self) -> None:
        """Where printing plugs into the floors below it (docs/modules.md, docs/printing.md)."""
        from django.db.models import F

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.core.jobs import JOB_KINDS
        from tradeloom.printing import events, kinds, targets, tasks  # noqa: F401  (sentences, kinds, the task)
        from tradeloom.printing.capabilities import PRINTING_MANAGE
        from tradeloom.printing.jobs import PDF_JOB
        from tradeloom.printing.models import PrintProfile
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        JOB_KINDS.register(PDF_JOB.code, PDF_JOB)
        RECORD_LABELS.register("printing.printprofile", RecordLabel(PrintProfile, text=F("company_name")))
        targets.register()
        NAVIGATION.register(
            "print_profile",
            NavLink(
                "Organisation",
                "Print profile",
                "printing:profile",
                "printing/icons/printer.svg",
                capability=PRINTING_MANAGE,
                order=85,
            ),
        )
