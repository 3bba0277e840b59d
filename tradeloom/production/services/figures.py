"""A work order's figures, as pure functions (no ORM): progress, the estimated completion from the recent rate, and
the late flag. ``services.entries`` writes them with every entry and ``work_orders_refresh`` each morning.

* progress = finished ÷ quantity x 100, to 2 decimals (half up); it may exceed 100 (capped at 9,999.99);
* the rate = what was finished over the last ``window`` working days up to today (those days and any day off
  between them: a Sunday's entry counts), ÷ ``window``;
* remaining = quantity - finished; when nothing remains, the estimate is the last day reported (else today);
  a rate of zero gives no estimate; else the estimate is ``ceil(remaining ÷ rate)`` working days after today;
* late (``is_late``): only an open work order (pending or in progress) with something left to finish, and either
  its due date has passed, or its estimate falls after its due date, or — with no estimate (nothing finished in the
  window) — its due date comes before ``window`` working days from today (it cannot finish in time at any rate it
  has shown).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tradeloom.core.workdays import WorkWeek
from tradeloom.production import states

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
MAX_PROGRESS = Decimal("9999.99")
WINDOW = 7


@dataclass(frozen=True)
class Estimate:
    rate_per_day: Decimal
    remaining: Decimal
    estimated_completion: datetime.date | None


def progress_percent(*, quantity: Decimal, finished: Decimal) -> Decimal:
    """Finished ÷ quantity x 100, 2 decimals (0 for a quantity of 0)."""
    if not quantity or quantity <= 0:
        return ZERO.quantize(CENT)
    value = (Decimal(finished) / Decimal(quantity) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(value, MAX_PROGRESS)


def window_of(
    *, today: datetime.date, work_week: WorkWeek, window: int = WINDOW
) -> tuple[datetime.date, datetime.date]:
    """The first and last day the rate counts: the first of the last ``window`` working days, and today."""
    first, _last = work_week.working_days_back(today, window)
    return first, today


def estimate(
    *,
    quantity: Decimal,
    finished: Decimal,
    daily_finished: Mapping[datetime.date, Decimal],
    today: datetime.date,
    work_week: WorkWeek,
    window: int = WINDOW,
    last_reported_on: datetime.date | None = None,
) -> Estimate:
    """The rate over the window, what remains and the estimated completion (see the module's docstring).
    ``daily_finished`` may hold any days: those outside the window are left out of the rate."""
    if window < 1:
        raise ValueError("The window is at least one working day.")
    first, last = window_of(today=today, work_week=work_week, window=window)
    in_window = sum((Decimal(v) for d, v in daily_finished.items() if first <= d <= last), ZERO)
    rate = (in_window / window).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    remaining = Decimal(quantity) - Decimal(finished)
    if remaining <= 0:
        reported = [d for d, v in daily_finished.items() if v]
        day = last_reported_on or (max(reported) if reported else today)
        return Estimate(rate, remaining, day)
    if in_window <= 0:
        return Estimate(rate, remaining, None)
    days = math.ceil(remaining * window / in_window)  # exact: remaining ÷ (in_window ÷ window)
    return Estimate(rate, remaining, work_week.add(today, days))


def is_late(
    *,
    status: str,
    due_date: datetime.date | None,
    remaining: Decimal,
    estimated_completion: datetime.date | None,
    today: datetime.date,
    work_week: WorkWeek,
    window: int = WINDOW,
) -> bool:
    """The late flag (see the module's docstring)."""
    if status not in states.OPEN or due_date is None or remaining <= 0:
        return False
    if due_date < today:
        return True
    if estimated_completion is not None:
        return estimated_completion > due_date
    return due_date < work_week.add(today, window)
