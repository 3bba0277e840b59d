"""The work order's figures on hand-checked calendars: the rate over the last seven working days (a Sunday off; a
day off's entry still counts), the estimated completion counted in working days, the late flag's three cases, the
progress to two decimals — and the same figures written by the morning refresh on fixed entries.

The calendar (December 2026): Friday 4 is today; Sunday is the day off, so the last seven working days are Friday 27
November to Friday 4 December (Sunday 29 is inside the window but is not one of the seven)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.workdays import WorkWeek
from tradeloom.production import states
from tradeloom.production.models import WorkOrder
from tradeloom.production.services import figures
from tradeloom.production.services.work_orders import organization_work_orders_refresh
from tradeloom.production.tests.factories import ProductionEntryFactory, WorkOrderFactory

SUNDAY_OFF = WorkWeek.of([6])
EVERY_DAY = WorkWeek.of([])
TODAY = date(2026, 12, 4)  # a Friday
D = Decimal

# finished per day: Thursday 26 November is before the window
DAILY = {
    date(2026, 11, 26): D(1000),
    date(2026, 11, 27): D(100),
    date(2026, 11, 28): D(100),
    date(2026, 11, 29): D(50),  # a Sunday: reported, so it counts
    date(2026, 11, 30): D(100),
    date(2026, 12, 1): D(100),
    date(2026, 12, 2): D(100),
    date(2026, 12, 3): D(0),
    date(2026, 12, 4): D(50),
}


def test_the_window_is_the_last_seven_working_days_to_today():
    assert figures.window_of(today=TODAY, work_week=SUNDAY_OFF) == (date(2026, 11, 27), TODAY)
    assert figures.window_of(today=TODAY, work_week=EVERY_DAY) == (date(2026, 11, 28), TODAY)
    # on a day off the window ends on it, and starts seven working days before the Saturday
    assert figures.window_of(today=date(2026, 12, 6), work_week=SUNDAY_OFF) == (date(2026, 11, 28), date(2026, 12, 6))


def test_the_rate_and_the_estimate_on_a_six_day_week():
    # in the window: 100 + 100 + 50 + 100 + 100 + 100 + 0 + 50 = 600 → 600 / 7 = 85.714 a day
    # remaining 2000 - 1600 = 400 → ceil(400 / (600 / 7)) = ceil(4.67) = 5 working days after Friday 4:
    # Sat 5, (Sun 6 off), Mon 7, Tue 8, Wed 9, Thu 10
    guess = figures.estimate(
        quantity=D(2000), finished=D(1600), daily_finished=DAILY, today=TODAY, work_week=SUNDAY_OFF
    )
    assert guess.rate_per_day == D("85.714")
    assert guess.remaining == D(400)
    assert guess.estimated_completion == date(2026, 12, 10)


def test_every_day_a_working_day_gives_a_shorter_window_and_calendar():
    # the window is 28 November to 4 December: 600 - 100 (the 27th) = 500 → 500 / 7 = 71.429 a day
    # ceil(400 x 7 / 500) = ceil(5.6) = 6 calendar days: Thursday 10 December
    guess = figures.estimate(quantity=D(2000), finished=D(1600), daily_finished=DAILY, today=TODAY, work_week=EVERY_DAY)
    assert guess.rate_per_day == D("71.429")
    assert guess.estimated_completion == date(2026, 12, 10)


def test_an_exact_rate_lands_on_the_day():
    # 700 in the window → 100 a day; 300 remaining → 3 working days: Sat 5, Mon 7, Tue 8
    daily = {date(2026, 12, 1): D(700)}
    guess = figures.estimate(quantity=D(1000), finished=D(700), daily_finished=daily, today=TODAY, work_week=SUNDAY_OFF)
    assert guess.rate_per_day == D(100)
    assert guess.estimated_completion == date(2026, 12, 8)


def test_nothing_finished_in_the_window_gives_no_estimate():
    daily = {date(2026, 11, 20): D(500)}
    guess = figures.estimate(quantity=D(1000), finished=D(500), daily_finished=daily, today=TODAY, work_week=SUNDAY_OFF)
    assert guess.rate_per_day == 0
    assert guess.estimated_completion is None


def test_all_finished_estimates_the_last_reported_day():
    guess = figures.estimate(
        quantity=D(1000), finished=D(1000), daily_finished=DAILY, today=TODAY, work_week=SUNDAY_OFF
    )
    assert guess.remaining == 0
    assert guess.estimated_completion == date(2026, 12, 4)
    guess = figures.estimate(
        quantity=D(1000),
        finished=D(1200),
        daily_finished={},
        today=TODAY,
        work_week=SUNDAY_OFF,
        last_reported_on=date(2026, 11, 30),
    )
    assert guess.estimated_completion == date(2026, 11, 30)
    assert (
        figures.estimate(
            quantity=D(1), finished=D(1), daily_finished={}, today=TODAY, work_week=SUNDAY_OFF
        ).estimated_completion
        == TODAY
    )


def _late(**kw):
    values = {
        "status": states.IN_PROGRESS,
        "due_date": date(2026, 12, 10),
        "remaining": D(400),
        "estimated_completion": date(2026, 12, 10),
        "today": TODAY,
        "work_week": SUNDAY_OFF,
    }
    return figures.is_late(**{**values, **kw})


def test_late_when_the_estimate_falls_after_the_due_date():
    assert not _late()
    assert _late(due_date=date(2026, 12, 9))


def test_late_when_the_due_date_has_passed():
    assert _late(due_date=date(2026, 12, 3), estimated_completion=None)
    assert _late(due_date=date(2026, 12, 3), estimated_completion=date(2026, 12, 2))


def test_without_an_estimate_late_when_due_within_the_window():
    # seven working days after Friday 4: Sat 5, Mon 7 … Fri 11, Sat 12 → due before Saturday 12 is late
    assert _late(due_date=date(2026, 12, 11), estimated_completion=None)
    assert not _late(due_date=date(2026, 12, 12), estimated_completion=None)


def test_never_late_when_finished_or_not_open():
    assert not _late(due_date=date(2026, 12, 1), remaining=D(0))
    for status in (states.DRAFT, states.COMPLETED, states.CANCELLED):
        assert not _late(status=status, due_date=date(2026, 12, 1))
    assert _late(status=states.PENDING, due_date=date(2026, 12, 1))


def test_progress_to_two_decimals_past_one_hundred():
    assert figures.progress_percent(quantity=D(3), finished=D(1)) == D("33.33")
    assert figures.progress_percent(quantity=D(3), finished=D(2)) == D("66.67")
    assert figures.progress_percent(quantity=D(100), finished=D(150)) == D("150.00")
    assert figures.progress_percent(quantity=D(1), finished=D(1000)) == D("9999.99")
    assert figures.progress_percent(quantity=D(0), finished=D(5)) == D("0.00")


@pytest.mark.django_db
def test_the_refresh_writes_the_same_figures_from_the_entries(org):
    with tenant_context(org):
        wo = WorkOrderFactory(
            organization=org,
            status=states.IN_PROGRESS,
            quantity=D(2000),
            finished_quantity=D(1600),
            due_date=date(2026, 12, 9),
        )
        for day, finished in DAILY.items():
            if finished:
                ProductionEntryFactory(organization=org, work_order=wo, produced_on=day, finished=finished)
        assert organization_work_orders_refresh(organization=org, today=TODAY) == 1
        wo = WorkOrder.objects.get(pk=wo.pk)
        assert wo.estimated_completion == date(2026, 12, 10)
        assert wo.is_late  # due Wednesday 9, estimated Thursday 10
        assert wo.progress_percent == D("80.00")
