"""T&A API: templates (create with rows, errors naming the row, list with filters and a constant cost, detail with its
ETag, edit with If-Match, archive), an order's grid (constant statements whatever the number of milestones), applying
and reapplying a template, the milestone commands with their problem codes and If-Match, the calendar, capabilities
and other organisations' ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna import selectors, services
from tradeloom.tna.models import Milestone, Plan
from tradeloom.tna.tests.helpers import ETD, TODAY, fix_today, lines_of, make_order, template, world

pytestmark = pytest.mark.django_db

ROWS = [
    {"code": "book", "name": "Book yarn", "offset_days": -20},
    {"code": "knit", "name": "Knit", "offset_days": -10, "depends_on": ["book"], "production_process": "knitted"},
    {"code": "ex_factory", "name": "Ex-factory", "offset_days": 0, "depends_on": ["knit"]},
]


@pytest.fixture
def ctx(org: Any, member: Any, api_as: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    fix_today(monkeypatch, TODAY)
    manager, merch, viewer = member(Role.MANAGER), member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, manager, merch)
        order = make_order(w)
    base = f"/api/v1/o/{org.slug}/"
    return {
        "w": w,
        "org": org,
        "order": order,
        "base": base,
        "manager": api_as(manager),
        "merch": api_as(merch),
        "viewer": api_as(viewer),
    }


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert body["code"] == code, body
    return body


def apply(ctx: dict[str, Any], client: str = "merch", **payload: Any) -> Any:
    url = f"{ctx['base']}orders/{ctx['order'].pk}/tna/apply/"
    return ctx[client].post(url, payload, format="json")


def milestone(ctx: dict[str, Any], code: str) -> Milestone:
    with tenant_context(ctx["org"]):
        return Milestone.objects.select_related("plan").get(plan__order=ctx["order"], plan__line=None, code=code)


# --- templates --------------------------------------------------------------------------------------------------------


def test_a_template_is_made_with_its_rows(ctx: dict[str, Any]) -> None:
    response = ctx["manager"].post(
        f"{ctx['base']}tna-templates/", {"name": "Quick", "uses_working_days": True, "milestones": ROWS}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uses_working_days"] is True
    assert [m["code"] for m in body["milestones"]] == ["book", "knit", "ex_factory"]
    assert response["ETag"]


def test_template_errors_name_the_row(ctx: dict[str, Any]) -> None:
    rows = [*ROWS[:2], {**ROWS[2], "depends_on": ["nothing"]}]
    body = problem(
        ctx["manager"].post(f"{ctx['base']}tna-templates/", {"name": "Bad", "milestones": rows}, format="json"),
        400,
        "unknown_dependency",
    )
    assert "milestones.2.depends_on" in body["errors"]
    looped = [{**ROWS[0], "depends_on": ["ex_factory"]}, *ROWS[1:]]
    body = problem(
        ctx["manager"].post(f"{ctx['base']}tna-templates/", {"name": "Loop", "milestones": looped}, format="json"),
        400,
        "dependency_cycle",
    )
    assert "milestones.0.depends_on" in body["errors"]


def test_only_managers_write_templates(ctx: dict[str, Any]) -> None:
    url = f"{ctx['base']}tna-templates/"
    problem(ctx["merch"].post(url, {"name": "Mine", "milestones": ROWS}, format="json"), 403, "permission_denied")
    assert ctx["viewer"].get(url).status_code == 200


def test_the_template_list_costs_the_same_for_many(ctx: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with tenant_context(ctx["org"]):
        for _ in range(4):
            template(ctx["w"], ROWS)
    with django_assert_max_num_queries(budget("api.tna-templates.list")):
        response = ctx["viewer"].get(f"{ctx['base']}tna-templates/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5
    assert all(r["milestones"] for r in results)
    named = ctx["viewer"].get(f"{ctx['base']}tna-templates/", {"q": "standard"}).json()["results"]
    assert [r["name"] for r in named] == ["Standard"]


def test_the_template_edit_needs_the_current_version(ctx: dict[str, Any]) -> None:
    url = f"{ctx['base']}tna-templates/{ctx['w'].standard.pk}/"
    detail = ctx["viewer"].get(url)
    etag = detail["ETag"]
    assert ctx["viewer"].get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = f'"{ctx["w"].standard.pk}-99"'
    problem(
        ctx["manager"].patch(url, {"name": "Std"}, format="json", headers={"If-Match": stale}),
        412,
        "precondition_failed",
    )
    response = ctx["manager"].patch(
        url, {"name": "Std", "milestones": ROWS}, format="json", headers={"If-Match": f'"{ctx["w"].standard.pk}-1"'}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Std"
    assert len(response.json()["milestones"]) == 3
    archived = ctx["manager"].post(f"{url}archive/")
    assert archived.json()["archived_at"]
    problem(ctx["manager"].patch(url, {"name": "Again"}, format="json"), 409, "template_archived")


# --- plans ------------------------------------------------------------------------------------------------------------


def test_applying_the_default_template_and_the_grid(ctx: dict[str, Any]) -> None:
    response = apply(ctx)
    assert response.status_code == 201, response.content
    (plan,) = response.json()["plans"]
    assert plan["template_name"] == "Standard"
    assert plan["line_id"] is None
    assert len(plan["milestones"]) == 14
    ex = plan["milestones"][-1]
    assert (ex["code"], ex["planned_date"], ex["forecast_date"]) == ("ex_factory", str(ETD), str(ETD))
    problem(apply(ctx), 409, "plan_exists")


def test_a_line_plan_and_a_missing_etd(ctx: dict[str, Any]) -> None:
    with tenant_context(ctx["org"]):
        navy = lines_of(ctx["order"])[0]
        Plan.objects.filter(order=ctx["order"]).delete()
    response = apply(ctx, line=str(navy.pk), template=str(ctx["w"].standard.pk))
    assert response.status_code == 201
    assert response.json()["plans"][0]["line_name"] == "NAVY"
    with tenant_context(ctx["org"]):
        ctx["order"] = make_order(ctx["w"], etd=None)
    problem(apply(ctx), 400, "etd_missing")


def test_the_grid_costs_the_same_whatever_the_number_of_milestones(
    ctx: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with tenant_context(ctx["org"]):
        for line in lines_of(ctx["order"]):
            services.plan_apply(
                organization=ctx["org"], by=ctx["w"].by, order=ctx["order"], line=line, template=ctx["w"].standard
            )
        services.plan_apply(organization=ctx["org"], by=ctx["w"].by, order=ctx["order"], template=ctx["w"].standard)
        for m in Milestone.objects.filter(plan__order=ctx["order"], code__in=["knitting", "dyeing"]):
            services.milestone_replan(
                organization=ctx["org"], by=ctx["w"].by, milestone=m, planned_date=TODAY, reason="Sooner"
            )
    with django_assert_max_num_queries(budget("api.orders.tna")):
        response = ctx["viewer"].get(f"{ctx['base']}orders/{ctx['order'].pk}/tna/")
    assert response.status_code == 200
    plans = response.json()["plans"]
    assert [p["line_name"] for p in plans] == ["", "NAVY", "RED"]
    assert sum(len(p["milestones"]) for p in plans) == 42
    knitting = next(m for m in plans[0]["milestones"] if m["code"] == "knitting")
    assert knitting["changes"][0]["reason"] == "Sooner"


def test_reapplying_replaces_the_plan_with_a_reason(ctx: dict[str, Any]) -> None:
    apply(ctx)
    with tenant_context(ctx["org"]):
        quick = template(ctx["w"], ROWS)
    url = f"{ctx['base']}orders/{ctx['order'].pk}/tna/reapply/"
    problem(ctx["merch"].post(url, {"template": str(quick.pk), "reason": ""}, format="json"), 400, "validation_error")
    response = ctx["merch"].post(url, {"template": str(quick.pk), "reason": "Shorter"}, format="json")
    assert response.status_code == 200, response.content
    assert [m["code"] for m in response.json()["plans"][0]["milestones"]] == ["book", "knit", "ex_factory"]


# --- milestones -------------------------------------------------------------------------------------------------------


def test_replan_record_and_reopen(ctx: dict[str, Any]) -> None:
    apply(ctx)
    knitting = milestone(ctx, "knitting")
    base = f"{ctx['base']}tna-milestones/{knitting.pk}/"
    problem(
        ctx["merch"].post(f"{base}replan/", {"planned_date": "2027-01-05", "reason": ""}, format="json"),
        400,
        "reason_required",
    )
    response = ctx["merch"].post(
        f"{base}replan/",
        {"planned_date": "2027-01-05", "reason": "Mill holiday"},
        format="json",
        headers={"If-Match": f'"{knitting.plan_id}-1"'},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{knitting.plan_id}-2"'
    row = next(m for m in response.json()["milestones"] if m["code"] == "knitting")
    assert row["planned_date"] == "2027-01-05"
    problem(
        ctx["merch"].post(
            f"{base}record/",
            {"actual_date": str(TODAY)},
            format="json",
            headers={"If-Match": f'"{knitting.plan_id}-1"'},
        ),
        412,
        "precondition_failed",
    )
    future = str(TODAY + dt.timedelta(days=1))
    problem(ctx["merch"].post(f"{base}record/", {"actual_date": future}, format="json"), 400, "date_in_future")
    response = ctx["merch"].post(f"{base}record/", {"actual_date": str(TODAY), "note": "Done early"}, format="json")
    row = next(m for m in response.json()["milestones"] if m["code"] == "knitting")
    assert (row["status"], row["actual_date"], row["completed_by"]) == ("done", str(TODAY), "hand")
    problem(ctx["merch"].post(f"{base}reopen/", {"reason": ""}, format="json"), 400, "reason_required")
    response = ctx["merch"].post(f"{base}reopen/", {"reason": "Counted wrong"}, format="json")
    assert next(m for m in response.json()["milestones"] if m["code"] == "knitting")["status"] == "pending"
    problem(ctx["merch"].post(f"{base}reopen/", {"reason": "Again"}, format="json"), 409, "not_done")
    problem(ctx["viewer"].post(f"{base}reopen/", {"reason": "x"}, format="json"), 403, "permission_denied")


def test_the_calendar_of_a_month(ctx: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    apply(ctx)
    with django_assert_max_num_queries(budget("api.tna.calendar")):
        response = ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"month": "2026-12"})
    assert response.status_code == 200, response.content
    days = {d["date"]: [m["code"] for m in d["milestones"]] for d in response.json()["days"]}
    assert days == {
        "2026-12-03": ["yarn_booked"],
        "2026-12-08": ["lab_dip_approval"],
        "2026-12-18": ["yarn_in_house"],
        "2026-12-28": ["knitting", "strike_off"],
    }
    merch = ctx["w"].merch
    mine = ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"month": "2026-12", "merchandiser": str(merch.pk)})
    assert len(mine.json()["days"]) == 4
    other = ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"month": "2026-12", "merchandiser": str(ctx["w"].by.pk)})
    assert other.json()["days"] == []
    problem(ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"month": "2026-13"}), 400, "validation_error")


# --- other organisations ----------------------------------------------------------------------------------------------


def test_another_organisations_ids_are_404(ctx: dict[str, Any], other_org: Any, member: Any) -> None:
    apply(ctx)
    with tenant_context(other_org):
        theirs = world(other_org, member(Role.MANAGER, organization=other_org), member(organization=other_org))
        their_order = make_order(theirs)
        services.plan_apply(organization=other_org, by=theirs.by, order=their_order, template=theirs.standard)
        their_milestone = Milestone.objects.filter(plan__order=their_order).first()
    assert their_milestone is not None
    base = ctx["base"]
    assert ctx["merch"].get(f"{base}orders/{their_order.pk}/tna/").status_code == 404
    assert ctx["merch"].post(f"{base}orders/{their_order.pk}/tna/apply/", {}, format="json").status_code == 404
    assert ctx["merch"].get(f"{base}tna-templates/{theirs.standard.pk}/").status_code == 404
    response = ctx["merch"].post(
        f"{base}tna-milestones/{their_milestone.pk}/record/", {"actual_date": str(TODAY)}, format="json"
    )
    assert response.status_code == 404
    mine = apply(ctx, template=str(theirs.standard.pk), line=str(lines_of_order(ctx)[0].pk))
    assert "template" in problem(mine, 400, "validation_error")["errors"]


def lines_of_order(ctx: dict[str, Any]) -> list[Any]:
    with tenant_context(ctx["org"]):
        return lines_of(ctx["order"])


def test_a_crowded_day_shows_its_first_milestones_late_first_and_says_its_total(
    ctx: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # six orders planned from the same ETD: each day of their plans holds six milestones (or twelve)
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        orders = [make_order(w) for _ in range(5)]
        for order in [ctx["order"], *orders]:
            services.plan_apply(organization=ctx["org"], by=w.by, order=order, template=w.standard)
        counts = selectors.calendar_counts(organization=ctx["org"], month=dt.date(2026, 12, 1), today=TODAY)
    with django_assert_max_num_queries(budget("api.tna.calendar")):
        response = ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"month": "2026-12", "per_day": 4})
    assert response.status_code == 200, response.content
    days = {d["date"]: d for d in response.json()["days"]}
    crowded = days["2026-12-28"]  # knitting and strike-off of six orders
    assert crowded["total"] == 12
    assert len(crowded["milestones"]) == 4
    assert days["2026-12-03"]["total"] == 6
    # the month's counts are of every milestone, not of those shown: 6 orders x 5 milestones, none late or done
    assert counts == selectors.CalendarCounts(due=30, late=0, slipped=0, done=0)
    problem(ctx["viewer"].get(f"{ctx['base']}tna/calendar/", {"per_day": 0}), 400, "validation_error")
