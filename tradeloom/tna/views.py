"""T&A pages: the order's T&A tab (the grid of milestones x planned / forecast / actual / slippage, late in red, done in
green, each milestone's history; applying a template, moving a planned date with its reason, recording an actual
date, reopening), the calendar of due milestones by month (a Monday-to-Sunday grid; a list by day on a phone) and the
templates with their milestone rows. Writes go through the same services as the API; a refusal shows the page again
with the error next to its field (the tab's forms: on the tab opened on its own page)."""

from __future__ import annotations

import calendar as cal
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error, form_error_message, uuid_or_none
from tradeloom.records.pages import posted_version
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view
from tradeloom.tna import selectors, services
from tradeloom.tna.capabilities import TNA_MANAGE, TNA_TEMPLATES, TNA_VIEW
from tradeloom.tna.forms import (
    MILESTONE_LABELS,
    ActualForm,
    ApplyForm,
    ArchiveForm,
    MilestoneRowForm,
    ReopenForm,
    ReplanForm,
    TemplateForm,
    milestone_initial,
)
from tradeloom.tna.models import EX_FACTORY, STANDARD_MILESTONES, Milestone, Plan, Template

ROW_KEY = re.compile(r"^milestones\.(\d+)\.(\w+)$")
BLANK_ROWS = 1
BAR_WIDTH = 100  # the timeline strip's positions, in percent of its width
BAR_MARGIN = 3
DUE_SOON_DAYS = 7


def _url(request: TenantRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"tna:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def _order(request: TenantRequest, order_id: Any) -> Order:
    return order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)


def _back(request: TenantRequest, order: Order) -> HttpResponse:
    url = reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order.pk})
    return redirect(f"{url}?tab=tna")


def _day(value: datetime.date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


# --- the order's T&A tab -----------------------------------------------------------------------------------------


@dataclass
class MilestoneRow:
    """A milestone of the grid with what the row shows and its forms."""

    milestone: Milestone
    dependency_names: list[str]
    history: list[Any]
    state: str  # done / late / due / pending
    moved: bool  # its planned date is no longer the first plan's
    slip: int  # slippage in the plan's days: positive is late
    bar: dict[str, float] | None
    replan_form: forms.Form
    actual_form: forms.Form
    reopen_form: forms.Form
    open: str = ""  # the form a refused post opened: replan / record / reopen


@dataclass
class PlanView:
    plan: Plan
    line: Any
    rows: list[MilestoneRow]
    etd: datetime.date | None
    ex_factory: Milestone | None
    ex_factory_late_days: int
    late: int
    done: int
    slipped: int
    today_x: float | None
    etd_x: float | None
    reapply_form: forms.Form
    reapply_open: bool = False


@dataclass
class OrderTna:
    order: Order
    plans: list[PlanView]
    apply_form: forms.Form
    apply_open: bool
    can_apply: bool
    gate_names: dict[str, str]
    templates: list[Template] = field(default_factory=list)


def _state(m: Milestone, today: datetime.date, *, slipped: bool = False) -> str:
    """done; late (pending, its planned date passed: red); with ``slipped``, a forecast after its planned date;
    due within a week; pending."""
    if m.status == Milestone.Status.DONE:
        return "done"
    if m.planned_date < today:
        return "late"
    if slipped and m.forecast_date > m.planned_date:
        return "slipped"
    if (m.forecast_date - today).days <= DUE_SOON_DAYS:
        return "due"
    return "pending"


def _x(day: datetime.date, start: datetime.date, total: int) -> float:
    """Where a day sits on the strip, in percent, inside a margin that keeps the end markers whole."""
    return round(BAR_MARGIN + (day - start).days / total * (BAR_WIDTH - 2 * BAR_MARGIN), 1)


def _line_label(line: Any) -> str:
    colour = f" {line.colour_name}" if line.colour_name else ""
    return f"{line.style.style_number} · {line}{colour}"


def order_tna(
    request: TenantRequest, order: Order, *, bound: dict[str, forms.Form] | None = None, today: datetime.date
) -> OrderTna:
    """The tab's content: the plans (the order's, then its lines'), their rows with forms (a refused post's bound
    form in place of its blank one: ``replan:<id>``, ``record:<id>``, ``reopen:<id>``, ``reapply:<plan id>``,
    ``apply``), and the apply form with the proposed template."""
    bound = bound or {}
    organization = request.organization
    lines = selectors.page_order_lines(organization=organization, order=order)
    grid = selectors.plan_grid(organization=organization, order=order, today=today)
    templates = selectors.page_templates_active(organization=organization)
    by_line = {line.pk: line for line in lines}  # with their styles
    template_choices = [(str(t.pk), t.name + (" (default)" if t.is_default else "")) for t in templates]
    views = []
    for gp in grid.plans:
        plan = gp.plan
        line = by_line.get(plan.line_id)
        milestones = [r.milestone for r in gp.milestones]
        dates = [d for m in milestones for d in (m.planned_date, m.forecast_date, m.actual_date) if d]
        etd = gp.etd or plan.etd
        if etd:
            dates.append(etd)
        start = min(dates) if dates else today
        total = max(((max(dates) if dates else today) - start).days, 1)
        rows = []
        for grid_row in gp.milestones:
            m = grid_row.milestone
            finish = m.actual_date or m.forecast_date
            bar = {
                "planned": _x(m.planned_date, start, total),
                "finish": _x(finish, start, total),
                "from": min(_x(m.planned_date, start, total), _x(finish, start, total)),
                "width": max(abs(_x(finish, start, total) - _x(m.planned_date, start, total)), 0.0),
            }
            key = None
            for kind in ("replan", "record", "reopen"):
                if f"{kind}:{m.pk}" in bound:
                    key = kind
            rows.append(
                MilestoneRow(
                    milestone=m,
                    dependency_names=grid_row.depends_on_names,
                    history=list(reversed(grid_row.changes)),  # newest first
                    state=_state(m, today),
                    moved=m.original_date != m.planned_date,
                    slip=m.slippage_days,
                    bar=bar,
                    replan_form=bound.get(f"replan:{m.pk}")
                    or ReplanForm(initial={"planned_date": m.planned_date}, auto_id=f"rp-{m.pk}-%s"),
                    actual_form=bound.get(f"record:{m.pk}") or ActualForm(auto_id=f"ac-{m.pk}-%s"),
                    reopen_form=bound.get(f"reopen:{m.pk}") or ReopenForm(auto_id=f"ro-{m.pk}-%s"),
                    open=key or "",
                )
            )
        ex_factory = next((m for m in milestones if m.code == EX_FACTORY), None)
        late_days = 0
        if ex_factory is not None and etd is not None:
            late_days = max(((ex_factory.actual_date or ex_factory.forecast_date) - etd).days, 0)
        key = f"reapply:{plan.pk}"
        views.append(
            PlanView(
                plan=plan,
                line=line,
                rows=rows,
                etd=etd,
                ex_factory=ex_factory,
                ex_factory_late_days=late_days,
                late=sum(1 for r in rows if r.state == "late"),
                done=sum(1 for r in rows if r.state == "done"),
                slipped=sum(1 for r in rows if r.slip > 0 and r.state != "done"),
                today_x=_x(today, start, total) if start <= today <= start + datetime.timedelta(days=total) else None,
                etd_x=_x(etd, start, total) if etd else None,
                reapply_form=bound.get(key)
                or ApplyForm(
                    templates=template_choices,
                    lines=[],
                    initial={"template": str(plan.template_id or "")},
                    auto_id=f"ra-{plan.pk}-%s",
                ),
                reapply_open=key in bound,
            )
        )
    planned_lines = {p.plan.line_id for p in grid.plans}
    free_lines = [line for line in lines if line.pk not in planned_lines]
    whole_order = None not in planned_lines
    proposed = services.template_for(organization=organization, order=order) if templates else None
    apply_form = bound.get("apply") or ApplyForm(
        templates=template_choices,
        lines=[(str(line.pk), _line_label(line)) for line in free_lines],
        whole_order=whole_order,
        initial={"template": str(proposed.pk) if proposed else ""},
        auto_id="apply-%s",
    )
    return OrderTna(
        order=order,
        plans=views,
        apply_form=apply_form,
        apply_open="apply" in bound or not grid.plans,
        can_apply=bool(templates) and (whole_order or bool(free_lines)),
        gate_names=dict(selectors.page_gate_choices(organization=organization)) if grid.plans else {},
        templates=templates,
    )


def _panel(
    request: TenantRequest, order: Order, *, bound: dict[str, forms.Form] | None = None, page: bool = False
) -> HttpResponse:
    """The tab: the partial when the order page loads it (HTMX), else (opened on its own, or a refused post showing
    its errors) a page of its own around it."""
    today = timezone.localdate()
    role = request.membership.role
    context = {
        "order": order,
        "tna": order_tna(request, order, bound=bound, today=today),
        "today": today,
        "can_manage": role_has(role, TNA_MANAGE) and order.status != Order.Status.CANCELLED,
        "can_templates": role_has(role, TNA_TEMPLATES),
        "labels": MILESTONE_LABELS,
        "nav": "orders",
    }
    htmx = getattr(request, "htmx", None)
    template = "tna/_order_panel.html" if htmx and not page else "tna/order_tna.html"
    return render(request, template, context)


@tenant_view(GET=TNA_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    return _panel(request, _order(request, order_id))


@tenant_view(POST=TNA_MANAGE)
def plan_apply_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Apply a template to the order or one of its lines (``plan`` posted: replace that plan, with a reason)."""
    order = _order(request, order_id)
    organization = request.organization
    templates = selectors.page_templates_active(organization=organization)
    lines = selectors.page_order_lines(organization=organization, order=order)
    replacing = None
    plan_id = uuid_or_none(request.POST.get("plan"))
    if plan_id is not None:
        replacing = selectors.page_plan_of_order(organization=organization, order=order, plan_id=plan_id)
    key = f"reapply:{replacing.pk}" if replacing else "apply"
    form = ApplyForm(
        request.POST,
        templates=[(str(t.pk), t.name) for t in templates],
        lines=[] if replacing else [(str(line.pk), _line_label(line)) for line in lines],
        auto_id=f"ra-{replacing.pk}-%s" if replacing else "apply-%s",
    )
    if form.is_valid():
        template = next(t for t in templates if str(t.pk) == form.cleaned_data["template"])
        line = next((ln for ln in lines if str(ln.pk) == form.cleaned_data.get("line")), None)
        reason = form.cleaned_data.get("reason", "")
        try:
            if replacing is not None:
                services.plan_reapply(
                    organization=organization,
                    by=request.membership,
                    plan=replacing,
                    template=template,
                    reason=reason,
                    version=posted_version(request),
                )
            else:
                services.plan_apply(
                    organization=organization, by=request.membership, order=order, line=line, template=template
                )
        except ApplicationError as error:
            if error.code == "plan_exists":
                form.add_error("line", error.message)
            else:
                add_application_error(form, error)
        else:
            what = f"line {_line_label(line)}" if line else f"order {order.number}"
            if replacing is not None and replacing.line_id:
                what = "the line"
            done = "replaced from" if replacing else "planned from"
            messages.success(request, f"T&A of {what} {done} “{template.name}”.")
            return _back(request, order)
    messages.error(request, form_error_message(form) or "The plan was not made.")
    return _panel(request, order, bound={key: form}, page=True)


def _milestone_action(request: TenantRequest, order_id: Any, milestone_id: Any, kind: str) -> HttpResponse:
    order = _order(request, order_id)
    milestone = selectors.page_milestone_of_order(
        organization=request.organization, order=order, milestone_id=milestone_id
    )
    form_class = {"replan": ReplanForm, "record": ActualForm, "reopen": ReopenForm}[kind]
    prefix = {"replan": "rp", "record": "ac", "reopen": "ro"}[kind]
    form = form_class(request.POST, auto_id=f"{prefix}-{milestone.pk}-%s")
    if form.is_valid():
        data = form.cleaned_data
        common = {"organization": request.organization, "by": request.membership, "milestone": milestone}
        try:
            if kind == "replan":
                services.milestone_replan(**common, planned_date=data["planned_date"], reason=data["reason"])
                done = f"{milestone.name}: planned for {_day(data['planned_date'])}; the forecasts follow."
            elif kind == "record":
                services.milestone_record(**common, actual_date=data["actual_date"], note=data.get("note", ""))
                done = f"{milestone.name}: done on {_day(data['actual_date'])}."
            else:
                services.milestone_reopen(**common, reason=data["reason"])
                done = f"{milestone.name} reopened."
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, done)
            return _back(request, order)
    messages.error(request, form_error_message(form) or f"{milestone.name} was not changed.")
    return _panel(request, order, bound={f"{kind}:{milestone.pk}": form}, page=True)


@tenant_view(POST=TNA_MANAGE)
def milestone_replan_view(request: TenantRequest, order_id: Any, milestone_id: Any) -> HttpResponse:
    return _milestone_action(request, order_id, milestone_id, "replan")


@tenant_view(POST=TNA_MANAGE)
def milestone_record_view(request: TenantRequest, order_id: Any, milestone_id: Any) -> HttpResponse:
    return _milestone_action(request, order_id, milestone_id, "record")


@tenant_view(POST=TNA_MANAGE)
def milestone_reopen_view(request: TenantRequest, order_id: Any, milestone_id: Any) -> HttpResponse:
    return _milestone_action(request, order_id, milestone_id, "reopen")


# --- the calendar ------------------------------------------------------------------------------------------------


@dataclass
class CalendarEntry:
    milestone: Milestone
    state: str  # done / late / due / pending


@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    is_today: bool
    is_off: bool
    entries: list[CalendarEntry]
    total: int = 0  # the day's milestones in all (``entries`` holds at most CALENDAR_PER_DAY)
    counts: Any = None  # the day's selectors.CalendarCounts

    @property
    def hidden(self) -> int:
        return max(0, self.total - len(self.entries))


# A day of a large organisation's month may hold hundreds of milestones: the calendar shows the first of them (late
# first, then slipped ones) and how many more there are; a merchandiser's calendar rarely has that many.
CALENDAR_PER_DAY = 12
# More milestones than this in the month (everyone's, in a large organisation): the days show their counts only.
CALENDAR_MAX_LISTED = 2000
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(raw: str | None, today: datetime.date) -> datetime.date:
    match = MONTH.match(raw or "")
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return datetime.date(int(match[1]), int(match[2]), 1)
    return today.replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@tenant_view(GET=TNA_VIEW)
def calendar_view(request: TenantRequest) -> HttpResponse:
    """A month of due milestones, Monday to Sunday: pending ones on their forecast date (late in red), done ones on
    their actual date (muted); the merchandiser's orders (default: mine when I am one), or everyone's."""
    organization = request.organization
    today = timezone.localdate()
    month = _month(request.GET.get("month"), today)
    merchandisers = selectors.page_merchandisers(organization=organization)
    raw = request.GET.get("merchandiser")
    chosen = None
    if raw is None:
        if request.membership.role == Role.MERCHANDISER:
            chosen = next((m for m in merchandisers if m.pk == request.membership.pk), None)
    elif raw != "all":
        chosen = next((m for m in merchandisers if str(m.pk) == raw), None)
    last_day = month.replace(day=cal.monthrange(month.year, month.month)[1])
    first = month - datetime.timedelta(days=month.weekday())
    last = last_day + datetime.timedelta(days=6 - last_day.weekday())
    # the month's milestones (core's one statement); the grid's days of the months around it are shown empty
    per_day = selectors.calendar_day_counts(
        organization=organization, month=month, merchandiser=chosen, membership=request.membership, today=today
    )
    counts = selectors.month_counts(per_day)
    totals = {day: c.due + c.done for day, c in per_day.items()}
    # a large organisation's month (thousands of milestones) shows each day's counts until a merchandiser is chosen
    summary_only = sum(totals.values()) > CALENDAR_MAX_LISTED
    found = (
        {}
        if summary_only
        else selectors.calendar_month(
            organization=organization,
            month=month,
            merchandiser=chosen,
            membership=request.membership,
            today=today,
            per_day=CALENDAR_PER_DAY,
        )
    )
    by_day: dict[datetime.date, list[CalendarEntry]] = {
        day: [CalendarEntry(e.milestone, _state(e.milestone, today, slipped=True)) for e in entries]
        for day, entries in found.items()
    }
    rank = {"late": 0, "slipped": 1, "due": 2, "pending": 3, "done": 4}
    for entries in by_day.values():
        entries.sort(key=lambda e: (rank[e.state], e.milestone.plan.order.number, e.milestone.position))
    week = organization.work_week
    days = []
    day = first
    while day <= last:
        days.append(
            CalendarDay(
                day=day,
                in_month=day.month == month.month,
                is_today=day == today,
                is_off=not week.is_working(day),
                entries=by_day.get(day, []),
                total=totals.get(day, 0),
                counts=per_day.get(day),
            )
        )
        day += datetime.timedelta(days=1)
    context = {
        "nav": "tna_calendar",
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "this_month": today.replace(day=1),
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "listed": [d for d in days if d.in_month and (d.entries or (summary_only and d.total))],
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "merchandisers": merchandisers,
        "chosen": chosen,
        "merchandiser_value": str(chosen.pk) if chosen else "all",
        "counts": {"due": counts.due, "late": counts.late, "slipped": counts.slipped, "done": counts.done},
        "summary_only": summary_only,
        "today": today,
    }
    return render(request, "tna/calendar.html", context)


# --- templates ---------------------------------------------------------------------------------------------------


@tenant_view(GET=TNA_VIEW)
def template_list_view(request: TenantRequest) -> HttpResponse:
    context = {
        "nav": "tna_templates",
        "templates": selectors.page_templates(organization=request.organization),
        "can_templates": role_has(request.membership.role, TNA_TEMPLATES),
    }
    return render(request, "tna/template_list.html", context)


def _rows(
    request: TenantRequest, current: list[dict[str, Any]], gates: list[tuple[str, str]]
) -> list[MilestoneRowForm]:
    """The milestone rows: the posted ones (``m-<n>-…``, gaps from removed rows are fine), else ``current`` and a
    blank row to fill."""
    if request.method == "POST":
        prefixes = sorted({int(m[1]) for k in request.POST if (m := re.match(r"^m-(\d+)-", k))})
        return [MilestoneRowForm(request.POST, prefix=f"m-{n}", gates=gates) for n in prefixes]
    rows = [MilestoneRowForm(prefix=f"m-{i}", initial=row, gates=gates) for i, row in enumerate(current)]
    start = len(rows)
    rows += [MilestoneRowForm(prefix=f"m-{start + i}", gates=gates) for i in range(BLANK_ROWS)]
    return rows


def _errors_onto(error: ApplicationError, header: forms.BaseForm, included: list[MilestoneRowForm]) -> None:
    """A refusal's field errors on the header's fields and the rows' (``milestones.<n>.<field>``), the rest above."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = ROW_KEY.match(key)
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


STANDARD_ROWS = [
    {
        "code": code,
        "name": name,
        "anchor": "etd",
        "offset_days": offset,
        "depends_on": ", ".join(depends),
        "gate_code": gate,
        "production_process": process,
    }
    for code, name, offset, depends, gate, process in STANDARD_MILESTONES
]


def _template_page(request: TenantRequest, template: Template | None) -> HttpResponse:
    organization = request.organization
    can_edit = role_has(request.membership.role, TNA_TEMPLATES) and (template is None or template.archived_at is None)
    gates = selectors.page_gate_choices(organization=organization)
    data = request.POST if request.method == "POST" else None
    header = TemplateForm(data, instance=template, organization=organization, auto_id="tp-%s")
    current = [milestone_initial(m) for m in template.milestones.all()] if template else STANDARD_ROWS
    rows = _rows(request, current, gates)
    if request.method == "POST":
        valid = header.is_valid()
        included, payloads = [], []
        for row in rows:
            if not row.is_valid():
                valid = False
                continue
            payload = row.payload()
            if payload is not None:
                included.append(row)
                payloads.append(payload)
        if valid and not payloads:
            header.add_error(None, "A template needs at least one milestone.")
        elif valid:
            try:
                if template is None:
                    saved = services.template_create(
                        organization=organization, by=request.membership, data=header.payload(), milestones=payloads
                    )
                    done = f"Template “{saved.name}” made."
                else:
                    saved = services.template_update(
                        organization=organization,
                        by=request.membership,
                        template=template,
                        data=header.payload(),
                        milestones=payloads,
                        version=posted_version(request) or template.version,
                    )
                    done = f"Template “{saved.name}” saved; plans made from it before keep their dates."
            except ApplicationError as error:
                _errors_onto(error, header, included)
            else:
                messages.success(request, done)
                return redirect(_url(request, "template", template_id=saved.pk))
        messages.error(request, form_error_message(header) or "Some milestones need a correction.")
    gate_names = dict(gates)
    context = {
        "nav": "tna_templates",
        "template": template,
        "title": template.name if template else "New T&A template",
        "form": header,
        "rows": rows,
        "empty_row": MilestoneRowForm(prefix="m-__n__", gates=gates),
        "next_row": max((int(str(r.prefix).split("-")[1]) for r in rows), default=-1) + 1,
        "can_edit": can_edit,
        "labels": MILESTONE_LABELS,
        "gate_names": gate_names,
        "archive_form": ArchiveForm(),
    }
    return render(request, "tna/template_form.html", context)


@tenant_view(GET=TNA_TEMPLATES, POST=TNA_TEMPLATES)
def template_create_view(request: TenantRequest) -> HttpResponse:
    return _template_page(request, None)


@tenant_view(GET=TNA_VIEW, POST=TNA_TEMPLATES)
def template_detail_view(request: TenantRequest, template_id: Any) -> HttpResponse:
    template = selectors.page_template_get(organization=request.organization, template_id=template_id)
    if request.method == "POST" and template.archived_at is not None:
        messages.error(request, f"“{template.name}” is archived: it is no longer changed.")
        return redirect(_url(request, "template", template_id=template.pk))
    return _template_page(request, template)


@tenant_view(POST=TNA_TEMPLATES)
def template_archive_view(request: TenantRequest, template_id: Any) -> HttpResponse:
    template = selectors.page_template_get(organization=request.organization, template_id=template_id)
    try:
        services.template_archive(
            organization=request.organization,
            by=request.membership,
            template=template,
            version=posted_version(request) or template.version,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_url(request, "template", template_id=template.pk))
    messages.success(request, f"“{template.name}” archived: it is no longer offered for new plans.")
    return redirect(_url(request, "templates"))
