"""The reports as JSON: ``GET /api/v1/o/<org>/reports/<key>/`` returns the figures the report's page shows (the
same ``Report``, ``presentation.report_json``). Bad filters are a 400 ``validation_error`` naming each field."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.exceptions import ApplicationError
from tradeloom.reports.api.serializers import ReportOutput
from tradeloom.reports.capabilities import REPORTS_VIEW
from tradeloom.reports.forms import ReportFilterForm
from tradeloom.reports.presentation import report_json
from tradeloom.reports.selectors import KINDS, PROFIT_GROUPS, report_run
from tradeloom.tenancy.api.base import TenantAPIView

PARAMETERS = {
    "from": OpenApiParameter("from", str, description="The first month, YYYY-MM (default: the report's window)."),
    "to": OpenApiParameter("to", str, description="The last month, YYYY-MM (at most 36 months from `from`)."),
    "customer": OpenApiParameter("customer", str, description="Only this customer's figures (its id)."),
    "merchandiser": OpenApiParameter("merchandiser", str, description="Only this member's orders (membership id)."),
    "by": OpenApiParameter(
        "by", str, enum=[key for key, _ in PROFIT_GROUPS], description="Group by (default customer)."
    ),
    "as_of": OpenApiParameter("as_of", str, description="The day, YYYY-MM-DD (default today)."),
}


class ReportApi(TenantAPIView):
    capabilities = {"GET": REPORTS_VIEW}
    report_key = ""

    def answer(self, request: Request) -> Response:
        kind = KINDS[self.report_key]
        form = ReportFilterForm(
            request.query_params, kind=kind, organization=self.organization, today=timezone.localdate()
        )
        if not form.is_valid():
            errors = form.problem_errors()
            raise ApplicationError("Some filters are not valid.", code="validation_error", extra={"errors": errors})
        report = report_run(organization=self.organization, key=kind.key, filters=form.filters())
        return Response(report_json(report))


def _api(key: str) -> type[ReportApi]:
    kind = KINDS[key]

    def get(self: ReportApi, request: Request) -> Response:
        return self.answer(request)

    schema = extend_schema(
        parameters=[PARAMETERS[name] for name in kind.filters],
        responses={200: ReportOutput},
        summary=f"{kind.title}: {kind.summary}",
        operation_id=f"reports_{key.replace('-', '_')}",
    )
    name = "".join(part.title() for part in key.split("-")) + "ReportApi"
    return type(name, (ReportApi,), {"report_key": key, "get": schema(get), "__doc__": kind.summary})


VIEWS = {key: _api(key) for key in KINDS}
