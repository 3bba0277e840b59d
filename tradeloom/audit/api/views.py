from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.audit.api import serializers as s
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.selectors import audit_event_list
from tradeloom.tenancy.api.base import TenantGenericAPIView
from tradeloom.tenancy.roles import Cap


class AuditEventListApi(TenantGenericAPIView):
    capabilities = {"GET": Cap.AUDIT_VIEW}
    serializer_class = s.AuditEventOutput
    queryset = AuditEvent.objects.none()  # for the schema; rows come from the selector
    ordering = ("-created_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", str, description="User id"),
            OpenApiParameter("action", str, description="e.g. membership.role_changed, or membership.*"),
            OpenApiParameter("target_type", str),
            OpenApiParameter("target_id", str),
            OpenApiParameter("since", str, description="ISO 8601 date-time, inclusive"),
            OpenApiParameter("until", str, description="ISO 8601 date-time, exclusive"),
        ],
        responses={200: s.AuditEventOutput(many=True)},
        summary="The organisation's audit log",
    )
    def get(self, request: Request) -> Response:
        filters = s.AuditEventFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(audit_event_list(organization=self.organization, filters=filters.validated_data))
        return self.get_paginated_response(s.AuditEventOutput(page, many=True).data)
