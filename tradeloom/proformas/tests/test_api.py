"""Proforma invoices API: making a PI from an order (both routes, idempotent, refusals as problems naming the
field), the list (filters, search, cursor pages, one statement a page), the detail with its revisions and diff (a
constant cost), draft edits and every move with If-Match, revisions, the order-value rule's problem, capabilities
and other organisations' ids."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate()


@pytest.fixture
def ctx(org, member, api_as):
    owner, merch, viewer = member(Role.OWNER), member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        order = OrderFactory(organization=org, tax_rate=D("5"), shipment_tolerance_percent=D("0"))
        style = StyleFactory(organization=org, order=order, style_number="TEE")
        navy = LineFactory(organization=org, style=style, colour_code="NAVY", quantity=D(1000), unit=unit)
        white = LineFactory(
            organization=org,
            style=style,
            colour_code="WHITE",
            quantity=D(200),
            unit=unit,
            selling_price=D("2.5"),
            position=1,
        )
        yield {
            "org": org,
            "base": f"/api/v1/o/{org.slug}/",
            "merch": api_as(merch),
            "owner": api_as(owner),
            "viewer": api_as(viewer),
            "order": order,
            "navy": navy,
            "white": white,
        }


def problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert body["code"] == code, body
    return body


def create(ctx, body=None, client=None, **headers):
    url = f"{ctx['base']}orders/{ctx['order'].pk}/proformas/"
    response = (client or ctx["merch"]).post(url, body or {}, format="json", headers=headers)
    assert response.status_code == 201, response.content
    return response


def post(ctx, pi, action, body=None, etag=None, client=None):
    headers = {"If-Match": etag} if etag else {}
    return (client or ctx["merch"]).post(
        f"{ctx['base']}proformas/{pi['id']}/{action}/", body or {}, format="json", headers=headers
    )


def test_making_a_pi_from_the_order_answers_its_detail_and_etag(ctx):
    response = create(ctx)
    data = response.json()
    assert data["number"] == f"PI-{TODAY.year}-0001"
    assert data["revision"] == 1
    assert re.fullmatch(rf'"{data["id"]}-1-[0-9a-f]+"', response["ETag"])
    # 1,000 x 4.25 = 4,250.00 + 212.50; 200 x 2.50 = 500.00 + 25.00
    assert (data["subtotal"], data["tax"], data["total"]) == ("4750.00", "237.50", "4987.50")
    assert [(r["quantity"], r["amount"], r["tax_rate"], r["tax"]) for r in data["lines"]] == [
        ("1000.000", "4250.00", "5.00", "212.50"),
        ("200.000", "500.00", "5.00", "25.00"),
    ]
    assert data["actions"] == ["send", "cancel", "edit"]
    assert data["diff"] is None
    assert (data["order_number"], data["status"]) == (ctx["order"].number, "draft")


def test_making_a_pi_with_order_in_the_body_and_chosen_lines(ctx):
    body = {
        "order": str(ctx["order"].pk),
        "valid_until": TODAY.isoformat(),
        "lines": [{"line": str(ctx["navy"].pk), "basis": "amount", "percent": "30"}],
    }
    data = ctx["merch"].post(f"{ctx['base']}proformas/", body, format="json").json()
    assert (data["subtotal"], data["tax"], data["total"]) == ("1275.00", "63.75", "1338.75")
    problem(ctx["merch"].post(f"{ctx['base']}proformas/", {}, format="json"), 400, "validation_error")


def test_refusals_name_their_fields(ctx):
    url = f"{ctx['base']}orders/{ctx['order'].pk}/proformas/"
    body = problem(
        ctx["merch"].post(url, {"lines": [{"line": str(ctx["navy"].pk), "quantity": "1000.001"}]}, format="json"),
        409,
        "proforma_quantity_exceeded",
    )
    assert "lines.0.quantity" in body["errors"]
    with tenant_context(ctx["org"]):
        ctx["white"].selling_price = None
        ctx["white"].save()
    problem(ctx["merch"].post(url, {}, format="json"), 409, "proforma_price_missing")
    problem(
        ctx["merch"].post(
            url,
            {"pi_date": "2026-05-02", "valid_until": "2026-05-01", "lines": [{"line": str(ctx["navy"].pk)}]},
            format="json",
        ),
        400,
        "validation_error",
    )


def test_idempotency_key_makes_one_pi(ctx):
    first = create(ctx, headers=None, **{"Idempotency-Key": "pi-1"})
    second = create(ctx, **{"Idempotency-Key": "pi-1"})
    assert first.json()["id"] == second.json()["id"]
    with tenant_context(ctx["org"]):
        assert ProformaInvoice.objects.count() == 1


def test_moves_with_if_match_and_the_order_value_problem(ctx):
    response = create(ctx)
    pi, etag = response.json(), response["ETag"]
    problem(post(ctx, pi, "send", etag=f'"{pi["id"]}-9"'), 412, "precondition_failed")
    sent = post(ctx, pi, "send", etag=etag)
    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    problem(post(ctx, pi, "send"), 409, "invalid_transition")
    accepted = post(ctx, pi, "accept", {"reference": "BUYER-1"})
    assert (accepted.json()["status"], accepted.json()["accepted_reference"]) == ("accepted", "BUYER-1")
    # a second PI of 0.01 beyond the order's 4,987.50 at 0 % tolerance
    extra = create(ctx, {"lines": [{"line": str(ctx["navy"].pk), "basis": "amount", "amount": "0.01"}]}).json()
    post(ctx, extra, "send")
    body = problem(post(ctx, extra, "accept"), 409, "proforma_over_order_value")
    assert (body["limit"], body["accepted"], body["accepted_after"]) == ("4987.50", "4987.50", "4987.51")
    problem(post(ctx, extra, "accept", {"override_reason": "agreed"}), 403, "permission_denied")
    done = post(ctx, extra, "accept", {"override_reason": "Agreed by mail"}, client=ctx["owner"])
    assert done.json()["override_reason"] == "Agreed by mail"
    problem(post(ctx, extra, "cancel", {}), 400, "validation_error")


def test_edit_a_draft_then_revise_a_sent_pi(ctx):
    response = create(ctx)
    pi, etag = response.json(), response["ETag"]
    url = f"{ctx['base']}proformas/{pi['id']}/"
    edited = ctx["merch"].patch(
        url, {"notes": "Two lots", "lines": [{"line": str(ctx["white"].pk)}]}, format="json", headers={"If-Match": etag}
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["notes"], edited.json()["total"], edited.json()["version"]) == ("Two lots", "525.00", 2)
    problem(
        ctx["merch"].patch(url, {"notes": "x"}, format="json", headers={"If-Match": etag}), 412, "precondition_failed"
    )
    problem(post(ctx, pi, "revise"), 409, "proforma_not_revisable")
    post(ctx, pi, "send")
    problem(ctx["merch"].patch(url, {"notes": "x"}, format="json"), 409, "proforma_not_editable")
    revised = post(ctx, pi, "revise", {"lines": [{"line": str(ctx["white"].pk), "quantity": "100"}]})
    assert revised.status_code == 201, revised.content
    rev = revised.json()
    assert (rev["number"], rev["revision"], rev["status"]) == (pi["number"], 2, "draft")
    assert [r["revision"] for r in rev["revisions"]] == [1, 2]
    assert rev["diff"]["changed"][0]["changes"][0] == {
        "field": "quantity",
        "title": "Quantity",
        "old": "200.000",
        "new": "100.000",
    }
    old = ctx["merch"].get(url).json()
    assert old["status"] == "superseded"
    assert old["actions"] == []
    problem(post(ctx, pi, "cancel", {"reason": "x"}), 409, "invalid_transition")


def test_list_filters_search_and_pages(ctx):
    a = create(ctx, {"lines": [{"line": str(ctx["navy"].pk), "quantity": "1"}]}).json()
    b = create(ctx, {"lines": [{"line": str(ctx["navy"].pk), "quantity": "2"}]}).json()
    post(ctx, b, "send")
    url = f"{ctx['base']}proformas/"
    rows = ctx["viewer"].get(url).json()["results"]
    assert [r["id"] for r in rows] == [b["id"], a["id"]]
    assert rows[0]["order_number"] == ctx["order"].number
    assert rows[0]["customer_name"]
    assert [r["id"] for r in ctx["viewer"].get(url, {"status": "sent"}).json()["results"]] == [b["id"]]
    assert [r["id"] for r in ctx["viewer"].get(url, {"q": a["number"][-4:]}).json()["results"]] == [a["id"]]
    assert len(ctx["viewer"].get(url, {"order": str(ctx["order"].pk)}).json()["results"]) == 2
    assert ctx["viewer"].get(url, {"date_from": "2999-01-01"}).json()["results"] == []
    first = ctx["viewer"].get(url, {"limit": 1}).json()
    assert len(first["results"]) == 1
    assert first["next"]
    order_rows = ctx["viewer"].get(f"{ctx['base']}orders/{ctx['order'].pk}/proformas/").json()["results"]
    assert len(order_rows) == 2


def test_capabilities_and_other_organisations(ctx, other_org, member, api_as):
    pi = create(ctx).json()
    problem(
        ctx["viewer"].post(f"{ctx['base']}orders/{ctx['order'].pk}/proformas/", {}, format="json"),
        403,
        "permission_denied",
    )
    problem(post(ctx, pi, "send", client=ctx["viewer"]), 403, "permission_denied")
    assert ctx["viewer"].get(f"{ctx['base']}proformas/{pi['id']}/").status_code == 200
    rival = api_as(member(Role.OWNER, organization=other_org))
    base = f"/api/v1/o/{other_org.slug}/"
    assert rival.get(f"{base}proformas/{pi['id']}/").status_code == 404
    assert rival.post(f"{base}proformas/{pi['id']}/send/", {}, format="json").status_code == 404
    assert rival.post(f"{base}orders/{ctx['order'].pk}/proformas/", {}, format="json").status_code == 404
    assert rival.get(f"{base}proformas/").json()["results"] == []


def test_query_budgets_whatever_the_size(ctx, django_assert_max_num_queries):
    for _ in range(3):
        create(
            ctx,
            {
                "lines": [
                    {"line": str(ctx["navy"].pk), "quantity": "1"},
                    {"line": str(ctx["white"].pk), "quantity": "1"},
                ]
            },
        )
    pi = create(ctx, {"lines": [{"line": str(ctx["navy"].pk), "quantity": "1"}]}).json()
    post(ctx, pi, "send")
    rev = post(
        ctx,
        pi,
        "revise",
        {"lines": [{"line": str(ctx["navy"].pk), "quantity": "2"}, {"line": str(ctx["white"].pk), "quantity": "3"}]},
    ).json()
    with django_assert_max_num_queries(budget("api.proformas.list")):
        assert len(ctx["viewer"].get(f"{ctx['base']}proformas/").json()["results"]) == 4
    with django_assert_max_num_queries(budget("api.proformas.detail")):
        assert ctx["viewer"].get(f"{ctx['base']}proformas/{rev['id']}/").json()["diff"]["added"]
