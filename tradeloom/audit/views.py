"""The audit-log viewer and its CSV export (a background job with a progress bar)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from tradeloom.audit import tasks
from tradeloom.audit.filters import AuditEventFilter
from tradeloom.audit.selectors import audit_event_list
from tradeloom.audit.services import audit_record
from tradeloom.core.jobs import job_create
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.models import Job
from tradeloom.core.web import TenantRequest, partial_template, tenant_view
from tradeloom.tenancy.roles import Cap

AUDIT_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]


@tenant_view(GET=Cap.AUDIT_VIEW)
def audit_log_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    page = list_page(
        request, audit_event_list(organization=organization), filterset_class=AuditEventFilter, sorts=AUDIT_SORTS
    )
    template = partial_template(request, "audit/audit_log.html", "audit-list")
    columns = ["Time", "Action", "Actor", "Target", "Changes", "IP"]
    return render(request, template, {"nav": "audit", "page": page, "columns": columns})


def _job_context(request: TenantRequest, job: Job) -> dict[str, Any]:
    slug = request.organization.slug
    return {
        "job": job,
        "poll_url": f"/o/{slug}/audit/exports/{job.pk}/",
        "download_url": f"/o/{slug}/audit/exports/{job.pk}/download/",
    }


@tenant_view(POST=Cap.AUDIT_VIEW)
def audit_export_view(request: TenantRequest) -> HttpResponse:
    """Start an export of the events matching the current filters; answer with the job's progress card."""
    organization = request.organization
    filters = {k: v for k, v in request.POST.items() if k in AuditEventFilter.base_filters and v}
    job = job_create(organization=organization, by=request.membership, kind=Job.Kind.AUDIT_EXPORT, parameters=filters)
    audit_record(
        actor=request.membership, action="audit_log.exported", target=job, changes={"filters": [None, filters]}
    )
    transaction.on_commit(
        partial(tasks.audit_export.delay, job_id=str(job.pk), organization_id=str(organization.pk), filters=filters)
    )
    return render(request, "components/progress.html", _job_context(request, job))


def _job(request: TenantRequest, job_id: Any) -> Job:
    job = Job.objects.filter(organization=request.organization, pk=job_id, kind=Job.Kind.AUDIT_EXPORT).first()
    if job is None:
        raise Http404("No such export.")
    return job


@tenant_view(GET=Cap.AUDIT_VIEW)
def audit_export_progress_view(request: TenantRequest, job_id: Any) -> HttpResponse:
    return render(request, "components/progress.html", _job_context(request, _job(request, job_id)))


@tenant_view(GET=Cap.AUDIT_VIEW)
def audit_export_download_view(request: TenantRequest, job_id: Any) -> FileResponse:
    job = _job(request, job_id)
    if job.status != Job.Status.SUCCEEDED or not job.result:
        raise Http404("This export has no file.")
    return FileResponse(job.result.open("rb"), as_attachment=True, filename="audit-log.csv", content_type="text/csv")
