"""Attachments API: a record's files (list, upload a file or a new version), one file (detail, archive) and its
download through the permission check.

Every request names a record the member may see (another organisation's, another merchandiser's order, or a type
their role may not see is a 404); uploading and archiving also need the record's own manage capability (403).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.exceptions import field_error
from tradeloom.documents import selectors, services
from tradeloom.documents.api import serializers as s
from tradeloom.documents.capabilities import DOCUMENTS_ATTACH, DOCUMENTS_VIEW
from tradeloom.documents.downloads import file_response
from tradeloom.documents.models import Attachment
from tradeloom.documents.uploads import declared_too_large, limit_uploads
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView

UPLOAD_ERRORS = (
    "Refusals: `upload_too_large` (413: beyond the size limit; `max_bytes`), `empty_file` (400), "
    "`unsupported_file_type` (400: the content is not a PDF, an image, an Office document or text — executables, "
    "archives, HTML and SVG are refused, whatever the name or declared type), `quota_exceeded` (409: the "
    "organisation's files would pass its quota; `quota_bytes`, `used_bytes`, `size`), `not_latest_version` (409: "
    "`supersedes` is not the document's current version; `latest_id`), `permission_denied` (403: the role may not "
    "attach to this kind of record); a record the member may not see is a 404."
)


class AttachmentsApi(TenantGenericAPIView):
    capabilities = {"GET": DOCUMENTS_VIEW, "POST": DOCUMENTS_ATTACH}
    serializer_class = s.RecordFileOutput
    model = Attachment
    ordering = ("-created_at", "-id")
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        if request.method == "POST":  # before anything reads the body (a session's CSRF check does)
            self.upload_limit = limit_uploads(request, limit=services.max_bytes())
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        parameters=[s.RecordFileTargetQuery],
        responses={200: s.RecordFileOutput(many=True)},
        summary="A record's files: every version not archived, newest first (`is_latest` marks current versions)",
    )
    def get(self, request: Request) -> Response:
        query = s.RecordFileTargetQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        target = selectors.target_resolve(
            organization=self.organization, membership=self.membership, **query.validated_data
        )
        page = self.paginate_queryset(selectors.attachment_list(organization=self.organization, target=target))
        context = {"org_slug": self.organization.slug}
        return self.get_paginated_response(s.RecordFileOutput(page, many=True, context=context).data)

    @extend_schema(
        request={"multipart/form-data": s.RecordFileUploadInput},
        responses={201: s.RecordFileOutput},
        summary="Attach a file to a record, or upload a new version of one of its documents",
        description=UPLOAD_ERRORS,
    )
    def post(self, request: Request) -> Response:
        limit = services.max_bytes()
        if declared_too_large(request, limit=limit):
            raise services.too_large()
        values = s.RecordFileUploadInput(data=request.data)
        if self.upload_limit.exceeded:
            raise services.too_large()
        values.is_valid(raise_exception=True)
        data = values.validated_data
        target = selectors.target_resolve(
            organization=self.organization,
            membership=self.membership,
            target_type=data["target_type"],
            target_id=data["target_id"],
        )
        supersedes = None
        if data.get("supersedes"):
            supersedes = selectors.attachment_of_target(
                organization=self.organization, target=target, pk=data["supersedes"]
            )
            if supersedes is None:
                raise field_error("supersedes", "No such file on this record.")
        attachment = services.attachment_upload(
            organization=self.organization,
            by=self.membership,
            target=target,
            upload=data["file"],
            supersedes=supersedes,
        )
        # just made: its document's newest version
        attachment.is_latest = True  # type: ignore[attr-defined]
        attachment.created_by = request.user  # type: ignore[assignment]
        body = s.RecordFileOutput(attachment, context={"org_slug": self.organization.slug}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AttachmentApi(TenantAPIView):
    capabilities = {"GET": DOCUMENTS_VIEW, "DELETE": DOCUMENTS_ATTACH}

    @extend_schema(responses={200: s.RecordFileOutput}, summary="One file of a record")
    def get(self, request: Request, record_file_id: Any) -> Response:
        found, _ = selectors.attachment_visible_get(
            organization=self.organization, membership=self.membership, pk=record_file_id
        )
        return Response(s.RecordFileOutput(found, context={"org_slug": self.organization.slug}).data)

    @extend_schema(
        responses={204: OpenApiResponse(description="Archived.")},
        summary="Archive a file (this version): it leaves the lists and downloads, its bytes are removed",
        description="Refusals: `permission_denied` (403: the role may not manage this kind of record).",
    )
    def delete(self, request: Request, record_file_id: Any) -> Response:
        found, target = selectors.attachment_visible_get(
            organization=self.organization, membership=self.membership, pk=record_file_id
        )
        services.attachment_archive(attachment=found, target=target, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadApi(TenantAPIView):
    capabilities = {"GET": DOCUMENTS_VIEW}

    @extend_schema(
        responses={(200, *s.MEDIA_TYPES): bytes},
        summary="Download a file: always as an attachment, in the type read from its content",
        description="Streamed by the app from its storage (local disk or the S3 bucket) after the permission check.",
    )
    def get(self, request: Request, record_file_id: Any) -> FileResponse | HttpResponse:
        found, _ = selectors.attachment_visible_get(
            organization=self.organization, membership=self.membership, pk=record_file_id
        )
        try:
            return file_response(found)
        except FileNotFoundError:
            raise Http404("The file is no longer stored.") from None
