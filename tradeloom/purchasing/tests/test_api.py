"""Purchase orders API: making a PO (idempotent), the list (filters, cursor pages, one statement a page), the detail
(ETag, 304), draft edits with If-Match, the moves (submit, approve, reject, cancel) with their problem codes,
amendments, receipts and their cancelling, back to back from an order, capabilities and other organisations' ids."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.purchasing.tests.helpers import TODAY, line, make_po, world
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


@pytest.fixture
def ctx(org, member, api_as):
    merch, manager, viewer = member(Role.MERCHANDISER), member(Role.MANAGER), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, merch)
    return {
        "w": w,
        "org": org,
        "url": f"/api/v1/o/{org.slug}/purchase-orders/",
        "client": api_as(merch),
        "manager": api_as(manager),
        "viewer": api_as(viewer),
    }


def problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert body["code"] == code, body
    return body


def body(ctx, **extra: Any) -> dict[str, Any]:
    w = ctx["w"]
    return {
        "supplier": str(w.supplier.pk),
        "po_date": str(TODAY),
        "tax_rate": "5.00",
        "lines": [
            {"material_name": "Cotton yarn 30/1", "quantity": "1200", "unit": str(w.unit.pk), "unit_price": "2.4575"},
            {"item": str(w.item.pk), "quantity": "10", "unit_price": "0.125", "tax_rate": "0"},
        ],
        **extra,
    }


def create(ctx, payload=None, client=None, **headers):
    return (client or ctx["client"]).post(ctx["url"], payload or body(ctx), format="json", headers=headers)


@pytest.mark.django_db
def test_a_po_answers_201_with_its_figures_and_etag(ctx):
    response = create(ctx)
    assert response.status_code == 201, response.content
    data = response.json()
    # 1200 x 2.4575 = 2949.00 at 5 % = 147.45; 10 x 0.125 = 1.25 at its own 0 %
    assert (data["number"], data["status"], data["subtotal"], data["tax"], data["total"]) == (
        "PO-000001",
        "draft",
        "2950.25",
        "147.45",
        "3097.70",
    )
    assert data["currency"] == "USD"
    assert [ln["amount"] for ln in data["lines"]] == ["2949.00", "1.25"]
    assert data["actions"] == ["submit", "cancel", "edit"]
    assert response["ETag"]


@pytest.mark.django_db
def test_creating_with_the_same_idempotency_key_makes_one_po(ctx):
    first = create(ctx, **{"Idempotency-Key": "po-1"})
    again = create(ctx, **{"Idempotency-Key": "po-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert PurchaseOrder.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_a_problem_with_the_field(ctx):
    data = problem(create(ctx, body(ctx, due_date=str(TODAY.replace(year=TODAY.year - 1)))), 400, "validation_error")
    assert "due_date" in data["errors"]
    data = problem(create(ctx, body(ctx, lines=[{"quantity": "1", "unit_price": "1"}])), 400, "validation_error")
    assert "lines.0.material_name" in data["errors"]


@pytest.mark.django_db
def test_the_list_filters_and_costs_one_statement_a_page(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        other = SupplierFactory(organization=ctx["org"])
        for _ in range(4):
            make_po(w, [line(w, "1", "1")])
        make_po(w, [line(w, "1", "1")], supplier=other)
    with django_assert_max_num_queries(budget("api.purchase-orders.list")):
        response = ctx["client"].get(ctx["url"], {"limit": 3})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert response.json()["next"]
    mine = ctx["client"].get(ctx["url"], {"supplier": str(other.pk)}).json()["results"]
    assert [r["supplier_name"] for r in mine] == [other.legal_name]
    assert ctx["client"].get(ctx["url"], {"status": "approved"}).json()["results"] == []
    # the compiled first page (no filter, or a status) pages as the general path does, and follows its cursor
    drafts = ctx["client"].get(ctx["url"], {"status": "draft", "limit": 4}).json()
    general = ctx["client"].get(ctx["url"], {"status": "draft", "limit": 4, "supplier": ""}).json()
    assert [r["id"] for r in drafts["results"]] == [r["id"] for r in general["results"]]
    rest = ctx["client"].get(drafts["next"]).json()["results"]
    assert len(drafts["results"]) + len(rest) == 5
    problem(ctx["client"].get(ctx["url"], {"status": "nope"}), 400, "validation_error")


@pytest.mark.django_db
def test_the_detail_has_an_etag_and_a_stale_if_match_is_412(ctx, django_assert_max_num_queries):
    po = create(ctx).json()
    url = f"{ctx['url']}{po['id']}/"
    with django_assert_max_num_queries(budget("api.purchase-orders.detail")):
        detail = ctx["client"].get(url)
    assert detail.status_code == 200
    assert ctx["client"].get(url, headers={"If-None-Match": detail["ETag"]}).status_code == 304
    changed = ctx["client"].patch(url, {"notes": "Rush"}, format="json", headers={"If-Match": detail["ETag"]})
    assert changed.status_code == 200
    assert changed.json()["notes"] == "Rush"
    problem(
        ctx["client"].patch(url, {"notes": "x"}, format="json", headers={"If-Match": detail["ETag"]}),
        412,
        "precondition_failed",
    )


@pytest.mark.django_db
def test_submit_above_the_limit_then_the_manager_approves_and_the_author_cannot(ctx, member, api_as):
    ctx["org"].settings = {"po_approval_limit": "1000"}
    ctx["org"].save()
    po = create(ctx).json()
    url = f"{ctx['url']}{po['id']}/"
    submitted = ctx["client"].post(f"{url}submit/", {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    # the merchandiser may not approve at all (the capability), the viewer neither
    problem(ctx["client"].post(f"{url}approve/", {}, format="json"), 403, "permission_denied")
    approved = ctx["manager"].post(f"{url}approve/", {}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert [a["decision"] for a in approved.json()["approvals"]] == ["approved"]
    # a manager's own PO
    manager = member(Role.MANAGER)
    own = create(ctx, client=api_as(manager)).json()
    api_as(manager).post(f"{ctx['url']}{own['id']}/submit/", {}, format="json")
    problem(api_as(manager).post(f"{ctx['url']}{own['id']}/approve/", {}, format="json"), 403, "self_approval")
    queue = ctx["manager"].get(f"{ctx['url']}approvals/").json()["results"]
    assert [r["number"] for r in queue] == [own["number"]]


@pytest.mark.django_db
def test_reject_cancel_and_wrong_moves(ctx):
    ctx["org"].settings = {"po_approval_limit": "1"}
    ctx["org"].save()
    po = create(ctx).json()
    url = f"{ctx['url']}{po['id']}/"
    problem(ctx["client"].post(f"{url}approve/", {}, format="json"), 403, "permission_denied")
    problem(ctx["manager"].post(f"{url}approve/", {}, format="json"), 409, "invalid_transition")
    ctx["client"].post(f"{url}submit/", {}, format="json")
    problem(ctx["manager"].post(f"{url}reject/", {}, format="json"), 400, "validation_error")
    rejected = ctx["manager"].post(f"{url}reject/", {"reason": "Price"}, format="json")
    assert rejected.json()["status"] == "draft"
    assert rejected.json()["status_reason"] == "Price"
    cancelled = ctx["client"].post(f"{url}cancel/", {"reason": "Not needed"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["actions"] == []


@pytest.mark.django_db
def test_amend_receive_and_cancel_the_receipt(ctx):
    w = ctx["w"]
    po = create(ctx, body(ctx, warehouse=str(w.warehouse.pk))).json()
    url = f"{ctx['url']}{po['id']}/"
    approved = ctx["client"].post(f"{url}submit/", {}, format="json").json()
    assert approved["status"] == "approved"
    problem(ctx["client"].patch(url, {"notes": "x"}, format="json"), 409, "po_not_editable")
    lines = approved["lines"]
    amended = ctx["client"].post(
        f"{url}amend/",
        {
            "reason": "More yarn",
            "lines": [
                {
                    "id": lines[0]["id"],
                    "material_name": "Cotton yarn 30/1",
                    "quantity": "1300",
                    "unit": str(w.unit.pk),
                    "unit_price": "2.4575",
                },
                {
                    "id": lines[1]["id"],
                    "item": str(w.item.pk),
                    "quantity": "10",
                    "unit_price": "0.125",
                    "tax_rate": "0",
                },
            ],
        },
        format="json",
    )
    assert amended.status_code == 201, amended.content
    data = amended.json()
    assert data["revision"] == 1
    assert data["amendments"][0]["changes"]["changed"][0]["fields"]["quantity"] == [
        "1200.000",
        "1300.000",
    ]
    received = ctx["client"].post(
        f"{url}receipts/", {"lines": [{"po_line": lines[1]["id"], "quantity": "10", "lot": "L7"}]}, format="json"
    )
    assert received.status_code == 201, received.content
    data = received.json()
    assert data["status"] == "partly_received"
    assert data["receipts"][0]["number"] == "PO-000001-R1"
    over = ctx["client"].post(
        f"{url}receipts/", {"lines": [{"po_line": lines[1]["id"], "quantity": "1"}]}, format="json"
    )
    assert problem(over, 409, "over_receipt")["errors"]["lines.0.quantity"]
    receipt = data["receipts"][0]["id"]
    cancelled = ctx["client"].post(f"{url}receipts/{receipt}/cancel/", {"reason": "Damaged"}, format="json")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "approved"
    assert cancelled.json()["receipts"][0]["status"] == "cancelled"


@pytest.mark.django_db
def test_the_viewer_reads_but_does_not_write(ctx):
    po = create(ctx).json()
    assert ctx["viewer"].get(f"{ctx['url']}{po['id']}/").status_code == 200
    problem(create(ctx, client=ctx["viewer"]), 403, "permission_denied")
    problem(ctx["viewer"].post(f"{ctx['url']}{po['id']}/submit/", {}, format="json"), 403, "permission_denied")
    problem(ctx["viewer"].get(f"{ctx['url']}approvals/"), 403, "permission_denied")


@pytest.mark.django_db
def test_another_organisations_po_is_404_and_its_supplier_cannot_be_named(ctx, other_org, member, api_as):
    po = create(ctx).json()
    stranger = api_as(member(Role.OWNER, organization=other_org))
    other_url = f"/api/v1/o/{other_org.slug}/purchase-orders/"
    problem(stranger.get(f"{other_url}{po['id']}/"), 404, "not_found")
    problem(stranger.post(f"{other_url}{po['id']}/submit/", {}, format="json"), 404, "not_found")
    with tenant_context(other_org):
        theirs = SupplierFactory(organization=other_org)
    # a reference to another organisation's record is as if it did not exist (records.api: a 404), and nothing is made
    problem(create(ctx, body(ctx, supplier=str(theirs.pk))), 404, "not_found")
    assert PurchaseOrder.objects.count() == 1


@pytest.mark.django_db
def test_the_list_answers_decimals_as_strings(ctx):
    create(ctx)
    row = ctx["client"].get(ctx["url"]).json()["results"][0]
    assert Decimal(row["total"]) == Decimal("3097.70")
    assert row["supplier_name"] == ctx["w"].supplier.legal_name


@pytest.mark.django_db
def test_the_lists_fast_rows_are_what_the_list_serializer_writes(ctx):
    from tradeloom.purchasing.api.serializers import PurchaseOrderListOutput
    from tradeloom.purchasing.selectors import purchase_order_list

    w = ctx["w"]
    with tenant_context(ctx["org"]):
        make_po(w, [line(w, "3", "0.335")], customer=w.customer)
    rows = ctx["client"].get(ctx["url"]).json()["results"]
    with tenant_context(ctx["org"]):
        expected = PurchaseOrderListOutput(purchase_order_list(organization=ctx["org"]), many=True).data
    assert rows == [dict(r) for r in expected]
    assert list(rows[0]) == list(expected[0])  # the same keys, in the same order


@pytest.mark.django_db
def test_the_fast_detail_is_what_the_detail_serializer_writes(ctx, member, api_as):
    """``detail_data`` writes the JSON itself; it is ``PurchaseOrderDetailOutput``'s, key order included, for a PO
    with every part: lines (a material, an item), a manager's approval, an amendment and two receipts with lines."""
    import json

    from tradeloom.purchasing import selectors
    from tradeloom.purchasing.api.serializers import detail_data, documented_detail_data

    w = ctx["w"]
    lines = body(ctx, warehouse=str(w.warehouse.pk))["lines"]
    lines[0]["quantity"] = "12000"  # above the approval limit: a manager approves
    po = create(ctx, body(ctx, warehouse=str(w.warehouse.pk), lines=lines)).json()
    url = f"{ctx['url']}{po['id']}/"
    assert ctx["client"].post(f"{url}submit/", {}, format="json").json()["status"] == "submitted"
    approved = ctx["manager"].post(f"{url}approve/", {}, format="json").json()
    first, second = approved["lines"]
    amended = {**lines[1], "id": second["id"], "quantity": "20"}
    ctx["client"].post(
        f"{url}amend/", {"reason": "More", "lines": [{**lines[0], "id": first["id"]}, amended]}, format="json"
    )
    assert ctx["client"].get(url).json()["status"] == "submitted"  # the amendment raised it: approved again
    ctx["manager"].post(f"{url}approve/", {}, format="json")
    for quantity in ("5", "6"):
        received = ctx["client"].post(
            f"{url}receipts/", {"lines": [{"po_line": second["id"], "quantity": quantity}]}, format="json"
        )
        assert received.status_code == 201, received.content
    with tenant_context(ctx["org"]):
        detail = selectors.purchase_order_detail(organization=ctx["org"], purchase_order_id=po["id"])
        fast, documented = detail_data(detail), documented_detail_data(detail)
    assert [len(fast[part]) for part in ("lines", "approvals", "amendments", "receipts")] == [2, 2, 1, 2]
    assert [len(receipt["lines"]) for receipt in fast["receipts"]] == [1, 1]
    assert json.dumps(fast) == json.dumps(documented)
