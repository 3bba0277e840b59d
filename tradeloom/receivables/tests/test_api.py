"""Receivables API: recording a payment with allocations (idempotent, all or nothing, refusals naming the row),
the list (filters, cursor pages, one statement a page), the detail (ETag, If-None-Match), edits and actions with
If-Match, the ageing report, a customer's statement, an order's finance, other organisations' ids (in the path and
in an allocation's body) and the capabilities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.receivables.tests.factories import PaymentFactory, issued_invoice
from tradeloom.receivables.tests.helpers import invoice, pay
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def api(rx, api_as):
    rx["client"] = api_as(rx["accounts"])
    rx["base"] = f"/api/v1/o/{rx['org'].slug}/"
    return rx


def url(api, path):
    return f"{api['base']}{path}"


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code, response.json()
    return response.json()


def body(api, **extra):
    return {
        "customer": str(api["customer"].pk),
        "received_on": "2026-11-20",
        "amount": "1000.00",
        "currency": "EUR",
        "exchange_rate": "1.12",
        "method": "wire",
        "bank_reference": "FT-2211",
        "bank_charges": "15.00",
        **extra,
    }


def test_record_a_payment_with_allocations(api):
    inv = invoice(api, total="1000.00", currency="EUR", rate="1.10")
    response = api["client"].post(
        url(api, "payments/"), body(api, allocations=[{"invoice": str(inv.pk), "amount": "1000.00"}]), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == "RCPT-2026-00001"
    assert response["ETag"]
    assert (data["amount"], data["bank_charges"], data["net_received"], data["unallocated"]) == (
        "1000.00",
        "15.00",
        "985.00",
        "0.00",
    )
    assert (data["base_currency"], data["base_amount"], data["base_net_received"]) == ("USD", "1120.00", "1103.20")
    assert data["fx_difference"] == "20.00"
    [row] = data["allocations"]
    assert (row["invoice_number"], row["amount"], row["fx_difference"], row["base_amount"]) == (
        inv.number,
        "1000.00",
        "20.00",
        "1120.00",
    )
    assert [a["action"] for a in data["actions"]] == ["unallocate", "void"]


def test_recording_is_idempotent(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "rcpt-1"}
    first = api["client"].post(url(api, "payments/"), body(api), format="json", **headers)
    again = api["client"].post(url(api, "payments/"), body(api), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    problem(
        api["client"].post(url(api, "payments/"), body(api, amount="2.00"), format="json", **headers),
        422,
        "idempotency_key_reused",
    )


def test_all_or_nothing(api):
    a = invoice(api, total="600.00", currency="EUR", rate="1.1")
    b = invoice(api, total="600.00", currency="EUR", rate="1.1")
    data = problem(
        api["client"].post(
            url(api, "payments/"),
            body(
                api,
                allocations=[{"invoice": str(a.pk), "amount": "600.00"}, {"invoice": str(b.pk), "amount": "600.00"}],
            ),
            format="json",
        ),
        409,
        "over_allocation",
    )
    assert "allocations" in data["errors"]
    assert not Payment.objects.exists()
    assert not Allocation.objects.exists()


def test_a_row_beyond_the_invoice_is_named(api):
    inv = invoice(api, total="100.00", currency="EUR", rate="1.1")
    data = problem(
        api["client"].post(
            url(api, "payments/"), body(api, allocations=[{"invoice": str(inv.pk), "amount": "100.01"}]), format="json"
        ),
        409,
        "over_allocation",
    )
    assert "allocations[0].amount" in data["errors"]


def test_another_organisations_invoice_in_the_body_is_404(api, other_org):
    with tenant_context(other_org):
        stranger = issued_invoice(other_org, CustomerFactory(organization=other_org), currency="EUR")
    problem(
        api["client"].post(
            url(api, "payments/"),
            body(api, allocations=[{"invoice": str(stranger.pk), "amount": "1.00"}]),
            format="json",
        ),
        404,
        "not_found",
    )
    payment = pay(api, "100.00", currency="EUR", exchange_rate=D("1.1"))
    problem(
        api["client"].post(
            url(api, f"payments/{payment.pk}/allocate/"),
            {"allocations": [{"invoice": str(stranger.pk), "amount": "1.00"}]},
            format="json",
        ),
        404,
        "not_found",
    )
    assert not Allocation.objects.exists()


def test_another_organisations_customer_is_404(api, other_org):
    with tenant_context(other_org):
        stranger = CustomerFactory(organization=other_org)
    response = api["client"].post(url(api, "payments/"), body(api, customer=str(stranger.pk)), format="json")
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_the_rate_defaults_and_a_missing_one_is_named(api):
    data = problem(
        api["client"].post(url(api, "payments/"), body(api, exchange_rate=None), format="json"), 400, "rate_missing"
    )
    assert "exchange_rate" in data["errors"]


def test_allocate_unallocate_and_void_with_if_match(api):
    inv = invoice(api, total="800.00", currency="EUR", rate="1.10")
    created = api["client"].post(url(api, "payments/"), body(api), format="json")
    payment_url = url(api, f"payments/{created.json()['id']}/")
    etag = created["ETag"]
    stale = api["client"].post(
        f"{payment_url}allocate/",
        {"allocations": [{"invoice": str(inv.pk), "amount": "1"}]},
        format="json",
        HTTP_IF_MATCH=f'"{created.json()["id"]}-99"',
    )
    problem(stale, 412, "precondition_failed")
    allocated = api["client"].post(
        f"{payment_url}allocate/",
        {"allocations": [{"invoice": str(inv.pk), "amount": "500.00"}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert allocated.status_code == 200, allocated.content
    assert (allocated.json()["allocated_amount"], allocated.json()["unallocated"]) == ("500.00", "500.00")
    back = api["client"].post(
        f"{payment_url}unallocate/",
        {"invoice": str(inv.pk), "amount": "200.00"},
        format="json",
        HTTP_IF_MATCH=allocated["ETag"],
    )
    assert back.json()["allocations"][0]["amount"] == "300.00"
    problem(
        api["client"].post(f"{payment_url}unallocate/", {"invoice": str(inv.pk), "amount": "300.01"}, format="json"),
        409,
        "over_unallocation",
    )
    voided = api["client"].post(
        f"{payment_url}void/", {"reason": "Recalled"}, format="json", HTTP_IF_MATCH=back["ETag"]
    )
    assert voided.json()["status"] == "void"
    assert voided.json()["allocations"] == []
    assert voided.json()["actions"] == []
    problem(api["client"].post(f"{payment_url}void/", {"reason": "again"}, format="json"), 409, "invalid_transition")


def test_edit_with_if_match_and_the_detail_etag(api):
    payment = pay(api, "100.00")
    detail = api["client"].get(url(api, f"payments/{payment.pk}/"))
    assert detail.status_code == 200
    assert api["client"].get(url(api, f"payments/{payment.pk}/"), HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    changed = api["client"].patch(
        url(api, f"payments/{payment.pk}/"), {"bank_reference": "NEW-1"}, format="json", HTTP_IF_MATCH=detail["ETag"]
    )
    assert changed.status_code == 200
    assert changed.json()["bank_reference"] == "NEW-1"
    problem(
        api["client"].patch(
            url(api, f"payments/{payment.pk}/"), {"notes": "x"}, format="json", HTTP_IF_MATCH=detail["ETag"]
        ),
        412,
        "precondition_failed",
    )


def test_the_list_filters_and_pages(api, django_assert_max_num_queries):
    other = api["other_customer"]
    inv = invoice(api, total="50.00")
    pay(api, "50.00", allocations=[{"invoice": inv, "amount": "50.00"}], received_on=date(2026, 11, 1))
    for n in range(6):
        pay(api, "10.00", received_on=date(2026, 11, 10 + n))
    pay(api, "10.00", customer=other, received_on=date(2026, 11, 2))
    with django_assert_max_num_queries(budget("api.payments.list")):
        everything = api["client"].get(url(api, "payments/")).json()
    assert len(everything["results"]) == 8
    assert everything["results"][0]["received_on"] == "2026-11-15"  # latest first
    row = everything["results"][0]
    assert row["customer_name"] == "Bayside Apparel"
    assert row["unallocated_amount"] == "10.00"

    def ids(**params):
        return [r["number"] for r in api["client"].get(url(api, "payments/"), params).json()["results"]]

    assert len(ids(customer=str(other.pk))) == 1
    assert len(ids(unallocated="true")) == 7
    assert len(ids(unallocated="false")) == 1
    assert len(ids(date_from="2026-11-12", date_to="2026-11-13")) == 2
    first = api["client"].get(url(api, "payments/"), {"limit": 3}).json()
    second = api["client"].get(first["next"]).json()
    assert len(first["results"]) == 3
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_the_detail_costs_the_same_whatever_its_allocations(api, django_assert_max_num_queries):
    invoices = [invoice(api, total="10.00") for _ in range(8)]
    payment = pay(api, "100.00", allocations=[{"invoice": i, "amount": "10.00"} for i in invoices])
    with django_assert_max_num_queries(budget("api.payments.detail")):
        assert len(api["client"].get(url(api, f"payments/{payment.pk}/")).json()["allocations"]) == 8


def test_the_ageing_report(api, django_assert_max_num_queries):
    invoice(api, total="100.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31))
    with django_assert_max_num_queries(budget("api.receivables.ageing")):
        data = api["client"].get(url(api, "receivables/ageing/"), {"as_of": "2026-11-30"}).json()
    assert data["as_of"] == "2026-11-30"
    assert data["base"]["d1_30"] == "100.00"
    assert [s["key"] for s in data["sections"]] == ["lc_backed", "open_account"]
    assert data["sections"][1]["customers"][0]["currencies"][0]["amounts"]["d1_30"] == "100.00"
    problem(api["client"].get(url(api, "receivables/ageing/"), {"as_of": "30/11/2026"}), 400, "validation_error")


def test_a_customer_statement(api, other_org, django_assert_max_num_queries):
    invoice(api, total="100.00", issue_date=date(2026, 11, 3))
    pay(api, "40.00", received_on=date(2026, 11, 4))
    customer_url = url(api, f"customers/{api['customer'].pk}/statement/")
    with django_assert_max_num_queries(budget("api.customers.statement")):
        data = api["client"].get(customer_url, {"from": "2026-11-01", "to": "2026-11-30"}).json()
    [usd] = data["currencies"]
    assert (usd["opening_balance"], usd["closing_balance"], usd["unallocated_credit"]) == ("0.00", "60.00", "40.00")
    assert [e["balance"] for e in usd["entries"]] == ["100.00", "60.00"]
    problem(api["client"].get(customer_url, {"from": "2026-12-01", "to": "2026-11-30"}), 400, "validation_error")
    with tenant_context(other_org):
        stranger = CustomerFactory(organization=other_org)
    assert api["client"].get(url(api, f"customers/{stranger.pk}/statement/")).status_code == 404


def test_an_orders_finance(api, other_org, django_assert_max_num_queries):
    order = OrderFactory(organization=api["org"], customer=api["customer"], currency="EUR")
    inv = invoice(api, total="1000.00", currency="EUR", rate="1.10", order=order)
    pay(api, "600.00", currency="EUR", exchange_rate=D("1.15"), allocations=[{"invoice": inv, "amount": "600.00"}])
    with django_assert_max_num_queries(budget("api.orders.finance")):
        data = api["client"].get(url(api, f"orders/{order.pk}/finance/")).json()
    assert (data["invoiced"], data["received"], data["outstanding"]) == ("1000.00", "600.00", "400.00")
    assert (data["invoiced_base"], data["received_base"], data["outstanding_base"], data["fx_difference"]) == (
        "1100.00",
        "690.00",
        "440.00",
        "30.00",
    )
    with tenant_context(other_org):
        stranger = OrderFactory(organization=other_org)
    assert api["client"].get(url(api, f"orders/{stranger.pk}/finance/")).status_code == 404


def test_another_organisations_payment_is_404(api, other_org):
    with tenant_context(other_org):
        stranger = PaymentFactory(organization=other_org)
    for path in ("", "allocate/", "unallocate/", "void/"):
        method = api["client"].get if not path else api["client"].post
        assert method(url(api, f"payments/{stranger.pk}/{path}"), {}, format="json").status_code == 404


def test_a_viewer_reads_but_does_not_write(api, api_as):
    viewer = api_as(api["viewer"])
    assert viewer.get(url(api, "payments/")).status_code == 200
    assert viewer.get(url(api, "receivables/ageing/")).status_code == 200
    problem(viewer.post(url(api, "payments/"), body(api), format="json"), 403, "permission_denied")
    payment = pay(api, "10.00")
    problem(
        viewer.post(url(api, f"payments/{payment.pk}/void/"), {"reason": "x"}, format="json"), 403, "permission_denied"
    )
