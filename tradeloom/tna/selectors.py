"""Every read of T&A templates, plans and milestones for a page or an endpoint: the organisation first, and the
related rows each read needs in a fixed number of statements."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, NullIf, RowNumber
from django.http import Http404
from django.utils import timezone

from tradeloom.approvals.models import Gate
from tradeloom.core.prepared import PreparedQuery
from tradeloom.sales.models import Line, Order
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


# --- the T&A workbook (``exports.lists``) ---------------------------------------------------------------------------
# Its two sheets read plans and milestones a chunk at a time: every column an annotation of the one statement (the
# order, customer, line and merchandiser joined; a plan's counts and ex-factory dates correlated subqueries).


def _partner_name(prefix: str) -> Any:
    return Coalesce(NullIf(F(f"{prefix}trade_name"), Value("")), F(f"{prefix}legal_name"), output_field=CharField())


def _member_name(prefix: str) -> Any:
    return Coalesce(
        NullIf(F(f"{prefix}user__full_name"), Value("")), F(f"{prefix}user__email"), output_field=CharField()
    )


def export_plans(*, organization: Any, membership: Any) -> QuerySet[Plan]:
    """The plans this member may see (a restricted merchandiser: their orders', as the calendar and the order's T&A
    page), with ``etd_now`` (the line's ETD, else the order's: what ``filters.PlanFilter`` filters on)."""
    from tradeloom.sales.selectors import merchandiser_restricted

    qs = Plan.objects.filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(order__merchandiser=membership)
    return qs.annotate(etd_now=Coalesce("line__etd", "order__etd"))


def _of_plan(outer: str) -> QuerySet[Milestone]:
    return Milestone.objects.filter(plan_id=OuterRef(outer)).order_by()


def _count(outer: str, condition: Q | None = None) -> Any:
    rows = _of_plan(outer).filter(condition) if condition is not None else _of_plan(outer)
    counted = rows.values("plan_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _row_keys(prefix: str) -> dict[str, Any]:
    """The order and line a plan's (``prefix`` "") or a milestone's (``prefix`` "plan__") row names."""
    return {
        "order_created": F(f"{prefix}order__created_at"),
        "order_ref": F(f"{prefix}order_id"),
        "line_rank": Coalesce(f"{prefix}line__position", Value(-1)),
        "order_number": F(f"{prefix}order__number"),
        "order_po": F(f"{prefix}order__po_number"),
        "customer_name": _partner_name(f"{prefix}order__customer__"),
        "style_number": F(f"{prefix}line__style__style_number"),
        "colour_code": F(f"{prefix}line__colour_code"),
    }


def export_plan_rows(plans: QuerySet[Plan], *, today: datetime.date | None = None) -> QuerySet[Plan]:
    """``plans`` with the columns of the workbook's "Plans" sheet: one statement per chunk whatever the milestones."""
    today = today or timezone.localdate()
    ex_factory = _of_plan("pk").filter(code=EX_FACTORY)
    return plans.annotate(
        **_row_keys(""),
        merchandiser_name=_member_name("order__merchandiser__"),
        ex_factory_planned=Subquery(ex_factory.values("planned_date")[:1]),
        ex_factory_forecast=Subquery(ex_factory.values(day=Coalesce("actual_date", "forecast_date"))[:1]),
        milestones_total=_count("pk"),
        milestones_done=_count("pk", Q(status=Milestone.Status.DONE)),
        late_count=_count("pk", Q(status=Milestone.Status.PENDING, planned_date__lt=today)),
    )


def plan_state(plan: Any) -> str:
    """A plan in a word: done (every milestone), ex-factory after the ETD, late milestones, or on track."""
    if plan.milestones_total and plan.milestones_done == plan.milestones_total:
        return "Done"
    if plan.ex_factory_forecast and plan.etd_now and plan.ex_factory_forecast > plan.etd_now:
        return "Ex-factory after ETD"
    if plan.late_count:
        return "Late"
    return "On track"


# the names of what a milestone depends on, in its ``depends_on`` order (the plan's milestones of those codes)
DEPENDS_ON_NAMES = """
    ARRAY(SELECT d.name FROM tna_milestone d
          WHERE d.plan_id = tna_milestone.plan_id AND d.code = ANY(tna_milestone.depends_on)
          ORDER BY array_position(tna_milestone.depends_on, d.code::varchar))
"""


def export_milestones_of(*, organization: Any, plans: QuerySet[Plan]) -> QuerySet[Milestone]:
    """The milestones of ``plans`` (the plans the filters chose)."""
    return Milestone.objects.filter(organization=organization, plan__in=plans.order_by().values("pk"))


def export_milestone_rows(
    milestones: QuerySet[Milestone], *, today: datetime.date | None = None
) -> QuerySet[Milestone]:
    """``milestones`` with the columns of the workbook's "Milestones" sheet: one statement per chunk."""
    today = today or timezone.localdate()
    return milestones.annotate(
        **_row_keys("plan__"),
        responsible_name=_member_name("responsible__"),
        depends_on_names=RawSQL(DEPENDS_ON_NAMES, (), output_field=ArrayField(CharField())),  # noqa: S611
        is_late=Case(
            When(status=Milestone.Status.PENDING, planned_date__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


# --- the API's grid (``GET orders/{id}/tna/``) ----------------------------------------------------------------------
# ``plan_grid``'s rows as ``values()`` dicts, each read compiled once per process (``core.prepared``): building the
# statements and the model instances cost more than running them. ``api.serializers.grid_rows_data`` writes the JSON
# of ``PlanGridOutput`` from them (a test holds it equal to ``grid_data(plan_grid(...))``).
PLAN_COLUMNS = (
    "id",
    "order_id",
    "line_id",
    "template_id",
    "template_name",
    "etd",
    "uses_working_days",
    "weekly_off_days",
    "version",
    "created_at",
)
MILESTONE_COLUMNS = (
    "id",
    "plan_id",
    "code",
    "name",
    "anchor",
    "offset_days",
    "depends_on",
    "gate_code",
    "production_process",
    "original_date",
    "planned_date",
    "forecast_date",
    "actual_date",
    "status",
    "completed_by",
    "slippage_days",
    "responsible_id",
    "note",
)
CHANGE_COLUMNS = (
    "id",
    "milestone_id",
    "field",
    "old_date",
    "new_date",
    "reason",
    "source",
    "changed_by_id",
    "created_at",
)


def _milestone_changes() -> Subquery:
    """A milestone's changes, oldest first, as one JSON array (``None`` without any)."""
    rows = (
        MilestoneChange.objects.filter(milestone_id=OuterRef("id"))
        .order_by()
        .values("milestone_id")
        .annotate(
            changes=JSONBAgg(
                JSONObject(
                    **{name: F(name) for name in CHANGE_COLUMNS if name != "milestone_id"},
                    changed_by_full_name=F("changed_by__full_name"),
                    changed_by_email=F("changed_by__email"),
                ),
                order_by=("created_at", "id"),
            )
        )
        .values("changes")
    )
    return Subquery(rows, output_field=JSONField())


def _plan_milestones() -> Subquery:
    """A plan's milestones in order (responsible's name, each with its changes), as one JSON array."""
    rows = (
        Milestone.objects.filter(plan_id=OuterRef("id"))
        .order_by()
        .values("plan_id")
        .annotate(
            rows=JSONBAgg(
                JSONObject(
                    **{name: F(name) for name in MILESTONE_COLUMNS if name != "plan_id"},
                    responsible_full_name=F("responsible__user__full_name"),
                    responsible_email=F("responsible__user__email"),
                    changes=_milestone_changes(),
                ),
                order_by=("position", "code"),
            )
        )
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def _order_plans() -> Subquery:
    """An order's plans in line order (the order's own first: no line), each with its line's keys and its milestones,
    as one JSON array (``None`` without any)."""
    rows = (
        Plan.objects.filter(order_id=OuterRef("id"))
        .order_by()
        .values("order_id")
        .annotate(
            rows=JSONBAgg(
                JSONObject(
                    **{name: F(name) for name in PLAN_COLUMNS},
                    line_position=F("line__position"),
                    line_etd=F("line__etd"),
                    line_colour=F("line__colour_code"),
                    line_cad=F("line__cad_code"),
                    milestone_rows=_plan_milestones(),
                ),
                order_by=("line__position", "created_at", "id"),
            )
        )
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def _grid_order(org: Any, pk: Any, merchandiser: Any = None) -> QuerySet[Any, Any]:
    """The order as ``sales.selectors.order_visible_get`` finds it (not archived; a restricted merchandiser's own),
    with its plans, their milestones and their changes as JSON: the whole grid in one statement."""
    qs = Order.objects.filter(organization_id=org, pk=pk, archived_at__isnull=True)
    if merchandiser is not None:
        qs = qs.filter(merchandiser_id=merchandiser)
    return qs.values("id", "etd", plan_rows=_order_plans())


_GRID = PreparedQuery(_grid_order, org=UUID, pk=UUID)
_OWN_GRID = PreparedQuery(_grid_order, org=UUID, pk=UUID, merchandiser=UUID)


@dataclass
class GridRows:
    """An order's T&A grid as rows: the order (id, ETD), its plans in the grid's order (the order's first, then its
    lines' in line order) as JSON (ids, dates and times as text), each with its ``milestone_rows`` in order, each
    milestone with its ``changes``, oldest first."""

    order: dict[str, Any]
    today: datetime.date
    plans: list[dict[str, Any]]


def grid_rows(*, organization: Any, membership: Any, order_id: Any, today: datetime.date | None = None) -> GridRows:
    """The order's grid for the API (the order this member may see — not archived, a restricted merchandiser's own
    — else 404) in one statement compiled once per process: the order with its plans (their lines), their milestones
    (responsible) and their changes (who) as JSON."""
    from tradeloom.sales.selectors import merchandiser_restricted

    try:
        pk = order_id if isinstance(order_id, UUID) else UUID(str(order_id))
    except ValueError:
        raise Http404("No such order.") from None
    if merchandiser_restricted(organization=organization, membership=membership):
        order = _OWN_GRID.first(org=organization.pk, pk=pk, merchandiser=membership.pk)
    else:
        order = _GRID.first(org=organization.pk, pk=pk)
    if order is None:
        raise Http404("No such order.")
    plans = order.pop("plan_rows") or []
    # as ``plan_grid``: the order's plan first, then the lines' plans in line order
    plans.sort(key=lambda p: (p["line_id"] is not None, p["line_position"] or 0, p["created_at"]))
    return GridRows(order=order, today=today or timezone.localdate(), plans=plans)
