"""Import pages under ``/o/<org>/imports/``: the runs, a new import (entity, then file), the mapping, the dry run's
report with its downloads, the commit's progress and the result. Every page needs ``imports.run``; a run of an
entity whose manage capability the member lacks is refused (403), another organisation's run is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.imports import files, mapping, selectors, services
from tradeloom.imports.forms import MappingForm, RunFilter, UploadForm
from tradeloom.imports.models import ImportRun
from tradeloom.imports.registry import Entity
from tradeloom.tenancy.web import TenantRequest

ERRORS_SHOWN = 200
SAMPLES = 3
SORTS = [SortOption("newest", "Newest first", ("-created_at", "-id"))]
COLUMNS = ["File", "What", "Status", "Rows", "Created", "Updated", "Unchanged", "Errors", "By", "When"]


def _ids(request: TenantRequest, run: ImportRun) -> dict[str, Any]:
    return {"org_slug": request.organization.slug, "import_run_id": run.pk}


def _entity_for(request: TenantRequest, code: str) -> Entity:
    entity = selectors.entity_of(code)
    if not selectors.entity_allowed(request.membership.role, entity):
        raise PermissionDenied(f"Your role does not allow importing {entity.label.lower()}.")
    return entity


def _run(request: TenantRequest, import_run_id: Any, *, with_content: bool = False) -> tuple[ImportRun, Entity]:
    run = selectors.run_get(organization=request.organization, pk=import_run_id, with_content=with_content)
    return run, _entity_for(request, run.entity)


def runs_view(request: TenantRequest) -> HttpResponse:
    page = list_page(
        request, selectors.run_list(organization=request.organization), filterset_class=RunFilter, sorts=SORTS
    )
    for row in page.rows:
        entity = selectors.ENTITIES.get(row.entity)
        row.entity_label = entity.label if entity else row.entity
    context = {"nav": "imports", "page": page, "columns": COLUMNS}
    return render(request, partial_template(request, "imports/runs.html", "run-list"), context)


def new_view(request: TenantRequest) -> HttpResponse:
    """Without an entity: the cards to choose one; with ``?entity=``: its upload form (POST: upload it)."""
    code = request.POST.get("entity") or request.GET.get("entity", "")
    if not code:
        entities = selectors.entities_for(request.membership.role)
        return render(request, "imports/new.html", {"nav": "imports", "entities": entities})
    entity = _entity_for(request, code)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"entity": entity.code})
    if request.method == "POST":
        if _declared_too_large(request):
            form.is_valid()
            form.add_error("file", files.too_large().message)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.import_upload(
                    organization=request.organization,
                    by=request.membership,
                    entity=entity.code,
                    upload=upload,
                    filename=upload.name,
                    encoding=form.cleaned_data["encoding"] or None,
                    sheet=form.cleaned_data["sheet"] or None,
                )
            except ApplicationError as error:
                add_application_error(form, error, field=_upload_field(error))
            else:
                return redirect("imports:mapping", **_ids(request, run))
    context = {"nav": "imports", "entity": entity, "form": form, "presets": mapping.presets_for(entity)}
    return render(request, "imports/upload.html", context)


def _declared_too_large(request: TenantRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > files.max_bytes() + 64 * 1024
    except ValueError:
        return False


def _upload_field(error: ApplicationError) -> str | None:
    named = error.extra.get("errors") or {}
    return "sheet" if "sheet" in named else ("encoding" if "encoding" in named else "file")


def template_view(request: TenantRequest) -> HttpResponse:
    """An empty CSV whose headers are the entity's field labels: the file to fill in."""
    entity = _entity_for(request, request.GET.get("entity", ""))
    response = HttpResponse(files.csv_bytes([f.label for f in entity.fields], []), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{entity.code}-template.csv"'
    return response


def _samples(sheet: files.Sheet) -> list[list[str]]:
    """The first rows' values of each column (column by column)."""
    return [[row[i] for row in sheet.rows[:SAMPLES]] for i in range(len(sheet.headers))]


def mapping_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    run, entity = _run(request, import_run_id, with_content=True)
    if run.status not in (ImportRun.Status.UPLOADED, ImportRun.Status.CHECKED):
        return redirect("imports:run", **_ids(request, run))
    sheet = services.sheet_of(run)
    presets = mapping.presets_for(entity)
    form = MappingForm(
        request.POST or None,
        entity=entity,
        headers=run.headers,
        columns=run.mapping,
        presets=presets,
        preset=run.preset,
    )
    if request.method == "POST" and form.is_valid():
        preset = form.cleaned_data.get("preset") or None
        use_preset = "apply_preset" in request.POST
        if use_preset and not preset:
            form.add_error("preset", "Choose a preset to apply.")
        else:
            try:
                services.import_map(
                    run=run,
                    by=request.membership,
                    columns=None if use_preset else form.columns(),
                    preset=preset if use_preset else None,
                    expected_version=_posted_version(request),
                )
            except ApplicationError as error:
                _mapping_errors(form, error)
            else:
                if use_preset:
                    messages.success(request, "Preset applied: check the columns, then check the file.")
                    return redirect("imports:mapping", **_ids(request, run))
                return redirect("imports:run", **_ids(request, run))
    fields_by_name = {f.name: f for f in entity.fields}
    rows = [
        {"header": header, "field": form[f"col_{i}"], "samples": samples}
        for i, (header, samples) in enumerate(zip(run.headers, _samples(sheet), strict=True))
    ]
    mapped = set(run.mapping.values())
    context = {
        "nav": "imports",
        "run": run,
        "entity": entity,
        "form": form,
        "rows": rows,
        "presets": presets,
        "required": [f for f in entity.fields if f.required],
        "missing": [f.label for f in entity.fields if f.required and f.name not in mapped],
        "not_imported": [h for h in run.headers if h not in run.mapping],
        "fields": fields_by_name,
    }
    return render(request, "imports/mapping.html", context)


def _posted_version(request: TenantRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _mapping_errors(form: MappingForm, error: ApplicationError) -> None:
    named = error.extra.get("errors")
    if not isinstance(named, dict) or not named:
        add_application_error(form, error)
        return
    for key, messages_ in named.items():
        target = "preset" if key == "preset" else form.field_of_header(key)
        for message in messages_:
            form.add_error(target, message)


def run_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    """The run as far as it got: the dry run's report and the commit button, the progress, or the result."""
    run, entity = _run(request, import_run_id)
    job = selectors.run_job(organization=request.organization, run=run)
    context = {
        "nav": "imports",
        "run": run,
        "entity": entity,
        "job": job,
        "errors": run.errors[:ERRORS_SHOWN],
        "errors_shown": ERRORS_SHOWN,
        "poll_url": reverse("imports:progress", kwargs=_ids(request, run)),  # the progress card polls it
        "download_url": None,
    }
    return render(request, "imports/run.html", context)


def check_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    run, _ = _run(request, import_run_id, with_content=True)
    try:
        run = services.import_check(run=run, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(
            "imports:mapping" if error.code == "import_bad_mapping" else "imports:run", **_ids(request, run)
        )
    if run.status == ImportRun.Status.CHECKING:
        messages.success(request, "A large file: it is being checked in the background.")
    elif run.error_count:
        messages.error(request, f"{run.error_count} rows have errors: nothing can be imported until they are fixed.")
    else:
        messages.success(request, "No errors: the file can be imported.")
    return redirect("imports:run", **_ids(request, run))


def commit_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    run, _ = _run(request, import_run_id)
    try:
        services.import_commit_start(run=run, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("imports:run", **_ids(request, run))


def progress_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    """The progress card of the run's background dry run or commit (polled); once the job has ended, the page
    reloads into the result."""
    run, _ = _run(request, import_run_id)
    job = selectors.run_job(organization=request.organization, run=run)
    if job is None:
        return redirect("imports:run", **_ids(request, run))
    response = render(request, "components/progress.html", {"job": job, "poll_url": request.path, "download_url": None})
    if job.is_finished:
        response["HX-Refresh"] = "true"
    return response


def _csv(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def errors_csv_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    run, _ = _run(request, import_run_id)
    return _csv(files.error_report_csv(run.errors), f"import-errors-{run.pk}.csv")


def errors_file_view(request: TenantRequest, import_run_id: Any) -> HttpResponse:
    """The uploaded rows with an "Errors" column (CSV, whatever the file was)."""
    run, _ = _run(request, import_run_id, with_content=True)
    return _csv(files.annotated_csv(services.sheet_of(run), run.errors), f"import-errors-in-file-{run.pk}.csv")
