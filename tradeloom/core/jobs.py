"""Background jobs with progress: created in the request, advanced by a Celery task in short transactions.

Each progress update commits on its own, so a page polling the job sees it move while the task runs. The kinds of
job are registered by the apps that run them (``JOB_KINDS.register(kind.code, kind)`` in ``AppConfig.ready()``,
``core.models.JOB_KINDS``); creating a job of an unregistered kind is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.core.models import JOB_KINDS, Job, JobKind

__all__ = ["JOB_KINDS", "JobKind", "job_create", "job_fail", "job_progress", "job_succeed"]


def job_create(*, organization: Any, by: Any, kind: str, parameters: dict[str, Any]) -> Job:
    if kind not in JOB_KINDS:
        raise ValueError(f"{kind!r} is not a registered job kind ({', '.join(JOB_KINDS.keys())}).")
    return Job.objects.create(
        organization=organization, kind=kind, parameters=parameters, created_by_id=getattr(by, "user_id", None)
    )


def job_progress(*, job_id: Any, organization_id: Any, progress: int, message: str) -> None:
    with tenant_context(organization_id):
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.RUNNING, progress=max(0, min(progress, 99)), message=message, updated_at=timezone.now()
        )


def job_succeed(*, job_id: Any, organization_id: Any, filename: str, content: bytes, message: str) -> None:
    with tenant_context(organization_id):
        job = Job.objects.select_for_update().get(pk=job_id)
        job.result.save(filename, ContentFile(content), save=False)
        job.status, job.progress, job.message, job.finished_at = Job.Status.SUCCEEDED, 100, message, timezone.now()
        job.save()


def job_fail(*, job_id: Any, organization_id: Any, message: str) -> None:
    with tenant_context(organization_id):
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=message[:300], finished_at=timezone.now(), updated_at=timezone.now()
        )
