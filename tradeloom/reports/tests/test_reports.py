"""The reports' figures on hand-made data (every expected number worked out in the comment next to it), their
filters, the XLSX download, the API's JSON against the page's figures, the query budgets, capabilities and walls
between organisations."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tradeloom.approvals.tests.factories import LineGateFactory
from tradeloom.catalog.models import ExchangeRate, UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.logistics.models import ShipmentLine
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.production.tests.factories import WorkOrderFactory
from tradeloom.receivables.selectors import ageing
from tradeloom.reports import selectors
from tradeloom.reports.presentation import report_json
from tradeloom.reports.selectors import Filters, report_run
from tradeloom.sales.dashboard import pipeline as dashboard_pipeline
from tradeloom.sales.models import Line, Order, Style
from tradeloom.tenancy.dashboard import Dashboard
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna.tests.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 11, 18)
HYPERLINK = '=HYPERLINK("http://evil.example","click")'


class Book:
    def __init__(self, org):
        self.org = org
        self.unit = UnitOfMeasure.objects.create(organization=org, code="m", name="Metre", dimension="length", factor=1)
        self.customers = {
            "A": CustomerFactory(organization=org, legal_name="Alpha"),
            "B": CustomerFactory(organization=org, legal_name="Beta"),
            "X": CustomerFactory(organization=org, legal_name=HYPERLINK),
        }
        self.mills = {
            "M1": SupplierFactory(organization=org, legal_name="Mill One"),
            "M2": SupplierFactory(organization=org, legal_name="Mill Two"),
        }
        self.count = 0

    def order(self, customer, *, day, etd=None, currency="USD", stage="sampling", status="open", by=None, lines=()):
        self.count += 1
        order = Order.objects.create(
            organization=self.org,
            number=f"SO-{self.count:03d}",
            po_number=f"PO-{self.count}",
            customer=self.customers[customer],
            currency=currency,
            order_date=day,
            etd=etd,
            stage=stage,
            status=status,
            merchandiser=by,
        )
        style = Style.objects.create(organization=self.org, order=order, style_number=f"ST-{self.count}")
        made = []
        for n, (quantity, selling, mill, extra) in enumerate(lines):
            made.append(
                Line.objects.create(
                    organization=self.org,
                    order=order,
                    style=style,
                    colour_code=f"C{n}",
                    quantity=D(quantity),
                    unit=self.unit,
                    selling_price=None if selling is None else D(selling),
                    mill_price=None if mill is None else D(mill),
                    **extra,
                )
            )
        order.made_lines = made
        return order

    def ship(self, line, quantity, *, departed, status="in_transit"):
        shipment = ShipmentFactory(
            organization=self.org, customer=line.order.customer, etd=departed or TODAY, eta=TODAY + timedelta(days=30)
        )
        shipment.departed_on = departed
        shipment.status = status
        shipment.save(update_fields=["departed_on", "status"])
        ShipmentLine.objects.create(
            organization=self.org, shipment=shipment, order=line.order, line=line, quantity=D(quantity)
        )


@pytest.fixture
def people(member):
    return {"m1": member(Role.MERCHANDISER), "m2": member(Role.MERCHANDISER)}


@pytest.fixture
def book(org, people):
    m1, m2 = people["m1"], people["m2"]
    with tenant_context(org):
        b = Book(org)
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 1, 1), from_currency="EUR", to_currency="USD", rate=D("1.1")
        )
        M1, M2 = b.mills["M1"], b.mills["M2"]
        # O1: Alpha, sampling, ETD Dec 2026, m1: value 1000 x 4 = 4000, profit 4000 - 3000 - 0 = 1000, delivered 250
        #     of 1000: realised 250; mill M1. Its line is open (delivered < quantity).
        b.o1 = b.order(
            "A",
            day=date(2026, 11, 2),
            etd=date(2026, 12, 5),
            by=m1,
            lines=[("1000", "4", "3", {"supplier": M1, "delivered_quantity": D(250), "etd": date(2026, 12, 5)})],
        )
        # O2: Beta, EUR, production, ETD Oct 2026, m2: value 100 x 10 = EUR 1000 = USD 1100; profit EUR 200 = 220;
        #     realised all of it (delivered 100). Mill M2. Fully delivered: not an open line.
        b.o2 = b.order(
            "B",
            day=date(2026, 10, 5),
            etd=date(2026, 10, 20),
            currency="EUR",
            stage="production",
            by=m2,
            lines=[("100", "10", "8", {"supplier": M2, "delivered_quantity": D(100), "etd": date(2026, 10, 20)})],
        )
        # O3: Alpha, BDT (no rate): unrated everywhere; ETD 10 Nov (late 8 days: 8-30), m1
        b.o3 = b.order(
            "A",
            day=date(2026, 11, 1),
            etd=date(2026, 11, 10),
            currency="BDT",
            stage="production",
            by=m1,
            lines=[("10", "100", "90", {"supplier": M1, "etd": date(2026, 11, 10)})],
        )
        # O4: the =HYPERLINK customer, sampling, ETD 2027-09 (after the window: "Later"), no merchandiser;
        #     value 100 x 5 = 500, profit 100, ordered 2026-09-01. One open line late since 1 Nov (17 days), one
        #     due 25 Nov.
        b.o4 = b.order(
            "X",
            day=date(2026, 9, 1),
            etd=date(2027, 9, 1),
            lines=[
                ("100", "5", "4", {"supplier": M2, "etd": date(2026, 11, 1)}),
                ("50", "2", None, {"etd": date(2026, 11, 25)}),
            ],
        )  # no mill price: left out of profit; value 100
        # O5 cancelled, O6 a draft: in no figure
        b.order(
            "A",
            day=date(2026, 11, 3),
            etd=date(2026, 12, 1),
            status="cancelled",
            by=m1,
            lines=[("100", "9", "1", {"etd": date(2026, 11, 1)})],
        )
        b.order(
            "A",
            day=date(2026, 11, 3),
            etd=date(2026, 12, 1),
            status="draft",
            by=m1,
            lines=[("100", "9", "1", {"etd": date(2026, 11, 1)})],
        )
    return b


def LC(**kwargs):
    return LetterOfCreditFactory(issue_date=date(2026, 10, 1), latest_shipment_date=date(2026, 12, 1), **kwargs)


def run(org, key, today=TODAY, **kwargs):
    org.refresh_from_db()
    kind = selectors.KINDS[key]
    start = end = None
    if kind.window is not None:
        start = selectors.add_months(today.replace(day=1), kind.window[0])
        end = selectors.add_months(today.replace(day=1), kind.window[1])
    values = {"start": start, "end": end} | kwargs
    with tenant_context(org):
        return report_run(organization=org, key=key, filters=Filters(today=today, **values))


def by_name(rows, key="name"):
    return {row[key]: row for row in rows}


# --- 1. pipeline ---------------------------------------------------------------------------------------------------
def test_the_pipeline_is_open_orders_value_by_stage_and_month_of_the_order_etd(org, book):
    report = run(org, "pipeline")  # months Dec 2025 … May 2027
    rows = by_name(report.rows, "stage")
    # sampling: O1 4000 in Dec 2026, O4 600 (500 + 100) later than the window
    assert rows["Sampling"]["orders"] == 2
    assert rows["Sampling"]["m_2026-12"] == D("4000.00")
    assert rows["Sampling"]["m_after"] == D("600.00")
    assert rows["Sampling"]["total"] == D("4600.00")
    # production: O2 EUR 1000 = USD 1100 in Oct 2026; O3 (BDT, no rate) is counted but has no value
    assert rows["Production"]["orders"] == 2
    assert rows["Production"]["m_2026-10"] == D("1100.00")
    assert report.totals["total"] == D("5700.00")
    assert report.notes == ["1 order without a rate to the base currency: left out of the figures."]
    assert "m_before" not in rows["Sampling"]  # nothing earlier: no column for it
    # the chart: a stacked bar per month, a dataset per stage with orders
    assert report.chart["stacked"] is True
    assert [d["label"] for d in report.chart["datasets"]] == ["Sampling", "Production"]


def test_the_pipeline_s_stage_totals_are_the_dashboard_s(org, book, owner):
    report = run(org, "pipeline")
    with tenant_context(org):
        dash = dashboard_pipeline(Dashboard(organization=org, membership=owner, today=TODAY))
    dashboard = {selectors.stage_label(s.name): s.value or D(0) for s in dash.stages}
    assert {row["stage"]: row["total"] for row in report.rows} == dashboard


def test_the_pipeline_of_one_customer_or_merchandiser(org, book, people):
    assert run(org, "pipeline", customer_id=book.customers["B"].pk).totals["total"] == D("1100.00")
    assert run(org, "pipeline", merchandiser_id=people["m1"].pk).totals["total"] == D("4000.00")


# --- 2. profit -----------------------------------------------------------------------------------------------------
def test_profit_by_customer_is_potential_and_realised_of_the_orders_dated_in_the_months(org, book):
    report = run(org, "profit", by="customer")  # orders dated Dec 2025 … Nov 2026
    rows = by_name(report.rows)
    assert rows["Alpha"]["potential"] == D("1000.00")  # O1 (O3 unrated, O5 cancelled, O6 draft)
    assert rows["Alpha"]["realised"] == D("250.00")
    assert rows["Alpha"]["realised_percent"] == D("25.0")
    assert rows["Alpha"]["orders"] == 2  # O1 and O3 (counted, no figure)
    assert rows["Beta"]["potential"] == D("220.00")
    assert rows["Beta"]["realised"] == D("220.00")
    assert rows[HYPERLINK]["potential"] == D("100.00")  # O4's priced line only
    assert rows[HYPERLINK]["realised"] == D("0.00")
    assert report.totals["potential"] == D("1320.00")
    assert [r["name"] for r in report.rows] == ["Alpha", "Beta", HYPERLINK]  # by potential profit
    assert "1 order without a rate" in report.notes[0]
    assert "1 line without a selling or mill price" in report.notes[1]


def test_profit_by_mill_is_of_each_line_s_supplier(org, book):
    rows = by_name(run(org, "profit", by="mill").rows)
    assert rows["Mill One"]["potential"] == D("1000.00")  # O1's line (O3's BDT line unrated)
    assert rows["Mill Two"]["potential"] == D("320.00")  # O2 220 + O4's first line 100
    assert rows["Mill Two"]["realised"] == D("220.00")
    assert rows["No mill"]["potential"] == D("0.00")  # O4's second line: no mill price, no profit


def test_profit_by_merchandiser_and_by_month(org, book, people):
    rows = by_name(run(org, "profit", by="merchandiser").rows)
    assert rows[str(people["m1"].user)]["potential"] == D("1000.00")
    assert rows[str(people["m2"].user)]["potential"] == D("220.00")
    assert rows["Unassigned"]["potential"] == D("100.00")
    months = by_name(run(org, "profit", by="month").rows)
    assert len(months) == 12
    assert months["Nov 2026"]["potential"] == D("1000.00")
    assert months["Oct 2026"]["potential"] == D("220.00")
    assert months["Sep 2026"]["potential"] == D("100.00")
    assert months["Aug 2026"]["orders"] == 0


def test_profit_lists_the_top_groups_and_the_rest_as_others(org, book, monkeypatch):
    monkeypatch.setattr(selectors, "TOP", 1)
    report = run(org, "profit", by="customer")
    assert [r["name"] for r in report.rows] == ["Alpha", "Others (2)"]
    assert report.rows[1]["potential"] == D("320.00")  # Beta 220 + the third 100


# --- 3. OTIF -------------------------------------------------------------------------------------------------------
def test_otif_counts_lines_due_departed_on_time_in_full_and_both(org, book):
    with tenant_context(org):
        o2_line = book.o2.made_lines[0]  # due 20 Oct, 100: 100 departed 18 Oct -> on time, in full, OTIF
        book.ship(o2_line, "100", departed=date(2026, 10, 18))
        late, _short = book.o4.made_lines  # due 1 Nov (100) and 25 Nov (not due yet: not counted)
        book.ship(late, "60", departed=date(2026, 10, 30))  # 60 by the ETD: on time, not in full
        book.ship(late, "40", departed=date(2026, 11, 5))  # then 40 more: in full, but not by the ETD
        book.ship(late, "500", departed=date(2026, 11, 1), status="returned")  # returned: not counted
        o3_line = book.o3.made_lines[0]  # due 10 Nov, 10: 9.6 (the 5 % tolerance: 9.5 needed) late
        book.ship(o3_line, "9.6", departed=date(2026, 11, 12))
    report = run(org, "otif")
    months = by_name(report.rows)
    assert months["Oct 2026"] | {} == months["Oct 2026"]
    assert (months["Oct 2026"]["due"], months["Oct 2026"]["otif"]) == (1, 1)
    nov = months["Nov 2026"]  # O4 line 1 and O3 (O1 due in Dec; O4 line 2 due after today; cancelled and draft out)
    assert (nov["due"], nov["on_time"], nov["in_full"], nov["otif"]) == (2, 1, 2, 0)
    assert nov["on_time_percent"] == D("50.0")
    assert report.totals["due"] == 3
    assert report.totals["otif_percent"] == D("33.3")
    assert "Dec 2026" not in months  # not due yet: a month after today is not shown
    customers = by_name(report.sections[0].rows)
    assert customers[HYPERLINK]["due"] == 1
    assert customers["Beta"]["otif"] == 1


def test_otif_takes_the_order_s_tolerance_before_the_organisation_s(org, book):
    with tenant_context(org):
        Order.objects.filter(pk=book.o3.pk).update(shipment_tolerance_percent=D(0))
        book.ship(book.o3.made_lines[0], "9.6", departed=date(2026, 11, 12))
    assert by_name(run(org, "otif").rows)["Nov 2026"]["in_full"] == 0


# --- 4. late -------------------------------------------------------------------------------------------------------
def test_late_lines_by_days_late_customer_and_merchandiser(org, book, people):
    report = run(org, "late")
    rows = by_name(report.rows)
    # late open lines of open orders: O3 (10 Nov: 8 days, BDT: no value) and O4's first (1 Nov: 17 days, 500)
    assert rows["8-30 days"]["lines"] == 2
    assert rows["8-30 days"]["value"] == D("500.00")
    assert rows["1-7 days"]["lines"] == 0
    assert report.totals["lines"] == 2
    customers = by_name(report.sections[0].rows)
    assert customers["Alpha"]["lines"] == 1
    assert customers[HYPERLINK]["value"] == D("500.00")
    merchandisers = by_name(report.sections[1].rows)
    assert merchandisers[str(people["m1"].user)]["lines"] == 1
    assert merchandisers["Unassigned"]["lines"] == 1
    oldest = report.sections[2].rows
    assert [(r["order"], r["days_late"]) for r in oldest] == [("SO-004", 17), ("SO-003", 8)]
    assert "1 line without a rate" in report.notes[0]


def test_late_lines_in_each_bucket(org, book):
    with tenant_context(org):
        for days in (1, 7, 31, 60, 61):
            book.order("B", day=date(2026, 6, 1), lines=[("1", "1", "1", {"etd": TODAY - timedelta(days=days)})])
    rows = by_name(run(org, "late").rows)
    assert [rows[k]["lines"] for k in ("1-7 days", "8-30 days", "31-60 days", "60+ days")] == [2, 2, 2, 1]


def test_an_order_with_late_lines_on_several_days_counts_once_in_each_bucket_it_is_in(org, book):
    with tenant_context(org):
        etds = [TODAY - timedelta(days=days) for days in (10, 20, 40)] + [TODAY + timedelta(days=5)]
        book.order("X", day=date(2026, 6, 1), lines=[("1", "1", "1", {"etd": etd}) for etd in etds])
    report = run(org, "late")
    rows = by_name(report.rows)
    # two lines 8-30 days late and one 31-60 of one order: the order once in each of those buckets
    assert (rows["8-30 days"]["lines"], rows["8-30 days"]["orders"]) == (2 + 2, 1 + 2)
    assert (rows["31-60 days"]["lines"], rows["31-60 days"]["orders"]) == (1, 1)
    customers = by_name(report.sections[0].rows)
    assert customers[HYPERLINK]["orders"] == 1 + 1  # O4 and the new order, each once


# --- 5. LC exposure ------------------------------------------------------------------------------------------------
def test_lc_exposure_by_expiry_month_and_bank_in_the_base_currency(org, book):
    with tenant_context(org):
        LC(
            organization=org,
            customer=book.customers["A"],
            issuing_bank="HSBC",
            amount=D("1000"),
            tolerance_percent=D(10),
            expiry_date=date(2027, 1, 15),
        )
        LC(
            organization=org,
            customer=book.customers["B"],
            issuing_bank="Citi",
            currency="EUR",
            amount=D("1000"),
            expiry_date=date(2027, 1, 20),
            status="utilised",
        )
        LC(
            organization=org,
            customer=book.customers["B"],
            issuing_bank="Citi",
            amount=D("500"),
            expiry_date=date(2027, 2, 1),
            status="expired",
        )  # not open
        LC(
            organization=org,
            customer=book.customers["A"],
            issuing_bank="HSBC",
            currency="BDT",
            amount=D("500"),
            expiry_date=date(2027, 2, 1),
        )  # no rate
    with tenant_context(org):
        LetterOfCredit.objects.filter(currency="EUR").update(utilised_amount=D("400"))
    report = run(org, "lc-exposure")
    banks = {c.label: c.key for c in report.columns}
    jan = by_name(report.rows, "month")["Jan 2027"]
    assert jan[banks["HSBC"]] == D("1100.00")  # 1000 + 10 % tolerance, nothing drawn
    assert jan[banks["Citi"]] == D("660.00")  # EUR 1000 - 400 = 600 at 1.1
    assert jan["total"] == D("1760.00")
    assert by_name(report.rows, "month")["Feb 2027"]["lcs"] == 1  # the BDT one: counted, no value
    assert "1 LC without a rate" in report.notes[0]
    assert run(org, "lc-exposure", customer_id=book.customers["B"].pk).totals["total"] == D("660.00")


# --- 6. ageing -----------------------------------------------------------------------------------------------------
def test_the_ageing_report_is_receivables_ageing_in_the_base_currency(org, book):
    with tenant_context(org):
        InvoiceFactory(
            organization=org,
            customer=book.customers["A"],
            status="issued",
            subtotal=D("300"),
            total=D("300"),
            issue_date=date(2026, 9, 1),
            due_date=date(2026, 10, 1),
        )
    report = run(org, "ageing", as_of=TODAY)
    with tenant_context(org):
        expected = ageing(organization=org, as_of=TODAY)
    assert report.totals["total"] == expected.base["total"] == D("300")
    assert report.totals["d31_60"] == D("300")  # 48 days past due
    assert by_name(report.rows, "customer")["Alpha"]["section"] == "Open account"


# --- 7. workload ---------------------------------------------------------------------------------------------------
def test_workload_per_merchandiser(org, book, people):
    m1 = people["m1"]
    with tenant_context(org):
        plan = PlanFactory(organization=org, order=book.o1)
        MilestoneFactory(
            organization=org, plan=plan, responsible=m1, planned_date=TODAY - timedelta(days=2), forecast_date=TODAY
        )  # late (planned before today) and due (forecast today)
        MilestoneFactory(
            organization=org,
            plan=plan,
            responsible=m1,
            planned_date=TODAY + timedelta(days=20),
            forecast_date=TODAY + timedelta(days=20),
        )  # neither
        LineGateFactory(organization=org, line=book.o1.made_lines[0], state="submission")
        LineGateFactory(organization=org, line=book.o3.made_lines[0], state="approved")  # not waiting
        WorkOrderFactory(organization=org, order=book.o1, status="in_progress", is_late=True)
        WorkOrderFactory(organization=org, order=book.o1, status="completed", is_late=True)  # not open
    rows = by_name(run(org, "workload").rows)
    mine = rows[str(m1.user)]
    # m1: O1 and O3 open; lines: O1's (due 5 Dec: not within 14 days) and O3's (late)
    assert (mine["open_orders"], mine["open_lines"], mine["lines_due"], mine["lines_late"]) == (2, 2, 0, 1)
    assert (mine["milestones_due"], mine["milestones_late"]) == (1, 1)
    assert (mine["gates_waiting"], mine["work_orders_late"]) == (1, 1)
    # nobody's: O4 with its two open lines, one late and one due on 25 Nov
    assert (rows["Unassigned"]["open_lines"], rows["Unassigned"]["lines_due"]) == (2, 1)
    assert rows[str(people["m2"].user)]["open_orders"] == 1  # O2 (its line is delivered: not open)
    assert rows[str(people["m2"].user)]["open_lines"] == 0


# --- other organisations ---------------------------------------------------------------------------------------------
def test_another_organisation_s_data_is_in_no_report(org, other_org, book, member):
    with tenant_context(other_org):
        other = Book(other_org)
        other.order("A", day=date(2026, 11, 2), etd=date(2026, 11, 5), lines=[("1000", "9", "1", {})])
        LC(organization=other_org, customer=other.customers["A"], expiry_date=date(2027, 1, 1))
        InvoiceFactory(
            organization=other_org, customer=other.customers["A"], status="issued", subtotal=D("999"), total=D("999")
        )
    assert run(org, "pipeline").totals["total"] == D("5700.00")
    assert run(org, "late").totals["lines"] == 2
    assert run(org, "profit").totals["potential"] == D("1320.00")
    assert run(org, "otif").totals["due"] == 3
    assert run(org, "lc-exposure").rows == []
    assert run(org, "ageing", as_of=TODAY).totals["total"] == D(0)
    assert "Unassigned" in by_name(run(org, "workload").rows)
    assert sum(r["open_orders"] for r in run(org, "workload").rows) == 4


# --- pages, XLSX, API ------------------------------------------------------------------------------------------------
KEYS = list(selectors.KINDS)


def _page(org, key):
    return reverse(f"reports:{key}", kwargs={"org_slug": org.slug})


def _api(org, key):
    return reverse(f"api:tenant-api:reports-{key}", kwargs={"org_slug": org.slug})


@pytest.fixture
def manager(member):
    return member(Role.MANAGER)


@pytest.fixture
def live(org, people):
    """A few orders dated around the real today (the pages read ``timezone.localdate()``)."""
    today = timezone.localdate()
    with tenant_context(org):
        b = Book(org)
        for n in range(3):
            b.order(
                "X" if n == 0 else "A",
                day=today - timedelta(days=n),
                etd=today - timedelta(days=3 + n),
                by=people["m1"],
                lines=[("10", "4", "3", {}), ("5", "2", "1", {"supplier": b.mills["M1"]})],
            )
        LetterOfCreditFactory(organization=org, customer=b.customers["A"])
    return b


@pytest.mark.parametrize("key", KEYS)
def test_each_report_page_draws_its_chart_and_table_within_its_budget(
    client, org, manager, live, key, django_assert_max_num_queries
):
    client.force_login(manager.user)
    with django_assert_max_num_queries(budget(f"web.reports.{key}")):
        response = client.get(_page(org, key))
    assert response.status_code == 200
    assert response.context["report"].key == key
    if key != "ageing":  # no invoices: nothing to chart
        assert b"data-report-chart" in response.content


@pytest.mark.parametrize("key", KEYS)
def test_each_report_s_api_returns_the_page_s_figures_within_its_budget(
    client, api_as, org, manager, live, key, django_assert_max_num_queries
):
    client.force_login(manager.user)
    page = client.get(_page(org, key)).context["report"]
    api = api_as(manager)
    with django_assert_max_num_queries(budget(f"api.reports.{key}")):
        response = api.get(_api(org, key))
    assert response.status_code == 200
    assert response.json() == report_json(page)


def test_the_index_lists_every_report(client, org, manager, django_assert_max_num_queries):
    client.force_login(manager.user)
    with django_assert_max_num_queries(budget("web.reports.index")):
        response = client.get(reverse("reports:index", kwargs={"org_slug": org.slug}))
    assert response.status_code == 200
    for key in KEYS:
        assert _page(org, key).encode() in response.content


def test_the_xlsx_download_is_the_table_with_formulas_neutralised(client, org, manager, live):
    client.force_login(manager.user)
    response = client.get(_page(org, "profit"), {"by": "customer", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Customer", "Orders", "Potential profit", "Realised profit", "Realised %")
    by_customer = {row[0]: row for row in rows[1:]}
    # Alpha: two orders of 10 x (4 - 3) + 5 x (2 - 1) = 15 each; the =HYPERLINK customer one
    assert by_customer["Alpha"][1:3] == (2, 30)
    assert f"'{HYPERLINK}" in by_customer
    assert HYPERLINK not in by_customer
    cell = next(c for c in sheet["A"] if c.value == f"'{HYPERLINK}")
    assert cell.data_type == "s"
    assert rows[-1][0] == "Total"


def test_the_late_report_s_workbook_has_a_sheet_per_table(client, org, manager, live):
    client.force_login(manager.user)
    response = client.get(_page(org, "late"), {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == ["Late orders", "By customer", "By merchandiser", "The oldest 100"]
    assert book.worksheets[3].max_row == 7  # the header and six late lines


def test_the_late_page_links_the_oldest_lines_to_their_orders(client, org, manager, live):
    client.force_login(manager.user)
    response = client.get(_page(org, "late"))
    with tenant_context(org):
        first = Order.objects.filter(organization=org).order_by("number").first()
    assert reverse("sales:order", kwargs={"org_slug": org.slug, "order_id": first.pk}).encode() in response.content


BAD_FILTERS = [
    ("pipeline", {"from": "2026-13"}, "from"),
    ("pipeline", {"from": "last year"}, "from"),
    ("otif", {"from": "2026-05", "to": "2026-01"}, "to"),
    ("otif", {"from": "2020-01", "to": "2026-01"}, "to"),
    ("profit", {"by": "colour"}, "by"),
    ("late", {"customer": "not-an-id"}, "customer"),
    ("late", {"customer": "0190a0d2-0000-7000-8000-000000000000"}, "customer"),
    ("workload", {"merchandiser": "0190a0d2-0000-7000-8000-000000000000"}, "merchandiser"),
    ("ageing", {"as_of": "2026-02-30"}, "as_of"),
]


@pytest.mark.parametrize(("key", "query", "field"), BAD_FILTERS)
def test_a_bad_filter_is_a_form_error_on_the_page_and_a_400_on_the_api(client, api_as, org, manager, key, query, field):
    client.force_login(manager.user)
    page = client.get(_page(org, key), query)
    assert page.status_code == 200
    assert page.context["report"] is None
    assert page.context["form"].errors[field]
    assert b'class="field-error"' in page.content
    response = api_as(manager).get(_api(org, key), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["errors"]


def test_a_filter_narrows_the_api_too(api_as, org, manager, live):
    customer = live.customers["X"]
    response = api_as(manager).get(_api(org, "late"), {"customer": str(customer.pk)})
    assert response.status_code == 200
    assert response.json()["totals"]["lines"] == 2  # the first order's two lines
    assert response.json()["filters"]["customer"] == str(customer.pk)
    oldest = response.json()["sections"][2]["rows"]
    with tenant_context(org):
        first = Order.objects.get(organization=org, customer=customer)
    assert [row["order_id"] for row in oldest] == [str(first.pk)] * 2


@pytest.mark.parametrize("role", [Role.MERCHANDISER, Role.VIEWER, Role.STAFF])
def test_roles_without_reports_view_are_refused(client, api_as, org, member, role):
    membership = member(role)
    client.force_login(membership.user)
    assert client.get(reverse("reports:index", kwargs={"org_slug": org.slug})).status_code == 403
    assert client.get(_page(org, "pipeline")).status_code == 403
    assert api_as(membership).get(_api(org, "pipeline")).status_code == 403


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ACCOUNTS, Role.ADMIN, Role.OWNER])
def test_managers_accounts_admins_and_owners_see_the_reports(client, api_as, org, member, role):
    membership = member(role)
    client.force_login(membership.user)
    assert client.get(_page(org, "late")).status_code == 200
    assert api_as(membership).get(_api(org, "late")).status_code == 200


def test_another_organisation_s_member_does_not_reach_the_reports(client, org, other_org, member):
    outsider = member(Role.MANAGER, organization=other_org)
    client.force_login(outsider.user)
    assert client.get(_page(org, "pipeline")).status_code == 404
