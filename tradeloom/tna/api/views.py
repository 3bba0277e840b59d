"""T&A API: templates with their milestone rows (list with filters and cursor pages, create, detail, edit with
If-Match, archive, restore), an order's T&A grid and applying a template to the order or a line (or another template
in place of the plan's), the milestone commands (replan with a reason, record an actual date, reopen) and the
calendar of a month.

Every id in a path is looked up in the organisation (another organisation's is a 404), an order (and a milestone's
order) among the orders the member may see. Template writes honour ``If-Match`` with the template's ``ETag``;
milestone commands with the plan's (``etag`` in the grid); both 412 when stale.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.records.api import expected_version, idempotent
from tradeloom.records.models import RecordModel
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.tna import selectors, services
from tradeloom.tna.api import serializers as s
from tradeloom.tna.capabilities import TNA_MANAGE, TNA_TEMPLATES, TNA_VIEW
from tradeloom.tna.filters import TemplateFilter
from tradeloom.tna.models import Milestone, Plan, Template


def _valid(serializer_class: type[serializers.Serializer], view: Any, data: Any = None, **kwargs: Any) -> dict:
    values = serializer_class(
        data=view.request.data if data is None else data, context={"view": view, "request": view.request}, **kwargs
    )
    values.is_valid(raise_exception=True)
    return dict(values.validated_data)


_PLAN_TAG = re.compile(r'(?:W/)?"(?P<pk>[0-9a-fA-F-]{36})-(?P<version>\d{1,9})"')


# --- templates --------------------------------------------------------------------------------------------------------


def _template_payload(values: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    rows = values.pop("milestones", None)
    return values, None if rows is None else [dict(r) for r in rows]


def template_response(view: Any, template_id: Any, status_code: int = 200) -> Response:
    template = selectors.template_get(organization=view.organization, pk=template_id)
    rows = selectors.template_milestones_of(templates=[template])
    data = s.TemplateOutput(template, context={"milestones": rows}).data
    return conditional_response(view.request, data, version_tag=template.etag, status=status_code)


class TemplatesApi(TenantGenericAPIView):
    capabilities = {"GET": TNA_VIEW, "POST": TNA_TEMPLATES}
    serializer_class = s.TemplateOutput
    model = Template
    filterset_class = TemplateFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.TemplateOutput(many=True)},
        summary="List T&A templates with their milestones (filter: archived, customer, product type, default; q)",
    )
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(selectors.templates_visible(organization=self.organization))
        page = list(self.paginate_queryset(qs) or [])
        rows = selectors.template_milestones_of(templates=page)
        return self.get_paginated_response(s.TemplateOutput(page, many=True, context={"milestones": rows}).data)

    @extend_schema(
        request=s.TemplateInput,
        responses={201: s.TemplateOutput},
        summary="Make a T&A template with its milestone rows",
        description="Errors name the row: `milestones.2.depends_on` (`unknown_dependency`, `dependency_cycle`), "
        "`milestones.1.code` (`duplicate_code`), `milestones.0.gate_code` (not a gate of the organisation).",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            data, rows = _template_payload(_valid(s.TemplateInput, self))
            template = services.template_create(
                organization=self.organization, by=self.membership, data=data, milestones=rows or []
            )
            return template_response(self, template.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class TemplateApi(TenantAPIView):
    capabilities = {"GET": TNA_VIEW, "PATCH": TNA_TEMPLATES}

    @extend_schema(responses={200: s.TemplateOutput}, summary="A T&A template with its milestone rows")
    @api_contract(if_none_match=True)
    def get(self, request: Request, template_id: Any) -> Response:
        return template_response(self, template_id)

    @extend_schema(
        request=s.TemplateUpdateInput,
        responses={200: s.TemplateOutput},
        summary="Change a template (its rows when given, all of them); plans made from it keep theirs",
        description="An archived template is refused (409 `template_archived`).",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, template_id: Any) -> Response:
        template = selectors.template_get(organization=self.organization, pk=template_id)
        version = expected_version(request, template)
        data, rows = _template_payload(_valid(s.TemplateUpdateInput, self, partial=True))
        services.template_update(
            organization=self.organization,
            by=self.membership,
            template=template,
            data=data,
            milestones=rows,
            version=version,
        )
        return template_response(self, template_id)


class TemplateArchiveApi(TenantAPIView):
    capabilities = {"POST": TNA_TEMPLATES}

    @extend_schema(
        request=None, responses={200: s.TemplateOutput}, summary="Archive a template (no longer proposed or applied)"
    )
    @api_contract(if_match=True)
    def post(self, request: Request, template_id: Any) -> Response:
        template = selectors.template_get(organization=self.organization, pk=template_id)
        version = expected_version(request, template)
        services.template_archive(
            organization=self.organization, by=self.membership, template=template, version=version
        )
        return template_response(self, template_id)


class TemplateRestoreApi(TenantAPIView):
    capabilities = {"POST": TNA_TEMPLATES}

    @extend_schema(request=None, responses={200: s.TemplateOutput}, summary="Restore an archived template")
    @api_contract(if_match=True)
    def post(self, request: Request, template_id: Any) -> Response:
        template = selectors.template_get(organization=self.organization, pk=template_id)
        version = expected_version(request, template)
        services.template_restore(
            organization=self.organization, by=self.membership, template=template, version=version
        )
        return template_response(self, template_id)


# --- an order's plans -------------------------------------------------------------------------------------------------


def grid_response(view: Any, order: Any, status_code: int = 200) -> Response:
    grid = selectors.plan_grid(organization=view.organization, order=order)
    data = s.grid_data(grid)
    tag = ";".join(f"{p.plan.pk}-{p.plan.version}" for p in grid.plans) or f"{order.pk}-none"
    return conditional_response(view.request, data, version_tag=f'"{tag}"', status=status_code)


class OrderPlanApi(TenantAPIView):
    capabilities = {"GET": TNA_VIEW}

    @extend_schema(
        responses={200: s.PlanGridOutput},
        summary="The order's T&A grid: its plans (the order's, its lines') with milestones planned / forecast / "
        "actual / slippage / late and each milestone's history",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, order_id: Any) -> Response:
        # the rows of ``plan_grid`` read through statements compiled once, the JSON written from them
        rows = selectors.grid_rows(organization=self.organization, membership=self.membership, order_id=order_id)
        tag = ";".join(f"{p['id']}-{p['version']}" for p in rows.plans) or f"{rows.order['id']}-none"
        return conditional_response(request, s.grid_rows_data(rows), version_tag=f'"{tag}"')


def _template_for(view: Any, order: Any, values: dict[str, Any]) -> Any:
    line = values.get("line")
    template = values.get("template")
    if template is None:
        line_obj = None
        if line is not None:
            line_obj = selectors.order_line_of(organization=view.organization, order=order, pk=line)
            if line_obj is None:
                message = "Choose a line of this order."
                raise ApplicationError(message, code="validation_error", extra={"errors": {"line": [message]}})
        template = services.template_for(organization=view.organization, order=order, line=line_obj)
        if template is None:
            raise ApplicationError(
                "No default template fits this order; choose one.",
                code="validation_error",
                extra={"errors": {"template": ["Choose a template."]}},
            )
    return template


class OrderPlanApplyApi(TenantAPIView):
    capabilities = {"POST": TNA_MANAGE}

    @extend_schema(
        request=s.PlanApplyInput,
        responses={201: s.PlanGridOutput},
        summary="Apply a T&A template to the order or one of its lines: its milestones planned back from the ETD",
        description="One plan per order and per line (409 `plan_exists`: reapply instead); no ETD to count from "
        "(400 `etd_missing`); a cancelled order (409 `order_cancelled`).",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)

        def perform() -> Response:
            values = _valid(s.PlanApplyInput, self)
            services.plan_apply(
                organization=self.organization,
                by=self.membership,
                order=order,
                line=values.get("line"),
                template=_template_for(self, order, values),
            )
            return grid_response(self, order, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class OrderPlanReapplyApi(TenantAPIView):
    capabilities = {"POST": TNA_MANAGE}

    @extend_schema(
        request=s.PlanReapplyInput,
        responses={200: s.PlanGridOutput},
        summary="Replace a plan's milestones by another template's, with a reason (actual dates of the codes both "
        "have are kept)",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, order_id: Any) -> Response:
        order = order_visible_get(organization=self.organization, membership=self.membership, pk=order_id)
        values = _valid(s.PlanReapplyInput, self)
        plan = selectors.plan_of(organization=self.organization, order=order, line=values.get("line"))
        if plan is None:
            raise Http404("No T&A plan for this order or line: apply a template first.")
        version = _plan_version(request, plan)
        services.plan_reapply(
            organization=self.organization,
            by=self.membership,
            plan=plan,
            template=_template_for(self, order, values),
            reason=values["reason"],
            version=version,
        )
        return grid_response(self, order)


# --- milestones -------------------------------------------------------------------------------------------------------


def _plan_version(request: Request, plan: Plan) -> int | None:
    """The plan version ``If-Match`` names (None when absent or ``*``); another record's tag is stale (412)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _PLAN_TAG.fullmatch(header)
    if match is None or match["pk"] != str(plan.pk):
        raise ApplicationError("If-Match does not name this plan's version.", code="precondition_failed", status=412)
    return int(match["version"])


def _milestone(view: Any, milestone_id: Any) -> Milestone:
    milestone = selectors.milestone_get(organization=view.organization, pk=milestone_id)
    order_visible_get(organization=view.organization, membership=view.membership, pk=milestone.plan.order_id)
    return milestone


def _plan_response(view: Any, milestone: Milestone) -> Response:
    grid = selectors.plan_grid(organization=view.organization, order=milestone.plan.order)
    rows = next(p for p in grid.plans if p.plan.pk == milestone.plan_id)
    response = Response(s.plan_data(rows))
    response["ETag"] = RecordModel.etag_of(rows.plan.pk, rows.plan.version)
    return response


class _MilestoneApi(TenantAPIView):
    capabilities = {"POST": TNA_MANAGE}


class MilestoneReplanApi(_MilestoneApi):
    @extend_schema(
        request=s.ReplanInput,
        responses={200: s.PlanOutput},
        summary="Move a milestone's planned date, with a reason (400 `reason_required`); the plan is re-forecast",
    )
    @api_contract(if_match=True)
    def post(self, request: Request, milestone_id: Any) -> Response:
        milestone = _milestone(self, milestone_id)
        version = _plan_version(request, milestone.plan)
        values = _valid(s.ReplanInput, self)
        services.milestone_replan(
            organization=self.organization,
            by=self.membership,
            milestone=milestone,
            planned_date=values["planned_date"],
            reason=values["reason"],
            version=version,
        )
        return _plan_response(self, milestone)


class MilestoneRecordApi(_MilestoneApi):
    @extend_schema(
        request=s.RecordInput,
        responses={200: s.PlanOutput},
        summary="Record a milestone done on its actual date (not in the future: 400 `date_in_future`)",
    )
    @api_contract(if_match=True)
    def post(self, request: Request, milestone_id: Any) -> Response:
        milestone = _milestone(self, milestone_id)
        version = _plan_version(request, milestone.plan)
        values = _valid(s.RecordInput, self)
        services.milestone_record(
            organization=self.organization,
            by=self.membership,
            milestone=milestone,
            actual_date=values["actual_date"],
            note=values.get("note", ""),
            version=version,
        )
        return _plan_response(self, milestone)


class MilestoneReopenApi(_MilestoneApi):
    @extend_schema(
        request=s.ReopenInput,
        responses={200: s.PlanOutput},
        summary="Reopen a done milestone, with a reason (409 `not_done` when it is pending)",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, milestone_id: Any) -> Response:
        milestone = _milestone(self, milestone_id)
        version = _plan_version(request, milestone.plan)
        values = _valid(s.ReopenInput, self)
        services.milestone_reopen(
            organization=self.organization,
            by=self.membership,
            milestone=milestone,
            reason=values["reason"],
            version=version,
        )
        return _plan_response(self, milestone)


# --- the calendar -----------------------------------------------------------------------------------------------------


class CalendarApi(TenantAPIView):
    capabilities = {"GET": TNA_VIEW}

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM (default: this month)"),
            OpenApiParameter("merchandiser", str, description="A membership id: only their orders and milestones"),
        ],
        responses={200: s.CalendarOutput},
        summary="The milestones of a month by day: pending ones on their forecast date, done ones on their actual date",
    )
    def get(self, request: Request) -> Response:
        query = _valid(s.CalendarQuery, self, data=request.query_params)
        if query.get("month"):
            year, month = (int(x) for x in query["month"].split("-"))
            first = datetime.date(year, month, 1)
        else:
            first = timezone.localdate().replace(day=1)
        merchandiser = None
        if query.get("merchandiser"):
            merchandiser = selectors.member_of(organization=self.organization, pk=query["merchandiser"])
            if merchandiser is None:
                raise ApplicationError(
                    "No such member.", code="validation_error", extra={"errors": {"merchandiser": ["No such member."]}}
                )
        days = selectors.calendar_month(
            organization=self.organization,
            month=first,
            merchandiser=merchandiser,
            membership=self.membership,
            per_day=query["per_day"],
        )
        data = {
            "month": f"{first:%Y-%m}",
            "days": [
                {
                    "date": day,
                    "total": rows[0].day_total if rows else 0,
                    "milestones": [s.calendar_entry_data(e) for e in rows],
                }
                for day, rows in days.items()
            ],
        }
        return Response(data)
