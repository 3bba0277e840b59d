"""Every read of T&A templates, plans and milestones for a page or an endpoint: the organisation first, and the
related rows each read needs in a fixed number of statements."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone

from tradeloom.approvals.models import Gate
from tradeloom.sales.models import Line
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role
from tradeloom.tna import models, planning
from tradeloom.tna.models import EX_FACTORY, Milestone, MilestoneChange, Plan, Template, TemplateMilestone


def templates_visible(*, organization: Any) -> QuerySet[Template]:
    return Template.objects.filter(organization=organization)


def template_get(*, organization: Any, pk: Any) -> Template:
    """One template of the organisation, else 404."""
    try:
        template = templates_visible(organization=organization).select_related("customer").filter(pk=pk).first()
    except (ValueError, TypeError):
        template = None
    if template is None:
        raise Http404("No such T&A template.")
    return template


def template_milestones(*, template: Template) -> list[TemplateMilestone]:
    return list(TemplateMilestone.objects.filter(template=template).order_by("position", "id"))


def template_milestones_of(*, templates: list[Template]) -> dict[Any, list[TemplateMilestone]]:
    """Each template's milestone rows: one statement for any number of templates."""
    rows: dict[Any, list[TemplateMilestone]] = {t.pk: [] for t in templates}
    if rows:
        for m in TemplateMilestone.objects.filter(template_id__in=list(rows)).order_by("position", "id"):
            rows[m.template_id].append(m)
    return rows


def plan_of(*, organization: Any, order: Any, line: Any = None) -> Plan | None:
    """The plan of the order (``line`` None) or of one of its lines, or None: one statement."""
    qs = Plan.objects.filter(organization=organization, order_id=getattr(order, "pk", order))
    qs = qs.filter(line_id=getattr(line, "pk", line)) if line is not None else qs.filter(line__isnull=True)
    return qs.select_related("template", "line").first()


def milestone_get(*, organization: Any, pk: Any) -> Milestone:
    """One milestone of the organisation with its plan, else 404."""
    try:
        milestone = (
            Milestone.objects.filter(organization=organization, pk=pk).select_related("plan", "plan__order").first()
        )
    except (ValueError, TypeError):
        milestone = None
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone


@dataclass
class MilestoneRow:
    """A milestone as the grid shows it: its dates, whether it is late (pending and past its planned date), who is
    responsible, the names of what it depends on and its history (oldest first)."""

    milestone: Milestone
    is_late: bool
    depends_on_names: list[str]
    responsible: Any  # a Membership with its user, or None
    changes: list[MilestoneChange] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # the milestone's own fields: row.code, row.planned_date …
        return getattr(self.milestone, name)


@dataclass
class PlanGridRows:
    plan: Plan
    line: Any  # the sales line, or None for the order's plan
    etd: datetime.date | None  # the ETD now (the line's, else the order's)
    milestones: list[MilestoneRow]
    ex_factory_forecast: datetime.date | None
    ex_factory_after_etd: bool
    late_count: int


@dataclass
class PlanGrid:
    order: Any
    today: datetime.date
    plans: list[PlanGridRows]

    @property
    def order_plan(self) -> PlanGridRows | None:
        return next((p for p in self.plans if p.line is None), None)


def plan_grid(*, organization: Any, order: Any, today: datetime.date | None = None) -> PlanGrid:
    """The order's plans (the order's first, then its lines' in line order) with their milestones (planned / forecast /
    actual / slippage / late / responsible / dependency names) and each milestone's changes: three statements
    whatever the number of plans and milestones (one when there is none)."""
    today = today or timezone.localdate()
    order_id = getattr(order, "pk", order)
    plans = list(
        Plan.objects.filter(organization=organization, order_id=order_id)
        .select_related("line", "template")
        .order_by("line__position", "created_at", "id")
    )
    plans.sort(key=lambda p: (p.line_id is not None, p.line.position if p.line else 0, p.created_at))
    if not plans:
        return PlanGrid(order=order, today=today, plans=[])
    by_plan: dict[Any, list[Milestone]] = defaultdict(list)
    milestones = list(
        Milestone.objects.filter(organization=organization, plan_id__in=[p.pk for p in plans])
        .select_related("responsible__user")
        .order_by("position", "code")
    )
    for m in milestones:
        by_plan[m.plan_id].append(m)
    changes: dict[Any, list[MilestoneChange]] = defaultdict(list)
    for c in (
        MilestoneChange.objects.filter(organization=organization, milestone_id__in=[m.pk for m in milestones])
        .select_related("changed_by")
        .order_by("created_at", "id")
    ):
        changes[c.milestone_id].append(c)
    order_etd = getattr(order, "etd", None)
    result = []
    for plan in plans:
        rows = by_plan.get(plan.pk, [])
        names = {m.code: m.name for m in rows}
        grid_rows = [
            MilestoneRow(
                milestone=m,
                is_late=planning.is_late(actual_date=m.actual_date, planned_date=m.planned_date, today=today),
                depends_on_names=[names.get(code, code) for code in m.depends_on],
                responsible=m.responsible,
                changes=changes.get(m.pk, []),
            )
            for m in rows
        ]
        etd = (plan.line.etd or order_etd) if plan.line is not None else order_etd
        ex = next((m for m in rows if m.code == EX_FACTORY), None)
        ex_date = (ex.actual_date or ex.forecast_date) if ex is not None else None
        result.append(
            PlanGridRows(
                plan=plan,
                line=plan.line,
                etd=etd,
                milestones=grid_rows,
                ex_factory_forecast=ex_date,
                ex_factory_after_etd=bool(ex_date and etd and ex_date > etd),
                late_count=sum(1 for r in grid_rows if r.is_late),
            )
        )
    return PlanGrid(order=order, today=today, plans=result)


@dataclass
class CalendarEntry:
    """A milestone on a day of the calendar: pending ones on their forecast date, done ones on their actual date.
    ``day_total``: how many milestones the day has in all (the calendar shows the first ``per_day`` of them)."""

    milestone: Milestone
    day: datetime.date
    order_id: Any
    order_number: str
    customer: str
    merchandiser: Any  # a Membership with its user, or None
    line: Any
    is_late: bool
    is_done: bool
    day_total: int = 1


@dataclass(frozen=True)
class CalendarCounts:
    """The month's milestones in all (whatever a day shows): pending, late among them (planned date passed),
    slipped (not late, forecast after the planned date), done."""

    due: int = 0
    late: int = 0
    slipped: int = 0
    done: int = 0


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


# a milestone's day on the calendar: done on its actual date, pending on its forecast
CALENDAR_DAY = Coalesce("actual_date", "forecast_date")


def _calendar_milestones(
    *, organization: Any, month: datetime.date, merchandiser: Any, membership: Any
) -> QuerySet[Milestone]:
    from tradeloom.sales.selectors import merchandiser_restricted

    first, last = month_bounds(month)
    qs = Milestone.objects.filter(
        Q(status=Milestone.Status.PENDING, forecast_date__range=(first, last))
        | Q(status=Milestone.Status.DONE, actual_date__range=(first, last)),
        organization=organization,
    )
    if merchandiser is not None:
        mid = getattr(merchandiser, "pk", merchandiser)
        qs = qs.filter(Q(plan__order__merchandiser_id=mid) | Q(responsible_id=mid))
    # a restricted merchandiser sees their orders' milestones only (``sales.selectors.orders_visible``); anyone else
    # every milestone of the organisation, with no join to the plans and orders (a large month holds tens of
    # thousands)
    if membership is not None and merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(plan__order__merchandiser=membership)
    return qs


def _calendar_rank(today: datetime.date) -> Case:
    """Within a day: late first, then slipped, then the rest, done last."""
    return Case(
        When(status=Milestone.Status.DONE, then=Value(3)),
        When(planned_date__lt=today, then=Value(0)),
        When(slippage_days__gt=0, then=Value(1)),
        default=Value(2),
    )


def calendar_month(
    *,
    organization: Any,
    month: datetime.date,
    merchandiser: Any = None,
    membership: Any = None,
    today: datetime.date | None = None,
    per_day: int | None = None,
) -> dict[datetime.date, list[CalendarEntry]]:
    """The milestones of ``month`` by day (only days that have some, in date order): pending ones by their forecast
    date, done ones by their actual date, with the order's number, customer and merchandiser; within a day late ones
    first, then slipped ones, then the rest, done ones last. ``merchandiser``: only the orders they merchandise or the
    milestones they are responsible for; ``membership``: only the orders that member may see
    (``sales.selectors.orders_visible``); ``per_day``: at most that many a day (each entry says the day's total) —
    a month of a large organisation holds tens of thousands. One statement."""
    today = today or timezone.localdate()
    qs = _calendar_milestones(organization=organization, month=month, merchandiser=merchandiser, membership=membership)
    rank = _calendar_rank(today)
    qs = qs.annotate(
        calendar_day=CALENDAR_DAY,
        day_rank=Window(
            RowNumber(),
            partition_by=[CALENDAR_DAY],
            order_by=[rank.asc(), F("plan__order__number").asc(), "position", "id"],
        ),
        day_total=Window(Count("id"), partition_by=[CALENDAR_DAY]),
    )
    if per_day is not None:
        qs = qs.filter(day_rank__lte=max(1, per_day))
    rows = qs.select_related(
        "plan__order__customer", "plan__order__merchandiser__user", "plan__line", "responsible__user"
    ).order_by("calendar_day", "day_rank")
    days: dict[datetime.date, list[CalendarEntry]] = defaultdict(list)
    for m in rows:
        order = m.plan.order
        day = m.actual_date if m.actual_date is not None else m.forecast_date
        days[day].append(
            CalendarEntry(
                milestone=m,
                day=day,
                order_id=order.pk,
                order_number=order.number,
                customer=str(order.customer),
                merchandiser=order.merchandiser,
                line=m.plan.line,
                is_late=planning.is_late(actual_date=m.actual_date, planned_date=m.planned_date, today=today),
                is_done=m.is_done,
                day_total=int(m.day_total),
            )
        )
    return dict(sorted(days.items()))


def calendar_day_counts(
    *,
    organization: Any,
    month: datetime.date,
    merchandiser: Any = None,
    membership: Any = None,
    today: datetime.date | None = None,
) -> dict[datetime.date, CalendarCounts]:
    """Per day of ``month`` (those that have some), the counts (``CalendarCounts``) of every milestone
    ``calendar_month`` would list: one statement (a large organisation's calendar shows these when its month holds
    more milestones than a page can)."""
    today = today or timezone.localdate()
    qs = _calendar_milestones(organization=organization, month=month, merchandiser=merchandiser, membership=membership)
    pending = Q(status=Milestone.Status.PENDING)
    rows = (
        qs.annotate(calendar_day=CALENDAR_DAY)
        .order_by()
        .values("calendar_day")
        .annotate(
            due=Count("id", filter=pending),
            late=Count("id", filter=pending & Q(planned_date__lt=today)),
            slipped=Count("id", filter=pending & Q(planned_date__gte=today, slippage_days__gt=0)),
            done=Count("id", filter=Q(status=Milestone.Status.DONE)),
        )
    )
    return {
        r["calendar_day"]: CalendarCounts(due=r["due"], late=r["late"], slipped=r["slipped"], done=r["done"])
        for r in sorted(rows, key=lambda r: r["calendar_day"])
    }


def calendar_counts(
    *,
    organization: Any,
    month: datetime.date,
    merchandiser: Any = None,
    membership: Any = None,
    today: datetime.date | None = None,
) -> CalendarCounts:
    """The month's counts over every milestone ``calendar_month`` would list: one statement."""
    days = calendar_day_counts(
        organization=organization, month=month, merchandiser=merchandiser, membership=membership, today=today
    )
    return month_counts(days)


def month_counts(days: dict[datetime.date, CalendarCounts]) -> CalendarCounts:
    return CalendarCounts(
        due=sum(c.due for c in days.values()),
        late=sum(c.late for c in days.values()),
        slipped=sum(c.slipped for c in days.values()),
        done=sum(c.done for c in days.values()),
    )


# --- the pages -------------------------------------------------------------------
# What the pages read besides ``plan_grid`` and ``calendar_month`` above: the order's lines with their styles, the
# templates to apply or list, a milestone or plan of an order, the merchandisers, the gates a row may name — each a
# fixed number of statements.


def page_order_lines(*, organization: Any, order: Any) -> list[Any]:
    """The order's lines with their style and item, in the order page's order: one statement."""
    return list(
        Line.objects.filter(organization=organization, order=order)
        .select_related("style", "item")
        .order_by("style__position", "style_id", "position", "id")
    )


def page_templates_active(*, organization: Any) -> list[Any]:
    """The templates one may apply (not archived), by name: one statement."""
    return list(
        models.Template.objects.filter(organization=organization, archived_at__isnull=True).order_by("name", "id")
    )


def page_milestone_of_order(*, organization: Any, order: Any, milestone_id: Any) -> Any:
    """A milestone of one of the order's plans, else 404 (the service locks it)."""
    milestone = (
        models.Milestone.objects.filter(organization=organization, plan__order=order, pk=milestone_id)
        .select_related("plan")
        .first()
    )
    if milestone is None:
        raise Http404("No such milestone on this order.")
    return milestone


def page_plan_of_order(*, organization: Any, order: Any, plan_id: Any) -> Any:
    """One of the order's plans, else 404."""
    plan = models.Plan.objects.filter(organization=organization, order=order, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan on this order.")
    return plan


def page_merchandisers(*, organization: Any) -> list[Any]:
    """The organisation's active merchandisers (the calendar's filter): one statement."""
    return list(
        Membership.objects.filter(organization=organization, is_active=True, role=Role.MERCHANDISER)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def page_templates(*, organization: Any) -> list[Any]:
    """Every template with its customer and number of milestones, the active ones first: one statement."""
    return list(
        models.Template.objects.filter(organization=organization)
        .select_related("customer")
        .annotate(milestone_count=Count("milestones"))
        .order_by(F("archived_at").asc(nulls_first=True), "name", "id")
    )


def page_template_get(*, organization: Any, template_id: Any) -> Any:
    """A template with its customer and its milestones in order, else 404: two statements."""
    template = (
        models.Template.objects.filter(organization=organization, pk=template_id)
        .select_related("customer")
        .prefetch_related(Prefetch("milestones", queryset=models.TemplateMilestone.objects.order_by("position", "id")))
        .first()
    )
    if template is None:
        raise Http404("No such T&A template.")
    return template


def page_gate_choices(*, organization: Any) -> list[tuple[str, str]]:
    """The organisation's approval gates (code, name) that may complete a milestone: one statement."""
    rows = (
        Gate.objects.filter(organization=organization, archived_at__isnull=True, line__isnull=True)
        .order_by("position", "name")
        .values_list("code", "name")
    )
    return [(code, name) for code, name in rows]


def order_line_of(*, organization: Any, order: Any, pk: Any) -> Line | None:
    """A line of the order (the API's apply and reapply name one), else None: one statement."""
    return Line.objects.filter(organization=organization, order=order, pk=pk).first()


def member_of(*, organization: Any, pk: Any) -> Membership | None:
    """A member of the organisation (the calendar's merchandiser filter), else None: one statement."""
    return Membership.objects.filter(organization=organization, pk=pk).first()
