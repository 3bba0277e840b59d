"""A large export as a background job: the file written chunk by chunk, its progress committed after each."""

from __future__ import annotations

import logging

from tradeloom.core.context import tenant_context
from tradeloom.core.effects import effect_task
from tradeloom.core.jobs import job_fail, job_progress, job_succeed
from tradeloom.core.models import Job
from tradeloom.exports.registry import CSV, ExportList, Query
from tradeloom.exports.selectors import export_of, export_total, query_params
from tradeloom.exports.writers import csv_bytes, xlsx_file
from tradeloom.tenancy.models import Membership, Organization

logger = logging.getLogger(__name__)


@effect_task("exports.run", once=False)
def export_run(*, job_id: str, organization_id: str) -> None:
    """Write the job's export as its member sees it now (their visibility, the organisation's time zone). Each chunk
    of rows is read in its own short transaction, and the progress is committed after it, so the page polling the
    job sees it move. Not once-only (its progress commits as it goes): a second delivery writes the file again."""
    try:
        with tenant_context(organization_id):
            organization = Organization.objects.get(pk=organization_id)
            job = Job.objects.get(pk=job_id)
        parameters = job.parameters
        with tenant_context(organization):
            membership = Membership.objects.select_related("user").get(
                pk=parameters["membership_id"], organization=organization, is_active=True
            )
            export = export_of(parameters["export"])
            query = Query(organization=organization, membership=membership, params=query_params(parameters["params"]))
            total = export_total(export, query)
        written = 0

        def after(rows: int) -> None:
            nonlocal written
            written += rows
            job_progress(
                job_id=job_id,
                organization_id=organization_id,
                progress=int(written * 100 / total) if total else 99,
                message=f"{written} of {total} rows written",
            )

        options = {"around_chunk": lambda: tenant_context(organization), "after": after}
        file_format = parameters["format"]
        if file_format == CSV and isinstance(export, ExportList):
            content = csv_bytes(export, query, **options)
        else:
            with xlsx_file(export, query, **options) as out:
                content = out.read()
        job_succeed(
            job_id=job_id,
            organization_id=organization_id,
            filename=f"{export.filename}.{file_format}",
            content=content,
            message=f"{written} rows exported",
        )
    except Exception:
        logger.exception("export failed", extra={"job_id": job_id})
        job_fail(job_id=job_id, organization_id=organization_id, message="The export failed. It has been logged.")
        raise
