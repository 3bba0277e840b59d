"""The dashboard's order figures (``sales.dashboard``) on hand-made orders, each worked out by hand below: the
pipeline by stage, profit this month and quarter, top customers, lines due and late — converted order by order at
each order's rate, with what has no rate or no price reported rather than counted as zero, and a restricted
merchandiser's figures of their own orders only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tradeloom.catalog.models import ExchangeRate, UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import dashboard as sales_dashboard
from tradeloom.sales.dashboard import Stage, Unrated, lines_due, lines_late, pipeline, profit, top_customers
from tradeloom.sales.models import Line, Order, Style
from tradeloom.tenancy.dashboard import Dashboard
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 18)  # month: November 2026; quarter: October to December 2026
D = Decimal


class Book:
    """Orders and lines of one organisation, written as plainly as the tests read."""

    def __init__(self, org):
        self.org = org
        self.unit = UnitOfMeasure.objects.create(organization=org, code="m", name="Metre", dimension="length", factor=1)
        self.customers = {name: CustomerFactory(organization=org, legal_name=name) for name in ("C1", "C2", "C3", "C4")}
        self.count = 0

    def order(self, customer, *, day, currency="USD", stage="sampling", status="open", etd=None, by=None, lines=()):
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
        for n, line in enumerate(lines):
            quantity, selling, mill, *rest = line
            extra = rest[0] if rest else {}
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
        return order


@pytest.fixture
def book(org, member):
    """The orders the figures below are worked out from (``m1`` owns all but H; H is ``m2``'s)."""
    m1, m2 = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        b = Book(org)
        b.m1, b.m2 = m1, m2
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="EUR", to_currency="USD", rate=D("1.1")
        )
        # only USD → GBP is published: a GBP order converts at its inverse, 1 / 0.8 = 1.25
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="USD", to_currency="GBP", rate=D("0.8")
        )
        # A: value 4000 + 1000, cost only on the first line: profit 4000 - 3000 - 100 = 900, realised a quarter
        b.a = b.order(
            "C1",
            day=date(2026, 11, 2),
            etd=date(2026, 11, 25),
            by=m1,
            lines=[
                (
                    "1000",
                    "4",
                    "3",
                    {
                        "commission_per_unit": D("0.1"),
                        "delivered_quantity": D(250),
                        "etd": date(2026, 11, 20),
                        "status": "running",
                    },
                ),
                ("500", "2", None),  # cost missing; no ETD of its own: due on the order's, 25 Nov
                ("10", "0", "0", {"etd": date(2026, 11, 19), "status": "completed"}),  # a free line: 0 is a price
            ],
        )
        # B: EUR 1000 at 1.1 = USD 1100, profit EUR 200 = USD 220, all delivered (realised 220)
        b.b = b.order(
            "C2",
            day=date(2026, 10, 5),
            currency="EUR",
            stage="production",
            by=m1,
            lines=[("100", "10", "8", {"delivered_quantity": D(100), "etd": date(2026, 11, 10), "status": "bulk"})],
        )
        # C: BDT 1000, profit BDT 100 — no BDT rate: reported apart; late since 15 Nov
        b.c = b.order(
            "C1",
            day=date(2026, 11, 10),
            currency="BDT",
            stage="production",
            by=m1,
            lines=[("10", "100", "90", {"etd": date(2026, 11, 15), "status": "bulk"})],
        )
        # D: the previous quarter; open: in the pipeline, late (its order's ETD, 1 Nov)
        b.d = b.order("C3", day=date(2026, 9, 30), etd=date(2026, 11, 1), by=m1, lines=[("100", "5", "4")])
        # E cancelled and F deleted: in no figure
        b.e = b.order(
            "C1",
            day=date(2026, 11, 5),
            status="cancelled",
            by=m1,
            lines=[("100", "9", "1", {"etd": date(2026, 11, 17)})],
        )
        b.f = b.order("C1", day=date(2026, 11, 6), by=m1, lines=[("100", "9", "1", {"etd": date(2026, 11, 17)})])
        Order.objects.filter(pk=b.f.pk).update(archived_at="2026-11-07T10:00:00Z")
        # G closed: booked this month (profit 300 - 200 = 100), not in the pipeline, never late
        b.g = b.order(
            "C4",
            day=date(2026, 11, 7),
            status="closed",
            stage="shipment",
            by=m1,
            lines=[("100", "3", "2", {"etd": date(2026, 11, 16)})],
        )
        # H: m2's; value 2000, profit 500; due today
        b.h = b.order(
            "C3",
            day=date(2026, 11, 12),
            stage="enquiry",
            by=m2,
            lines=[("1000", "2", "1.5", {"etd": TODAY, "status": "in_development"})],
        )
        # I: GBP 100 = USD 125, profit GBP 50 = USD 62.50; due on the window's last day
        b.i = b.order(
            "C2",
            day=date(2026, 11, 15),
            currency="GBP",
            stage="development",
            by=m1,
            lines=[("100", "1", "0.5", {"etd": TODAY + timedelta(days=14)})],
        )
        # J: dated next month, in the quarter: value 100, profit 10; its ETD a day after the window
        b.j = b.order(
            "C1",
            day=date(2026, 12, 10),
            stage="enquiry",
            by=m1,
            lines=[("10", "10", "9", {"etd": TODAY + timedelta(days=15)})],
        )
    return b


def looking(org, membership, today=TODAY) -> Dashboard:
    org.refresh_from_db()
    return Dashboard(organization=org, membership=membership, today=today)


def restrict(org) -> None:
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})


def read(org, function, membership, today=TODAY):
    with tenant_context(org):
        return function(looking(org, membership, today))


# --- the pipeline -----------------------------------------------------------------------------------------------------
def test_the_pipeline_is_the_open_orders_value_by_stage_in_the_base_currency(org, owner, book):
    # when
    figures = read(org, pipeline, owner)
    # then: every configured stage in order, empty ones too; cancelled, closed and deleted orders are not open
    assert figures.stages == [
        Stage("enquiry", 2, D("2100.00")),  # H 2000 + J 100
        Stage("development", 1, D("125.00")),  # I: GBP 100 at 1 / 0.8
        Stage("sampling", 2, D("5500.00")),  # A 5000 + D 500
        Stage("pre-production", 0, None),
        Stage("production", 2, D("1100.00")),  # B: EUR 1000 at 1.1; C has no rate
        Stage("shipment", 0, None),
        Stage("closed", 0, None),
    ]
    assert (figures.orders, figures.value) == (7, D("8825.00"))
    # the BDT order is counted as an order of its stage but its value is named apart, in its currency
    assert figures.unrated == [Unrated("BDT", 1, D("1000.00"))]
    assert figures.price_missing_lines == 0


def test_an_order_is_converted_on_its_own_and_rounded_before_the_sum(org, owner):
    # given two EUR orders of 0.05 each: 0.055 USD each, 0.06 after rounding; together they would be 0.11
    with tenant_context(org):
        b = Book(org)
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 1, 1), from_currency="EUR", to_currency="USD", rate=D("1.1")
        )
        for _ in range(2):
            b.order("C1", day=date(2026, 11, 2), currency="EUR", lines=[("1", "0.05", None)])
    # when / then: as the order pages show them, 0.06 + 0.06
    assert read(org, pipeline, owner).value == D("0.12")
    assert read(org, profit, owner).month.value == D("0.12")


def test_a_stage_not_configured_and_orders_without_a_stage_come_after_the_configured_ones(org, owner):
    with tenant_context(org):
        b = Book(org)
        b.order("C1", day=date(2026, 11, 2), stage="", lines=[("1", "10", None)])
        b.order("C1", day=date(2026, 11, 2), stage="inspection", lines=[("1", "20", None)])
        b.order("C1", day=date(2026, 11, 2), stage="", lines=[("1", "5", None)])
    Organization.objects.filter(pk=org.pk).update(settings={"order_stages": ["enquiry", "sampling"]})
    figures = read(org, pipeline, owner)
    assert [(s.name, s.orders, s.value) for s in figures.stages] == [
        ("enquiry", 0, None),
        ("sampling", 0, None),
        ("inspection", 1, D("20.00")),
        ("", 2, D("15.00")),
    ]


def test_lines_without_a_selling_price_add_nothing_to_the_value_and_are_counted(org, owner):
    with tenant_context(org):
        Book(org).order("C1", day=date(2026, 11, 2), lines=[("100", "2", "1"), ("50", None, "1"), ("5", None, None)])
    figures = read(org, pipeline, owner)
    assert (figures.value, figures.price_missing_lines) == (D("200.00"), 2)


def test_an_order_all_of_whose_lines_lack_a_price_has_no_value_not_a_zero_one(org, owner):
    with tenant_context(org):
        Book(org).order("C1", day=date(2026, 11, 2), stage="sampling", lines=[("100", None, "1")])
    figures = read(org, pipeline, owner)
    sampling = next(s for s in figures.stages if s.name == "sampling")
    assert (sampling.orders, sampling.value, figures.value) == (1, None, None)


# --- profit -----------------------------------------------------------------------------------------------------------
def test_profit_this_month_and_quarter_is_the_potential_and_realised_of_the_orders_dated_in_them(org, owner, book):
    # when
    figures = read(org, profit, owner)
    # then this month (November): A, C (no rate), G (closed counts: it was booked), H and I
    month = figures.month
    assert (month.label, month.start, month.end) == ("November 2026", date(2026, 11, 1), date(2026, 11, 30))
    assert month.orders == 5
    assert month.value == D("7425.00")  # 5000 + 300 + 2000 + 125
    assert month.profit == D("1562.50")  # 900 + 100 + 500 + 62.50
    assert month.realised == D("225.00")  # a quarter of A's 900
    assert month.realised_percent == 14  # 225 / 1562.50
    # A's line without a mill price is left out of the profit, and said so
    assert (month.cost_missing_lines, month.price_missing_lines, month.profit_left_out_lines) == (1, 0, 1)
    assert month.lines == 7
    assert month.unrated == (Unrated("BDT", 1, D("100.00")),)  # C's profit, in BDT
    # and this quarter adds B (October: USD 1100, profit 220 all realised) and J (December: 100, profit 10)
    quarter = figures.quarter
    assert (quarter.label, quarter.start, quarter.end) == ("Q4 2026", date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.orders == 7
    assert (quarter.value, quarter.profit, quarter.realised) == (D("8625.00"), D("1792.50"), D("445.00"))
    assert quarter.unrated == (Unrated("BDT", 1, D("100.00")),)


def test_a_period_without_orders_has_none_and_no_share(org, owner):
    figures = read(org, profit, owner)
    assert (figures.month.orders, figures.month.profit, figures.month.realised_percent) == (0, None, None)


@pytest.mark.parametrize(
    ("day", "month", "quarter"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2028, 2, 29), (date(2028, 2, 1), date(2028, 2, 29)), (date(2028, 1, 1), date(2028, 3, 31))),
        (date(2026, 6, 30), (date(2026, 6, 1), date(2026, 6, 30)), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31)), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_months_and_quarters_are_calendar_ones(day, month, quarter):
    assert sales_dashboard.month_of(day) == month
    assert sales_dashboard.quarter_of(day) == quarter


# --- top customers ----------------------------------------------------------------------------------------------------
def test_top_customers_rank_by_this_quarters_order_value_with_their_share(org, owner, book):
    # when
    customers = read(org, top_customers, owner)
    # then: C1 has A 5000 and J 100 (C, in BDT without a rate, cannot be ranked); C3 has H; C2 has B and I
    assert [(c.name, c.orders, c.value, c.percent) for c in customers] == [
        ("C1", 2, D("5100.00"), 59),  # of the quarter's 8625
        ("C3", 1, D("2000.00"), 23),
        ("C2", 2, D("1225.00"), 14),
        ("C4", 1, D("300.00"), 3),
    ]


def test_only_the_top_five_customers_are_listed(org, owner):
    with tenant_context(org):
        b = Book(org)
        for n in range(7):
            b.customers[f"X{n}"] = CustomerFactory(organization=org, legal_name=f"X{n}")
            b.order(f"X{n}", day=date(2026, 11, 2), lines=[("1", str(100 + n), None)])
    assert [c.name for c in read(org, top_customers, owner)] == ["X6", "X5", "X4", "X3", "X2"]


# --- lines due and late -----------------------------------------------------------------------------------------------
def test_lines_due_in_the_next_14_days_are_the_open_lines_of_open_orders_soonest_first(org, owner, book):
    # when
    due = read(org, lines_due, owner)
    # then: H's line today, A's first line (its own ETD), A's second (its order's ETD), I's on the 14th day; not
    # A's completed line, B's delivered one, J's a day too late, nor lines of cancelled, deleted or closed orders
    assert [(line.order_number, line.colour, line.etd, line.days) for line in due.lines] == [
        (book.h.number, "C0", TODAY, 0),
        (book.a.number, "C0", date(2026, 11, 20), 2),
        (book.a.number, "C1", date(2026, 11, 25), 7),
        (book.i.number, "C0", date(2026, 12, 2), 14),
    ]
    assert (due.count, due.orders, due.until) == (4, 3, date(2026, 12, 2))
    per_day = dict(due.by_day)
    assert len(due.by_day) == 15
    assert (per_day[TODAY], per_day[date(2026, 11, 20)], per_day[date(2026, 11, 25)], per_day[date(2026, 12, 2)]) == (
        1,
        1,
        1,
        1,
    )
    assert sum(per_day.values()) == 4
    first = due.lines[0]
    assert (first.customer, first.style_number, first.quantity, first.unit, first.status_label) == (
        "C3",
        f"ST-{int(book.h.number[3:])}",
        D("1000.000"),
        "m",
        "In development",
    )


def test_late_lines_are_open_lines_past_their_etd_the_most_recent_first(org, owner, book):
    late = read(org, lines_late, owner)
    # C's line (15 Nov, its own ETD) and D's (1 Nov, its order's); B's is delivered, G's order closed, E's
    # cancelled, F's deleted
    assert [(line.order_number, line.etd, line.days) for line in late.lines] == [
        (book.c.number, date(2026, 11, 15), -3),
        (book.d.number, date(2026, 11, 1), -17),
    ]
    assert (late.count, late.more) == (2, False)


def test_late_lines_stop_counting_at_the_cap(org, owner, monkeypatch):
    monkeypatch.setattr(sales_dashboard, "CAP", 3)
    monkeypatch.setattr(sales_dashboard, "SHOWN", 2)
    with tenant_context(org):
        b = Book(org)
        b.order("C1", day=date(2026, 10, 1), lines=[("1", "1", "1", {"etd": date(2026, 11, n)}) for n in (1, 2, 3)])
        b.order("C1", day=date(2026, 10, 1), etd=date(2026, 11, 4), lines=[("1", "1", "1")])
    late = read(org, lines_late, owner)
    assert (late.count, late.more) == (3, True)
    assert [line.etd for line in late.lines] == [date(2026, 11, 4), date(2026, 11, 3)]
    # and just below the cap the count is exact
    monkeypatch.setattr(sales_dashboard, "CAP", 4)
    assert read(org, lines_late, owner).count == 4
    assert read(org, lines_late, owner).more is False


def test_nothing_due_and_nothing_late_in_an_empty_organisation(org, owner):
    due, late = read(org, lines_due, owner), read(org, lines_late, owner)
    assert (due.count, due.orders, due.lines, sum(n for _, n in due.by_day)) == (0, 0, [], 0)
    assert (late.count, late.more, late.lines) == (0, False, [])


# --- visibility -------------------------------------------------------------------------------------------------------
def test_a_restricted_merchandiser_s_figures_are_of_their_own_orders(org, book):
    # given merchandisers see only their orders; m1 owns every order but H
    restrict(org)
    # when / then: no H anywhere
    figures = read(org, pipeline, book.m1)
    assert figures.stages[0] == Stage("enquiry", 1, D("100.00"))
    assert (figures.orders, figures.value) == (6, D("6825.00"))
    assert read(org, profit, book.m1).quarter.value == D("6625.00")
    assert [c.name for c in read(org, top_customers, book.m1)] == ["C1", "C2", "C4"]
    assert [line.order_number for line in read(org, lines_due, book.m1).lines] == [book.a.number] * 2 + [book.i.number]
    assert read(org, lines_late, book.m1).count == 2
    # and m2 sees only H
    assert read(org, pipeline, book.m2).orders == 1
    assert [line.order_number for line in read(org, lines_due, book.m2).lines] == [book.h.number]
    assert read(org, lines_late, book.m2).count == 0


def test_a_manager_sees_everyone_s_orders_even_when_merchandisers_are_restricted(org, member, book):
    restrict(org)
    manager = member(Role.MANAGER)
    assert read(org, pipeline, manager).orders == 7


def test_another_organisation_s_orders_are_in_no_figure(org, other_org, owner, book):
    # given the other organisation's owner, whose organisation has no orders
    from tradeloom.tenancy.tests.factories import MembershipFactory

    theirs = MembershipFactory(organization=other_org, role=Role.OWNER)
    # when / then
    assert read(other_org, pipeline, theirs).orders == 0
    assert read(other_org, profit, theirs).quarter.orders == 0
    assert read(other_org, top_customers, theirs) == []
    assert read(other_org, lines_due, theirs).count == 0
    assert read(other_org, lines_late, theirs).count == 0
