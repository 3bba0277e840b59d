"""Production pages: the work-order list (status tabs, filters, progress, estimate and late badge), the work-order
form (new, or a draft's or pending one's edit) with rows of a sales order's lines, a work order's page (header, the
moves it offers as forms, the cumulative progress chart, lines, requirements with "issue from stock", receiving
finished goods, the production entries with their corrections and history, the timeline), the daily production
form (many work orders and lines at once, phone first) and the order page's Production tab. Writes go through the
same services as the API; a refusal shows the form again with the error next to its field (or, naming none, above
the form)."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import orjson
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from tradeloom.audit.labels import Label
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, form_error_message, partial_template
from tradeloom.production import selectors, services, states
from tradeloom.production.capabilities import PRODUCTION_MANAGE, PRODUCTION_REPORT, PRODUCTION_VIEW
from tradeloom.production.filters import WorkOrderFilter
from tradeloom.production.forms import (
    CorrectForm,
    DailyForm,
    DailyRowForm,
    IssueForm,
    LineRowForm,
    ReceiveForm,
    RequirementForm,
    WorkOrderForm,
    choices,
    entry_initial,
    move_form,
    text_decimal,
)
from tradeloom.production.models import WorkOrder, WorkOrderRequirement
from tradeloom.records.pages import posted_version
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("due", "Due soonest", ("due_date", "id")),
    SortOption("progress", "Least finished first", ("progress_percent", "id")),
]
LIST_COLUMNS = ["Work order", "Product", "Order", "Mill", "Due · quantity", "Progress", "Estimated completion"]
TIMELINE_LIMIT = 200
LINE_KEY = re.compile(r"^lines\.(\d+)\.(\w+)$")
ROW_KEY = re.compile(r"^rows\.(\d+)\.(\w+)$")
COLOURS = {"knitted": "#0ea5e9", "dyed": "#a855f7", "finished": "#10b981", "target": "#94a3b8"}


def _url(request: TenantRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"production:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def _today() -> datetime.date:
    return timezone.localdate()


def wo_of(request: TenantRequest, work_order_id: Any) -> WorkOrder:
    """The organisation's work order (``Http404`` otherwise)."""
    return selectors.work_order_get(organization=request.organization, pk=work_order_id)


def _can(request: TenantRequest, capability: Any) -> bool:
    return role_has(request.membership.role, capability)


# --- the list ---------------------------------------------------------------------------------------------------


def _status_tabs(request: TenantRequest) -> tuple[list[tuple[str, str, str]], str]:
    """The list's status tabs (all, each status, late): each keeps the other filters but the status and the page."""
    params: QueryDict = request.GET.copy()
    for key in ("status", "late", "cursor", "with_count"):
        params.pop(key, None)
    base = params.urlencode()

    def href(extra: dict[str, str]) -> str:
        query = "&".join(q for q in (base, urlencode(extra)) if q)
        return f"{request.path}?{query}" if query else request.path

    tabs = [("", "All", href({}))]
    tabs += [(value, label, href({"status": value})) for value, label in states.STATUSES]
    tabs.append(("late", "Late", href({"late": "true"})))
    late = request.GET.get("late") in ("true", "1", "True")
    current = "late" if late else request.GET.get("status", "")
    return tabs, current


@tenant_view(GET=PRODUCTION_VIEW)
def work_order_list_view(request: TenantRequest) -> HttpResponse:
    """Work orders with their product, order, mill, due date, priority, progress and estimate; filtered by the API's
    FilterSet; keyset pages."""
    qs = selectors.work_order_list(organization=request.organization)
    page = list_page(request, qs, filterset_class=WorkOrderFilter, sorts=SORTS)
    tabs, current = _status_tabs(request)
    context = {
        "nav": "work_orders",
        "page": page,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "priority_badges": states.PRIORITY_BADGES,
        "status_tabs": tabs,
        "current_tab": current,
        "can_manage": _can(request, PRODUCTION_MANAGE),
        "can_report": _can(request, PRODUCTION_REPORT),
    }
    return render(request, partial_template(request, "production/work_order_list.html", "wo-list"), context)


# --- the work-order form: new and edit ----------------------------------------------------------------------------


def _chosen_order(request: TenantRequest, wo: WorkOrder | None) -> str:
    """The sales order whose lines the form offers: the posted or asked one, else the work order's."""
    source = request.POST if request.method == "POST" else request.GET
    current = str(wo.order_id) if wo and wo.order_id else ""
    raw = source.get("order", "") if "order" in source else current
    try:
        return str(uuid.UUID(raw)) if raw else ""
    except ValueError:
        return ""


def _line_rows(request: TenantRequest, *, order_id: str, wo: WorkOrder | None, bind: bool) -> list[LineRowForm]:
    if not order_id:
        return []
    figures = selectors.order_lines_to_make(organization=request.organization, order_id=order_id, work_order=wo)
    current: dict[Any, Decimal] = {}
    if wo is not None and str(wo.order_id) == order_id:
        current = {row.line_id: row.quantity for row in wo.lines.all()}
    asked = set(request.GET.getlist("line"))
    rows = []
    for f in figures:
        if f.line.pk in current:
            initial = {"include": True, "quantity": text_decimal(current[f.line.pk])}
        else:
            chosen = str(f.line.pk) in asked if asked else (not current and f.to_make > 0 and not f.is_closed)
            initial = {"include": chosen, "quantity": text_decimal(f.to_make) if f.to_make > 0 else None}
        data = request.POST if bind else None
        rows.append(LineRowForm(data, figure=f, prefix=f"wl-{f.line.pk}", initial=initial))
    return rows


def _errors_onto(error: ApplicationError, header: forms.BaseForm, included: Sequence[forms.BaseForm]) -> None:
    """A refusal's field errors on the header's fields and the line rows' (``lines.<n>.<field>``), the rest above."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(included):
            row, name = included[int(match[1])], match[2]
            for text in texts:
                row.add_error(name if name in row.fields else None, text)
        elif key in header.fields:
            for text in texts:
                header.add_error(key, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": rest}))


def _form_page(request: TenantRequest, wo: WorkOrder | None) -> HttpResponse:
    organization = request.organization
    step = request.POST.get("step", "save") if request.method == "POST" else ""
    order_id = _chosen_order(request, wo)
    saving = request.method == "POST" and step == "save"
    if saving:
        header = WorkOrderForm(request.POST, instance=wo, organization=organization, auto_id="wo-%s")
    elif request.method == "POST":  # "show its lines": keep what was typed, no errors yet
        header = WorkOrderForm(instance=wo, organization=organization, auto_id="wo-%s", initial=_typed(request.POST))
    else:
        header = WorkOrderForm(instance=wo, organization=organization, auto_id="wo-%s")
    rows = _line_rows(request, order_id=order_id, wo=wo, bind=saving)
    if saving:
        valid = header.is_valid()
        valid = all([r.is_valid() for r in rows]) and valid  # noqa: C419 - every row validated (its errors shown)
        included = [r for r in rows if r.payload() is not None]
        if valid:
            data = header.payload()
            if data.get("quantity") is None:
                data.pop("quantity", None)
            lines = [r.payload() or {} for r in included]
            try:
                if wo is None:
                    made = services.work_order_create(
                        organization=organization, by=request.membership, data=data, lines=lines
                    )
                    messages.success(request, f"{made.number} made as a draft: release it when it is ready.")
                else:
                    made = services.work_order_update(
                        organization=organization,
                        by=request.membership,
                        work_order=wo,
                        data=data,
                        lines=lines,
                        version=posted_version(request),
                    )
                    messages.success(request, f"{made.number} saved.")
            except ApplicationError as error:
                _errors_onto(error, header, included)
            else:
                return redirect(_url(request, "work-order", work_order_id=made.pk))
        messages.error(request, form_error_message(header) or "Some lines need a correction.")
    context = {
        "nav": "work_orders",
        "wo": wo,
        "title": f"Edit {wo.number}" if wo else "New work order",
        "form": header,
        "orders": selectors.orders_to_choose(organization=organization, current=order_id or None),
        "order_id": order_id,
        "line_rows": rows,
    }
    return render(request, "production/work_order_form.html", context)


def _typed(data: QueryDict) -> dict[str, Any]:
    return {k: data.get(k) for k in WorkOrderForm.base_fields if data.get(k) not in (None, "")}


@tenant_view(GET=PRODUCTION_MANAGE, POST=PRODUCTION_MANAGE)
def work_order_create_view(request: TenantRequest) -> HttpResponse:
    """A new work order; ``?order=<id>`` offers that order's lines (``&line=<id>`` … ticks those only)."""
    return _form_page(request, None)


@tenant_view(GET=PRODUCTION_MANAGE, POST=PRODUCTION_MANAGE)
def work_order_edit_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    wo = wo_of(request, work_order_id)
    if not wo.is_editable:
        messages.error(
            request, f"{wo.number} is {wo.get_status_display().lower()}: only a draft or pending one is edited."
        )
        return redirect(_url(request, "work-order", work_order_id=wo.pk))
    return _form_page(request, wo)


# --- a work order's page --------------------------------------------------------------------------------------------


def wo_timeline(wo: WorkOrder, limit: int = TIMELINE_LIMIT) -> list[Described]:
    events = audit_events_of_targets(
        organization=wo.organization_id, targets={"production.workorder": [str(wo.pk)]}, limit=limit
    )
    return describe(
        events,
        labels={str(wo.pk): Label(wo.number)},
        scope=Scope(id=str(wo.pk), name="this work order", context=wo.number),
    )


def progress_chart(series: Any) -> str | None:
    """The cumulative chart's ``data-chart``: knitted, dyed and finished to date against the ordered quantity."""
    days = sorted({day for points in series.processes.values() for day, _ in points})
    if not days:
        return None
    days.insert(0, days[0] - datetime.timedelta(days=1))  # from nothing, the day before the first report
    datasets = []
    for process, label in states.PROCESSES:
        values = {days[0]: Decimal(0), **dict(series.processes.get(process, []))}
        running, data = 0.0, []
        for day in days:
            running = float(values.get(day, running))
            data.append(running)
        colour = COLOURS[process]
        datasets.append(
            {
                "type": "line",
                "label": label,
                "data": data,
                "borderColor": colour,
                "backgroundColor": colour,
                "pointRadius": 2,
                "tension": 0.2,
                "fill": False,
            }
        )
    datasets.append(
        {
            "type": "line",
            "label": "Ordered",
            "data": [float(series.target)] * len(days),
            "borderColor": COLOURS["target"],
            "backgroundColor": COLOURS["target"],
            "borderDash": [6, 4],
            "pointRadius": 0,
            "fill": False,
        }
    )
    chart = {"type": "line", "labels": [f"{d:%-d %b}" for d in days], "datasets": datasets, "legend": True}
    return orjson.dumps(chart).decode()


def wo_page(request: TenantRequest, work_order_id: Any, *, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    """A work order's page; ``bound`` replaces a blank form by a refused post's (``move:<action>``,
    ``issue:<requirement>``, ``requirement:<requirement>``, ``receive``, ``correct:<entry>``)."""
    bound = bound or {}
    organization = request.organization
    wo = wo_of(request, work_order_id)
    detail = selectors.work_order_detail(organization=organization, work_order=wo)
    wo = detail.work_order
    can_manage = _can(request, PRODUCTION_MANAGE)
    can_report = _can(request, PRODUCTION_REPORT)
    moves = []
    if can_manage:
        for transition in states.actions_from(wo.status):
            key = f"move:{transition.action}"
            form = bound.get(key) or move_form(transition.action, auto_id=f"mv-{transition.action}-%s")
            moves.append((transition, form, key in bound))
    warehouses = selectors.warehouse_choices(organization=organization) if can_manage else []
    items, units = choices(organization) if can_manage else ([], [])
    requirements = []
    for req in detail.requirements:
        issue = requirement = None
        if can_manage and wo.status not in (states.CANCELLED,):
            issue = bound.get(f"issue:{req.pk}") or IssueForm(
                warehouses=warehouses,
                auto_id=f"is-{req.pk}-%s",
                initial={
                    "requirement": req.pk,
                    "quantity": text_decimal(max(req.quantity - req.issued_quantity, Decimal(0))) or None,
                },
            )
            requirement = bound.get(f"requirement:{req.pk}") or RequirementForm(
                items=items,
                units=units,
                auto_id=f"rq-{req.pk}-%s",
                initial={
                    "requirement": req.pk,
                    "item": str(req.item_id) if req.item_id else "",
                    "quantity": text_decimal(req.quantity),
                    "unit": str(req.unit_id),
                },
            )
        opened = f"issue:{req.pk}" in bound or f"requirement:{req.pk}" in bound
        requirements.append((req, issue, requirement, opened))
    receive = None
    if can_manage and wo.status in (states.IN_PROGRESS, states.COMPLETED, states.PENDING):
        receive = bound.get("receive") or ReceiveForm(warehouses=warehouses, auto_id="rv-%s")
    entries = []
    for entry in detail.entries:
        correct = None
        if can_report and wo.is_reportable:
            correct = bound.get(f"correct:{entry.pk}") or CorrectForm(
                auto_id=f"co-{entry.pk}-%s", initial={"entry": entry.pk, **entry_initial(entry)}
            )
        history = detail.history_of(entry)
        entries.append((entry, history, correct, f"correct:{entry.pk}" in bound))
    shown = {f"move:{t.action}" for t, _, _ in moves}
    shown |= {
        f"{kind}:{req.pk}"
        for req, issue, _, _ in requirements
        if issue is not None
        for kind in ("issue", "requirement")
    }
    shown |= {f"correct:{entry.pk}" for entry, _, form, _ in entries if form is not None}
    shown |= {"receive"} if receive is not None else set()
    for key, form in bound.items():  # a refusal whose form the page does not show (any more): said above it
        if key not in shown:
            messages.error(request, form_error_message(form) or "This cannot be done now.")
    context = {
        "nav": "work_orders",
        "wo": wo,
        "detail": detail,
        "badge": states.BADGES[wo.status],
        "priority_badge": states.PRIORITY_BADGES[wo.priority],
        "can_manage": can_manage,
        "can_report": can_report,
        "moves": moves,
        "requirements": requirements,
        "receive": receive,
        "receive_opened": "receive" in bound,
        "entries": entries,
        "chart": progress_chart(detail.series),
        "today": _today(),
        "timeline": wo_timeline(wo),
        "timeline_limit": TIMELINE_LIMIT,
    }
    return render(request, "production/work_order_detail.html", context)


@tenant_view(GET=PRODUCTION_VIEW)
def work_order_detail_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    return wo_page(request, work_order_id)


@tenant_view(POST=PRODUCTION_MANAGE)
def work_order_move_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    wo = wo_of(request, work_order_id)
    action = request.POST.get("action", "")
    transition = states.ACTIONS.get(action)
    if transition is None:
        raise Http404("No such action.")
    form = move_form(action, request.POST, auto_id=f"mv-{action}-%s")
    if form.is_valid():
        try:
            services.work_order_move(
                organization=request.organization,
                by=request.membership,
                work_order=wo,
                action=action,
                reason=form.cleaned_data.get("reason", ""),
                version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{wo.number}: {states.LABELS[transition.target].lower()}.")
            return redirect(_url(request, "work-order", work_order_id=wo.pk))
    return wo_page(request, work_order_id, bound={f"move:{action}": form})


def _requirement_of(request: TenantRequest, wo: WorkOrder, pk: Any) -> WorkOrderRequirement:
    return selectors.requirement_get(organization=request.organization, work_order=wo, pk=pk)


@tenant_view(POST=PRODUCTION_MANAGE)
def material_issue_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    """Issue a requirement's yarn or greige from a warehouse: a "production out" move."""
    wo = wo_of(request, work_order_id)
    form = IssueForm(
        request.POST,
        warehouses=selectors.warehouse_choices(organization=request.organization),
        auto_id=f"is-{request.POST.get('requirement', '')}-%s",
    )
    if not form.is_valid():
        key = request.POST.get("requirement", "")
        if "requirement" in form.errors:
            raise Http404("No such requirement.")
        return wo_page(request, work_order_id, bound={f"issue:{key}": form})
    requirement = _requirement_of(request, wo, form.cleaned_data["requirement"])
    data = form.cleaned_data
    try:
        services.material_issue(
            organization=request.organization,
            by=request.membership,
            work_order=wo,
            requirement=requirement,
            warehouse=data.get("warehouse") or None,
            quantity=data["quantity"],
            on=data.get("on"),
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return wo_page(request, work_order_id, bound={f"issue:{requirement.pk}": form})
    what = requirement.get_kind_display().lower()
    messages.success(
        request, f"{text_decimal(data['quantity'])} {requirement.unit.code} of {what} issued to {wo.number}."
    )
    return redirect(_url(request, "work-order", work_order_id=wo.pk) + "#requirements")


@tenant_view(POST=PRODUCTION_MANAGE)
def requirement_update_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    """Set a requirement's catalog item (and quantity and unit), so that it can be issued from stock."""
    wo = wo_of(request, work_order_id)
    items, units = choices(request.organization)
    form = RequirementForm(
        request.POST, items=items, units=units, auto_id=f"rq-{request.POST.get('requirement', '')}-%s"
    )
    if not form.is_valid():
        if "requirement" in form.errors:
            raise Http404("No such requirement.")
        return wo_page(request, work_order_id, bound={f"requirement:{request.POST.get('requirement', '')}": form})
    requirement = _requirement_of(request, wo, form.cleaned_data["requirement"])
    data = form.cleaned_data
    try:
        services.requirement_update(
            organization=request.organization,
            by=request.membership,
            requirement=requirement,
            item=data["item"],
            quantity=data["quantity"],
            unit=data["unit"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return wo_page(request, work_order_id, bound={f"requirement:{requirement.pk}": form})
    messages.success(request, f"{wo.number}: the {requirement.get_kind_display().lower()} requirement is saved.")
    return redirect(_url(request, "work-order", work_order_id=wo.pk) + "#requirements")


@tenant_view(POST=PRODUCTION_MANAGE)
def finished_receive_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    """Receive finished goods of the work order's item into stock: a "production in" move."""
    wo = wo_of(request, work_order_id)
    form = ReceiveForm(
        request.POST, warehouses=selectors.warehouse_choices(organization=request.organization), auto_id="rv-%s"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.finished_receive(
                organization=request.organization,
                by=request.membership,
                work_order=wo,
                warehouse=data.get("warehouse") or None,
                quantity=data["quantity"],
                unit_cost=data["unit_cost"],
                on=data.get("on"),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{text_decimal(data['quantity'])} of {wo.label} received into stock.")
            return redirect(_url(request, "work-order", work_order_id=wo.pk))
    return wo_page(request, work_order_id, bound={"receive": form})


@tenant_view(POST=PRODUCTION_REPORT)
def entry_correct_view(request: TenantRequest, work_order_id: Any) -> HttpResponse:
    """Correct a current production entry with a reason: a new entry supersedes it (the earlier stays readable)."""
    wo = wo_of(request, work_order_id)
    form = CorrectForm(request.POST, auto_id=f"co-{request.POST.get('entry', '')}-%s")
    if not form.is_valid():
        if "entry" in form.errors:
            raise Http404("No such entry.")
        return wo_page(request, work_order_id, bound={f"correct:{request.POST.get('entry', '')}": form})
    entry = selectors.entry_get(organization=request.organization, work_order=wo, pk=form.cleaned_data["entry"])
    figures = form.figures()
    try:
        services.production_entry_correct(
            organization=request.organization,
            by=request.membership,
            entry=entry,
            data=figures,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return wo_page(request, work_order_id, bound={f"correct:{entry.pk}": form})
    messages.success(request, f"{wo.number}: the figures of {entry.produced_on:%-d %b} are corrected.")
    return redirect(_url(request, "work-order", work_order_id=wo.pk) + "#entries")


# --- daily production ---------------------------------------------------------------------------------------------


def _daily_errors(error: ApplicationError, header: forms.Form, sent: Sequence[DailyRowForm]) -> None:
    """The report's refusal on the rows' fields (``rows.<n>.<field>``: the n-th row sent), the rest above."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = ROW_KEY.match(key)
        if match and int(match[1]) < len(sent):
            row, name = sent[int(match[1])], match[2]
            for text in texts:
                row.add_error(name if name in row.fields else None, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": rest}))


@tenant_view(GET=PRODUCTION_REPORT, POST=PRODUCTION_REPORT)
def daily_view(request: TenantRequest) -> HttpResponse:
    """One form for the day's production of every running work order (of one mill, or all): one card per work
    order line, prefilled with that day's current entry; the rows changed are reported at once, all or nothing."""
    organization = request.organization
    today = _today()
    source = request.POST if request.method == "POST" else request.GET
    mills = selectors.mills_to_choose(organization=organization)
    filters = DailyForm(
        {"on": source.get("produced_on") or source.get("on") or "", "mill": source.get("mill", "")},
        mills=mills,
        auto_id="daily-%s",
    )
    day, mill = today, ""
    if filters.is_valid():
        day = filters.cleaned_data.get("on") or today
        mill = filters.cleaned_data.get("mill") or ""
        if day > today:
            filters.add_error("on", "This day has not come yet: production is reported for today or before.")
            day = today
    header = forms.Form({})
    header.is_valid()  # bound and clean: refusals are added to it
    found = selectors.daily_rows(organization=organization, on=day, mill=mill or None)
    data = request.POST if request.method == "POST" else None
    rows = [DailyRowForm(data, row=row, prefix=f"r-{row.key}", auto_id="%s") for row in found]
    if request.method == "POST":
        valid = all([r.is_valid() for r in rows])  # noqa: C419 - every row validated (its errors shown)
        sent = [r for r in rows if r.payload() is not None]
        if filters.errors:  # a day to come, or not a day: nothing is reported
            header.add_error(None, form_error_message(filters))
        elif valid and not sent:
            header.add_error(None, "Nothing changed: type the figures of at least one work order.")
        elif valid:
            payloads = [{**(r.payload() or {}), "produced_on": day} for r in sent]
            try:
                made = services.production_report(organization=organization, by=request.membership, rows=payloads)
            except ApplicationError as error:
                _daily_errors(error, header, sent)
            else:
                count = len({e.work_order_id for e in made})
                if made:
                    messages.success(
                        request,
                        f"{len(made)} row{'s' if len(made) != 1 else ''} of {day:%-d %b} recorded for {count} work "
                        f"order{'s' if count != 1 else ''}.",
                    )
                else:
                    messages.info(request, "The figures were the ones recorded already: nothing changed.")
                query = urlencode({k: v for k, v in (("on", day.isoformat()), ("mill", mill)) if v})
                return redirect(f"{_url(request, 'daily')}?{query}")
        if header.errors or any(r.errors for r in rows):
            messages.error(request, "Some rows need a correction: nothing was recorded.")
    context = {
        "nav": "daily_production",
        "filters": filters,
        "header": header,
        "rows": rows,
        "day": day,
        "mill": mill,
        "reported": sum(1 for r in found if r.entry is not None),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "badges": states.BADGES,
    }
    return render(request, "production/daily.html", context)


# --- the order's Production tab -----------------------------------------------------------------------------------


@tenant_view(GET=PRODUCTION_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order page's Production tab: its work orders, per line ordered / knitted / dyed / finished, and the
    cumulative chart; ticking lines makes a work order of them."""
    order = order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    figures = selectors.order_production(organization=request.organization, order=order)
    context = {
        "order": order,
        "figures": figures,
        "chart": progress_chart(figures.series) if figures.series else None,
        "chart_src": static("vendor/chart.umd.min.js"),
        "badges": states.BADGES,
        "priority_badges": states.PRIORITY_BADGES,
        "can_manage": _can(request, PRODUCTION_MANAGE) and order.status not in (Order.Status.CANCELLED,),
    }
    return render(request, "production/_order_panel.html", context)
