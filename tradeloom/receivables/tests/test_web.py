"""Receivables pages: the payments list (filters, budget), recording a payment with allocation rows (errors next to
the row's field), a payment's page (figures, allocations and their exchange differences, allocate, take back,
void, budget), the edit with a stale version, the ageing page with its two sections, the statement page, the
order's Finance tab and the invoice page's Payments card; viewers read and are refused every write; another
organisation's ids are 404."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.invoicing.models import Invoice
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.receivables import panels
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.receivables.tests.helpers import invoice, pay
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.testing import walls
from tradeloom.testing.budgets import budget
from tradeloom.testing.routes import web_tenant_routes

pytestmark = pytest.mark.django_db

D = Decimal


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


def html(response):
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


@pytest.fixture
def web(rx):
    rx["as_accounts"] = client_for(rx["accounts"])
    rx["as_viewer"] = client_for(rx["viewer"])
    rx["base"] = f"/o/{rx['org'].slug}"
    return rx


def test_the_list_with_its_filters(web, django_assert_max_num_queries):
    payment = pay(web, "1234.50", bank_reference="FT-998", bank_charges=D("12.00"))
    pay(web, "10.00", customer=web["other_customer"])
    with django_assert_max_num_queries(budget("web.payments.list")):
        page = html(web["as_accounts"].get(f"{web['base']}/payments/"))
    assert payment.number in page
    assert "1,234.50" in page
    assert "FT-998" in page
    assert "Record payment" in page
    filtered = html(web["as_accounts"].get(f"{web['base']}/payments/", {"customer": str(web["other_customer"].pk)}))
    assert payment.number not in filtered
    assert payment.number in html(web["as_accounts"].get(f"{web['base']}/payments/", {"q": "FT-99"}))
    assert "Record payment" not in html(web["as_viewer"].get(f"{web['base']}/payments/"))


def test_record_a_payment_with_allocation_rows(web, django_assert_max_num_queries):
    web["customer"].default_currency = "EUR"
    web["customer"].save(update_fields=["default_currency"])
    a = invoice(web, total="700.00", currency="EUR", rate="1.10")
    b = invoice(web, total="500.00", currency="EUR", rate="1.10")
    url = f"{web['base']}/payments/new/"
    with django_assert_max_num_queries(budget("web.payments.new")):
        form = html(web["as_accounts"].get(url, {"customer": str(web["customer"].pk)}))
    assert a.number in form
    assert b.number in form
    assert 'value="EUR"' in form
    posted = {
        "customer": str(web["customer"].pk),
        "received_on": "2026-11-20",
        "amount": "1000.00",
        "currency": "EUR",
        "exchange_rate": "1.12",
        "method": "wire",
        "bank_reference": "",
        "bank_charges": "15.00",
        "notes": "",
        "a0-invoice": str(a.pk),
        "a0-amount": "700.00",
        "a1-invoice": str(b.pk),
        "a1-amount": "400.00",
    }
    # too much on the second row: the error is next to it, nothing is written
    refused = html(web["as_accounts"].post(url, posted))
    assert "This allocates 1,100.00 EUR" in refused  # above the rows: the payment's own limit
    assert not Payment.objects.exists()
    posted["a1-amount"] = "300.00"
    response = web["as_accounts"].post(url, posted)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.allocated_amount == D("1000.00")
    assert Invoice.objects.get(pk=a.pk).status == "paid"


def test_a_row_beyond_the_invoice_shows_the_error_on_the_row(web):
    a = invoice(web, total="100.00")
    posted = {
        "customer": str(web["customer"].pk),
        "received_on": "2026-11-20",
        "amount": "500.00",
        "currency": "USD",
        "exchange_rate": "1",
        "method": "wire",
        "a0-invoice": str(a.pk),
        "a0-amount": "150.00",
    }
    page = html(web["as_accounts"].post(f"{web['base']}/payments/new/", posted))
    assert 'id="id_a0-amount_error"' in page
    assert "100.00 USD outstanding" in page


def test_the_payment_page_and_its_actions(web, django_assert_max_num_queries):
    a = invoice(web, total="1000.00", currency="EUR", rate="1.10")
    b = invoice(web, total="300.00", currency="EUR", rate="1.10")
    payment = pay(
        web,
        "1000.00",
        currency="EUR",
        exchange_rate=D("1.12"),
        bank_charges=D("15.00"),
        allocations=[{"invoice": a, "amount": "600.00"}],
    )
    url = f"{web['base']}/payments/{payment.pk}/"
    with django_assert_max_num_queries(budget("web.payments.detail")):
        page = html(web["as_accounts"].get(url))
    assert "985.00" in page  # net received
    assert "+12.00 gain" in page  # 600 x 0.02
    assert b.number in page  # offered in the allocate form
    version = Payment.objects.get(pk=payment.pk).version
    allocated = web["as_accounts"].post(
        f"{url}allocate/", {"version": version, "a0-invoice": str(a.pk), "a1-invoice": str(b.pk), "a1-amount": "300.00"}
    )
    assert allocated.status_code == 302
    assert Payment.objects.get(pk=payment.pk).unallocated == D("100.00")
    version = Payment.objects.get(pk=payment.pk).version
    back = web["as_accounts"].post(f"{url}unallocate/", {"version": version, "invoice": str(b.pk)})
    assert back.status_code == 302
    assert not Allocation.objects.filter(invoice=b).exists()
    refused = html(web["as_accounts"].post(f"{url}void/", {"version": Payment.objects.get(pk=payment.pk).version}))
    assert 'id="vd-reason_error"' in refused
    version = Payment.objects.get(pk=payment.pk).version
    voided = web["as_accounts"].post(f"{url}void/", {"version": version, "reason": "Recalled"})
    assert voided.status_code == 302
    assert Payment.objects.get(pk=payment.pk).is_void
    after = html(web["as_accounts"].get(url))
    assert "Recalled" in after
    assert "voided" in after
    assert "Void payment" not in after


def test_the_edit_with_a_stale_version(web):
    payment = pay(web, "100.00")
    url = f"{web['base']}/payments/{payment.pk}/edit/"
    assert "Edit " in html(web["as_accounts"].get(url))
    posted = {
        "received_on": "2026-11-20",
        "amount": "100.00",
        "exchange_rate": "1",
        "method": "cheque",
        "bank_reference": "CHQ-1",
        "bank_charges": "0",
        "notes": "",
        "version": payment.version,
    }
    assert web["as_accounts"].post(url, posted).status_code == 302
    assert Payment.objects.get(pk=payment.pk).method == "cheque"
    stale = web["as_accounts"].post(url, {**posted, "bank_reference": "CHQ-2"})
    assert stale.status_code == 200
    assert "changed by someone else" in html(stale)


def test_the_ageing_page(web, django_assert_max_num_queries):
    lc = LetterOfCreditFactory(organization=web["org"], customer=web["customer"])
    invoice(web, total="100.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31))
    invoice(web, total="250.00", issue_date=date(2026, 10, 1), due_date=date(2026, 9, 1), letter_of_credit=lc)
    with django_assert_max_num_queries(budget("web.receivables.ageing")):
        page = html(web["as_viewer"].get(f"{web['base']}/receivables/ageing/", {"as_of": "2026-11-30"}))
    lc_section = page[page.index('id="lc_backed"') : page.index('id="open_account"')]
    open_section = page[page.index('id="open_account"') :]
    assert "250.00" in lc_section
    assert "100.00" not in lc_section
    assert "100.00" in open_section
    assert "Bayside Apparel" in open_section


def test_the_statement_page(web, django_assert_max_num_queries):
    invoice(web, total="100.00", issue_date=date(2026, 11, 3))
    pay(web, "40.00", received_on=date(2026, 11, 4))
    url = f"{web['base']}/receivables/statement/"
    assert "Choose a customer" in html(web["as_viewer"].get(url))
    params = {"customer": str(web["customer"].pk), "date_from": "2026-11-01", "date_to": "2026-11-30"}
    with django_assert_max_num_queries(budget("web.receivables.statement")):
        page = html(web["as_viewer"].get(url, params))
    assert re.search(r'id="closing-USD">\s*60.00', page)
    assert re.search(r'id="credit-USD">\s*USD 40.00', page)


def test_the_orders_finance_tab(web, django_assert_max_num_queries):
    order = OrderFactory(organization=web["org"], customer=web["customer"], currency="EUR")
    inv = invoice(web, total="1000.00", currency="EUR", rate="1.10", order=order)
    payment = pay(
        web, "600.00", currency="EUR", exchange_rate=D("1.15"), allocations=[{"invoice": inv, "amount": "600.00"}]
    )
    url = f"{web['base']}/orders/{order.pk}/finance/"
    with django_assert_max_num_queries(budget("web.orders.finance")):
        page = html(web["as_viewer"].get(url))
    assert inv.number in page
    assert payment.number in page
    assert "EUR 1,000.00" in page
    assert "EUR 600.00" in page
    assert "EUR 400.00" in page
    assert "USD 690.00" in page  # received at the payment's rate
    assert "Record payment" not in page
    assert "Record payment" in html(web["as_accounts"].get(url))
    order_page = html(web["as_viewer"].get(f"{web['base']}/orders/{order.pk}/"))
    assert "?tab=finance" in order_page


def test_the_invoice_pages_payments_card(web):
    inv = invoice(web, total="1000.00", currency="EUR", rate="1.10")
    pay(web, "400.00", currency="EUR", exchange_rate=D("1.05"), allocations=[{"invoice": inv, "amount": "400.00"}])
    context = panels.invoice_payments(Invoice.objects.get(pk=inv.pk))
    assert context["allocated"] == D("400.00")
    assert context["fx_difference"] == D("-20.00")
    Invoice.objects.filter(pk=inv.pk).update(status="draft")
    assert panels.invoice_payments(Invoice.objects.get(pk=inv.pk)) is None


def test_a_viewer_is_refused_every_write(web):
    payment = pay(web, "10.00")
    base = f"{web['base']}/payments/"
    assert web["as_viewer"].get(f"{base}new/").status_code == 403
    for path in ("allocate/", "unallocate/", "void/", "edit/"):
        assert web["as_viewer"].post(f"{base}{payment.pk}/{path}", {"reason": "x"}).status_code == 403


# --- the walls, for these pages --------------------------------------------------------------------------------------

walls.load_all()
ROUTES = [(t, cb) for t, cb in web_tenant_routes() if cb.__module__.startswith("tradeloom.receivables.")]


def test_every_receivables_page_is_guarded():
    assert len(ROUTES) == 10
    for template, callback in ROUTES:
        assert getattr(callback, "tenant_capabilities", None), template


@pytest.mark.parametrize(("template", "callback"), ROUTES, ids=[t for t, _ in ROUTES])
def test_another_organisations_ids_are_404_and_write_nothing(template, callback, web, other_org, owner):
    ids = {name: walls.other_org_object(name, other_org).pk for name in re.findall(r"<uuid:(\w+)>", template)}
    path = "/" + re.sub(r"<uuid:(\w+)>", lambda m: str(ids[m[1]]), template.replace("<slug:org_slug>", "acme"))
    as_owner = client_for(owner)
    with tenant_context(web["org"]):
        before = AuditEvent.objects.count()
    for method in callback.tenant_capabilities:
        response = getattr(as_owner, method.lower())(path, {"reason": "x"})
        assert response.status_code in ((200, 302) if not ids else (404,)), (template, method)
    with tenant_context(web["org"]):
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("customer", ["abc", "0" * 36, "'; drop table x; --"])
def test_a_customer_that_is_not_an_id_shows_the_form_with_no_customer_never_a_500(web, customer):
    page = html(web["as_accounts"].get(f"{web['base']}/payments/new/", {"customer": customer}))
    assert "Record a payment" in page or "<form" in page
    posted = web["as_accounts"].post(f"{web['base']}/payments/new/", {"customer": customer, "reload": "1"})
    assert posted.status_code == 200
