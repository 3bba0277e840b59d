"""Background jobs with progress: created in the request, advanced by a Celery task in short transactions.

Each progress update commits on its own, so a page polling the job sees it move while the task runs. The kinds of
job are registered by the apps that run them (``JOB_KINDS.register(kind.code, kind)`` in ``AppConfig.ready()``,
``core.models.JOB_KINDS``); creating a job of an unregistered kind is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, connections
from django.utils import timezone

from tradeloom.core.context import ORGANIZATION_SETTING, tenant_context
from tradeloom.core.models import JOB_KINDS, Job, JobKind

logger = logging.getLogger(__name__)

__all__ = ["JOB_KINDS", "JobKind", "job_create", "job_fail", "job_progress", "job_progress_apart", "job_succeed"]


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


@contextmanager
def job_progress_apart(*, job_id: Any, organization_id: Any) -> Iterator[Callable[[int, str], None]]:
    """``report(progress, message)`` for a task doing all its work in one long transaction (an import commits a
    whole file or nothing): each report is written and committed at once through a database connection of its own,
    under the organisation's tenant context, so a page polling the job sees it move while the work's transaction is
    still open. The caller's transaction must not lock the job's row before its last report (it would wait on
    itself). A report that cannot be written is logged and skipped: progress never fails the work."""
    wrapper = connections.create_connection("default")
    table = Job._meta.db_table
    statement = (
        f"UPDATE {table} SET status = %s, progress = %s, message = %s, updated_at = now() "  # noqa: S608 - our table
        "WHERE id = %s AND status IN (%s, %s)"
    )

    def report(progress: int, message: str) -> None:
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("BEGIN")
                try:
                    cursor.execute("SELECT set_config(%s, %s, true)", [ORGANIZATION_SETTING, str(organization_id)])
                    cursor.execute(
                        statement,
                        [
                            Job.Status.RUNNING,
                            max(0, min(progress, 99)),
                            message[:300],
                            str(job_id),
                            Job.Status.QUEUED,
                            Job.Status.RUNNING,
                        ],
                    )
                    cursor.execute("COMMIT")
                except DatabaseError:
                    cursor.execute("ROLLBACK")
                    raise
        except DatabaseError:
            logger.warning("job progress not written", exc_info=True, extra={"job_id": str(job_id)})

    try:
        yield report
    finally:
        wrapper.close()
