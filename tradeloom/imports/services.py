"""Every write of an import: upload, map, check (the dry run), start the commit, and the commit the worker runs.

Importing an entity needs ``imports.run`` and the entity's own manage capability (``Entity.capability``). Each step
is audited (``events.ImportRunAction``). A commit is started only after a dry run of the current mapping found no
error; it runs in a background job (``tasks.import_commit``) in one transaction: every row or none.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.jobs import job_create, job_fail, job_progress_apart, job_succeed
from tradeloom.core.models import Job
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.imports import files, mapping, runner
from tradeloom.imports.capabilities import IMPORTS_RUN
from tradeloom.imports.events import ImportMappingAction, ImportRunAction
from tradeloom.imports.models import ImportMapping, ImportRun, header_signature
from tradeloom.imports.registry import ENTITIES, PRESETS, Entity, ImportContext
from tradeloom.imports.selectors import entity_allowed, mapping_saved
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import role_has

logger = logging.getLogger(__name__)

COMMIT_JOB = "imports.commit"
TASK = "imports.commit"
CHECK_JOB = "imports.check"
CHECK_TASK = "imports.check"
S = ImportRun.Status


def entity_get(code: str) -> Entity:
    entity = ENTITIES.get(code)
    if entity is None:
        known = ", ".join(ENTITIES.keys())
        raise ApplicationError(
            f"Nothing called “{code}” can be imported.",
            code="validation_error",
            extra={"errors": {"entity": [f"Choose one of: {known}."]}},
        )
    return entity


def _require(by: Membership, entity: Entity) -> None:
    if not role_has(by.role, IMPORTS_RUN) or not entity_allowed(by.role, entity):
        raise PermissionDenied(f"Your role does not allow importing {entity.label.lower()}.")


def _lock(run: ImportRun, expected_version: int | None = None) -> ImportRun:
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The import was changed meanwhile. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def check_rows_at_once() -> int:
    """A file with more rows is checked in the background (setting ``IMPORT_CHECK_ROWS_AT_ONCE``, default 2,000)."""
    return int(getattr(settings, "IMPORT_CHECK_ROWS_AT_ONCE", 2_000))


def _editable(run: ImportRun) -> None:
    if run.status == S.CHECKING:
        raise ApplicationError(
            "This file is being checked. Wait for the dry run to end.", code="import_busy", status=409
        )
    if run.status in (S.COMMITTING, S.COMMITTED):
        raise ApplicationError(
            f"This import is {run.get_status_display().lower()}.", code="import_finished", status=409
        )
    if run.status == S.FAILED:
        raise ApplicationError(
            "This import failed. Fix the file and upload it again.", code="import_finished", status=409
        )


def sheet_of(run: ImportRun) -> files.Sheet:
    return files.read_file(run.file_bytes(), encoding=run.encoding or None, sheet=run.sheet or None)


def _read_upload(upload: Any) -> bytes:
    if isinstance(upload, bytes):
        content = upload
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > files.max_bytes():
            raise files.too_large(size)
        upload.seek(0)
        content = upload.read(files.max_bytes() + 1)
    if len(content) > files.max_bytes():
        raise files.too_large(len(content))
    return bytes(content)


@transaction.atomic
def import_upload(
    *,
    organization: Organization,
    by: Membership,
    entity: str,
    upload: Any,
    filename: str = "",
    encoding: str | None = None,
    sheet: str | None = None,
) -> ImportRun:
    """Read the file (``files.read_file``: every refusal stores nothing) and keep it with a guessed mapping: the
    organisation's saved one for these headers, else the best preset, else the fields' names."""
    chosen = entity_get(entity)
    _require(by, chosen)
    content = _read_upload(upload)
    if encoding and encoding not in files.ENCODINGS:
        raise ApplicationError(
            "Unknown encoding.", code="validation_error", extra={"errors": {"encoding": ["Choose an encoding."]}}
        )
    read = files.read_file(content, encoding=encoding or None, sheet=sheet or None)
    saved = mapping_saved(organization=organization, entity=chosen.code, headers=read.headers)
    guess = mapping.guess(chosen, read.headers, saved=saved.columns if saved else None)
    name = (filename or getattr(upload, "name", "") or "upload").rsplit("/", 1)[-1][:255]
    run = ImportRun.objects.create(
        organization=organization,
        created_by_id=by.user_id,
        entity=chosen.code,
        filename=name,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        file_format=read.file_format,
        sheet=read.sheet,
        encoding=read.encoding,
        headers=read.headers,
        row_count=len(read.rows),
        mapping=guess.columns,
        preset=guess.preset.code if guess.preset else (saved.preset if saved and guess.source == mapping.SAVED else ""),
    )
    audit_record(
        actor=by,
        action=ImportRunAction.UPLOADED,
        target=run,
        changes={
            "entity": [None, chosen.code],
            "rows": [None, run.row_count],
            "size": [None, run.size],
            "file_format": [None, run.file_format],
            **({"encoding": [None, run.encoding]} if run.encoding else {}),
            **({"sheet": [None, run.sheet]} if run.sheet else {}),
            "sha256": [None, run.sha256],
        },
    )
    return run


@transaction.atomic
def import_map(
    *,
    run: ImportRun,
    by: Membership,
    columns: dict[str, str] | None = None,
    preset: str | None = None,
    expected_version: int | None = None,
) -> ImportRun:
    """Set the run's mapping (header → field name; ``""`` leaves a column out), or a preset's; the organisation keeps
    it for its next file of this entity with the same headers. A mapping that names no column of the file, a field
    the entity lacks, a field twice, or leaves a required field out is refused (``import_bad_mapping``)."""
    entity = entity_get(run.entity)
    _require(by, entity)
    run = _lock(run, expected_version)
    _editable(run)
    chosen = None
    if preset:
        chosen = PRESETS.get(preset)
        if chosen is None or chosen.entity != entity.code:
            raise ApplicationError(
                "No such preset for this entity.",
                code="validation_error",
                extra={"errors": {"preset": [f"No preset “{preset}” for {entity.label.lower()}."]}},
            )
        if columns is None:
            columns = mapping.from_preset(entity, chosen, run.headers)
    columns = {str(h): str(f or "") for h, f in (columns or {}).items()}
    errors = mapping.mapping_errors(entity, run.headers, columns)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="import_bad_mapping", extra={"errors": errors})
    kept = {h: f for h, f in columns.items() if f}
    previous = run.mapping
    run.mapping, run.preset = kept, chosen.code if chosen else ""
    if run.status == S.CHECKED and run.checked_mapping != kept:
        run.status = S.UPLOADED
    run.version += 1
    run.save(update_fields=["mapping", "preset", "status", "version", "updated_at"])
    audit_record(actor=by, action=ImportRunAction.MAPPED, target=run, changes={"mapping": [previous, kept]})
    _remember(run=run, by=by, columns=kept)
    return run


def _remember(*, run: ImportRun, by: Membership, columns: dict[str, str]) -> None:
    signature = header_signature(run.headers)
    saved, created = ImportMapping.objects.get_or_create(
        organization_id=run.organization_id,
        entity=run.entity,
        signature=signature,
        defaults={"headers": run.headers, "columns": columns, "preset": run.preset, "created_by_id": by.user_id},
    )
    if not created and (saved.columns, saved.preset) == (columns, run.preset):
        return
    before = None if created else saved.columns
    if not created:
        saved.columns, saved.preset, saved.headers = columns, run.preset, run.headers
        saved.save(update_fields=["columns", "preset", "headers", "updated_at"])
    audit_record(
        actor=by,
        action=ImportMappingAction.SAVED,
        target=saved,
        changes={"entity": [None, run.entity], "columns": [before, columns], "signature": [None, signature]},
    )


@transaction.atomic
def import_check(*, run: ImportRun, by: Membership) -> ImportRun:
    """The dry run: every row applied exactly as the commit will apply it, then all of it rolled back; the run keeps
    the report (would create / update / unchanged, the row errors). With no error it is ``checked``. A file of more
    than ``check_rows_at_once()`` rows is checked in the background instead (the run is ``checking``, its ``job_id``
    the job: kind ``imports.check``)."""
    entity = entity_get(run.entity)
    _require(by, entity)
    run = _lock(run)
    _editable(run)
    errors = mapping.mapping_errors(entity, run.headers, run.mapping)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="import_bad_mapping", extra={"errors": errors})
    if run.row_count > check_rows_at_once():
        job = job_create(
            organization=run.organization,
            by=by,
            kind=CHECK_JOB,
            parameters={"run_id": str(run.pk), "membership_id": str(by.pk), "entity": run.entity},
        )
        run.status, run.job_id, run.checked_mapping = S.CHECKING, job.pk, None
        run.version += 1
        run.save(update_fields=["status", "job_id", "checked_mapping", "version", "updated_at"])
        outbox_enqueue(CHECK_TASK, organization_id=run.organization_id, run_id=str(run.pk), job_id=str(job.pk))
        return run
    report = runner.dry_run(entity, sheet_of(run), run.mapping, ImportContext(run.organization, by, dry_run=True))
    return _checked(run, by, report)


def _checked(run: ImportRun, by: Membership, report: runner.Report) -> ImportRun:
    run.counts, run.errors = report.counts, report.errors
    run.checked_mapping, run.checked_at = dict(run.mapping), timezone.now()
    run.status = S.UPLOADED if report.has_errors else S.CHECKED
    run.version += 1
    run.save(update_fields=["counts", "errors", "checked_mapping", "checked_at", "status", "version", "updated_at"])
    audit_record(actor=by, action=ImportRunAction.CHECKED, target=run, changes=_count_changes(report.counts))
    return run


def import_check_perform(*, organization_id: Any, run_id: Any, job_id: Any) -> ImportRun | None:
    """A large file's dry run, in the background task's transaction (its progress through a connection of its own,
    as the commit's). A run no longer ``checking`` (a second delivery) is left as it is."""
    run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status != S.CHECKING:
        return run
    membership = _starter(organization_id, job_id)
    entity = entity_get(run.entity)
    context = ImportContext(organization=membership.organization, by=membership, dry_run=True)
    sheet = sheet_of(run)
    try:
        with job_progress_apart(job_id=job_id, organization_id=organization_id) as report_progress:

            def progress(done: int, rows: int) -> None:
                report_progress(int(done * 100 / rows) if rows else 99, f"{done} of {rows} rows checked")

            report_progress(0, f"Checking {len(sheet.rows)} rows")
            report = runner.dry_run(entity, sheet, run.mapping, context, progress=progress)
    except Exception:  # a fault: logged; the run goes back to uploaded, unchecked
        logger.exception("import check failed", extra={"run_id": str(run_id)})
        run.status = S.UPLOADED
        run.version += 1
        run.save(update_fields=["status", "version", "updated_at"])
        job_fail(job_id=job_id, organization_id=organization_id, message="The check failed unexpectedly (logged).")
        return run
    run = _checked(run, membership, report)
    summary = ", ".join(f"{report.counts.get(k, 0)} {k}" for k in ("created", "updated", "unchanged", "errors"))
    job_succeed(
        job_id=job_id,
        organization_id=organization_id,
        filename=f"import-{run.pk}-errors.csv",
        content=files.error_report_csv(report.errors),
        message=f"Checked: {summary}.",
    )
    return run


def _starter(organization_id: Any, job_id: Any) -> Membership:
    """The member who started the job (its parameters name them): the actor of what the task does."""
    job = Job.objects.filter(pk=job_id).only("parameters").first()
    return Membership.objects.select_related("user", "organization").get(
        pk=str((job.parameters if job else {}).get("membership_id", "")), organization_id=organization_id
    )


def _count_changes(counts: dict[str, int]) -> dict[str, list[Any]]:
    return {key: [None, counts.get(key, 0)] for key in ("created", "updated", "unchanged", "errors")}


@transaction.atomic
def import_commit_start(*, run: ImportRun, by: Membership) -> Job:
    """Start the commit in the background (a job of kind ``imports.commit``, through the outbox). Refused unless
    the last dry run was of the current mapping (``import_not_checked``) and found no error (``import_has_errors``)."""
    entity = entity_get(run.entity)
    _require(by, entity)
    run = _lock(run)
    _editable(run)
    if run.checked_mapping is None or run.checked_mapping != run.mapping:
        raise ApplicationError(
            "Check the file with this mapping first (a dry run).", code="import_not_checked", status=409
        )
    if run.error_count:
        raise ApplicationError(
            f"The dry run found errors in {run.error_count} row{'s' if run.error_count > 1 else ''}: fix the file "
            "and upload it again.",
            code="import_has_errors",
            status=409,
            extra={"errors_count": run.error_count},
        )
    job = job_create(
        organization=run.organization,
        by=by,
        kind=COMMIT_JOB,
        parameters={"run_id": str(run.pk), "membership_id": str(by.pk), "entity": run.entity},
    )
    run.status, run.job_id = S.COMMITTING, job.pk
    run.version += 1
    run.save(update_fields=["status", "job_id", "version", "updated_at"])
    audit_record(actor=by, action=ImportRunAction.COMMIT_STARTED, target=run, changes={"job_id": [None, str(job.pk)]})
    outbox_enqueue(TASK, organization_id=run.organization_id, run_id=str(run.pk), job_id=str(job.pk))
    return job


def import_commit_perform(*, organization_id: Any, run_id: Any, job_id: Any) -> ImportRun | None:
    """The commit, in the caller's transaction (the task's once-only one, under the tenant context): every row in
    one savepoint, rolled back whole when any row is refused (the run ``failed`` with its report). Progress goes to
    the job through a connection of its own (``job_progress_apart``), visible while this transaction is open. A
    worker killed mid-way leaves nothing (its transaction dies with it) and the redelivered task runs it again; a
    run already committed is left as it is."""
    run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status != S.COMMITTING:
        logger.info("import not committing", extra={"run_id": str(run_id)})
        return run
    membership = _starter(organization_id, job_id)
    entity = entity_get(run.entity)
    context = ImportContext(organization=membership.organization, by=membership, dry_run=False)
    sheet = sheet_of(run)
    total = len(sheet.rows)
    try:
        with job_progress_apart(job_id=job_id, organization_id=organization_id) as report_progress:

            def progress(done: int, rows: int) -> None:
                report_progress(int(done * 100 / rows) if rows else 99, f"{done} of {rows} rows imported")

            report_progress(0, f"Importing {total} rows")
            report = runner.commit(entity, sheet, run.mapping, context, progress=progress)
    except runner.FileHasErrors as refused:
        return _failed(run, membership, job_id, refused.report.counts, refused.report.errors)
    except Exception:  # a fault, not a row's refusal: logged, the file rolled back, the run failed
        logger.exception("import commit failed", extra={"run_id": str(run_id)})
        return _failed(run, membership, job_id, run.counts, run.errors, fault=True)
    run.counts, run.errors = report.counts, []
    run.status, run.committed_at = S.COMMITTED, timezone.now()
    run.version += 1
    run.save(update_fields=["counts", "errors", "status", "committed_at", "version", "updated_at"])
    audit_record(actor=membership, action=ImportRunAction.COMMITTED, target=run, changes=_count_changes(report.counts))
    summary = ", ".join(f"{report.counts.get(k, 0)} {k}" for k in ("created", "updated", "unchanged"))
    result = files.csv_bytes(
        ["Rows", "Created", "Updated", "Unchanged"],
        [[total, report.counts.get("created", 0), report.counts.get("updated", 0), report.counts.get("unchanged", 0)]],
    )
    job_succeed(
        job_id=job_id,
        organization_id=organization_id,
        filename=f"import-{run.pk}-result.csv",
        content=result,
        message=f"Imported: {summary}.",
    )
    return run


def _failed(
    run: ImportRun,
    membership: Membership,
    job_id: Any,
    counts: dict[str, int],
    errors: list[dict[str, Any]],
    *,
    fault: bool = False,
) -> ImportRun:
    run.counts, run.errors, run.status = counts, errors, S.FAILED
    run.version += 1
    run.save(update_fields=["counts", "errors", "status", "version", "updated_at"])
    audit_record(actor=membership, action=ImportRunAction.FAILED, target=run, changes=_count_changes(counts))
    message = (
        "The import failed unexpectedly (it has been logged); nothing was written."
        if fault
        else f"Nothing was written: {counts.get('errors', 0)} rows have errors (the data changed since the dry run)."
    )
    job_fail(job_id=job_id, organization_id=run.organization_id, message=message)
    return run
