"""The printing API: a record's PDF of one kind (its current version, and making a new one in the background), a
PDF job's progress, and the organisation's print profile.

Each kind of document has its routes (``api/urls.py``); every one names a record the member may see (another
organisation's, another merchandiser's order, or a kind their role may not see is a 404).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from tradeloom.core.api.schema import api_contract
from tradeloom.core.models import Job
from tradeloom.documents.downloads import file_response
from tradeloom.printing import selectors, services
from tradeloom.printing.api import serializers as s
from tradeloom.printing.capabilities import PRINTING_GENERATE, PRINTING_MANAGE, PRINTING_VIEW
from tradeloom.printing.downloads import logo_response
from tradeloom.printing.selectors import Printable
from tradeloom.tenancy.api.base import TenantAPIView

START_ERRORS = (
    "Answers 202 with the job; poll it (`Location`) until `status` is `succeeded`, then its `attachment` is the PDF "
    "(a version of the record's document of this kind: version 1 the first time, n + 1 after). A job that cannot "
    "make its PDF ends `failed` with a `message` (`quota_exceeded`: the organisation's files are at their quota; "
    "the record was deleted). Refusals: `permission_denied` (403: the role may not make PDFs); a record the member "
    "may not see is a 404."
)


def _job_body(request: Request, job: Job, organization: Any, *, latest_id: Any = None) -> dict[str, Any]:
    """The job as ``PdfJobOutput`` shows it; ``latest_id``: the record's current PDF (its attachment ``is_latest``;
    default: the job's own)."""
    attachment = selectors.job_attachment(organization=organization, job=job)

    def download(job: Job) -> str:
        return reverse(
            "api:tenant-api:attachment-download",
            kwargs={"org_slug": organization.slug, "record_file_id": attachment.pk},  # type: ignore[union-attr]
            request=request,
        )

    context = {
        "download": download,
        "org_slug": organization.slug,
        "attachments": {job.pk: attachment} if attachment else {},
        "latest_id": latest_id or (attachment.pk if attachment else None),
    }
    body = dict(s.PdfJobOutput(job, context=context).data)
    if attachment is None:
        body["download"] = None
    return body


class PdfApi(TenantAPIView):
    """A record's PDF of one kind."""

    capabilities = {"GET": PRINTING_VIEW, "POST": PRINTING_GENERATE}
    kind_key: ClassVar[str] = ""

    def _printable(self, kwargs: dict[str, Any]) -> Printable:
        (record_id,) = kwargs.values()
        return selectors.printable_resolve(
            organization=self.organization, membership=self.membership, kind_key=self.kind_key, record_id=record_id
        )

    @extend_schema(
        responses={200: s.PdfStatusOutput}, summary="A record's PDF: its current version and any PDF being made"
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        printable = self._printable(kwargs)
        org = self.organization
        latest = selectors.latest_pdf(organization=org, printable=printable)
        pending = selectors.pdf_job_pending(organization=org, printable=printable)
        latest_body = None
        if latest is not None:
            latest.is_latest = True  # type: ignore[attr-defined]
            latest_body = s.RecordFileOutput(latest, context={"org_slug": org.slug}).data
        return Response(
            {
                "document_kind": printable.kind.key,
                "target_type": printable.kind.target_type,
                "target_id": str(printable.record.pk),
                "latest": latest_body,
                "pending": _job_body(request, pending, org) if pending else None,
                "download_url": latest_body["download_url"] if latest_body else None,
            }
        )

    @extend_schema(
        request=None,
        responses={202: s.PdfJobOutput},
        summary="Make the record's PDF (again) in the background: a new version",
        description=START_ERRORS,
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        printable = self._printable(kwargs)
        job = services.pdf_generate_start(organization=self.organization, by=self.membership, printable=printable)
        location = reverse(
            "api:tenant-api:pdf-job", kwargs={"org_slug": self.organization.slug, "job_id": job.pk}, request=request
        )
        return Response(_job_body(request, job, self.organization), status=202, headers={"Location": location})


class PdfDownloadApi(TenantAPIView):
    capabilities = {"GET": PRINTING_VIEW}
    kind_key: ClassVar[str] = ""

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Download the record's current PDF of this kind",
        description="A 404 when none was made yet (or every version was archived).",
    )
    def get(self, request: Request, **kwargs: Any) -> FileResponse | HttpResponse:
        (record_id,) = kwargs.values()
        printable = selectors.printable_resolve(
            organization=self.organization, membership=self.membership, kind_key=self.kind_key, record_id=record_id
        )
        latest = selectors.latest_pdf(organization=self.organization, printable=printable)
        if latest is None:
            raise Http404("No PDF of this record yet.")
        try:
            return file_response(latest)
        except FileNotFoundError:
            raise Http404("The file is no longer stored.") from None


class PdfJobApi(TenantAPIView):
    capabilities = {"GET": PRINTING_VIEW}

    @extend_schema(responses={200: s.PdfJobOutput}, summary="A PDF being made: its status, then its attachment")
    def get(self, request: Request, job_id: Any) -> Response:
        job, printable = selectors.pdf_job_get(organization=self.organization, membership=self.membership, pk=job_id)
        latest = selectors.latest_pdf(organization=self.organization, printable=printable)
        return Response(_job_body(request, job, self.organization, latest_id=latest.pk if latest else None))


class PrintProfileApi(TenantAPIView):
    """The organisation's print profile: what every PDF it prints carries. Without one, the documents print with the
    organisation's name and no extras (a GET answers the empty profile)."""

    capabilities = {"GET": PRINTING_VIEW, "PATCH": PRINTING_MANAGE}
    parser_classes = [JSONParser]

    def _body(self, profile: Any) -> dict[str, Any]:
        if profile is None:
            empty = dict.fromkeys(s.PrintProfileOutput.Meta.fields, "")
            return {**empty, "id": None, "logo_url": None, "version": 0, "updated_at": None}
        return dict(s.PrintProfileOutput(profile, context={"org_slug": self.organization.slug}).data)

    @extend_schema(responses={200: s.PrintProfileOutput}, summary="The print profile")
    def get(self, request: Request) -> Response:
        return Response(self._body(selectors.profile_of(organization=self.organization)))

    @extend_schema(
        request=s.PrintProfileInput,
        responses={200: s.PrintProfileOutput},
        summary="Change the print profile (the fields given)",
        description="Refusals: `profile_changed` (409: `version` is not the current one).",
    )
    @api_contract(errors=(409,))
    def patch(self, request: Request) -> Response:
        data = s.PrintProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        profile = services.print_profile_update(
            organization=self.organization, by=self.membership, values=values, version=version
        )
        return Response(self._body(profile))


class PrintProfileLogoApi(TenantAPIView):
    """The print profile's files: its logo (read, replaced, removed)."""

    capabilities = {"GET": PRINTING_VIEW, "PUT": PRINTING_MANAGE, "DELETE": PRINTING_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY, (200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request) -> FileResponse:
        return logo_response(selectors.profile_of(organization=self.organization))

    @extend_schema(
        request={"multipart/form-data": s.LogoInput},
        responses={200: s.PrintProfileOutput},
        summary="Replace the logo",
        description="Refusals: `unsupported_file_type` (400: not a PNG or JPEG, read from the content), "
        "`upload_too_large` (400: above 1 MB), `empty_file` (400).",
    )
    def put(self, request: Request) -> Response:
        data = s.LogoInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.print_profile_update(
            organization=self.organization, by=self.membership, values={}, logo=data.validated_data["logo"]
        )
        return Response(s.PrintProfileOutput(profile, context={"org_slug": self.organization.slug}).data)

    @extend_schema(responses={204: OpenApiResponse(description="Removed.")}, summary="Remove the logo")
    def delete(self, request: Request) -> Response:
        services.print_profile_update(organization=self.organization, by=self.membership, values={}, remove_logo=True)
        return Response(status=204)


def pdf_views(kind_key: str) -> tuple[type[PdfApi], type[PdfDownloadApi]]:
    """The view classes of one kind's routes (each names its kind; the schema gets one operation per kind)."""
    name = "".join(part.title() for part in kind_key.split("-"))
    status = type(f"{name}PdfApi", (PdfApi,), {"kind_key": kind_key, "__doc__": f"The {kind_key} PDF of a record."})
    download = type(f"{name}PdfDownloadApi", (PdfDownloadApi,), {"kind_key": kind_key})
    return status, download
