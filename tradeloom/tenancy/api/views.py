"""Organisation settings, members and the audit log."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from tradeloom.audit.filters import AuditEventFilter
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.selectors import audit_event_list
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import Job
from tradeloom.tenancy import selectors, services
from tradeloom.tenancy.api import serializers as s
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.tenancy.capabilities import (
    AUDIT_VIEW,
    MEMBERS_MANAGE,
    MEMBERS_VIEW,
    ORGANIZATION_MANAGE,
    ORGANIZATION_VIEW,
)
from tradeloom.tenancy.filters import MembershipFilter
from tradeloom.tenancy.models import Membership


class OrganizationApi(TenantAPIView):
    capabilities = {"GET": ORGANIZATION_VIEW, "PATCH": ORGANIZATION_MANAGE}

    @extend_schema(responses={200: s.OrganizationOutput}, summary="The organisation and its settings")
    def get(self, request: Request) -> Response:
        return Response(s.OrganizationOutput(self.organization).data)

    @extend_schema(request=s.OrganizationUpdateInput, responses={200: s.OrganizationOutput}, summary="Update settings")
    def patch(self, request: Request) -> Response:
        data = s.OrganizationUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organization = services.organization_update(
            organization=self.organization, by=self.membership, data=dict(data.validated_data)
        )
        return Response(s.OrganizationOutput(organization).data)


class MemberListApi(TenantGenericAPIView):
    capabilities = {"GET": MEMBERS_VIEW}
    serializer_class = s.MembershipOutput
    model = Membership  # rows come from the selector
    filterset_class = MembershipFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.MembershipOutput(many=True)}, summary="List members")
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(selectors.membership_list(organization=self.organization))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.MembershipOutput(page, many=True).data)


class MemberDetailApi(TenantAPIView):
    capabilities = {"GET": MEMBERS_VIEW, "PATCH": MEMBERS_MANAGE}

    @extend_schema(responses={200: s.MembershipOutput}, summary="One member")
    def get(self, request: Request, membership_id: Any) -> Response:
        membership = selectors.membership_get(organization=self.organization, pk=membership_id)
        return Response(s.MembershipOutput(membership).data)

    @extend_schema(request=s.MembershipRoleInput, responses={200: s.MembershipOutput}, summary="Change a role")
    def patch(self, request: Request, membership_id: Any) -> Response:
        membership = selectors.membership_get(organization=self.organization, pk=membership_id)
        data = s.MembershipRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            membership=membership, role=data.validated_data["role"], by=self.membership
        )
        return Response(s.MembershipOutput(membership).data)


class MemberDeactivateApi(TenantAPIView):
    capabilities = {"POST": MEMBERS_MANAGE}

    @extend_schema(request=None, responses={200: s.MembershipOutput}, summary="Deactivate a member")
    def post(self, request: Request, membership_id: Any) -> Response:
        membership = selectors.membership_get(organization=self.organization, pk=membership_id)
        membership = services.membership_deactivate(membership=membership, by=self.membership)
        return Response(s.MembershipOutput(membership).data)


class MemberActivateApi(TenantAPIView):
    capabilities = {"POST": MEMBERS_MANAGE}

    @extend_schema(request=None, responses={200: s.MembershipOutput}, summary="Reactivate a member")
    def post(self, request: Request, membership_id: Any) -> Response:
        membership = selectors.membership_get(organization=self.organization, pk=membership_id)
        membership = services.membership_activate(membership=membership, by=self.membership)
        return Response(s.MembershipOutput(membership).data)


class AuditEventListApi(TenantGenericAPIView):
    capabilities = {"GET": AUDIT_VIEW}
    serializer_class = s.AuditEventOutput
    model = AuditEvent  # rows come from the selector
    filterset_class = AuditEventFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.AuditEventOutput(many=True)}, summary="The organisation's audit log")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(audit_event_list(organization=self.organization)))
        return self.get_paginated_response(s.AuditEventOutput(page, many=True).data)


def _job_output(request: Request, job: Job) -> dict[str, Any]:
    def download(job: Job) -> str:
        return reverse(
            "api:tenant-api:audit-export-download",
            kwargs={"org_slug": request.organization.slug, "job_id": job.pk},  # type: ignore[attr-defined]
            request=request,
        )

    return dict(s.JobOutput(job, context={"download": download}).data)


class AuditExportStartApi(TenantAPIView):
    capabilities = {"POST": AUDIT_VIEW}

    @extend_schema(
        request=s.AuditExportInput,
        responses={202: s.JobOutput},
        summary="Export the audit log as CSV (a background job)",
        description="Starts a job writing the events that match the filters; poll the job for its progress, then "
        "download the file.",
    )
    def post(self, request: Request) -> Response:
        data = s.AuditExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        filters = {
            key: value.isoformat() if hasattr(value, "isoformat") else str(value)
            for key, value in data.validated_data.items()
        }
        job = services.audit_export_start(organization=self.organization, by=self.membership, filters=filters)
        body = _job_output(request, job)
        location = reverse(
            "api:tenant-api:audit-export",
            kwargs={"org_slug": self.organization.slug, "job_id": job.pk},
            request=request,
        )
        return Response(body, status=202, headers={"Location": location})


class AuditExportApi(TenantAPIView):
    capabilities = {"GET": AUDIT_VIEW}

    @extend_schema(responses={200: s.JobOutput}, summary="An audit-log export: its status and progress")
    def get(self, request: Request, job_id: Any) -> Response:
        job = selectors.audit_export_get(organization=self.organization, pk=job_id)
        return Response(_job_output(request, job))


class AuditExportDownloadApi(TenantAPIView):
    capabilities = {"GET": AUDIT_VIEW}

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, summary="The exported CSV file")
    @api_contract(errors=(409,))
    def get(self, request: Request, job_id: Any) -> FileResponse:
        job = selectors.audit_export_get(organization=self.organization, pk=job_id)
        if job.status != Job.Status.SUCCEEDED or not job.result:
            raise ApplicationError(
                f"The export has no file yet: it is {job.status}.", code="job_not_finished", status=409
            )
        return FileResponse(
            job.result.open("rb"), as_attachment=True, filename="audit-log.csv", content_type="text/csv"
        )
