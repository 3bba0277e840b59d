"""The T&A services: templates (rows checked, errors naming the row, defaults, versions), applying one to an order or
a line (hand-checked dates in calendar and working days), moving planned dates with a reason, recording and
reopening actual dates, the slip carried down the dependencies, reapplying, the morning refresh, and other
organisations' records refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna import selectors, services
from tradeloom.tna.models import STANDARD_MILESTONES, Milestone, MilestoneChange, Plan, Template
from tradeloom.tna.tests.helpers import DAY, ETD, TODAY, World, fix_today, lines_of, make_order, template, world

pytestmark = pytest.mark.django_db

STANDARD_PLANNED = {
    "yarn_booked": dt.date(2026, 12, 3),
    "lab_dip_approval": dt.date(2026, 12, 8),
    "yarn_in_house": dt.date(2026, 12, 18),
    "knitting": dt.date(2026, 12, 28),
    "strike_off": dt.date(2026, 12, 28),
    "dyeing": dt.date(2027, 1, 4),
    "pp_sample_sent": dt.date(2027, 1, 2),
    "pp_sample_approved": dt.date(2027, 1, 8),
    "finishing": dt.date(2027, 1, 11),
    "cutting": dt.date(2027, 1, 14),
    "sewing": dt.date(2027, 1, 20),
    "packing": dt.date(2027, 1, 26),
    "final_inspection": dt.date(2027, 1, 29),
    "ex_factory": ETD,
}


@pytest.fixture
def w(org: Any, member: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    fix_today(monkeypatch, TODAY)
    with tenant_context(org):
        yield world(org, member(Role.MANAGER), member(Role.MERCHANDISER))


def milestones(plan: Plan) -> dict[str, Milestone]:
    return {m.code: m for m in Milestone.objects.filter(plan=plan)}


def error_of(call: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        call()
    return error.value


ROWS = [
    {"code": "book", "name": "Book yarn", "anchor": "etd", "offset_days": -20, "depends_on": []},
    {"code": "knit", "name": "Knit", "anchor": "etd", "offset_days": -10, "depends_on": ["book"]},
    {"code": "ex_factory", "name": "Ex-factory", "anchor": "etd", "offset_days": 0, "depends_on": ["knit"]},
]


# --- templates --------------------------------------------------------------------------------------------------------


def test_the_standard_template_has_the_standard_milestones(w: World) -> None:
    rows = list(w.standard.milestones.order_by("position"))
    assert [(m.code, m.name, m.offset_days, tuple(m.depends_on), m.gate_code, m.production_process) for m in rows] == [
        (code, name, offset, depends, gate, process)
        for code, name, offset, depends, gate, process in STANDARD_MILESTONES
    ]
    assert w.standard.is_default
    assert w.standard.customer_id is None
    # again: nothing more
    assert services.templates_create_defaults(organization=w.org, by=w.by) is None


def test_a_template_is_made_with_its_rows_and_audited(w: World) -> None:
    t = template(w, ROWS, uses_working_days=True)
    assert [m.code for m in t.milestones.order_by("position")] == ["book", "knit", "ex_factory"]
    event = AuditEvent.objects.get(action="tna_template.created", target_id=str(t.pk))
    assert event.changes["milestones"][1] == ["book etd-20", "knit etd-10", "ex_factory etd+0"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({1: {"depends_on": ["nope"]}}, "milestones.1.depends_on"),
        ({0: {"depends_on": ["ex_factory"]}}, "milestones.0.depends_on"),  # a loop
        ({1: {"code": "book"}}, "milestones.1.code"),
        ({2: {"code": "Not A Slug"}}, "milestones.2.code"),
        ({1: {"gate_code": "no_such_gate"}}, "milestones.1.gate_code"),
        ({1: {"production_process": "sewn"}}, "milestones.1.production_process"),
        ({0: {"offset_days": "ten"}}, "milestones.0.offset_days"),
        ({0: {"offset_days": 5000}}, "milestones.0.offset_days"),
        ({2: {"anchor": "eta"}}, "milestones.2.anchor"),
        ({2: {"name": ""}}, "milestones.2.name"),
    ],
)
def test_template_rows_are_checked_and_errors_name_the_row(w: World, change: dict[int, dict], key: str) -> None:
    rows = [dict(r) for r in ROWS]
    for i, values in change.items():
        rows[i].update(values)
    error = error_of(lambda: template(w, rows))
    assert key in error.extra["errors"]
    assert not Template.objects.filter(organization=w.org).exclude(pk=w.standard.pk).exists()


def test_a_template_needs_a_unique_name_and_rows(w: World) -> None:
    assert "milestones" in error_of(lambda: template(w, [])).extra["errors"]
    error = error_of(lambda: template(w, ROWS, name="standard"))
    assert "name" in error.extra["errors"]


def test_a_template_update_checks_the_version_and_replaces_rows(w: World) -> None:
    t = template(w, ROWS)
    assert (
        error_of(
            lambda: services.template_update(
                organization=w.org, by=w.by, template=t, data={}, milestones=ROWS, version=9
            )
        ).status
        == 412
    )
    t = services.template_update(
        organization=w.org, by=w.by, template=t, data={"name": "Quick"}, milestones=ROWS[:1], version=t.version
    )
    assert t.version == 2
    assert t.name == "Quick"
    assert [m.code for m in t.milestones.all()] == ["book"]


def test_one_default_per_customer_and_product_type_and_the_most_specific_is_proposed(w: World) -> None:
    order = make_order(w)
    assert services.template_for(organization=w.org, order=order) == w.standard
    mine = template(w, ROWS, customer=w.customer, is_default=True)
    assert services.template_for(organization=w.org, order=order) == mine
    other = template(w, ROWS, is_default=True)  # any customer: replaces the standard as the default
    w.standard.refresh_from_db()
    assert not w.standard.is_default
    assert other.is_default
    assert services.template_for(organization=w.org, order=order) == mine
    services.template_archive(organization=w.org, by=w.by, template=mine)
    assert services.template_for(organization=w.org, order=order) == other


# --- applying ---------------------------------------------------------------------------------------------------------


def test_applying_the_standard_template_plans_back_from_the_etd(w: World) -> None:
    order = make_order(w)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    got = milestones(plan)
    assert {code: m.planned_date for code, m in got.items()} == STANDARD_PLANNED
    assert all(m.original_date == m.planned_date == m.forecast_date for m in got.values())
    assert all(m.slippage_days == 0 and m.status == "pending" for m in got.values())
    assert {m.responsible_id for m in got.values()} == {w.merch.pk}
    assert (plan.etd, plan.template_name, plan.uses_working_days) == (ETD, "Standard", False)
    event = AuditEvent.objects.get(action="tna_plan.applied", target_id=str(plan.pk))
    assert event.changes["milestones"] == [None, len(STANDARD_MILESTONES)]
    sentence = describe([event])[0].text
    assert "applied the T&A template “Standard” to order" in sentence


def test_working_days_skip_the_organisations_days_off(w: World) -> None:
    t = template(
        w,
        [
            {"code": "pack", "name": "Pack", "anchor": "etd", "offset_days": -6},
            {"code": "ex_factory", "name": "Ex-factory", "anchor": "etd", "offset_days": 0, "depends_on": ["pack"]},
        ],
        uses_working_days=True,
    )
    order = make_order(w)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=t)
    # Sunday off (the default): 6 working days back from Mon 1 Feb is Mon 25 Jan (calendar: Tue 26 Jan)
    assert milestones(plan)["pack"].planned_date == dt.date(2027, 1, 25)
    assert plan.uses_working_days
    assert plan.weekly_off_days == [6]


def test_a_line_plan_counts_from_the_lines_etd(w: World) -> None:
    order = make_order(w)
    navy, red = lines_of(order)
    navy.etd = ETD + 7 * DAY
    navy.save()
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    assert milestones(plan)["ex_factory"].planned_date == dt.date(2027, 2, 8)
    red_plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=red, template=w.standard)
    assert milestones(red_plan)["ex_factory"].planned_date == ETD


def test_one_plan_per_order_or_line(w: World) -> None:
    order = make_order(w)
    services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    error = error_of(lambda: services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard))
    assert (error.code, error.status) == ("plan_exists", 409)


def test_no_etd_is_etd_missing(w: World) -> None:
    order = make_order(w, etd=None)
    error = error_of(lambda: services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard))
    assert error.code == "etd_missing"
    assert not Plan.objects.filter(order=order).exists()


def test_an_archived_template_is_not_applied(w: World) -> None:
    t = services.template_archive(organization=w.org, by=w.by, template=template(w, ROWS))
    error = error_of(lambda: services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=t))
    assert "template" in error.extra["errors"]


# --- moving, recording, reopening -------------------------------------------------------------------------------------


def test_a_slip_propagates_down_the_dependencies(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    fix_today(monkeypatch, dt.date(2026, 12, 10))
    m = milestones(plan)
    services.milestone_record(organization=w.org, by=w.by, milestone=m["yarn_booked"], actual_date=dt.date(2026, 12, 9))
    got = milestones(plan)
    # yarn booked 6 days late; lab dip pending since 8 Dec → today (2 late)
    assert (got["yarn_booked"].forecast_date, got["yarn_booked"].slippage_days) == (dt.date(2026, 12, 9), 6)
    assert (got["lab_dip_approval"].forecast_date, got["lab_dip_approval"].slippage_days) == (dt.date(2026, 12, 10), 2)
    expected = {
        "yarn_in_house": (dt.date(2026, 12, 24), 6),
        "knitting": (dt.date(2027, 1, 3), 6),
        "dyeing": (dt.date(2027, 1, 10), 6),  # after knitting (3 Jan + 7), later than after lab dip (10 Dec + 28)
        "pp_sample_sent": (dt.date(2027, 1, 4), 2),
        "pp_sample_approved": (dt.date(2027, 1, 10), 2),
        "cutting": (dt.date(2027, 1, 20), 6),
        "ex_factory": (dt.date(2027, 2, 7), 6),
    }
    assert {code: (got[code].forecast_date, got[code].slippage_days) for code in expected} == expected
    plan.refresh_from_db()
    assert plan.version == 2
    grid = selectors.plan_grid(organization=w.org, order=plan.order)
    assert grid.plans[0].ex_factory_after_etd
    assert grid.plans[0].ex_factory_forecast == dt.date(2027, 2, 7)
    assert [r.code for r in grid.plans[0].milestones if r.is_late] == ["lab_dip_approval"]


def test_replanning_needs_a_reason_and_pushes_what_it_now_overlaps(w: World) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    knitting = milestones(plan)["knitting"]
    error = error_of(
        lambda: services.milestone_replan(
            organization=w.org, by=w.by, milestone=knitting, planned_date=dt.date(2027, 1, 6), reason="  "
        )
    )
    assert error.code == "reason_required"
    services.milestone_replan(
        organization=w.org, by=w.by, milestone=knitting, planned_date=dt.date(2027, 1, 6), reason="Mill holiday"
    )
    got = milestones(plan)
    assert (got["knitting"].planned_date, got["knitting"].original_date) == (dt.date(2027, 1, 6), dt.date(2026, 12, 28))
    assert got["knitting"].slippage_days == 0
    # dyeing (planned 4 Jan) now comes before knitting: gap 0, so it cannot be forecast before 6 Jan (2 days late),
    # and finishing (7 days after dyeing, planned 11 Jan) follows: 13 Jan
    assert (got["dyeing"].forecast_date, got["dyeing"].slippage_days) == (dt.date(2027, 1, 6), 2)
    assert (got["finishing"].forecast_date, got["finishing"].slippage_days) == (dt.date(2027, 1, 13), 2)
    change = MilestoneChange.objects.get(milestone=knitting)
    assert (change.field, change.old_date, change.new_date, change.reason) == (
        "planned",
        dt.date(2026, 12, 28),
        dt.date(2027, 1, 6),
        "Mill holiday",
    )
    event = AuditEvent.objects.get(action="tna_plan.milestone_replanned")
    assert "moved “Knitting”" in describe([event])[0].text


def test_recording_refuses_the_future_and_reopening_needs_a_reason(w: World) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    booked = milestones(plan)["yarn_booked"]
    error = error_of(
        lambda: services.milestone_record(organization=w.org, by=w.by, milestone=booked, actual_date=TODAY + DAY)
    )
    assert "actual_date" in error.extra["errors"]
    services.milestone_record(organization=w.org, by=w.by, milestone=booked, actual_date=TODAY, note="Booked")
    booked.refresh_from_db()
    assert (booked.status, booked.actual_date, booked.completed_by, booked.slippage_days) == (
        "done",
        TODAY,
        "hand",
        -13,
    )
    assert (
        error_of(lambda: services.milestone_reopen(organization=w.org, by=w.by, milestone=booked, reason="")).code
        == "reason_required"
    )
    services.milestone_reopen(organization=w.org, by=w.by, milestone=booked, reason="Booking fell through")
    booked.refresh_from_db()
    assert (booked.status, booked.actual_date, booked.completed_by) == ("pending", None, "")
    assert (
        error_of(lambda: services.milestone_reopen(organization=w.org, by=w.by, milestone=booked, reason="again")).code
        == "not_done"
    )
    assert [c.new_date for c in MilestoneChange.objects.filter(milestone=booked)] == [TODAY, None]
    actions = set(AuditEvent.objects.filter(target_id=str(plan.pk)).values_list("action", flat=True))
    assert {"tna_plan.milestone_recorded", "tna_plan.milestone_reopened"} <= actions


def test_a_stale_plan_version_is_refused(w: World) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    m = milestones(plan)["knitting"]
    error = error_of(
        lambda: services.milestone_replan(
            organization=w.org, by=w.by, milestone=m, planned_date=TODAY, reason="x", version=plan.version + 1
        )
    )
    assert (error.code, error.status) == ("precondition_failed", 412)


def test_reapplying_keeps_the_actual_dates_of_matching_codes(w: World) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    booked = milestones(plan)["yarn_booked"]
    services.milestone_record(organization=w.org, by=w.by, milestone=booked, actual_date=TODAY)
    short = template(
        w,
        [
            {"code": "yarn_booked", "name": "Yarn booked", "anchor": "etd", "offset_days": -50},
            {"code": "ex_factory", "name": "Ex-factory", "anchor": "etd", "offset_days": 0},
        ],
    )
    assert (
        error_of(lambda: services.plan_reapply(organization=w.org, by=w.by, plan=plan, template=short, reason="")).code
        == "reason_required"
    )
    plan = services.plan_reapply(organization=w.org, by=w.by, plan=plan, template=short, reason="Shorter programme")
    got = milestones(plan)
    assert set(got) == {"yarn_booked", "ex_factory"}
    assert got["yarn_booked"].pk == booked.pk
    assert got["yarn_booked"].actual_date == TODAY
    assert got["yarn_booked"].planned_date == dt.date(2026, 12, 13)
    assert plan.template_name == short.name
    assert MilestoneChange.objects.filter(milestone=booked).count() == 2  # recorded, then replanned


def test_the_refresh_moves_forecasts_with_today_and_is_safe_to_run_twice(w: World) -> None:
    plan = services.plan_apply(organization=w.org, by=w.by, order=make_order(w), template=w.standard)
    assert services.plans_refresh(today=TODAY, organizations=[w.org]) == 0
    changed = services.plans_refresh(today=dt.date(2026, 12, 5), organizations=[w.org])
    assert changed > 0
    assert services.plans_refresh(today=dt.date(2026, 12, 5), organizations=[w.org]) == 0
    booked = milestones(plan)["yarn_booked"]
    assert (booked.forecast_date, booked.slippage_days) == (dt.date(2026, 12, 5), 2)
    assert services.plan_refresh(plan=plan, today=dt.date(2026, 12, 5)) == 0


# --- other organisations ----------------------------------------------------------------------------------------------


def test_another_organisations_records_are_refused(w: World, other_org: Any, member: Any) -> None:
    with tenant_context(other_org):
        their_by = member(Role.MANAGER, organization=other_org)
        theirs = services.template_create(organization=other_org, by=their_by, data={"name": "Theirs"}, milestones=ROWS)
    order = make_order(w)
    error = error_of(lambda: services.plan_apply(organization=w.org, by=w.by, order=order, template=theirs.pk))
    assert "template" in error.extra["errors"]
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    m = milestones(plan)["knitting"]
    error = error_of(
        lambda: services.milestone_record(organization=other_org, by=their_by, milestone=m, actual_date=TODAY)
    )
    assert error.status == 404
    assert (
        error_of(lambda: services.plan_apply(organization=other_org, by=their_by, order=order, template=theirs)).status
        == 404
    )


# --- costs ------------------------------------------------------------------------------------------------------------


def test_the_services_cost_the_same_whatever_the_number_of_milestones(
    w: World, django_assert_max_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = template(
        w,
        [
            {"code": f"step_{i}", "name": f"Step {i}", "anchor": "etd", "offset_days": -40 + i, "depends_on": deps}
            for i, deps in enumerate([[]] + [[f"step_{j}"] for j in range(39)])
        ],
    )
    orders = [make_order(w, ("NAVY",)) for _ in range(3)]
    with django_assert_max_num_queries(budget("service.tna_plan_apply")):
        plan = services.plan_apply(organization=w.org, by=w.by, order=orders[0], template=long)
    with django_assert_max_num_queries(budget("service.tna_plan_apply")):
        services.plan_apply(organization=w.org, by=w.by, order=orders[1], template=w.standard)
    first = Milestone.objects.get(plan=plan, code="step_0")
    with django_assert_max_num_queries(budget("service.tna_milestone_record")):
        services.milestone_record(organization=w.org, by=w.by, milestone=first, actual_date=TODAY)
    services.plan_apply(organization=w.org, by=w.by, order=orders[2], template=long)
    with django_assert_max_num_queries(budget("service.tna_plans_refresh")):
        changed = services.plans_refresh(today=dt.date(2026, 12, 25), organizations=[w.org])
    assert changed > 40
