from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.audit.api import serializers as s
from tradeloom.audit.filters import AuditEventFilter
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.selectors import audit_event_list
from tradeloom.tenancy.api.base import TenantGenericAPIView
from tradeloom.tenancy.roles import Cap


class AuditEventListApi(TenantGenericAPIView):
    capabilities = {"GET": Cap.AUDIT_VIEW}
    serializer_class = s.AuditEventOutput
    queryset = AuditEvent.objects.none()  # for the schema; rows come from the selector
    filterset_class = AuditEventFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.AuditEventOutput(many=True)}, summary="The organisation's audit log")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(audit_event_list(organization=self.organization)))
        return self.get_paginated_response(s.AuditEventOutput(page, many=True).data)
