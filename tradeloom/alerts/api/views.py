"""Alerts API: the organisation's rules (one per kind: read, change with If-Match) and its alerts."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.alerts import selectors, services
from tradeloom.alerts.api import serializers as s
from tradeloom.alerts.capabilities import ALERTS_MANAGE, ALERTS_VIEW
from tradeloom.alerts.filters import AlertFilter
from tradeloom.alerts.models import Alert, AlertRule
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView

# A rule's tag: "<kind>-<version>", with the body's digest after it on reads (core.api.conditional)
_IF_MATCH = re.compile(r'^(?:W/)?"(?P<kind>[a-z0-9_]+)-(?P<version>\d+)(?:-[0-9a-f]{1,64})?"$')


def _kind_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "kind", str, OpenApiParameter.PATH, enum=[kind.code for kind in ALERT_KINDS], description="The kind of alert."
    )


def _expected_version(request: Request, kind: str) -> int | None:
    """The version ``If-Match`` names (None when absent or ``*``); another rule's tag or a malformed one is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _IF_MATCH.match(header)
    if match is None or match["kind"] != kind:
        raise ApplicationError(
            "If-Match does not name this rule's current version.", code="precondition_failed", status=412
        )
    return int(match["version"])


class AlertRulesApi(TenantAPIView):
    capabilities = {"GET": ALERTS_VIEW}
    model = AlertRule

    @extend_schema(responses={200: s.AlertRuleOutput(many=True)}, summary="The alert rules: one per kind of alert")
    def get(self, request: Request) -> Response:
        return Response([s.rule_data(view) for view in selectors.rule_list(organization=self.organization)])


class AlertRuleApi(TenantAPIView):
    capabilities = {"GET": ALERTS_VIEW, "PATCH": ALERTS_MANAGE}
    model = AlertRule

    def _respond(self, kind: str) -> Response:
        view = selectors.rule_get(organization=self.organization, kind=kind)
        return conditional_response(self.request, s.rule_data(view), version_tag=view.etag)

    @extend_schema(parameters=[_kind_parameter()], responses={200: s.AlertRuleOutput}, summary="One kind's alert rule")
    @api_contract(if_none_match=True)
    def get(self, request: Request, kind: str) -> Response:
        return self._respond(kind)

    @extend_schema(
        parameters=[_kind_parameter()],
        request=s.AlertRuleInput,
        responses={200: s.AlertRuleOutput},
        summary="Turn a rule on or off, set its days and who is told (send If-Match to avoid overwriting others)",
    )
    @api_contract(if_match=True)
    def patch(self, request: Request, kind: str) -> Response:
        services.kind_get(kind)  # 404 before anything else for a kind no module registers
        version = _expected_version(request, kind)
        data = s.AlertRuleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.rule_update(
            organization=self.organization,
            kind=kind,
            by=self.membership,
            data=dict(data.validated_data),
            expected_version=version,
        )
        return self._respond(kind)


class AlertsApi(TenantGenericAPIView):
    capabilities = {"GET": ALERTS_VIEW}
    serializer_class = s.AlertOutput
    model = Alert  # rows come from the selector
    filterset_class = AlertFilter
    ordering = ("-fired_at", "-id")

    @extend_schema(
        responses={200: s.AlertOutput(many=True)},
        summary="Alerts, newest first: open ones unless `status` says otherwise",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.alert_list(
            organization=self.organization, membership=self.membership, status=request.query_params.get("status")
        )
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.AlertOutput(page, many=True).data)
