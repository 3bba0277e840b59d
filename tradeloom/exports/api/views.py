"""The exports API: each list's rows as a file (``GET exports/orders.csv?status=open``), large ones as a job
(``POST exports/orders/``), the job's progress and its file. Each list's routes declare that list's view
capability (``api/urls.py`` makes one view class per list)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import FileResponse, HttpResponseBase, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import Job
from tradeloom.exports import selectors, services
from tradeloom.exports.api import serializers as s
from tradeloom.exports.capabilities import EXPORTS_RUN
from tradeloom.exports.registry import CONTENT_TYPES, CSV, EXPORTS, XLSX, Query, main_list, rows_at_once
from tradeloom.exports.views import export_response, filename
from tradeloom.tenancy.api.base import TenantAPIView
from tradeloom.tenancy.api.serializers import JobOutput
from tradeloom.tenancy.capabilities import ORGANIZATION_VIEW
from tradeloom.tenancy.roles import role_has

FILE_RESPONSES = {(200, CONTENT_TYPES[CSV]): OpenApiTypes.BINARY, (200, CONTENT_TYPES[XLSX]): OpenApiTypes.BINARY}


def _job_output(request: Request, job: Job) -> dict[str, Any]:
    def download(job: Job) -> str:
        return reverse(
            "api:tenant-api:export-job-download",
            kwargs={"org_slug": request.organization.slug, "job_id": job.pk},  # type: ignore[attr-defined]
            request=request,
        )

    return dict(JobOutput(job, context={"download": download}).data)


def _refused(exc: selectors.InvalidFilters) -> ValidationError:
    return ValidationError(exc.errors)


class ExportListApi(TenantAPIView):
    capabilities = {"GET": ORGANIZATION_VIEW}

    @extend_schema(responses={200: s.ExportOutput(many=True)}, summary="The lists this member may export")
    def get(self, request: Request) -> Response:
        slug = self.organization.slug
        rows = []
        for export in EXPORTS:
            if not role_has(self.membership.role, main_list(export).capability):
                continue
            files = {
                f: reverse(f"api:tenant-api:export-{export.key}-{f}", kwargs={"org_slug": slug}, request=request)
                for f in export.formats
            }
            start = reverse(f"api:tenant-api:export-{export.key}-start", kwargs={"org_slug": slug}, request=request)
            rows.append(
                {
                    "key": export.key,
                    "label": export.label,
                    "formats": list(export.formats),
                    "files": files,
                    "start": start,
                }
            )
        return Response(s.ExportOutput(rows, many=True).data)


class ExportFileApi(TenantAPIView):
    """The list's rows for the query string's filters (the list page's own: `?status=open&sort=oldest`), every page
    of them in the list's order, as CSV (streamed) or XLSX. Text cells that start like a formula (`=`, `+`, `-`,
    `@`, tab, CR) get a leading `'`. More rows than the limit (5,000 by default) is a 409 `export_too_large`: start
    a background export with `POST` instead."""

    export_key: ClassVar[str] = ""
    file_format: ClassVar[str] = CSV

    @extend_schema(responses=FILE_RESPONSES, summary="A list as a file")
    @api_contract(errors=(400, 409))
    def get(self, request: Request) -> HttpResponseBase:
        export = selectors.export_of(self.export_key)
        query = Query(organization=self.organization, membership=self.membership, params=request.query_params)
        try:
            count = selectors.export_count(export, query)
        except selectors.InvalidFilters as exc:
            raise _refused(exc) from exc
        limit = rows_at_once()
        if count > limit:
            raise ApplicationError(
                f"{count} rows match: more than the {limit} an export gives at once. Start a background export.",
                code="export_too_large",
                status=409,
                extra={"rows": count, "limit": limit},
            )
        return export_response(export, query, self.file_format, request)


class ExportStartApi(TenantAPIView):
    """Start a background export of the list for the filters given (as its page's query string names them); poll
    the job it answers with, then download its file."""

    capabilities = {"POST": EXPORTS_RUN}
    export_key: ClassVar[str] = ""

    @extend_schema(request=s.ExportStartInput, responses={202: JobOutput}, summary="Export a list in the background")
    def post(self, request: Request) -> Response:
        export = selectors.export_of(self.export_key)
        if not role_has(self.membership.role, main_list(export).capability):
            raise PermissionDenied("Your role does not allow this action.")
        data = s.ExportStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        file_format = data.validated_data["format"]
        if file_format not in export.formats:
            raise ValidationError({"format": [f"This export is {' or '.join(export.formats).upper()} only."]})
        params = QueryDict(mutable=True)
        for key, values in data.validated_data["filters"].items():
            params.setlist(key, values)
        try:
            job = services.export_start(
                organization=self.organization,
                by=self.membership,
                key=export.key,
                file_format=file_format,
                params=params,
            )
        except selectors.InvalidFilters as exc:
            raise ValidationError({"filters": exc.errors}) from exc
        location = reverse(
            "api:tenant-api:export-job", kwargs={"org_slug": self.organization.slug, "job_id": job.pk}, request=request
        )
        return Response(_job_output(request, job), status=202, headers={"Location": location})


class ExportJobApi(TenantAPIView):
    capabilities = {"GET": ORGANIZATION_VIEW}

    @extend_schema(responses={200: JobOutput}, summary="A background export (one's own): its status and progress")
    def get(self, request: Request, job_id: Any) -> Response:
        job = selectors.export_job_get(organization=self.organization, membership=self.membership, pk=job_id)
        return Response(_job_output(request, job))


class ExportJobDownloadApi(TenantAPIView):
    capabilities = {"GET": ORGANIZATION_VIEW}

    @extend_schema(responses=FILE_RESPONSES, summary="The file of a background export")
    @api_contract(errors=(409,))
    def get(self, request: Request, job_id: Any) -> FileResponse:
        job = selectors.export_job_get(organization=self.organization, membership=self.membership, pk=job_id)
        export = selectors.export_of(job.parameters.get("export", ""))
        if not role_has(self.membership.role, main_list(export).capability):
            raise selectors.Http404("No such export.")
        if job.status != Job.Status.SUCCEEDED or not job.result:
            raise ApplicationError(
                f"The export has no file yet: it is {job.status}.", code="job_not_finished", status=409
            )
        file_format = job.parameters.get("format", CSV)
        return FileResponse(
            job.result.open("rb"),
            as_attachment=True,
            filename=filename(export, file_format),
            content_type=CONTENT_TYPES.get(file_format, "application/octet-stream"),
        )
