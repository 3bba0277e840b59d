"""Working days: a week with days off (Python's weekday numbers, Monday 0 … Sunday 6).

A mill's week is not a bank's: many work six days (Sunday off, or Friday off), some all seven. The organisation's
setting (``Organization.weekly_off_days``) says which; T&A plans that count in working days and the production
rate use it. ``add`` counts ``n`` working days from a day (negative: backwards) and always lands on a working day
(``add(day, 0)`` is ``day`` itself when it is a working day, else the working day after it — or before it when
counting backwards). ``between`` counts the working days from one day to another (negative when ``end`` is earlier),
so ``add(start, between(start, end)) == end`` for working days ``start`` and ``end``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DAY = datetime.timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkWeek:
    off_days: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if any(day not in range(7) for day in self.off_days):
            raise ValueError("Days off are weekday numbers from 0 (Monday) to 6 (Sunday).")
        if len(self.off_days) == 7:
            raise ValueError("A week needs at least one working day.")

    @classmethod
    def of(cls, off_days: Iterable[int] | None) -> WorkWeek:
        return cls(frozenset(off_days or ()))

    def is_working(self, day: datetime.date) -> bool:
        return day.weekday() not in self.off_days

    def working_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_working(day):
            day += DAY
        return day

    def working_on_or_before(self, day: datetime.date) -> datetime.date:
        while not self.is_working(day):
            day -= DAY
        return day

    @property
    def per_week(self) -> int:
        return 7 - len(self.off_days)

    def add(self, day: datetime.date, n: int) -> datetime.date:
        """``n`` working days after ``day`` (before it when negative)."""
        day = self.working_on_or_after(day) if n >= 0 else self.working_on_or_before(day)
        step = DAY if n >= 0 else -DAY
        remaining = abs(n)
        # whole weeks at once, then day by day
        weeks, remaining = divmod(remaining, self.per_week)
        day += step * 7 * weeks
        while remaining:
            day += step
            if self.is_working(day):
                remaining -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days from ``start`` to ``end``: those in (start, end] (negative, and [end, start), backwards)."""
        if end < start:
            return -self.between(end, start)
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * self.per_week
        day = start + DAY * 7 * weeks
        for _ in range(rest):
            day += DAY
            if self.is_working(day):
                count += 1
        return count

    def working_days_back(self, end: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
        """The window of the last ``n`` working days ending on ``end`` (inclusive): (first day, last day)."""
        last = self.working_on_or_before(end)
        return self.add(last, -(n - 1)) if n > 1 else last, last
