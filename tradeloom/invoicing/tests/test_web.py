"""Invoice pages: the list (filters, badges, HTMX, its cost), an invoice's page (figures, due basis, credit notes,
panels, timeline, its cost), drafting from a shipment (the shipment page's action) and from an order, editing a
draft, issuing, voiding and credit notes from the page, capabilities and other organisations' ids."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.invoicing import services, states
from tradeloom.invoicing.extensions import INVOICE_PANELS, InvoicePanel
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.tests.helpers import DAY, TODAY, depart, order_of, ship, terms, world
from tradeloom.tenancy.roles import Role
from tradeloom.testing import walls
from tradeloom.testing.budgets import budget
from tradeloom.testing.routes import web_tenant_routes

pytestmark = pytest.mark.django_db


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(org, member):
    accounts, viewer = member(Role.ACCOUNTS), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, accounts)
        order, lines = order_of(w, [("100", "2.50", "10"), ("40", "1.25", None)], tax_rate="5")
        shipment = ship(w, [(lines[0], "60")], etd=TODAY - 2 * DAY)
    return {
        "w": w,
        "org": org,
        "order": order,
        "lines": lines,
        "shipment": shipment,
        "as_accounts": client_for(accounts),
        "as_viewer": client_for(viewer),
        "base": f"/o/{org.slug}",
    }


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def draft(ctx, **data) -> Invoice:
    with tenant_context(ctx["org"]):
        return services.invoice_create_from_shipment(
            organization=ctx["org"], by=ctx["w"].by, shipment=ctx["shipment"], data=data
        )


def test_the_shipment_page_offers_invoice_this_shipment_to_accounts_only(ctx):
    path = f"{ctx['base']}/shipments/{ctx['shipment'].pk}/"
    assert 'data-shipment-action="invoice"' in html(ctx["as_accounts"].get(path))
    assert 'data-shipment-action="invoice"' not in html(ctx["as_viewer"].get(path))


def test_drafting_from_a_shipment_then_issuing_and_a_credit_note(ctx):
    new = f"{ctx['base']}/shipments/{ctx['shipment'].pk}/invoice/"
    page = html(ctx["as_accounts"].get(new))
    assert "Draft invoice" in page
    assert ctx["shipment"].number in page
    response = ctx["as_accounts"].post(new, {"issue_date": TODAY.isoformat(), "notes": "Thanks"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(ctx["org"]):
        invoice = Invoice.objects.get()
    assert response["Location"] == f"{ctx['base']}/invoices/{invoice.pk}/"
    # 60 x 2.50 = 150.00 + 10 % = 15.00
    page = html(ctx["as_accounts"].get(response["Location"]))
    assert "165.00" in page
    assert "Issue invoice" in page
    moved = ctx["as_accounts"].post(
        f"{ctx['base']}/invoices/{invoice.pk}/move/", {"action": "issue", "version": invoice.version}
    )
    assert moved.status_code == 302
    refused = ctx["as_accounts"].post(
        f"{ctx['base']}/invoices/{invoice.pk}/credit-notes/", {"amount": "200.00", "reason": "Too much"}
    )
    page = html(refused)
    assert "owes USD 165.00" in page
    ctx["as_accounts"].post(f"{ctx['base']}/invoices/{invoice.pk}/credit-notes/", {"amount": "15.00", "reason": "Late"})
    with tenant_context(ctx["org"]):
        invoice.refresh_from_db()
    assert (invoice.status, invoice.credited_amount, invoice.outstanding) == (
        states.ISSUED,
        Decimal("15.00"),
        Decimal("150.00"),
    )
    page = html(ctx["as_accounts"].get(f"{ctx['base']}/invoices/{invoice.pk}/"))
    assert f"CN-{TODAY.year}-00001" in page
    assert "issued" in page.lower()
    assert "Timeline" in page


def test_a_second_invoice_of_the_shipment_is_refused_above_the_form(ctx):
    first = draft(ctx)
    new = f"{ctx['base']}/shipments/{ctx['shipment'].pk}/invoice/"
    page = html(ctx["as_accounts"].get(new))
    assert first.number in page
    page = html(ctx["as_accounts"].post(new, {"issue_date": TODAY.isoformat()}))
    assert "is invoiced already" in page


def test_drafting_from_an_order_with_chosen_quantities_and_errors_on_the_line(ctx):
    first, second = ctx["lines"]
    new = f"{ctx['base']}/orders/{ctx['order'].pk}/invoice/"
    page = html(ctx["as_accounts"].get(new))
    assert 'value="100"' in page  # prefilled with what is left of the first line
    posted = {"issue_date": TODAY.isoformat(), f"l-{first.pk}-quantity": "101", f"l-{second.pk}-quantity": ""}
    page = html(ctx["as_accounts"].post(new, posted))
    assert "more than is left to invoice" in page
    posted[f"l-{first.pk}-quantity"] = "10"
    response = ctx["as_accounts"].post(new, posted)
    assert response.status_code == 302
    with tenant_context(ctx["org"]):
        assert Invoice.objects.get().total == Decimal("27.50")  # 10 x 2.50 = 25.00 + 10 % = 2.50


def test_editing_a_draft_and_its_due_basis_shown(ctx):
    with tenant_context(ctx["org"]):
        net90 = terms(ctx["w"], "90 days from B/L", [{"percent": "100", "days": 90, "basis": "bl_date"}])
    invoice = draft(ctx)
    edit = f"{ctx['base']}/invoices/{invoice.pk}/edit/"
    assert "Save" in html(ctx["as_accounts"].get(edit))
    response = ctx["as_accounts"].post(
        edit, {"issue_date": TODAY.isoformat(), "payment_terms": str(net90.pk), "version": invoice.version}
    )
    assert response.status_code == 302
    page = html(ctx["as_accounts"].get(f"{ctx['base']}/invoices/{invoice.pk}/"))
    assert "90 days from the B/L date" in page
    assert "set when the shipment leaves" in page
    with tenant_context(ctx["org"]):
        depart(ctx["w"], ctx["shipment"], TODAY - DAY)
    page = html(ctx["as_accounts"].get(f"{ctx['base']}/invoices/{invoice.pk}/"))
    assert (TODAY + 89 * DAY).strftime("%-d %b %Y") in page


def test_the_list_marks_overdue_and_filters(ctx):
    invoice = draft(ctx)
    with tenant_context(ctx["org"]):
        services.invoice_issue(invoice=invoice, by=ctx["w"].by)
        Invoice.objects.filter(pk=invoice.pk).update(due_date=TODAY - DAY)
    page = html(ctx["as_viewer"].get(f"{ctx['base']}/invoices/"))
    assert invoice.number in page
    assert "Overdue" in page
    assert invoice.number not in html(ctx["as_viewer"].get(f"{ctx['base']}/invoices/?status=draft"))
    assert invoice.number in html(ctx["as_viewer"].get(f"{ctx['base']}/invoices/?overdue=true"))
    swap = ctx["as_viewer"].get(f"{ctx['base']}/invoices/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="invoice-list")
    assert html(swap).lstrip().startswith('<div class="card" id="invoice-list">')


def test_a_viewer_reads_but_cannot_write(ctx):
    invoice = draft(ctx)
    page = html(ctx["as_viewer"].get(f"{ctx['base']}/invoices/{invoice.pk}/"))
    assert "Issue invoice" not in page
    assert ctx["as_viewer"].get(f"{ctx['base']}/invoices/{invoice.pk}/edit/").status_code == 403
    refused = ctx["as_viewer"].post(f"{ctx['base']}/invoices/{invoice.pk}/move/", {"action": "issue"})
    assert refused.status_code == 403


def test_a_registered_panel_shows_on_the_invoice_page(ctx, monkeypatch):
    monkeypatch.setattr(INVOICE_PANELS, "_items", {})
    INVOICE_PANELS.register(
        "payments",
        InvoicePanel("payments", "Payments received", "invoicing/tests/_panel.html", lambda invoice: {"n": 3}),
    )
    invoice = draft(ctx)
    page = html(ctx["as_accounts"].get(f"{ctx['base']}/invoices/{invoice.pk}/"))
    assert "Payments received" in page
    assert "panel says 3" in page


def test_the_pages_cost_the_same_whatever_their_size(ctx, django_assert_max_num_queries):
    invoice = draft(ctx)
    with tenant_context(ctx["org"]):
        order, lines = order_of(ctx["w"], [("10", "1.00", None)] * 12)
        for _ in range(4):
            services.invoice_create_from_order(
                organization=ctx["org"],
                by=ctx["w"].by,
                order=order,
                lines=[{"line": line.pk, "quantity": "1"} for line in lines],
            )
        big = Invoice.objects.order_by("-created_at").first()
    client = ctx["as_accounts"]
    assert queries(client, f"{ctx['base']}/invoices/") <= budget("web.invoices.list")
    small, large = (queries(client, f"{ctx['base']}/invoices/{x.pk}/") for x in (invoice, big))
    assert small == large <= budget("web.invoices.detail")
    assert queries(client, f"{ctx['base']}/shipments/{ctx['shipment'].pk}/invoice/") <= budget(
        "web.invoices.new_shipment"
    )
    assert queries(client, f"{ctx['base']}/orders/{order.pk}/invoice/") <= budget("web.invoices.new_order")


walls.load_all()
ROUTES = [(t, cb) for t, cb in web_tenant_routes() if cb.__module__.startswith("tradeloom.invoicing.")]


def test_every_invoice_page_is_guarded():
    assert len(ROUTES) == 8
    for template, callback in ROUTES:
        assert getattr(callback, "tenant_capabilities", None), template


@pytest.mark.parametrize(("template", "callback"), ROUTES, ids=[t for t, _ in ROUTES])
def test_another_organisations_ids_are_404_and_write_nothing(template, callback, ctx, other_org):
    ids = {name: walls.other_org_object(name, other_org).pk for name in re.findall(r"<uuid:(\w+)>", template)}
    path = "/" + re.sub(r"<uuid:(\w+)>", lambda m: str(ids[m[1]]), template.replace("<slug:org_slug>", "acme"))
    with tenant_context(ctx["org"]):
        before = AuditEvent.objects.count()
    for method in callback.tenant_capabilities:
        response = getattr(ctx["as_accounts"], method.lower())(path, {"action": "issue", "reason": "x"})
        assert response.status_code == (200 if not ids else 404), (template, method)
    with tenant_context(ctx["org"]):
        assert AuditEvent.objects.count() == before
