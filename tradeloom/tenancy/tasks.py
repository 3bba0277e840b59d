"""Audit-log export as a background job with progress."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from tradeloom.audit.filters import AuditEventFilter
from tradeloom.audit.selectors import audit_event_list
from tradeloom.core.context import tenant_context
from tradeloom.core.effects import effect_task
from tradeloom.core.jobs import job_fail, job_progress, job_succeed
from tradeloom.core.pagination import keyset_page
from tradeloom.tenancy.models import Organization

logger = logging.getLogger(__name__)
CHUNK = 500
HEADER = ["time", "action", "actor", "target_type", "target_id", "changes", "request_id", "ip"]


@effect_task("tenancy.audit_export", once=False)
def audit_export(*, job_id: str, organization_id: str, filters: dict[str, Any]) -> None:
    """Write the filtered audit log as CSV, chunk by chunk (keyset pages), reporting progress after each. Times are
    the organisation's local times, with their offset (``2026-11-03T00:30:00+06:00``). Its progress commits as it
    goes, so it is not once-only: a second delivery (after a worker died) writes the file again, from the start."""
    try:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        cursor: str | None = None
        written = 0
        params = QueryDict(mutable=True)
        params.update(filters)
        with tenant_context(organization_id):
            organization = Organization.objects.get(pk=organization_id)
        # from here on as the organisation itself: in its time zone too (the file's times are its local times)
        with tenant_context(organization):
            total = AuditEventFilter(params, queryset=audit_event_list(organization=organization)).qs.count()
        while True:
            with tenant_context(organization):
                qs = AuditEventFilter(params, queryset=audit_event_list(organization=organization)).qs
                page = keyset_page(qs, ordering=("-created_at", "-id"), cursor=cursor, limit=CHUNK)
                for event in page.rows:
                    writer.writerow(
                        [
                            timezone.localtime(event.created_at).isoformat(),
                            event.action,
                            event.actor.email if event.actor else "",
                            event.target_type,
                            event.target_id,
                            event.changes,
                            event.request_id,
                            event.ip or "",
                        ]
                    )
            written += len(page.rows)
            job_progress(
                job_id=job_id,
                organization_id=organization_id,
                progress=int(written * 100 / total) if total else 99,
                message=f"{written} of {total} events written",
            )
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        job_succeed(
            job_id=job_id,
            organization_id=organization_id,
            filename="audit-log.csv",
            content=out.getvalue().encode(),
            message=f"{written} events exported",
        )
    except Exception:
        logger.exception("audit export failed", extra={"job_id": job_id})
        job_fail(job_id=job_id, organization_id=organization_id, message="The export failed. It has been logged.")
        raise
