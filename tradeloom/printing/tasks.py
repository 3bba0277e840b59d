"""Background work of printing: making a PDF after the request that asked for it committed."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tradeloom.core.effects import effect_task
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import Job
from tradeloom.printing import services
from tradeloom.printing.jobs import GENERATE_TASK
from tradeloom.tenancy.models import Organization

logger = logging.getLogger(__name__)


@effect_task(GENERATE_TASK)
def generate_pdf(*, organization_id: str, job_id: str) -> None:
    """Render the PDF and keep it as a version of its record's document, once: the work runs in the transaction that
    marks the outbox entry done (a redelivery finds it done; a crash rolls both back and the redelivery makes it).
    A refusal (quota, the record gone) or a failure fails the job with a message instead — it is not retried."""
    organization = Organization.objects.get(pk=organization_id)
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    try:
        with transaction.atomic():
            services.pdf_generate(organization=organization, job=job)
    except ApplicationError as refused:
        _fail(job, refused.message)
    except Exception:
        logger.exception("PDF generation failed", extra={"job_id": job_id})
        _fail(job, "The PDF could not be made. It has been logged.")


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, message=message[:300], finished_at=timezone.now(), updated_at=timezone.now()
    )
