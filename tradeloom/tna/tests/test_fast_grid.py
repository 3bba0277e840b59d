"""The API's T&A grid fast path (``GET orders/{id}/tna/``): ``selectors.grid_rows`` reads the order with its plans,
their milestones and their changes (as JSON) through one statement compiled once, and
``grid_rows_data`` writes the JSON from those rows — byte for byte what ``grid_data(plan_grid(...))`` (the documented
``PlanGridOutput``) writes, key order included; the same visibility (a restricted merchandiser, archived orders,
other organisations) and ETag."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from drf_orjson_renderer.renderers import ORJSONRenderer

from tradeloom.core.context import tenant_context
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna import selectors, services
from tradeloom.tna.api.serializers import grid_data, grid_rows_data
from tradeloom.tna.models import Milestone
from tradeloom.tna.tests import test_api
from tradeloom.tna.tests.helpers import TODAY, lines_of

pytestmark = pytest.mark.django_db

ctx = test_api.ctx  # the T&A API tests' organisation, order and clients


def _url(ctx: dict[str, Any], order: Any = None) -> str:
    return f"{ctx['base']}orders/{(order or ctx['order']).pk}/tna/"


def _render(data: Any) -> bytes:
    return ORJSONRenderer().render(data)


def _plan_everything(ctx: dict[str, Any]) -> None:
    """The order's plan and both lines' (one line with a CAD code), a replanned milestone, one recorded by hand (with
    its change), one responsible member removed, a slip that puts the ex-factory after the ETD."""
    org, w, order = ctx["org"], ctx["w"], ctx["order"]
    with tenant_context(org):
        navy, red = lines_of(order)
        Line.objects.filter(pk=red.pk).update(cad_code="CAD-9", etd=dt.date(2027, 2, 15))
        services.plan_apply(organization=org, by=w.by, order=order, template=w.standard)
        for line in (red, navy):  # applied out of line order: the grid puts them in line order
            services.plan_apply(organization=org, by=w.by, order=order, line=line, template=w.standard)
        knitting = Milestone.objects.get(plan__order=order, plan__line=None, code="knitting")
        services.milestone_replan(
            organization=org, by=w.by, milestone=knitting, planned_date=TODAY - dt.timedelta(days=3), reason="Sooner"
        )
        yarn = Milestone.objects.get(plan__order=order, plan__line=None, code="yarn_booked")
        services.milestone_record(organization=org, by=w.by, milestone=yarn, actual_date=TODAY, note="Booked")
        Milestone.objects.filter(plan__order=order, plan__line=red, code="sewing").update(responsible=None)
        ex = Milestone.objects.get(plan__order=order, plan__line=None, code="ex_factory")
        Milestone.objects.filter(pk=ex.pk).update(forecast_date=ex.planned_date + dt.timedelta(days=5))


def test_the_fast_grid_is_byte_for_byte_the_documented_grid(ctx: dict[str, Any]) -> None:
    _plan_everything(ctx)
    org, order = ctx["org"], ctx["order"]
    manager = ctx["w"].by
    with tenant_context(org):
        documented = grid_data(selectors.plan_grid(organization=org, order=order))
        fast = grid_rows_data(selectors.grid_rows(organization=org, membership=manager, order_id=order.pk))
    assert [p["line_name"] for p in fast["plans"]] == ["", "NAVY", "RED/CAD-9"]
    assert sum(len(p["milestones"]) for p in fast["plans"]) == 42
    order_plan = fast["plans"][0]
    assert order_plan["ex_factory_after_etd"] is True
    assert order_plan["late_count"] >= 1
    changed = [m for m in order_plan["milestones"] if m["changes"]]
    assert {m["code"] for m in changed} >= {"knitting", "yarn_booked"}
    assert {m["responsible_name"] for m in fast["plans"][2]["milestones"]} >= {""}  # nobody responsible: empty
    assert _render(fast) == _render(documented)  # the same keys, in the same order, with the same values


def test_the_endpoint_answers_the_documented_grid_with_its_etag(ctx: dict[str, Any]) -> None:
    _plan_everything(ctx)
    response = ctx["viewer"].get(_url(ctx))
    assert response.status_code == 200
    with tenant_context(ctx["org"]):
        grid = selectors.plan_grid(organization=ctx["org"], order=ctx["order"])
    assert response.content == _render(grid_data(grid))
    # the tag names each plan's version, as before; the same tag again: 304
    assert response["ETag"].startswith(f'"{grid.plans[0].plan.pk}-{grid.plans[0].plan.version};')
    again = ctx["viewer"].get(_url(ctx), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_an_order_without_a_plan_has_an_empty_grid(ctx: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(budget("api.orders.tna")):
        response = ctx["viewer"].get(_url(ctx))
    assert response.status_code == 200
    assert response.json() == {"order_id": str(ctx["order"].pk), "today": str(TODAY), "plans": []}
    assert response["ETag"].startswith(f'"{ctx["order"].pk}-none-')


def test_the_fast_grid_costs_the_same_whatever_its_milestones(
    ctx: dict[str, Any], django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    org, w, order = ctx["org"], ctx["w"], ctx["order"]
    with tenant_context(org):
        services.plan_apply(organization=org, by=w.by, order=order, template=w.standard)
    with django_assert_max_num_queries(budget("api.orders.tna")) as few:
        ctx["viewer"].get(_url(ctx))
    with tenant_context(org):  # and the lines' plans: three times the milestones
        for line in lines_of(order):
            services.plan_apply(organization=org, by=w.by, order=order, line=line, template=w.standard)
    with django_assert_num_queries(len(few.captured_queries)):
        response = ctx["viewer"].get(_url(ctx))
    assert sum(len(p["milestones"]) for p in response.json()["plans"]) == 42


def test_who_may_not_see_the_order_gets_a_404(ctx: dict[str, Any], member: Any, api_as: Any, other_org: Any) -> None:
    org, w, order = ctx["org"], ctx["w"], ctx["order"]
    with tenant_context(org):
        services.plan_apply(organization=org, by=w.by, order=order, template=w.standard)
    # a merchandiser restricted to their own orders: another's order is not there; their own is
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    outsider = api_as(member(Role.MERCHANDISER))
    assert outsider.get(_url(ctx)).status_code == 404
    assert ctx["merch"].get(_url(ctx)).status_code == 200  # the order's merchandiser
    # an archived order is not there either
    with tenant_context(org):
        Order.objects.filter(pk=order.pk).update(archived_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert ctx["viewer"].get(_url(ctx)).status_code == 404
    # nor another organisation's order, by its id
    with tenant_context(other_org):
        rival = api_as(member(Role.OWNER, organization=other_org))
    assert rival.get(f"/api/v1/o/{other_org.slug}/orders/{order.pk}/tna/").status_code == 404
    with tenant_context(org), pytest.raises(Http404):
        selectors.grid_rows(organization=org, membership=w.by, order_id="not-a-uuid")
