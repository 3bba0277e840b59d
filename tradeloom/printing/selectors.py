"""Every read of the printing app: the print profile (or what prints without one), the record a request names
(404 when the member may not see it or print it), its latest PDF, and a PDF job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Subquery
from django.http import Http404

from tradeloom.core.models import Job
from tradeloom.documents.models import Attachment
from tradeloom.printing.jobs import PDF_JOB
from tradeloom.printing.kinds import Kind, Terms, kind_of
from tradeloom.printing.layout import Letterhead
from tradeloom.printing.models import PrintedDocument, PrintProfile
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import role_has


@dataclass(frozen=True)
class Printable:
    kind: Kind
    record: Any

    @property
    def title(self) -> str:
        return self.kind.title(self.record)


def profile_of(*, organization: Any) -> PrintProfile | None:
    return PrintProfile.objects.filter(organization=organization).first()


def letterhead_of(*, organization: Any, profile: PrintProfile | None) -> Letterhead:
    """What the profile prints in every header, footer and signature; without one the organisation's name."""
    if profile is None:
        return Letterhead(company_name=organization.name)
    logo = None
    if profile.logo:
        try:
            with profile.logo.open("rb") as handle:
                logo = handle.read()
        except (FileNotFoundError, OSError):
            logo = None
    contact = [
        " · ".join(p for p in (profile.phone, profile.email, profile.website) if p),
        f"Tax id: {profile.tax_id}" if profile.tax_id else "",
    ]
    return Letterhead(
        company_name=profile.company_name or organization.name,
        address=[line for line in profile.address.splitlines() if line.strip()],
        contact=[line for line in contact if line],
        logo=logo,
        signature_block=profile.signature_block,
        footer=profile.footer,
    )


def terms_of(*, kind: Kind, profile: PrintProfile | None) -> Terms:
    if profile is None:
        return Terms()
    return Terms(text=getattr(profile, kind.terms_field, ""), bank_details=profile.bank_details)


def printable_resolve(*, organization: Any, membership: Membership, kind_key: str, record_id: Any) -> Printable:
    """The record of ``kind_key`` named ``record_id``, when the member's role may see that kind of record and the
    member may see this one; 404 otherwise (another organisation's, another merchandiser's order, an unknown id)."""
    kind = kind_of(kind_key)
    if kind is None or not role_has(membership.role, kind.capability):
        raise Http404("No such record.")
    try:
        pk = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
    except ValueError:
        raise Http404("No such record.") from None
    record = kind.visible(organization, membership).filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    return Printable(kind, record)


def printed_document_of(*, organization: Any, printable: Printable) -> PrintedDocument | None:
    return PrintedDocument.objects.filter(
        organization=organization, kind=printable.kind.key, target_id=printable.record.pk
    ).first()


def _versions_of(organization: Any, printable: Printable) -> QuerySet[Attachment]:
    document = PrintedDocument.objects.filter(
        organization=organization, kind=printable.kind.key, target_id=printable.record.pk
    ).values("document_id")[:1]
    return Attachment.objects.filter(
        organization=organization,
        target_type=printable.kind.target_type,
        target_id=printable.record.pk,
        document_id=Subquery(document),
        archived_at__isnull=True,
    ).order_by("-version")


def latest_pdf(*, organization: Any, printable: Printable) -> Attachment | None:
    """The record's current PDF of that kind (its newest version not archived), in one statement."""
    return _versions_of(organization, printable).first()


def pdf_jobs(*, organization: Any, printable: Printable) -> QuerySet[Job]:
    return Job.objects.filter(
        organization=organization,
        kind=PDF_JOB.code,
        parameters__kind=printable.kind.key,
        parameters__target_id=str(printable.record.pk),
    ).order_by("-created_at", "-id")


def pdf_job_pending(*, organization: Any, printable: Printable) -> Job | None:
    """The PDF being made of this record and kind, if one is."""
    return (
        pdf_jobs(organization=organization, printable=printable)
        .filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
        .first()
    )


def pdf_job_get(*, organization: Any, membership: Membership, pk: Any) -> tuple[Job, Printable]:
    """A PDF job of a record the member may see, with that record; 404 otherwise."""
    job = Job.objects.filter(organization=organization, kind=PDF_JOB.code, pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    printable = printable_resolve(
        organization=organization,
        membership=membership,
        kind_key=job.parameters.get("kind", ""),
        record_id=job.parameters.get("target_id", ""),
    )
    return job, printable


def job_attachment(*, organization: Any, job: Job) -> Attachment | None:
    """The PDF a finished job stored (not archived since)."""
    attachment_id = job.parameters.get("attachment_id")
    if job.status != Job.Status.SUCCEEDED or not attachment_id:
        return None
    return Attachment.objects.filter(organization=organization, pk=attachment_id, archived_at__isnull=True).first()
