"""Exports: formula injection neutralised in both formats, large exports as a background job, the walls (other
organisations, other members, capabilities, restricted merchandisers) and query counts constant in the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job
from tradeloom.core.tests.factories import JobFactory
from tradeloom.exports.tests.conftest import body_of, csv_rows, xlsx_sheets
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db
API = "/api/v1/o/acme/exports"


def _order(org, **fields):
    order = OrderFactory(organization=org, **fields)
    LineFactory(organization=org, style=StyleFactory(organization=org, order=order), mill_price=Decimal("5.00"))
    return order


# --- formula injection ----------------------------------------------------------------------------------------------
EVIL = {
    "po_number": '=HYPERLINK("http://evil.example","x")',
    "buyer_name": "+cmd|' /C calc'!A0",
    "stage": "@SUM(1+1)",
}


def test_formulas_are_neutralised_in_the_csv_and_numbers_stay_numbers(org, web):
    # given an order whose text fields start like formulas, and a line sold below its mill price (a negative profit)
    _order(org, **EVIL)
    # when it is exported as CSV
    (row,) = csv_rows(web.get(f"/o/{org.slug}/exports/orders.csv"))
    # then each such text starts with a quote, and the amounts are plain numbers, a negative one too
    assert row["Buyer's PO"] == "'" + EVIL["po_number"]
    assert row["Buyer"] == "'" + EVIL["buyer_name"]
    assert row["Stage"] == "'" + EVIL["stage"]
    assert row["Value"] == "4250.00"
    assert row["Profit"].startswith("-")
    assert Decimal(row["Profit"]) < 0


def test_formulas_are_neutralised_in_the_xlsx_read_back_with_openpyxl(org, web):
    _order(org, **EVIL)
    sheet = xlsx_sheets(web.get(f"/o/{org.slug}/exports/orders.xlsx"))["Orders"]
    header = [cell.value for cell in sheet[0]]
    row = dict(zip(header, sheet[1], strict=True))
    for column, field in (("Buyer's PO", "po_number"), ("Buyer", "buyer_name"), ("Stage", "stage")):
        assert row[column].value == "'" + EVIL[field]
        assert row[column].data_type == "s"  # text, not a formula
    assert row["Profit"].data_type == "n"
    assert row["Profit"].value < 0
    assert row["Value"].value == 4250


# --- background jobs ------------------------------------------------------------------------------------------------
def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    org, owner, web, settings, django_capture_on_commit_callbacks
):
    settings.TRADELOOM_EXPORT_ROWS_AT_ONCE = 2
    for _ in range(3):
        _order(org)
    # when more rows match than an export gives at once, the page offers to prepare the file
    page = web.get(f"/o/{org.slug}/exports/orders.xlsx?status=open")
    html = page.content.decode()
    assert page.status_code == 200
    assert "3 rows match" in html
    assert f"/o/{org.slug}/exports/orders/jobs/?status=open" in html
    # and starting it answers with the job's progress card, which the worker then finishes
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(
            f"/o/{org.slug}/exports/orders/jobs/?status=open", {"format": "xlsx"}, HTTP_HX_REQUEST="true"
        )
    assert "<progress" in started.content.decode()
    with tenant_context(org):
        job = Job.objects.get(kind="export")
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "3 rows exported"
    assert job.parameters["params"] == {"status": ["open"]}
    assert "<progress" in web.get(f"/o/{org.slug}/exports/jobs/{job.pk}/").content.decode()  # the page
    progress = web.get(f"/o/{org.slug}/exports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Done" in progress
    assert "hx-trigger" not in progress
    download = web.get(f"/o/{org.slug}/exports/jobs/{job.pk}/download/")
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert len(xlsx_sheets(download)["Orders"]) == 1 + 3
    # and the start is in the audit log
    with tenant_context(org):
        from tradeloom.audit.models import AuditEvent

        assert AuditEvent.objects.filter(action="job.started", target_id=str(job.pk)).exists()


def test_the_api_refuses_a_large_export_at_once_and_runs_it_as_a_job(
    org, owner, api_as, settings, django_capture_on_commit_callbacks
):
    settings.TRADELOOM_EXPORT_ROWS_AT_ONCE = 2
    for _ in range(3):
        _order(org)
    client = api_as(owner)
    refused = client.get(f"{API}/orders.csv")
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "export_too_large"
    assert refused.json()["rows"] == 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(f"{API}/orders/", {"format": "csv", "filters": {"status": "open"}}, format="json")
    assert started.status_code == 202
    job = started.json()
    assert job["status"] == "queued"
    assert started["Location"].endswith(f"{API}/jobs/{job['id']}/")
    assert client.get(f"{API}/jobs/{job['id']}/download/").json()["code"] == "job_not_finished"
    for callback in callbacks:
        callback()
    done = client.get(f"{API}/jobs/{job['id']}/").json()
    assert done["status"] == "succeeded"
    assert done["progress"] == 100
    download = client.get(done["download"])
    assert download.status_code == 200
    assert len(csv_rows(download)) == 3


def test_bad_filters_or_format_start_nothing(org, owner, api_as):
    client = api_as(owner)
    bad_filter = client.post(f"{API}/orders/", {"format": "csv", "filters": {"etd_from": "soon"}}, format="json")
    assert bad_filter.status_code == 400
    assert list(bad_filter.json()["errors"]) == ["filters.etd_from"]
    bad_format = client.post(f"{API}/orders-with-lines/", {"format": "csv"}, format="json")
    assert bad_format.status_code == 400
    assert "format" in bad_format.json()["errors"]
    assert client.get(f"{API}/orders.csv?etd_from=soon").json()["code"] == "validation_error"
    with tenant_context(org):
        assert not Job.objects.exists()


# --- walls ----------------------------------------------------------------------------------------------------------
def test_another_organisations_filter_ids_give_nothing(org, other_org, owner, api_as, web):
    # given a customer of another organisation with orders there
    theirs = CustomerFactory(organization=other_org)
    _order(other_org, customer=theirs)
    _order(org)
    # when A filters its export by B's customer: refused, as the list refuses it (not one of A's customers)
    response = api_as(owner).get(f"{API}/orders.csv?customer={theirs.pk}")
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]
    assert web.get(f"/o/{org.slug}/exports/orders.csv?customer={theirs.pk}").status_code == 302
    # and without a filter, only A's own orders are there
    assert len(csv_rows(api_as(owner).get(f"{API}/orders.csv"))) == 1


def test_another_organisations_or_members_export_jobs_are_not_found(org, other_org, owner, member, api_as, web):
    theirs = JobFactory(organization=other_org, kind="export", parameters={"export": "orders", "format": "csv"})
    colleague = member(Role.MANAGER)
    colleagues = JobFactory(
        organization=org, kind="export", created_by=colleague.user, parameters={"export": "orders", "format": "csv"}
    )
    audit = JobFactory(organization=org, kind="audit_export", created_by=owner.user)
    client = api_as(owner)
    for job in (theirs, colleagues, audit):
        assert client.get(f"{API}/jobs/{job.pk}/").status_code == 404
        assert client.get(f"{API}/jobs/{job.pk}/download/").status_code == 404
        assert web.get(f"/o/{org.slug}/exports/jobs/{job.pk}/download/").status_code == 404
    # the one who started it downloads it
    assert api_as(colleague).get(f"{API}/jobs/{colleagues.pk}/download/").status_code == 200


def test_a_restricted_merchandiser_exports_only_their_orders(org, member, api_as):
    with tenant_context(org):
        org.settings = {**(org.settings or {}), "merchandisers_see_all_orders": False}
        org.save(update_fields=["settings"])
    merchandiser = member(Role.MERCHANDISER)
    mine = _order(org, merchandiser=merchandiser)
    _order(org)
    client = api_as(merchandiser)
    assert [row["Order"] for row in csv_rows(client.get(f"{API}/orders.csv"))] == [mine.number]
    assert len(csv_rows(client.get(f"{API}/order-lines.csv"))) == 1


def test_each_lists_routes_declare_the_lists_capability_and_viewers_export_but_start_no_job(org, member, api_as):
    from django.urls import resolve

    from tradeloom.purchasing.capabilities import PURCHASING_VIEW

    match = resolve(f"/o/{org.slug}/exports/purchase-orders.csv")
    assert match.func.tenant_capabilities == {"GET": PURCHASING_VIEW}
    viewer = api_as(member(Role.VIEWER))
    assert viewer.get(f"{API}/orders.csv").status_code == 200
    refused = viewer.post(f"{API}/orders/", {"format": "csv"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    listed = {item["key"] for item in viewer.get(f"{API}/").json()}
    assert {"orders", "order-lines", "orders-with-lines", "stock", "customers"} <= listed


# --- the menu -------------------------------------------------------------------------------------------------------
def test_list_pages_offer_the_export_menu_with_their_query_string(org, web):
    html = web.get(f"/o/{org.slug}/orders/?status=open&cursor=abc").content.decode()
    assert f'href="/o/{org.slug}/exports/orders.csv?status=open"' in html
    assert f'href="/o/{org.slug}/exports/orders.xlsx?status=open"' in html
    assert f'href="/o/{org.slug}/exports/orders-with-lines.xlsx?status=open"' in html
    # swapped with the list when HTMX changes the filters
    swapped = web.get(f"/o/{org.slug}/orders/?status=draft", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-list")
    assert 'id="export-menu" hx-swap-oob="true"' in swapped.content.decode()
    assert "exports/orders.csv?status=draft" in swapped.content.decode()
    for path, key in (
        ("purchase-orders/", "purchase-orders"),
        ("shipments/", "shipments"),
        ("invoices/", "invoices"),
        ("lcs/", "letters-of-credit"),
        ("customers/", "customers"),
        ("suppliers/", "suppliers"),
        ("stock/", "stock"),
    ):
        assert f"/o/{org.slug}/exports/{key}.xlsx" in web.get(f"/o/{org.slug}/{path}").content.decode(), path


# --- query counts ---------------------------------------------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body_of(response)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("key", "budget_name"),
    [
        ("orders.csv", "web.exports.orders"),
        ("order-lines.csv", "web.exports.order-lines"),
        ("orders-with-lines.xlsx", "web.exports.orders-with-lines"),
    ],
)
def test_an_export_costs_the_same_statements_whatever_its_rows(key, budget_name, org, web):
    _order(org)
    few = _queries(web, f"/o/{org.slug}/exports/{key}")
    for _ in range(20):
        _order(org)
    many = _queries(web, f"/o/{org.slug}/exports/{key}")
    assert few == many
    assert many <= budget(budget_name)


def test_the_apis_export_costs_the_same_whatever_its_rows(org, owner, api_as):
    client = api_as(owner)
    _order(org)
    few = _queries(client, f"{API}/orders.csv")
    for _ in range(20):
        _order(org)
    assert _queries(client, f"{API}/orders.csv") == few <= budget("api.exports.orders")


def test_a_partner_and_a_stock_export_cost_the_same_whatever_their_rows(org, web):
    from tradeloom.inventory.tests.factories import stock_move_make
    from tradeloom.partners.tests.factories import ContactFactory

    for key, make in (
        (
            "customers.csv",
            lambda: ContactFactory(
                organization=org, customer=CustomerFactory(organization=org), supplier=None, is_primary=True
            ),
        ),
        ("stock.xlsx", lambda: stock_move_make(org)),
    ):
        make()
        few = _queries(web, f"/o/{org.slug}/exports/{key}")
        for _ in range(10):
            make()
        assert _queries(web, f"/o/{org.slug}/exports/{key}") == few <= budget("web.exports.list")


def test_a_job_whose_member_left_meanwhile_fails_and_says_so(org, member, django_capture_on_commit_callbacks):
    import contextlib

    from django.http import QueryDict

    from tradeloom.exports.services import export_start
    from tradeloom.tenancy.models import Membership

    manager = member(Role.MANAGER)
    _order(org)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_context(org):
        job = export_start(organization=org, by=manager, key="orders", file_format="csv", params=QueryDict())
    with tenant_context(org):
        Membership.objects.filter(pk=manager.pk).update(is_active=False)
    for callback in callbacks:
        with contextlib.suppress(Exception):  # the task logs and re-raises (the worker records the failure)
            callback()
    with tenant_context(org):
        job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "The export failed. It has been logged."
    assert not job.result
