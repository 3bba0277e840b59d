"""Export pages: a list's rows as a file (at once when small, else a page that starts a background job), the job's
progress card and its file. Each list's routes are guarded by that list's own view capability (``urls.py``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tradeloom.core.models import Job
from tradeloom.exports import selectors, services
from tradeloom.exports.capabilities import EXPORTS_RUN
from tradeloom.exports.registry import CONTENT_TYPES, CSV, Export, ExportList, Query, main_list, rows_at_once
from tradeloom.exports.writers import csv_lines, xlsx_file
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_stream


def filename(export: Export, file_format: str) -> str:
    return f"{export.filename}-{timezone.localdate().isoformat()}.{file_format}"


def export_response(export: Export, query: Query, file_format: str, request: Any) -> HttpResponseBase:
    """The file at once: CSV streamed in chunks (in the request's tenant context, ``tenant_stream``), XLSX written
    by openpyxl's write-only workbook and sent as a file."""
    name = filename(export, file_format)
    if file_format == CSV and isinstance(export, ExportList):
        lines = tenant_stream(request, lambda: csv_lines(export, query))
        response = StreamingHttpResponse(lines, content_type=f"{CONTENT_TYPES[CSV]}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(export, query), as_attachment=True, filename=name, content_type=CONTENT_TYPES[file_format]
    )


def _list_url(request: TenantRequest, export: Export) -> str:
    url = reverse(export.list_url_name, kwargs={"org_slug": request.organization.slug})
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def download_view(request: TenantRequest, *, list_key: str, file_format: str) -> HttpResponseBase:
    """The list's rows for the query string: the file when there are at most ``rows_at_once()``; else a page
    offering to prepare it in the background. Refused filters go back to the list, which shows them."""
    export = selectors.export_of(list_key)
    query = Query(organization=request.organization, membership=request.membership, params=request.GET)
    try:
        count = selectors.export_count(export, query)
    except selectors.InvalidFilters:
        return redirect(_list_url(request, export))
    if count <= rows_at_once():
        return export_response(export, query, file_format, request)
    context = {
        "nav": "",
        "export": export,
        "file_format": file_format,
        "count": count,
        "limit": rows_at_once(),
        "list_url": _list_url(request, export),
        "start_url": _start_url(request, export),
        "can_start": role_has(request.membership.role, EXPORTS_RUN),
    }
    return render(request, "exports/large.html", context)


def _start_url(request: TenantRequest, export: Export) -> str:
    url = reverse(f"exports:{export.key}-start", kwargs={"org_slug": request.organization.slug})
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _job_context(request: TenantRequest, job: Job) -> dict[str, Any]:
    ids = {"org_slug": request.organization.slug, "job_id": job.pk}
    return {
        "nav": "",
        "job": job,
        "poll_url": reverse("exports:job", kwargs=ids),
        "download_url": reverse("exports:job-download", kwargs=ids),
    }


def _job_page(request: TenantRequest, job: Job) -> HttpResponse:
    template = "components/progress.html" if getattr(request, "htmx", False) else "exports/job.html"
    return render(request, template, _job_context(request, job))


def start_view(request: TenantRequest, *, list_key: str) -> HttpResponse:
    """Start a background export of the list for the query string (in the address) in the posted ``format``;
    answer with the job's progress card (the whole page without HTMX)."""
    export = selectors.export_of(list_key)
    if not role_has(request.membership.role, main_list(export).capability):
        raise PermissionDenied("Your role does not allow this action.")
    file_format = request.POST.get("format", "")
    if file_format not in export.formats:
        raise Http404("No such export format.")
    try:
        job = services.export_start(
            organization=request.organization,
            by=request.membership,
            key=export.key,
            file_format=file_format,
            params=request.GET,
        )
    except selectors.InvalidFilters:
        return redirect(_list_url(request, export))
    return _job_page(request, job)


def job_view(request: TenantRequest, job_id: Any) -> HttpResponse:
    job = selectors.export_job_get(organization=request.organization, membership=request.membership, pk=job_id)
    return _job_page(request, job)


def job_download_view(request: TenantRequest, job_id: Any) -> FileResponse:
    job = selectors.export_job_get(organization=request.organization, membership=request.membership, pk=job_id)
    if job.status != Job.Status.SUCCEEDED or not job.result:
        raise Http404("This export has no file yet.")
    export = selectors.export_of(job.parameters.get("export", ""))
    if not role_has(request.membership.role, main_list(export).capability):
        raise Http404("No such export.")
    file_format = job.parameters.get("format", CSV)
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=filename(export, file_format),
        content_type=CONTENT_TYPES.get(file_format, "application/octet-stream"),
    )
