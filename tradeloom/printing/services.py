"""Every write of the printing app: the print profile, and PDF documents.

A PDF is asked for in the request (``pdf_generate_start``: a job and an outbox entry, in the request's transaction)
and made in a worker (``pdf_generate``, from the once-only task ``printing.generate_pdf``): it reads the record and
the print profile as they are then, renders the PDF and keeps it with the documents app's
``documents.services.attachment_upload`` (``source="generated"``: its size limit, type check, quota and audit) as
the next version of the record's document of that kind — version 1 the first time, n + 1 after. One document per
(record, kind): ``PrintedDocument`` names it, and its row is locked while a version is added, so two PDFs made at
once get two numbers, in order. When every version was archived, the next PDF starts a new document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tradeloom.audit.actions import JobAction
from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.jobs import job_create
from tradeloom.core.models import Job
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.documents import content
from tradeloom.documents.models import Attachment
from tradeloom.documents.selectors import TargetRecord
from tradeloom.documents.services import attachment_upload
from tradeloom.documents.targets import target_of
from tradeloom.printing import selectors
from tradeloom.printing.capabilities import PRINTING_GENERATE, PRINTING_MANAGE
from tradeloom.printing.events import PrintProfileAction
from tradeloom.printing.jobs import GENERATE_TASK, PDF_JOB
from tradeloom.printing.kinds import kind_of
from tradeloom.printing.layout import render
from tradeloom.printing.models import PrintedDocument, PrintProfile
from tradeloom.printing.selectors import Printable
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import role_has

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg"}


# --- the print profile --------------------------------------------------------------------------------------------


def _check_logo(upload: Any) -> str:
    """The logo's extension, read from its content (PNG or JPEG, at most 1 MB); a field error otherwise."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > LOGO_MAX_BYTES:
        raise field_error("logo", "The logo is larger than 1 MB.", code="upload_too_large")
    head = upload.read(content.HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise field_error("logo", "The file is empty.", code="empty_file")
    import filetype

    found = filetype.guess(head)
    if found is None or found.mime not in LOGO_TYPES:
        raise field_error("logo", "The logo must be a PNG or JPEG image.", code="unsupported_file_type")
    return LOGO_TYPES[found.mime]


@transaction.atomic
def print_profile_update(
    *,
    organization: Any,
    by: Membership,
    values: dict[str, Any],
    logo: Any = None,
    remove_logo: bool = False,
    version: int | None = None,
) -> PrintProfile:
    """Create or change the organisation's print profile (``values``: fields of ``PrintProfile.Shape.editable``);
    ``logo`` replaces the logo, ``remove_logo`` clears it. ``version``: the one the client edited (a stale one is
    refused with ``profile_changed``)."""
    if not role_has(by.role, PRINTING_MANAGE):
        raise ApplicationError("Your role may not change the print profile.", code="permission_denied", status=403)
    extension = _check_logo(logo) if logo is not None else None
    profile = PrintProfile.objects.select_for_update().filter(organization=organization).first()
    created = profile is None
    if profile is None:
        profile = PrintProfile(organization_id=organization.pk, created_by_id=by.user_id)
    elif version is not None and version != profile.version:
        raise ApplicationError(
            "Someone changed the print profile since you opened it: reload it and make your change again.",
            code="profile_changed",
            status=409,
        )
    changes: dict[str, Any] = {}
    for name in PrintProfile.Shape.editable:
        if name not in values:
            continue
        new = values[name] if values[name] is not None else ""
        old = getattr(profile, name)
        if new != old:
            changes[name] = [None if created else old, new]
            setattr(profile, name, new)
    old_logo = profile.logo.name if profile.logo else ""
    if extension is not None:
        profile.logo.save(f"logo.{extension}", logo, save=False)
        changes["logo"] = [old_logo or None, "new logo"]
    elif remove_logo and old_logo:
        profile.logo = ""
        changes["logo"] = [old_logo, None]
    if not changes and not created:
        return profile
    if not created:
        profile.version += 1
    profile.save()
    audit_record(
        actor=by, organization=organization, action=PrintProfileAction.CHANGED, target=profile, changes=changes
    )
    return profile


# --- PDF documents ------------------------------------------------------------------------------------------------


@transaction.atomic
def pdf_generate_start(*, organization: Any, by: Membership, printable: Printable) -> Job:
    """Ask for a PDF of ``printable`` (a record the member may see): a job the page and the API poll, made in a
    worker after the commit."""
    if not role_has(by.role, PRINTING_GENERATE):
        raise ApplicationError("Your role may not make PDF documents.", code="permission_denied", status=403)
    record = printable.record
    parameters = {
        "kind": printable.kind.key,
        "target_type": printable.kind.target_type,
        "target_id": str(record.pk),
        "title": printable.title,
    }
    job = job_create(organization=organization, by=by, kind=PDF_JOB.code, parameters=parameters)
    job.message = f"Making the {printable.title} PDF…"
    job.save(update_fields=["message", "updated_at"])
    audit_record(actor=by, action=JobAction.STARTED, target=job, changes={"pdf": [None, parameters]})
    outbox_enqueue(GENERATE_TASK, organization_id=organization.pk, job_id=str(job.pk))
    return job


class RecordGone(ApplicationError):
    pass


@dataclass(frozen=True)
class Generated:
    attachment: Attachment
    job: Job


def _requester(job: Job) -> Membership | None:
    if job.created_by_id is None:
        return None
    return Membership.objects.filter(organization_id=job.organization_id, user_id=job.created_by_id).first()


def pdf_render(*, organization: Any, printable: Printable) -> bytes:
    """The PDF of ``printable`` as it reads now (the record, its lines, the print profile)."""
    profile = selectors.profile_of(organization=organization)
    letterhead = selectors.letterhead_of(organization=organization, profile=profile)
    terms = selectors.terms_of(kind=printable.kind, profile=profile)
    return render(letterhead, printable.kind.build(printable.record, terms))


@transaction.atomic
def pdf_generate(*, organization: Any, job: Job) -> Generated:
    """Make the PDF ``job`` asked for and keep it as the next version of its record's document of that kind."""
    kind = kind_of(job.parameters.get("kind", ""))
    target = target_of(job.parameters.get("target_type", ""))
    if kind is None or target is None:
        raise RecordGone("This kind of document is no longer printed.", code="unknown_kind", status=409)
    record = (
        kind.visible(organization, cast(Membership, _Everyone())).filter(pk=job.parameters.get("target_id")).first()
    )
    if record is None:
        raise RecordGone(f"The {kind.label.lower()}'s record is no longer there.", code="record_gone", status=409)
    printable = Printable(kind, record)
    data = pdf_render(organization=organization, printable=printable)

    document, _ = PrintedDocument.objects.get_or_create(
        organization_id=organization.pk,
        kind=kind.key,
        target_id=record.pk,
        defaults={"target_type": kind.target_type, "created_by_id": job.created_by_id},
    )
    document = PrintedDocument.objects.select_for_update().get(pk=document.pk)
    current = selectors.latest_pdf(organization=organization, printable=printable) if document.document_id else None
    upload = ContentFile(data, name=kind.filename(record))
    attachment = attachment_upload(
        organization=organization,
        by=_requester(job),  # type: ignore[arg-type]  # None: the member left; the PDF is the organisation's
        target=TargetRecord(target, record),
        upload=upload,
        supersedes=current,
        source=Attachment.Source.GENERATED,
    )
    document.document_id = attachment.document_id
    document.generated_count += 1
    document.save(update_fields=["document_id", "generated_count", "updated_at"])

    job.status, job.progress, job.finished_at = Job.Status.SUCCEEDED, 100, timezone.now()
    job.message = f"Version {attachment.version} of {attachment.name} is ready."
    job.parameters = {**job.parameters, "attachment_id": str(attachment.pk), "version": attachment.version}
    job.save(update_fields=["status", "progress", "finished_at", "message", "parameters", "updated_at"])
    return Generated(attachment, job)


class _Everyone:
    """The worker reads the record as the organisation (the request checked the member could see it)."""

    role = "owner"
    pk = None
    user_id = None
