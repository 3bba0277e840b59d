"""Working days, on calendars checked by hand (December 2026: the 1st is a Tuesday)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeloom.core.workdays import WorkWeek

D = datetime.date
SUNDAY_OFF = WorkWeek.of([6])
FRIDAY_OFF = WorkWeek.of([4])
WEEKEND_OFF = WorkWeek.of([5, 6])
ALL_DAYS = WorkWeek.of([])


def test_counting_forward_skips_the_days_off():
    # Sat 5 Dec + 1 working day with Sunday off → Mon 7 Dec
    assert SUNDAY_OFF.add(D(2026, 12, 5), 1) == D(2026, 12, 7)
    # Thu 3 Dec + 1 with Friday off → Sat 5 Dec
    assert FRIDAY_OFF.add(D(2026, 12, 3), 1) == D(2026, 12, 5)
    # Fri 4 Dec + 5 with the weekend off → Fri 11 Dec
    assert WEEKEND_OFF.add(D(2026, 12, 4), 5) == D(2026, 12, 11)
    # Tue 1 Dec + 14 working days (Sunday off): two whole weeks of six, then two → Thu 17 Dec
    assert SUNDAY_OFF.add(D(2026, 12, 1), 14) == D(2026, 12, 17)


def test_counting_backward_from_an_etd():
    # ETD Mon 14 Dec, 10 working days before with Sunday off: 12 11 10 9 8 7 5 4 3 2 → Wed 2 Dec
    assert SUNDAY_OFF.add(D(2026, 12, 14), -10) == D(2026, 12, 2)
    # Friday off, ETD Sat 12 Dec, 6 before: 10 9 8 7 6 5 → Sat 5 Dec
    assert FRIDAY_OFF.add(D(2026, 12, 12), -6) == D(2026, 12, 5)
    # every day works: plain calendar arithmetic
    assert ALL_DAYS.add(D(2026, 12, 14), -10) == D(2026, 12, 4)


def test_a_day_off_as_the_start_moves_to_a_working_day():
    sunday = D(2026, 12, 6)
    assert SUNDAY_OFF.add(sunday, 0) == D(2026, 12, 7)
    assert SUNDAY_OFF.add(sunday, -1) == D(2026, 12, 4)  # Saturday is the working day on or before; one more back
    assert SUNDAY_OFF.add(sunday, 1) == D(2026, 12, 8)


def test_between_counts_the_working_days_from_one_day_to_another():
    assert SUNDAY_OFF.between(D(2026, 12, 5), D(2026, 12, 7)) == 1  # Sat → Mon over a Sunday
    assert SUNDAY_OFF.between(D(2026, 12, 7), D(2026, 12, 5)) == -1
    assert WEEKEND_OFF.between(D(2026, 12, 1), D(2026, 12, 31)) == 22
    assert ALL_DAYS.between(D(2026, 12, 1), D(2026, 12, 31)) == 30


def test_the_window_of_the_last_working_days():
    # the last 7 working days up to Tue 8 Dec with Sunday off: 1 2 3 4 5 7 8
    assert SUNDAY_OFF.working_days_back(D(2026, 12, 8), 7) == (D(2026, 12, 1), D(2026, 12, 8))
    # ending on a Sunday: the Saturday before closes the window
    assert SUNDAY_OFF.working_days_back(D(2026, 12, 6), 1) == (D(2026, 12, 5), D(2026, 12, 5))


def test_a_week_must_have_a_working_day_and_real_weekdays():
    with pytest.raises(ValueError, match="at least one working day"):
        WorkWeek.of(range(7))
    with pytest.raises(ValueError, match="weekday numbers"):
        WorkWeek.of([7])


weeks = st.sets(st.integers(0, 6), max_size=6).map(WorkWeek.of)
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1))


@given(week=weeks, day=days, n=st.integers(-400, 400))
def test_adding_lands_on_a_working_day_and_between_undoes_it(week, day, n):
    start = week.working_on_or_after(day)
    end = week.add(start, n)
    assert week.is_working(end)
    assert week.between(start, end) == n
    assert (end >= start) == (n >= 0)


@given(week=weeks, day=days, n=st.integers(0, 60))
def test_adding_agrees_with_counting_one_day_at_a_time(week, day, n):
    start = week.working_on_or_after(day)
    expected, left = start, n
    while left:
        expected += datetime.timedelta(days=1)
        if week.is_working(expected):
            left -= 1
    assert week.add(start, n) == expected
