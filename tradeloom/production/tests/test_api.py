"""Work-orders API: making one from order lines (idempotent), the list (filters, cursor pages, a fixed number of
statements), the detail (ETag, 304), edits with If-Match, the moves with their problem codes, daily production (one
row, many rows, all or nothing), corrections, requirements, issues and receipts through the stock ledger,
capabilities and other organisations' ids."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.inventory.models import StockMove
from tradeloom.production.models import ProductionEntry, WorkOrder
from tradeloom.production.tests.helpers import DAY, running_wo, world
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


@pytest.fixture
def ctx(org, member, api_as):
    merch, viewer = member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, merch)
    return {
        "w": w,
        "org": org,
        "base": f"/api/v1/o/{org.slug}/",
        "url": f"/api/v1/o/{org.slug}/work-orders/",
        "client": api_as(merch),
        "viewer": api_as(viewer),
    }


def problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    data = response.json()
    assert data["code"] == code, data
    return data


def body(ctx, **extra: Any) -> dict[str, Any]:
    w = ctx["w"]
    return {
        "supplier": str(w.mill.pk),
        "due_date": str(w.today + 20 * DAY),
        "priority": "high",
        "lines": [{"line": str(w.lines[0].pk), "quantity": "600"}, {"line": str(w.lines[1].pk)}],
        **extra,
    }


def create(ctx, payload=None, client=None, **headers):
    return (client or ctx["client"]).post(ctx["url"], payload or body(ctx), format="json", headers=headers)


def post(ctx, path: str, data: Any = None, **headers):
    return ctx["client"].post(f"{ctx['url']}{path}", data or {}, format="json", headers=headers)


@pytest.mark.django_db
def test_a_work_order_answers_201_with_its_lines_requirements_and_etag(ctx):
    response = create(ctx)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["status"], data["quantity"], data["priority"]) == (
        "WO-000001",
        "draft",
        "1000.000",
        "high",
    )
    assert data["order_number"] == ctx["w"].order.number
    assert data["unit_code"] == "kg"
    assert [ln["line_label"] for ln in data["lines"]] == ["ST-100 NAVY (Navy blue)", "ST-100 BLK (Black)"]
    # the order: 10 % loss, 5 % mixed
    assert [(r["kind"], r["quantity"]) for r in data["requirements"]] == [
        ("greige", "1100.000"),
        ("yarn", "1045.000"),
    ]
    assert data["actions"] == ["release", "cancel", "edit"]
    assert response["ETag"]


@pytest.mark.django_db
def test_making_a_work_order_is_idempotent(ctx):
    first = create(ctx, **{"Idempotency-Key": "wo-1"})
    again = create(ctx, **{"Idempotency-Key": "wo-1"})
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    with tenant_context(ctx["org"]):
        assert WorkOrder.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_a_problem_naming_the_field(ctx, other_org):
    data = problem(
        create(ctx, body(ctx, lines=[{"line": str(ctx["w"].lines[0].pk), "quantity": "0"}])), 400, "validation_error"
    )
    assert "lines.0.quantity" in data["errors"]
    data = problem(create(ctx, {"quantity": "10"}), 400, "validation_error")
    assert {"due_date"} <= set(data["errors"])


@pytest.mark.django_db
def test_the_list_filters_and_costs_a_fixed_number_of_statements(ctx, django_assert_max_num_queries):
    for _ in range(3):
        create(ctx)
    create(ctx, body(ctx, priority="urgent"))
    with django_assert_max_num_queries(budget("api.work-orders.list")):
        response = ctx["client"].get(ctx["url"])
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 4
    assert results[0]["supplier_name"]
    assert ctx["client"].get(ctx["url"], {"priority": "urgent"}).json()["results"][0]["priority"] == "urgent"
    assert ctx["client"].get(ctx["url"], {"late": "true"}).json()["results"] == []
    assert len(ctx["client"].get(ctx["url"], {"limit": 2}).json()["results"]) == 2
    assert len(ctx["client"].get(ctx["url"], {"order": str(ctx["w"].order.pk)}).json()["results"]) == 4


@pytest.mark.django_db
def test_the_detail_has_an_etag_and_a_stale_if_match_is_412(ctx, django_assert_max_num_queries):
    made = create(ctx).json()
    url = f"{ctx['url']}{made['id']}/"
    with django_assert_max_num_queries(budget("api.work-orders.detail")):
        response = ctx["client"].get(url)
    etag = response["ETag"]
    assert ctx["client"].get(url, headers={"If-None-Match": etag}).status_code == 304
    changed = ctx["client"].patch(url, {"notes": "Rush"}, format="json", headers={"If-Match": etag})
    assert changed.status_code == 200, changed.content
    assert changed.json()["notes"] == "Rush"
    problem(
        ctx["client"].patch(url, {"notes": "x"}, format="json", headers={"If-Match": etag}), 412, "precondition_failed"
    )


@pytest.mark.django_db
def test_the_moves_and_their_codes(ctx):
    made = create(ctx).json()
    wo = made["id"]
    problem(post(ctx, f"{wo}/complete/"), 409, "invalid_transition")
    assert post(ctx, f"{wo}/release/").json()["status"] == "pending"
    started = post(ctx, f"{wo}/start/", {"on": str(ctx["w"].today - DAY)}).json()
    assert (started["status"], started["started_on"]) == ("in_progress", str(ctx["w"].today - DAY))
    problem(ctx["client"].patch(f"{ctx['url']}{wo}/", {"notes": "x"}, format="json"), 409, "not_editable")
    data = problem(post(ctx, f"{wo}/cancel/"), 400, "validation_error")
    assert "reason" in data["errors"]
    assert post(ctx, f"{wo}/cancel/", {"reason": "Buyer cancelled"}).json()["status"] == "cancelled"


@pytest.mark.django_db
def test_reporting_one_day_on_a_work_order_starts_it_and_corrections_keep_history(ctx):
    wo = create(ctx, body(ctx, lines=[{"line": str(ctx["w"].lines[0].pk)}])).json()["id"]
    post(ctx, f"{wo}/release/")
    today = str(ctx["w"].today)
    first = post(ctx, f"{wo}/entries/", {"produced_on": today, "knitted": "120", "finished": "100", "pieces": 40})
    assert first.status_code == 201, first.content
    data = first.json()
    assert (data["status"], data["finished_quantity"], data["progress_percent"]) == ("in_progress", "100.000", "16.67")
    entry = data["entries"][0]
    corrected = ctx["client"].post(
        f"{ctx['base']}production/entries/{entry['id']}/correct/",
        {"finished": "90", "reason": "Recount"},
        format="json",
    )
    assert corrected.status_code == 200, corrected.content
    data = corrected.json()
    assert data["finished_quantity"] == "90.000"
    assert [e["id"] for e in data["superseded"]] == [entry["id"]]
    assert data["entries"][0]["supersedes_id"] == entry["id"]
    problem(
        ctx["client"].post(
            f"{ctx['base']}production/entries/{entry['id']}/correct/", {"finished": "1", "reason": "x"}, format="json"
        ),
        409,
        "entry_superseded",
    )
    yesterday = str(ctx["w"].today - DAY)
    problem(post(ctx, f"{wo}/entries/", {"produced_on": yesterday}), 400, "nothing_reported")


@pytest.mark.django_db
def test_many_rows_at_once_all_or_nothing(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        a, b = running_wo(w), running_wo(w)
    url = f"{ctx['base']}production/entries/"
    rows = [
        {"work_order": str(a.pk), "produced_on": str(w.today), "finished": "10"},
        {"work_order": str(b.pk), "produced_on": str(w.today + DAY), "finished": "5"},
    ]
    data = problem(ctx["client"].post(url, {"rows": rows}, format="json"), 400, "validation_error")
    assert list(data["errors"]) == ["rows.1.produced_on"]
    rows[1]["produced_on"] = str(w.today)
    done = ctx["client"].post(url, {"rows": rows}, format="json")
    assert done.status_code == 201, done.content
    assert len(done.json()["entries"]) == 2
    with tenant_context(ctx["org"]):
        assert ProductionEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_draft_takes_no_production(ctx):
    wo = create(ctx).json()["id"]
    problem(post(ctx, f"{wo}/entries/", {"finished": "1"}), 409, "not_reportable")


@pytest.mark.django_db
def test_requirements_issue_and_receive_through_the_ledger(ctx):
    w = ctx["w"]
    from tradeloom.inventory.services import stock_receive

    with tenant_context(ctx["org"]):
        stock_receive(
            organization=w.org,
            by=w.by,
            warehouse=w.warehouse,
            item=w.yarn,
            quantity=Decimal("500"),
            unit=w.kg,
            unit_cost=Decimal("3"),
            source_type="",
            source_id=None,
            reference="opening",
        )
    made = create(ctx, body(ctx, item=str(w.fabric.pk), warehouse=str(w.warehouse.pk))).json()
    wo = made["id"]
    yarn = next(r for r in made["requirements"] if r["kind"] == "yarn")
    post(ctx, f"{wo}/release/")
    problem(post(ctx, f"{wo}/requirements/{yarn['id']}/issue/", {"quantity": "10"}), 409, "requirement_has_no_item")
    set_item = ctx["client"].patch(
        f"{ctx['url']}{wo}/requirements/{yarn['id']}/", {"item": str(w.yarn.pk)}, format="json"
    )
    assert set_item.status_code == 200, set_item.content
    issued = post(ctx, f"{wo}/requirements/{yarn['id']}/issue/", {"quantity": "100"})
    assert issued.status_code == 201, issued.content
    data = issued.json()
    assert next(r for r in data["requirements"] if r["kind"] == "yarn")["issued_quantity"] == "100.000"
    assert [m["kind"] for m in data["stock_moves"]] == ["production_out"]
    problem(post(ctx, f"{wo}/receive/", {"quantity": "5", "unit_cost": "4"}), 409, "not_receivable")
    post(ctx, f"{wo}/start/")
    received = post(ctx, f"{wo}/receive/", {"quantity": "5", "unit_cost": "4"})
    assert received.status_code == 201, received.content
    assert [m["kind"] for m in received.json()["stock_moves"]] == ["production_out", "production_in"]
    with tenant_context(ctx["org"]):
        assert StockMove.objects.filter(source_type="production.workorder").count() == 2


@pytest.mark.django_db
def test_a_viewer_reads_but_does_not_write(ctx):
    made = create(ctx).json()
    assert ctx["viewer"].get(ctx["url"]).status_code == 200
    assert ctx["viewer"].get(f"{ctx['url']}{made['id']}/").status_code == 200
    problem(create(ctx, client=ctx["viewer"]), 403, "permission_denied")
    problem(ctx["viewer"].post(f"{ctx['url']}{made['id']}/release/", {}, format="json"), 403, "permission_denied")
    problem(
        ctx["viewer"].post(f"{ctx['base']}production/entries/", {"rows": []}, format="json"), 403, "permission_denied"
    )


@pytest.mark.django_db
def test_another_organisations_work_order_is_not_found(ctx, other_org, member, api_as):
    theirs = member(Role.MERCHANDISER, organization=other_org)
    with tenant_context(other_org):
        wo = running_wo(world(other_org, theirs))
    problem(ctx["client"].get(f"{ctx['url']}{wo.pk}/"), 404, "not_found")
    problem(post(ctx, f"{wo.pk}/complete/"), 404, "not_found")
    data = problem(
        ctx["client"].post(
            f"{ctx['base']}production/entries/",
            {"rows": [{"work_order": str(wo.pk), "finished": "1"}]},
            format="json",
        ),
        400,
        "validation_error",
    )
    assert list(data["errors"]) == ["rows.0.work_order"]


def test_the_work_order_actions_are_webhook_event_types():
    from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES
    from tradeloom.production.webhooks import EVENT_TYPES

    registered = {event.code: event for event in WEBHOOK_EVENT_TYPES}
    for code, label in EVENT_TYPES:
        assert registered[str(code)].label == label
        assert registered[str(code)].area == "Production"


@pytest.mark.django_db
def test_a_work_order_reads_in_webhooks_as_its_api_detail_in_five_statements(ctx):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tradeloom.core.webhook_events import WEBHOOK_REPRESENTATIONS

    first = create(ctx).json()["id"]
    post(ctx, f"{first}/release/")
    post(ctx, f"{first}/entries/", {"finished": "10", "line": str(ctx["w"].lines[0].pk)})
    others = [create(ctx).json()["id"] for _ in range(2)]
    represent = WEBHOOK_REPRESENTATIONS.get("production.workorder").represent
    with tenant_context(ctx["org"]):
        with CaptureQueriesContext(connection) as one:
            data = represent(ctx["org"], [first])
        with CaptureQueriesContext(connection) as three:
            payloads = represent(ctx["org"], [first, *others])
    assert len(one) == len(three) == 5
    assert data[first] == ctx["client"].get(f"{ctx['url']}{first}/").json()
    for pk in others:
        assert payloads[pk] == ctx["client"].get(f"{ctx['url']}{pk}/").json()
