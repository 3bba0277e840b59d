"""Starting a background export: a job (``core.jobs``) whose task writes the file, through the outbox."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404

from tradeloom.audit.actions import JobAction
from tradeloom.audit.services import audit_record
from tradeloom.core.jobs import job_create
from tradeloom.core.models import Job
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.exports.registry import Query
from tradeloom.exports.selectors import EXPORT_JOB, export_count, export_of
from tradeloom.tenancy.models import Membership, Organization

TASK = "exports.run"


def kept_params(params: Any) -> dict[str, list[str]]:
    """The query string as a job keeps it (JSON): every value of every key but the page's own cursor and count."""
    return {key: values for key, values in params.lists() if key not in ("cursor", "with_count") and values}


@transaction.atomic
def export_start(*, organization: Organization, by: Membership, key: str, file_format: str, params: Any) -> Job:
    """A job writing ``key`` in ``file_format`` for the query string ``params``, as ``by`` sees it. The filters are
    checked first (``selectors.InvalidFilters``: nothing is started); the job is audited with what it exports."""
    export = export_of(key)
    if file_format not in export.formats:
        raise Http404("No such export format.")
    export_count(export, Query(organization=organization, membership=by, params=params))  # refuses bad filters
    parameters = {"export": key, "format": file_format, "membership_id": str(by.pk), "params": kept_params(params)}
    job = job_create(organization=organization, by=by, kind=EXPORT_JOB, parameters=parameters)
    audit_record(actor=by, action=JobAction.STARTED, target=job, changes={"export": [None, parameters]})
    outbox_enqueue(TASK, organization_id=organization.pk, job_id=str(job.pk))
    return job
