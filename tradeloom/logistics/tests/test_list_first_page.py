"""The shipments list's first page through a statement compiled once (``selectors.shipment_list_first_page``):
the same rows and cursors as the general path (the filter set, then the keyset page), for the requests it serves,
and the general path for every other."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from tradeloom.core.context import tenant_context
from tradeloom.logistics import selectors, services
from tradeloom.logistics.models import Shipment
from tradeloom.logistics.tests import test_api
from tradeloom.logistics.tests.test_api import book
from tradeloom.sales.models import Order
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

ctx = test_api.ctx  # the shipments API tests' organisation, orders and clients


def _page(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0] if body["next"] else None
    return body["results"], cursor, body["previous"]


def _fast(ctx, membership, **params) -> bool:
    query = QueryDict(mutable=True)
    query.update(params)
    with tenant_context(ctx.org):
        return selectors.shipment_list_first_page(organization=ctx.org, membership=membership, params=query) is not None


@pytest.fixture
def shipments(ctx):
    navy, white = ctx.lines
    booked = [book(ctx, [(line, 1)]).json()["id"] for line in (navy, white, navy, white)]
    with tenant_context(ctx.org):
        shipment = Shipment.objects.get(pk=booked[1])
        services.shipment_move(by=ctx.merch, shipment=shipment, action="depart")
    return booked


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"limit": "2"},
        {"status": "booked"},
        {"status": "booked", "limit": "2"},
        {"status": "in_transit"},
        {"status": ""},
    ],
)
def test_the_first_page_is_the_general_paths_page_with_the_same_cursor(ctx, shipments, params):
    assert _fast(ctx, ctx.merch, **params)
    fast_rows, fast_next, fast_previous = _page(ctx.client, ctx.url, params)
    # an empty mode filter filters nothing but takes the general path
    rows, next_cursor, previous = _page(ctx.client, ctx.url, {**params, "mode": ""})
    assert not _fast(ctx, ctx.merch, **params, mode="")
    assert fast_rows == rows
    assert rows  # each case has rows to compare
    assert (fast_next, fast_previous) == (next_cursor, previous)
    if fast_next:  # the next page continues where the general path's would
        assert (
            _page(ctx.client, ctx.url, {**params, "cursor": fast_next})[0]
            == _page(ctx.client, ctx.url, {**params, "mode": "", "cursor": next_cursor})[0]
        )


def test_the_fast_page_serves_only_a_page_size_and_a_known_status(ctx):
    assert _fast(ctx, ctx.merch)
    assert _fast(ctx, ctx.merch, status="arrived", limit="5")
    for params in ({"status": "lost"}, {"cursor": "x"}, {"with_count": "1"}, {"q": "SH"}, {"late": "true"}):
        assert not _fast(ctx, ctx.merch, **params)
    # a bad page size is the same 400 on either path
    assert ctx.client.get(ctx.url, {"limit": "0"}).status_code == 400


def test_a_restricted_merchandiser_gets_only_the_shipments_of_their_orders_on_the_fast_page(
    ctx,
    member,
    api_as,
):
    navy, _ = ctx.lines
    (red,) = ctx.second_lines
    mine = book(ctx, [(navy, 1)]).json()["id"]
    book(ctx, [(red, 1)])
    Organization.objects.filter(pk=ctx.org.pk).update(settings={"merchandisers_see_all_orders": False})
    Order.objects.filter(pk=ctx.order.pk).update(merchandiser=ctx.merch)
    ctx.org.refresh_from_db()
    assert _fast(ctx, ctx.merch)
    for params in ({}, {"status": "booked"}):
        assert [row["id"] for row in _page(ctx.client, ctx.url, params)[0]] == [mine]
        assert _page(ctx.client, ctx.url, params)[0] == _page(ctx.client, ctx.url, {**params, "mode": ""})[0]
    other = api_as(member(Role.MERCHANDISER))
    assert _page(other, ctx.url, {})[0] == []
    assert _page(other, ctx.url, {"status": "booked"})[0] == []


def test_another_organisations_shipments_never_reach_the_fast_page(ctx, other_org, member, api_as):
    book(ctx, [(ctx.lines[0], 1)])
    with tenant_context(other_org):
        outsider = member(Role.OWNER, organization=other_org)
    client = api_as(outsider)
    response = client.get(f"/api/v1/o/{other_org.slug}/shipments/")
    assert response.status_code == 200
    assert response.json()["results"] == []
