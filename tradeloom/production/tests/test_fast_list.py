"""The work-orders list's fast path: its ``values()`` rows written by ``row_encoder`` are the documented serializer's
output (key order included), and its first page — through a statement compiled once
(``selectors.work_order_list_first_page``) — is the general path's page with the same cursors, for the requests it
serves; every other request takes the general path."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from tradeloom.core.context import tenant_context
from tradeloom.production import selectors, services
from tradeloom.production.api.serializers import LIST_COLUMNS, WorkOrderListOutput, work_order_list_rows
from tradeloom.production.tests import test_api
from tradeloom.production.tests.helpers import make_wo
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

ctx = test_api.ctx  # the work-orders API tests' organisation, order, mill and clients


def _page(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0] if body["next"] else None
    return body["results"], cursor, body["previous"]


def _fast(ctx, **params) -> bool:
    query = QueryDict(mutable=True)
    query.update(params)
    with tenant_context(ctx["org"]):
        return selectors.work_order_list_first_page(organization=ctx["org"], params=query) is not None


@pytest.fixture
def work_orders(ctx):
    w = ctx["w"]
    with tenant_context(w.org):
        by_hand = make_wo(w, priority="high")  # no order, its own product name and unit
        from_lines = make_wo(w, lines=[{"line": w.lines[0]}, {"line": w.lines[1]}])  # the order's lines
        released = make_wo(w, item=w.fabric)
        services.work_order_move(organization=w.org, by=w.by, work_order=released, action="release")
        make_wo(w)
    return by_hand, from_lines, released


def test_the_fast_rows_are_the_documented_serializer_output_key_order_included(ctx, work_orders):
    with tenant_context(ctx["org"]):
        queryset = selectors.work_order_list(organization=ctx["org"])
        documented = [dict(row) for row in WorkOrderListOutput(list(queryset), many=True).data]
        fast = work_order_list_rows(list(queryset.values(*LIST_COLUMNS)))
    assert len(fast) == 4
    assert [list(row) for row in fast] == [list(row) for row in documented]  # the same keys in the same order
    assert fast == documented
    # and the rows carry what the list resolves beside the work order's own columns
    by_order = {row["id"]: row for row in fast}
    _by_hand, from_lines, released = work_orders
    assert by_order[str(from_lines.pk)]["order_number"] == ctx["w"].order.number
    assert by_order[str(released.pk)]["item_name"] == ctx["w"].fabric.name
    assert by_order[str(released.pk)]["supplier_name"]


@pytest.mark.parametrize(
    "params",
    [{}, {"limit": "2"}, {"status": "draft"}, {"status": "draft", "limit": "1"}, {"status": "pending"}, {"status": ""}],
)
def test_the_first_page_is_the_general_paths_page_with_the_same_cursor(ctx, work_orders, params):
    client, url = ctx["client"], ctx["url"]
    assert _fast(ctx, **params)
    fast_rows, fast_next, fast_previous = _page(client, url, params)
    # an empty priority filters nothing but takes the general path
    rows, next_cursor, previous = _page(client, url, {**params, "priority": ""})
    assert not _fast(ctx, **params, priority="")
    assert rows  # each case has rows to compare
    assert fast_rows == rows
    assert (fast_next, fast_previous) == (next_cursor, previous)
    if fast_next:  # the next page continues where the general path's would
        assert (
            _page(client, url, {**params, "cursor": fast_next})[0]
            == _page(client, url, {**params, "priority": "", "cursor": next_cursor})[0]
        )


def test_the_fast_page_serves_only_a_page_size_and_a_known_status(ctx):
    assert _fast(ctx)
    assert _fast(ctx, status="completed", limit="5")
    for params in ({"status": "lost"}, {"cursor": "x"}, {"with_count": "1"}, {"q": "WO"}, {"late": "true"}):
        assert not _fast(ctx, **params)
    # a bad page size or status is the same 400 on either path
    assert ctx["client"].get(ctx["url"], {"limit": "0"}).status_code == 400
    assert ctx["client"].get(ctx["url"], {"status": "lost"}).status_code == 400


def test_the_fast_page_costs_the_lists_statements(ctx, work_orders, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget("api.work-orders.list")):
        assert len(ctx["client"].get(ctx["url"]).json()["results"]) == 4


def test_another_organisations_work_orders_never_reach_the_fast_page(ctx, work_orders, other_org, member, api_as):
    with tenant_context(other_org):
        outsider = member(Role.OWNER, organization=other_org)
    response = api_as(outsider).get(f"/api/v1/o/{other_org.slug}/work-orders/")
    assert response.status_code == 200
    assert response.json()["results"] == []
