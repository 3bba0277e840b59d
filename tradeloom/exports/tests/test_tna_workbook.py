"""The T&A workbook (issue #21): sheet "Plans" (a row per plan) and sheet "Milestones" (a row per milestone), with
the T&A plans' filters carried from the calendar's query string, the member's visibility, formulas neutralised, the
same statements whatever the rows, a background job when large, and the calendar's Export menu."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from tradeloom.core import outbox
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job
from tradeloom.core.outbox import outbox_relay_start_afresh
from tradeloom.exports.tests.conftest import body_of, browser, csv_rows, xlsx_sheets
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna.capabilities import TNA_VIEW
from tradeloom.tna.models import Milestone
from tradeloom.tna.tests.factories import MilestoneFactory, PlanFactory
from tradeloom.tna.tests.helpers import fix_today

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 12)
ETD = dt.date(2027, 2, 1)
PLAN_HEADER = [
    "Order",
    "Buyer's PO",
    "Customer",
    "Style",
    "Colour",
    "Merchandiser",
    "Template",
    "ETD",
    "Ex-factory planned",
    "Ex-factory forecast",
    "Status",
    "Milestones done",
    "Milestones",
    "Late",
]
MILESTONE_HEADER = [
    "Order",
    "Buyer's PO",
    "Customer",
    "Style",
    "Colour",
    "Milestone",
    "Responsible",
    "Planned",
    "Forecast",
    "Actual",
    "Slippage days",
    "Status",
    "Late",
    "Depends on",
]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    fix_today(monkeypatch, TODAY)


def _url(org: Any, name: str) -> str:
    return f"/o/{org.slug}/exports/{name}"


def _order_plan(org: Any, *, merchandiser: Any = None, customer: Any = None, etd: dt.date = ETD, **order: Any) -> Any:
    """An order with its plan of three milestones: yarn booked (done), knitting (late: planned before today, its
    forecast slipped 4 days) and ex-factory (depends on knitting: forecast 4 days after the ETD)."""
    customer = customer or CustomerFactory(organization=org)
    placed = OrderFactory(organization=org, customer=customer, merchandiser=merchandiser, etd=etd, **order)
    plan = PlanFactory(organization=org, order=placed, etd=etd, template_name="Standard")

    def milestone(position: int, code: str, name: str, planned: dt.date, **fields: Any) -> Milestone:
        return MilestoneFactory(
            organization=org,
            plan=plan,
            position=position,
            code=code,
            name=name,
            original_date=planned,
            planned_date=planned,
            forecast_date=fields.pop("forecast_date", planned),
            responsible=merchandiser,
            **fields,
        )

    milestone(
        0,
        "yarn_booked",
        "Yarn booked",
        dt.date(2026, 12, 2),
        forecast_date=dt.date(2026, 12, 1),
        actual_date=dt.date(2026, 12, 1),
        status=Milestone.Status.DONE,
        slippage_days=-1,
    )
    milestone(1, "knitting", "Knitting", dt.date(2027, 1, 10), forecast_date=dt.date(2027, 1, 14), slippage_days=4)
    milestone(
        2,
        "ex_factory",
        "Ex-factory",
        etd,
        forecast_date=etd + dt.timedelta(days=4),
        slippage_days=4,
        depends_on=["knitting"],
    )
    return plan


def _line_plan(org: Any, order: Any) -> Any:
    """A plan of one line of ``order`` (style TEE, colour NAVY, its own ETD), one milestone on track."""
    line = LineFactory(
        organization=org,
        style=StyleFactory(organization=org, order=order, style_number="TEE"),
        colour_code="NAVY",
        etd=dt.date(2027, 2, 10),
    )
    plan = PlanFactory(organization=org, order=order, line=line, etd=line.etd, template_name="Knit")
    MilestoneFactory(
        organization=org,
        plan=plan,
        code="ex_factory",
        name="Ex-factory",
        original_date=line.etd,
        planned_date=line.etd,
        forecast_date=line.etd,
    )
    return plan


def _sheet_dicts(sheet: list[list[Any]]) -> list[dict[str, Any]]:
    header = [cell.value for cell in sheet[0]]
    return [dict(zip(header, row, strict=True)) for row in sheet[1:]]


def _values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: cell.value for k, cell in row.items()} for row in rows]


# --- content --------------------------------------------------------------------------------------------------------
def test_the_workbook_has_a_plans_sheet_and_a_milestones_sheet_with_their_values_and_dates(org, owner, web):
    # given an order's plan (by a merchandiser, for a named customer) and a plan of one of its lines
    customer = CustomerFactory(organization=org, legal_name="Nordic Knit AB", trade_name="")
    plan = _order_plan(org, merchandiser=owner, customer=customer, po_number="BUY-7")
    line_plan = _line_plan(org, plan.order)
    # when the workbook is downloaded
    response = web.get(_url(org, "tna-workbook.xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tna-2027-01-12.xlsx')
    sheets = xlsx_sheets(response)
    # then it has the two sheets, in order, with their headers
    assert list(sheets) == ["Plans", "Milestones"]
    assert [c.value for c in sheets["Plans"][0]] == PLAN_HEADER
    assert [c.value for c in sheets["Milestones"][0]] == MILESTONE_HEADER
    merchandiser = owner.user.full_name or owner.user.email
    midnight = dt.datetime.combine
    plans = _values(_sheet_dicts(sheets["Plans"]))
    # the order's plan first, then its line's
    assert plans == [
        {
            "Order": plan.order.number,
            "Buyer's PO": "BUY-7",
            "Customer": "Nordic Knit AB",
            "Style": None,
            "Colour": None,
            "Merchandiser": merchandiser,
            "Template": "Standard",
            "ETD": midnight(ETD, dt.time()),
            "Ex-factory planned": midnight(ETD, dt.time()),
            "Ex-factory forecast": midnight(dt.date(2027, 2, 5), dt.time()),
            "Status": "Ex-factory after ETD",
            "Milestones done": 1,
            "Milestones": 3,
            "Late": 1,
        },
        {
            "Order": plan.order.number,
            "Buyer's PO": "BUY-7",
            "Customer": "Nordic Knit AB",
            "Style": "TEE",
            "Colour": "NAVY",
            "Merchandiser": merchandiser,
            "Template": "Knit",
            "ETD": midnight(line_plan.line.etd, dt.time()),
            "Ex-factory planned": midnight(line_plan.line.etd, dt.time()),
            "Ex-factory forecast": midnight(line_plan.line.etd, dt.time()),
            "Status": "On track",
            "Milestones done": 0,
            "Milestones": 1,
            "Late": 0,
        },
    ]
    # dates are date cells (formatted as dates), counts numbers
    first = _sheet_dicts(sheets["Plans"])[0]
    assert first["ETD"].number_format == "yyyy-mm-dd"
    assert first["Late"].data_type == "n"
    milestones = _values(_sheet_dicts(sheets["Milestones"]))
    assert [(m["Style"], m["Milestone"]) for m in milestones] == [
        (None, "Yarn booked"),
        (None, "Knitting"),
        (None, "Ex-factory"),
        ("TEE", "Ex-factory"),
    ]
    assert milestones[1] == {
        "Order": plan.order.number,
        "Buyer's PO": "BUY-7",
        "Customer": "Nordic Knit AB",
        "Style": None,
        "Colour": None,
        "Milestone": "Knitting",
        "Responsible": merchandiser,
        "Planned": midnight(dt.date(2027, 1, 10), dt.time()),
        "Forecast": midnight(dt.date(2027, 1, 14), dt.time()),
        "Actual": None,
        "Slippage days": 4,
        "Status": "Pending",
        "Late": "Yes",
        "Depends on": None,
    }
    assert milestones[0]["Actual"] == midnight(dt.date(2026, 12, 1), dt.time())
    assert milestones[0]["Status"] == "Done"
    assert milestones[0]["Late"] == "No"  # done: never late
    assert milestones[0]["Slippage days"] == -1
    assert milestones[2]["Depends on"] == "Knitting"  # the dependency by its name
    assert milestones[2]["Late"] == "No"  # planned on the ETD, after today


def test_each_sheet_also_exports_alone_as_csv_with_iso_dates(org, web):
    plan = _order_plan(org)
    plans = csv_rows(web.get(_url(org, "tna-plans.csv")))
    assert [(p["Order"], p["ETD"], p["Ex-factory forecast"], p["Late"]) for p in plans] == [
        (plan.order.number, "2027-02-01", "2027-02-05", "1")
    ]
    milestones = csv_rows(web.get(_url(org, "tna-milestones.csv")))
    assert [(m["Milestone"], m["Planned"], m["Actual"], m["Late"]) for m in milestones] == [
        ("Yarn booked", "2026-12-02", "2026-12-01", "No"),
        ("Knitting", "2027-01-10", "", "Yes"),
        ("Ex-factory", "2027-02-01", "", "No"),
    ]


# --- filters and walls ----------------------------------------------------------------------------------------------
def _orders_of(response: Any) -> list[str]:
    return sorted({row["Order"] for row in csv_rows(response)})


def test_the_filters_choose_the_plans_and_their_milestones(org, member, web):
    merch, other = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    buyer = CustomerFactory(organization=org)
    early = _order_plan(org, merchandiser=merch, customer=buyer, etd=dt.date(2027, 2, 1))
    late = _order_plan(org, merchandiser=other, customer=buyer, etd=dt.date(2027, 3, 1))
    elsewhere = _order_plan(org, merchandiser=other, etd=dt.date(2027, 2, 1))
    cases = [
        ({"customer": str(buyer.pk)}, [early, late]),
        ({"merchandiser": str(merch.pk), "month": "2027-01"}, [early]),  # the calendar's query string
        ({"merchandiser": "all", "month": "2027-01"}, [early, late, elsewhere]),
        ({"etd_from": "2027-02-15"}, [late]),
        ({"etd_to": "2027-02-01"}, [early, elsewhere]),
        ({"customer": str(buyer.pk), "etd_to": "2027-02-01"}, [early]),
    ]
    for params, expected in cases:
        wanted = sorted(p.order.number for p in expected)
        assert _orders_of(web.get(_url(org, "tna-plans.csv"), params)) == wanted, params
        assert _orders_of(web.get(_url(org, "tna-milestones.csv"), params)) == wanted, params
        sheets = xlsx_sheets(web.get(_url(org, "tna-workbook.xlsx"), params))
        assert len(sheets["Plans"]) - 1 == len(expected), params
        assert len(sheets["Milestones"]) - 1 == 3 * len(expected), params


def test_a_merchandiser_filter_takes_the_milestones_they_are_responsible_for(org, member, web):
    merch = member(Role.MERCHANDISER)
    plan = _order_plan(org)  # nobody's order
    with tenant_context(org):
        assert Milestone.objects.filter(plan=plan, code="knitting").update(responsible=merch) == 1
    assert _orders_of(web.get(_url(org, "tna-plans.csv"), {"merchandiser": str(merch.pk)})) == [plan.order.number]


def test_refused_filters_go_back_to_the_calendar_and_export_nothing(org, other_org, web):
    _order_plan(org)
    theirs = CustomerFactory(organization=other_org)
    for params in ({"customer": str(theirs.pk)}, {"etd_from": "not-a-date"}, {"merchandiser": "someone"}):
        response = web.get(_url(org, "tna-workbook.xlsx"), params)
        assert response.status_code == 302, params
        assert response["Location"].startswith(f"/o/{org.slug}/tna/calendar/"), params


def test_another_organisations_plans_are_never_exported(org, other_org, web):
    mine = _order_plan(org)
    _order_plan(other_org)
    assert _orders_of(web.get(_url(org, "tna-plans.csv"))) == [mine.order.number]
    sheets = xlsx_sheets(web.get(_url(org, "tna-workbook.xlsx")))
    assert {row[0].value for row in sheets["Milestones"][1:]} == {mine.order.number}


def test_a_restricted_merchandiser_exports_only_their_orders_plans(org, member):
    with tenant_context(org):
        org.settings = {**(org.settings or {}), "merchandisers_see_all_orders": False}
        org.save(update_fields=["settings"])
    merch = member(Role.MERCHANDISER)
    mine = _order_plan(org, merchandiser=merch)
    theirs = _order_plan(org)
    # even a milestone of another's order they are responsible for stays out: they may not see that order
    with tenant_context(org):
        assert Milestone.objects.filter(plan=theirs, code="knitting").update(responsible=merch) == 1
    client = browser(merch)
    assert _orders_of(client.get(_url(org, "tna-plans.csv"))) == [mine.order.number]
    assert _orders_of(client.get(_url(org, "tna-milestones.csv"), {"merchandiser": "all"})) == [mine.order.number]
    sheets = xlsx_sheets(client.get(_url(org, "tna-workbook.xlsx")))
    assert len(sheets["Plans"]) == 2
    assert len(sheets["Milestones"]) == 4
    # while one who sees every order has both
    with tenant_context(org):
        org.settings = {**org.settings, "merchandisers_see_all_orders": True}
        org.save(update_fields=["settings"])
    assert len(csv_rows(client.get(_url(org, "tna-plans.csv")))) == 2


def test_the_routes_need_tna_view(org):
    for name in ("tna-plans.csv", "tna-milestones.xlsx", "tna-workbook.xlsx"):
        assert resolve(_url(org, name)).func.tenant_capabilities == {"GET": TNA_VIEW}
    with pytest.raises(Resolver404):  # the workbook is XLSX only
        resolve(_url(org, "tna-workbook.csv"))


# --- formula injection ----------------------------------------------------------------------------------------------
def test_formulas_in_a_customer_or_milestone_name_are_neutralised(org, web):
    evil_customer = '=HYPERLINK("http://evil.example","x")'
    evil_step = "+cmd|' /C calc'!A0"
    plan = _order_plan(org, customer=CustomerFactory(organization=org, legal_name=evil_customer, trade_name=""))
    with tenant_context(org):
        assert Milestone.objects.filter(plan=plan, code="knitting").update(name=evil_step) == 1
    sheets = xlsx_sheets(web.get(_url(org, "tna-workbook.xlsx")))
    (row,) = _sheet_dicts(sheets["Plans"])
    assert row["Customer"].value == "'" + evil_customer
    assert row["Customer"].data_type == "s"
    steps = _sheet_dicts(sheets["Milestones"])
    knitting = steps[1]
    assert knitting["Milestone"].value == "'" + evil_step
    assert knitting["Milestone"].data_type == "s"
    assert steps[2]["Depends on"].value == "'" + evil_step  # the dependency's name too
    (csv_plan,) = csv_rows(web.get(_url(org, "tna-plans.csv")))
    assert csv_plan["Customer"] == "'" + evil_customer


# --- statements, jobs, the menu -------------------------------------------------------------------------------------
def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body_of(response)
    assert response.status_code == 200
    return len(queries)


def test_the_workbook_costs_the_same_statements_whatever_its_plans_and_milestones(org, member, web):
    _order_plan(org, merchandiser=member(Role.MERCHANDISER))
    few = _queries(web, _url(org, "tna-workbook.xlsx"))
    few_csv = _queries(web, _url(org, "tna-milestones.csv"))
    for _ in range(8):
        plan = _order_plan(org, merchandiser=member(Role.MERCHANDISER))
        _line_plan(org, plan.order)
    assert _queries(web, _url(org, "tna-workbook.xlsx")) == few <= budget("web.exports.tna-workbook")
    assert _queries(web, _url(org, "tna-milestones.csv")) == few_csv <= budget("web.exports.tna-milestones")


def test_a_large_workbook_is_prepared_by_a_background_job(
    org, web, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TRADELOOM_EXPORT_ROWS_AT_ONCE = 1
    buyer = CustomerFactory(organization=org)
    first, second = _order_plan(org, customer=buyer), _order_plan(org, customer=buyer)
    _order_plan(org)
    params = f"customer={buyer.pk}"
    # this test's entries get a relay of their own, and a broker "down" after an earlier test's failing eager task
    # (``outbox.BROKER_DOWN_PAUSE``) does not hold them back
    outbox_relay_start_afresh()
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    # more plans than at once: the page offers a job with the filters
    offer = web.get(f"{_url(org, 'tna-workbook.xlsx')}?{params}").content.decode()
    assert f"/o/{org.slug}/exports/tna-workbook/jobs/?{params}" in offer
    with django_capture_on_commit_callbacks(execute=True):
        started = web.post(f"/o/{org.slug}/exports/tna-workbook/jobs/?{params}", {"format": "xlsx"})
    assert started.status_code == 200
    with tenant_context(org):
        job = Job.objects.get(kind="export")
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "8 rows exported"  # two plans and their six milestones
    sheets = xlsx_sheets(web.get(f"/o/{org.slug}/exports/jobs/{job.pk}/download/"))
    assert sorted(row[0].value for row in sheets["Plans"][1:]) == sorted([first.order.number, second.order.number])
    assert len(sheets["Milestones"]) == 7


def test_the_calendar_offers_the_export_menu_with_its_query_string(org, owner, web):
    html = web.get(f"/o/{org.slug}/tna/calendar/?month=2027-01&merchandiser={owner.pk}").content.decode()
    query = f"month=2027-01&amp;merchandiser={owner.pk}"
    for name in ("tna-plans.csv", "tna-plans.xlsx", "tna-milestones.csv", "tna-milestones.xlsx", "tna-workbook.xlsx"):
        assert f'href="/o/{org.slug}/exports/{name}?{query}"' in html, name
