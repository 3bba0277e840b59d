"""The imports API: what can be imported, upload a file, map its columns, check it (the dry run), commit it in the
background, and the row errors as CSV. Every operation needs ``imports.run`` and the run's entity's own manage
capability (403); another organisation's run is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.imports import files, mapping, selectors, services
from tradeloom.imports.api import serializers as s
from tradeloom.imports.capabilities import IMPORTS_RUN
from tradeloom.imports.models import ImportRun
from tradeloom.records.api import expected_version
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.tenancy.api.serializers import JobOutput

UPLOAD_ERRORS = (
    "Refusals (nothing is stored): `import_too_large` (413: beyond `IMPORT_MAX_BYTES`, 10 MiB; `max_bytes`), "
    "`import_too_many_rows` (beyond `IMPORT_MAX_ROWS`, 20,000), `import_empty` (no header row), `import_unreadable` "
    "(neither CSV nor XLSX, whatever its name), `import_malformed` (a damaged workbook or CSV), `import_zip_bomb` (a "
    "workbook that would unpack to far more than its size), `import_encoding` (not UTF-8 and no encoding chosen: "
    "`offset` names the first byte that cannot be read), `import_bad_headers` (blank or repeated headers: `blank`, "
    "`duplicates`), `import_bad_sheet` (no such sheet), `validation_error` (an unknown `entity`); "
    "`permission_denied` (403: the role may not change this entity's records)."
)


def _entity_allowed(view: Any, run: ImportRun) -> None:
    entity = selectors.entity_of(run.entity)
    if not selectors.entity_allowed(view.membership.role, entity):
        raise PermissionDenied(f"Your role does not allow importing {entity.label.lower()}.")


def _run(view: Any, import_run_id: Any, *, with_content: bool = False) -> ImportRun:
    run = selectors.run_get(organization=view.organization, pk=import_run_id, with_content=with_content)
    _entity_allowed(view, run)
    return run


def _run_response(view: Any, import_run_id: Any, status: int = 200) -> Response:
    run = selectors.run_get(organization=view.organization, pk=import_run_id)
    return conditional_response(view.request, s.ImportRunOutput(run).data, version_tag=run.etag, status=status)


class ImportEntitiesApi(TenantAPIView):
    capabilities = {"GET": IMPORTS_RUN}

    @extend_schema(
        responses={200: s.ImportEntityOutput(many=True)},
        summary="What this member may import: each entity's fields, natural key and presets",
    )
    def get(self, request: Request) -> Response:
        rows = [
            {
                "code": e.code,
                "label": e.label,
                "description": e.description,
                "key": list(e.key),
                "fields": [
                    {
                        "name": f.name,
                        "label": f.label,
                        "required": f.required,
                        "aliases": list(f.aliases),
                        "help": f.help,
                    }
                    for f in e.fields
                ],
                "presets": [
                    {"code": p.code, "label": p.label, "columns": p.columns, "ignore": list(p.ignore)}
                    for p in mapping.presets_for(e)
                ],
            }
            for e in selectors.entities_for(self.membership.role)
        ]
        return Response(s.ImportEntityOutput(rows, many=True).data)


class ImportRunsApi(TenantGenericAPIView):
    capabilities = {"GET": IMPORTS_RUN, "POST": IMPORTS_RUN}
    serializer_class = s.ImportRunListOutput
    model = ImportRun
    ordering = ("-created_at", "-id")
    parser_classes = [MultiPartParser]

    @extend_schema(
        responses={200: s.ImportRunListOutput(many=True)}, summary="The organisation's imports, newest first"
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.run_list(organization=self.organization))
        return self.get_paginated_response(s.ImportRunListOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.ImportUploadInput},
        responses={201: s.ImportRunOutput},
        summary="Upload a file to import: read, kept, its columns mapped by a guess (saved mapping, preset, names)",
        description=UPLOAD_ERRORS,
    )
    @api_contract(errors=(413,))
    def post(self, request: Request) -> Response:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > files.max_bytes() + 64 * 1024:
            raise _too_large()
        values = s.ImportUploadInput(data=request.data)
        values.is_valid(raise_exception=True)
        data = values.validated_data
        try:
            run = services.import_upload(
                organization=self.organization,
                by=self.membership,
                entity=data["entity"],
                upload=data["file"],
                filename=data["file"].name,
                encoding=data.get("encoding") or None,
                sheet=data.get("sheet") or None,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except ApplicationError as exc:
            if exc.code == "import_too_large":
                exc.status = 413
            raise
        location = reverse(
            "api:tenant-api:import-run",
            kwargs={"org_slug": self.organization.slug, "import_run_id": run.pk},
            request=request,
        )
        response = _run_response(self, run.pk, status=201)
        response["Location"] = location
        return response


def _too_large() -> ApplicationError:
    error = files.too_large()
    error.status = 413
    return error


class ImportRunApi(TenantAPIView):
    capabilities = {"GET": IMPORTS_RUN}

    @extend_schema(responses={200: s.ImportRunOutput}, summary="One import: its mapping, status, counts and errors")
    @api_contract(if_none_match=True)
    def get(self, request: Request, import_run_id: Any) -> Response:
        _run(self, import_run_id)
        return _run_response(self, import_run_id)


class ImportRunMappingApi(TenantAPIView):
    capabilities = {"PUT": IMPORTS_RUN}

    @extend_schema(
        request=s.ImportMappingInput,
        responses={200: s.ImportRunOutput},
        summary="Set the columns' mapping (or a preset's); the organisation keeps it for files with these headers",
        description=(
            "Refusals: `import_bad_mapping` (a header the file lacks, a field the entity lacks, a field mapped twice, "
            "a required field left out: `errors` by header, `mapping` for the whole), `validation_error` (an unknown "
            "`preset`), `import_finished` (409: committing, committed or failed)."
        ),
    )
    @api_contract(if_match=True, errors=(409,))
    def put(self, request: Request, import_run_id: Any) -> Response:
        run = _run(self, import_run_id)
        version = expected_version(request, run)  # type: ignore[arg-type]
        values = s.ImportMappingInput(data=request.data)
        values.is_valid(raise_exception=True)
        data = values.validated_data
        services.import_map(
            run=run,
            by=self.membership,
            columns=data.get("columns"),
            preset=data.get("preset") or None,
            expected_version=version,
        )
        return _run_response(self, import_run_id)


class ImportRunCheckApi(TenantAPIView):
    capabilities = {"POST": IMPORTS_RUN}

    @extend_schema(
        request=None,
        responses={200: s.ImportRunOutput, 202: JobOutput},
        summary="The dry run: every row applied as the commit would, then undone; the report says what would happen",
        description=(
            "A file of at most `IMPORT_CHECK_ROWS_AT_ONCE` rows (2,000) is checked at once: 200 with the run and its "
            "report. A larger one is checked in the background: 202 with the job (`Location`: the run, `checking` "
            "until the job ends). Refusals: `import_bad_mapping` (400), `import_finished`, `import_busy` (409)."
        ),
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, import_run_id: Any) -> Response:
        run = _run(self, import_run_id, with_content=True)
        run = services.import_check(run=run, by=self.membership)
        if run.status == ImportRun.Status.CHECKING:
            job = selectors.run_job(organization=self.organization, run=run)
            location = reverse(
                "api:tenant-api:import-run",
                kwargs={"org_slug": self.organization.slug, "import_run_id": run.pk},
                request=request,
            )
            return Response(
                JobOutput(job, context={"download": lambda job: ""}).data, status=202, headers={"Location": location}
            )
        return _run_response(self, import_run_id)


class ImportRunCommitApi(TenantAPIView):
    capabilities = {"POST": IMPORTS_RUN}

    @extend_schema(
        request=None,
        responses={202: JobOutput},
        summary="Commit the file in the background: every row or none (poll the job, then the run)",
        description=(
            "Refusals (409): `import_not_checked` (no dry run of the current mapping), `import_has_errors` (the dry "
            "run found row errors), `import_finished` (already committing, committed or failed), `import_busy` "
            "(being checked)."
        ),
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, import_run_id: Any) -> Response:
        run = _run(self, import_run_id)
        job = services.import_commit_start(run=run, by=self.membership)
        location = reverse(
            "api:tenant-api:import-run",
            kwargs={"org_slug": self.organization.slug, "import_run_id": run.pk},
            request=request,
        )
        body = JobOutput(job, context={"download": lambda job: ""}).data
        return Response(body, status=202, headers={"Location": location})


class ImportRunErrorsApi(TenantAPIView):
    capabilities = {"GET": IMPORTS_RUN}

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        summary="The row errors as CSV: row (the header is row 1), column, field, value, message",
    )
    def get(self, request: Request, import_run_id: Any) -> HttpResponse:
        run = _run(self, import_run_id)
        response = HttpResponse(files.error_report_csv(run.errors), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-errors-{run.pk}.csv"'
        return response
