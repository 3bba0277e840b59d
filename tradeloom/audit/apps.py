from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "tradeloom.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Every app's catalogue of audit actions and domain events (``<app>/events.py``), before the first request.
        autodiscover_modules("events")

        from django.db.models import F

        from tradeloom.audit import formats
        from tradeloom.audit.actions import JobAction
        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.audit.sentences import Told, sentences_register
        from tradeloom.core.models import JOB_KINDS, Job

        def job_started(t: Told) -> str:
            kind = JOB_KINDS.get(t.part("kind"))
            return f"{t.actor} started {formats.an(formats.lower_first(kind.label)) if kind else 'a background job'}"

        RECORD_LABELS.register("core.job", RecordLabel(Job, text=F("kind"), parts={"kind": F("kind")}))
        sentences_register({JobAction.STARTED: job_started})
