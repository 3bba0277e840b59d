"""Purchasing pages: the list (filters, totals, budget), a PO's page (moves as forms, lines, receipts, approvals,
amendments with their diffs, timeline, budget), the PO form (line rows, errors next to their fields, nothing saved on
bad input), editing a draft, amending, the approval queue, the receipt form (over-receipt on the row), cancelling a
receipt; viewers read and are refused every write; another organisation's PO is a 404."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.purchasing import services, states
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.tests.helpers import approved_po, line, make_po, world
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

D = Decimal


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(org, member):
    merch, manager, viewer = member(Role.MERCHANDISER), member(Role.MANAGER), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, merch)
    return {
        "w": w,
        "org": org,
        "client": client_for(merch),
        "manager": client_for(manager),
        "manager_member": manager,
        "viewer": client_for(viewer),
        "base": f"/o/{org.slug}/purchase-orders/",
    }


def text(response) -> str:
    return unescape(response.content.decode())


def form_data(ctx, **extra):
    w = ctx["w"]
    data = {
        "supplier": str(w.supplier.pk),
        "currency": "USD",
        "tax_rate": "5",
        "l-0-material_name": "Cotton yarn 30/1",
        "l-0-quantity": "1200",
        "l-0-unit": str(w.unit.pk),
        "l-0-unit_price": "2.4575",
        "l-3-item": str(w.item.pk),
        "l-3-quantity": "10",
        "l-3-unit_price": "0.125",
        "l-3-tax_rate": "0",
        "l-4-description": "",  # a blank row is ignored
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_list_filters_totals_and_costs_a_fixed_number_of_statements(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        other = SupplierFactory(organization=ctx["org"], legal_name="Zeta Trims")
        for _ in range(4):
            make_po(w, [line(w, "10", "1")])
        make_po(w, [line(w, "10", "2.5")], supplier=other, currency="EUR")
    with django_assert_max_num_queries(budget("web.purchase-orders.list")):
        response = ctx["client"].get(ctx["base"])
    assert response.status_code == 200
    html = text(response)
    assert "PO-000005" in html
    assert "4 POs in USD" in html
    assert "USD 40.00" in html
    assert "EUR 25.00" in html
    filtered = text(ctx["client"].get(ctx["base"], {"supplier": str(other.pk)}))
    assert "Zeta Trims" in filtered
    assert "PO-000001<" not in filtered
    assert "1 PO in EUR" in filtered
    assert "USD" not in filtered.split('id="po-totals"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_a_new_po_from_the_form_with_rows(ctx):
    response = ctx["client"].get(f"{ctx['base']}new/")
    assert response.status_code == 200
    assert 'id="po-line-template"' in text(response)
    made = ctx["client"].post(f"{ctx['base']}new/", form_data(ctx))
    assert made.status_code == 302
    po = PurchaseOrder.objects.get()
    assert (po.total, po.line_count) == (D("3097.70"), 2)


@pytest.mark.django_db
def test_bad_input_shows_the_errors_next_to_the_fields_and_saves_nothing(ctx):
    bad = form_data(ctx, **{"l-0-quantity": "0", "l-3-unit_price": ""})
    response = ctx["client"].post(f"{ctx['base']}new/", bad)
    assert response.status_code == 200
    html = text(response)
    assert "Quantity must be above zero." in html
    assert "Enter the unit price" in html
    assert PurchaseOrder.objects.count() == 0
    # the header's refusal lands on its field
    response = ctx["client"].post(f"{ctx['base']}new/", form_data(ctx, due_date="2000-01-01"))
    html = text(response)
    assert "The due date cannot be before the PO date." in html
    assert PurchaseOrder.objects.count() == 0
    # the typed rows are kept
    assert 'value="1200"' in html
    assert "Cotton yarn 30/1" in html


@pytest.mark.django_db
def test_the_detail_page_shows_everything_within_its_budget(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = approved_po(w, [line(w, "100", "2", item=True), line(w, "5", "1")], warehouse=w.warehouse)
        rows = list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position"))
        services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": rows[0].pk, "quantity": "40"}])
        services.purchase_order_amend(
            purchase_order=PurchaseOrder.objects.get(pk=po.pk),
            by=w.by,
            reason="Buyer added",
            data={"notes": "Rush"},
            lines=[{**line(w, "120", "2", item=True), "id": rows[0].pk}, {**line(w, "5", "1"), "id": rows[1].pk}],
        )
    url = f"{ctx['base']}{po.pk}/"
    with django_assert_max_num_queries(budget("web.purchase-orders.detail")):
        response = ctx["client"].get(url)
    html = text(response)
    assert response.status_code == 200
    assert "PO-000001 <span" in html
    assert "Partly received" in html
    assert "PO-000001-R1" in html
    assert "Revision 1" in html
    assert "“Buyer added”" in html
    assert "Notes:" in html
    assert "Rush" in html
    assert "Approved at submission" in html
    assert "Receive goods" in html
    assert "Amend" in html
    assert "amended this PO" in html  # the timeline


@pytest.mark.django_db
def test_submit_then_the_manager_approves_from_the_queue(ctx, django_assert_max_num_queries):
    ctx["org"].settings = {"po_approval_limit": "100"}
    ctx["org"].save()
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = make_po(w, [line(w, "100", "2")])
    moved = ctx["client"].post(f"{ctx['base']}{po.pk}/move/", {"action": "submit", "version": po.version})
    assert moved.status_code == 302
    po.refresh_from_db()
    assert po.status == states.SUBMITTED
    with django_assert_max_num_queries(budget("web.purchase-orders.approvals")):
        queue = ctx["manager"].get(f"{ctx['base']}approvals/")
    assert "PO-000001" in text(queue)
    # the merchandiser has no approval queue and cannot approve
    assert ctx["client"].get(f"{ctx['base']}approvals/").status_code == 403
    assert ctx["client"].post(f"{ctx['base']}{po.pk}/move/", {"action": "approve"}).status_code == 403
    approved = ctx["manager"].post(
        f"{ctx['base']}{po.pk}/move/", {"action": "approve", "version": po.version, "next": "approvals"}
    )
    assert approved.status_code == 302
    assert approved["Location"].endswith("/approvals/")
    po.refresh_from_db()
    assert po.status == states.APPROVED


@pytest.mark.django_db
def test_a_refused_move_shows_its_error_on_the_form(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = make_po(w, [line(w, "1", "1")])
    response = ctx["client"].post(f"{ctx['base']}{po.pk}/move/", {"action": "cancel", "version": po.version})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    po.refresh_from_db()
    assert po.status == states.DRAFT


@pytest.mark.django_db
def test_editing_a_draft_and_amending_an_approved_po(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = make_po(w, [line(w, "10", "1")])
    page = ctx["client"].get(f"{ctx['base']}{po.pk}/edit/")
    assert page.status_code == 200
    assert "Save draft" in text(page)
    row = PurchaseOrderLine.objects.get(purchase_order=po)
    data = {
        "supplier": str(w.supplier.pk),
        "currency": "USD",
        "tax_rate": "0",
        "version": po.version,
        "l-0-id": str(row.pk),
        "l-0-material_name": "Cotton yarn 30/1",
        "l-0-quantity": "12",
        "l-0-unit": str(w.unit.pk),
        "l-0-unit_price": "1",
    }
    assert ctx["client"].post(f"{ctx['base']}{po.pk}/edit/", data).status_code == 302
    po.refresh_from_db()
    assert po.total == D("12.00")
    # a stale version is refused
    stale = ctx["client"].post(f"{ctx['base']}{po.pk}/edit/", {**data, "l-0-quantity": "13"})
    assert stale.status_code == 200
    assert "changed by someone else" in text(stale)
    services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
    po.refresh_from_db()
    assert ctx["client"].get(f"{ctx['base']}{po.pk}/edit/").status_code == 302  # not a draft any more
    amend = {k: v for k, v in data.items() if k not in ("supplier", "currency")} | {"version": po.version}
    missing = ctx["client"].post(f"{ctx['base']}{po.pk}/amend/", {**amend, "l-0-quantity": "15"})
    assert missing.status_code == 200
    assert "This field is required." in text(missing)
    done = ctx["client"].post(f"{ctx['base']}{po.pk}/amend/", {**amend, "l-0-quantity": "15", "reason": "More"})
    assert done.status_code == 302
    po.refresh_from_db()
    assert (po.revision, po.total, po.status) == (1, D("15.00"), states.APPROVED)


@pytest.mark.django_db
def test_the_receipt_form_refuses_over_receipt_on_the_row_and_cancels(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = approved_po(w, [line(w, "100", "2", item=True)], warehouse=w.warehouse)
        row = PurchaseOrderLine.objects.get(purchase_order=po)
    url = f"{ctx['base']}{po.pk}/receipts/new/"
    page = ctx["client"].get(url)
    assert page.status_code == 200
    assert "up to 105" in text(page)
    over = ctx["client"].post(url, {f"r-{row.pk}-quantity": "106", "version": po.version})
    assert over.status_code == 200
    assert "it allows 105" in text(over)
    with tenant_context(ctx["org"]):
        assert not po.receipts.exists()
    made = ctx["client"].post(
        url, {f"r-{row.pk}-quantity": "60", "r-" + str(row.pk) + "-lot": "L1", "version": po.version}
    )
    assert made.status_code == 302
    with tenant_context(ctx["org"]):
        receipt = po.receipts.get()
        po.refresh_from_db()
    cancel_url = f"{ctx['base']}{po.pk}/receipts/{receipt.pk}/cancel/"
    refused = ctx["client"].post(cancel_url, {"version": po.version})
    assert refused.status_code == 200
    assert "This field is required." in text(refused)
    assert ctx["client"].post(cancel_url, {"version": po.version, "reason": "Damaged"}).status_code == 302
    with tenant_context(ctx["org"]):
        po.refresh_from_db()
    assert po.status == states.APPROVED


@pytest.mark.django_db
def test_viewers_read_but_every_write_is_refused(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = make_po(w, [line(w, "1", "1")])
    assert ctx["viewer"].get(ctx["base"]).status_code == 200
    assert ctx["viewer"].get(f"{ctx['base']}{po.pk}/").status_code == 200
    for url in (f"{ctx['base']}new/", f"{ctx['base']}{po.pk}/edit/", f"{ctx['base']}{po.pk}/receipts/new/"):
        assert ctx["viewer"].get(url).status_code == 403
    assert ctx["viewer"].post(f"{ctx['base']}{po.pk}/move/", {"action": "submit"}).status_code == 403


@pytest.mark.django_db
def test_another_organisations_po_is_a_404(ctx, other_org, member):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = make_po(w, [line(w, "1", "1")])
    stranger = client_for(member(Role.OWNER, organization=other_org))
    assert stranger.get(f"/o/{other_org.slug}/purchase-orders/{po.pk}/").status_code == 404
    assert stranger.post(f"/o/{other_org.slug}/purchase-orders/{po.pk}/move/", {"action": "submit"}).status_code == 404


@pytest.mark.django_db
def test_the_new_po_page_costs_the_same_whatever_the_choices(ctx, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget("web.purchase-orders.new")):
        assert ctx["client"].get(f"{ctx['base']}new/").status_code == 200


@pytest.mark.django_db
def test_the_receipt_and_amendment_pages_cost_the_same_whatever_the_lines(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        po = approved_po(w, [line(w, "10", "1", item=True) for _ in range(6)], warehouse=w.warehouse)
    with django_assert_max_num_queries(budget("web.purchase-orders.receipt_new")):
        assert ctx["client"].get(f"{ctx['base']}{po.pk}/receipts/new/").status_code == 200
    with django_assert_max_num_queries(budget("web.purchase-orders.amend")):
        assert ctx["client"].get(f"{ctx['base']}{po.pk}/amend/").status_code == 200
