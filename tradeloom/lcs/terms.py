"""An LC's figures and dates as UCP 600 reads them — pure functions of its terms, shared by the services, the
selectors, the pages and the alerts (docs/lcs.md has the worked figures).

* **Amount band**: drawings together may reach ``amount + tolerance +%`` (the *cap*); the LC counts as fully drawn
  (``utilised``) from ``amount - tolerance -%`` (the *floor*; the minus tolerance is the plus one unless stated).
  Each percentage of the amount is rounded to cents half away from zero (``core.money.percent_of``): 50,000.00 at
  ±10 % → floor 45,000.00, cap 55,000.00; 12,345.67 at +5 % → cap 12,345.67 + 617.28 = 12,962.95.
* **One drawing when partials are prohibited** (art. 30 c): the drawing may fall short of the amount by 5 % (or by
  the minus tolerance, when the LC states one): 100,000.00 without tolerance → at least 95,000.00.
* **Banking days**: Monday to Friday (no bank holidays: the LC's place of expiry is not a calendar we keep). An
  expiry date — and the last day of a presentation period — on a Saturday or Sunday moves to the next Monday
  (art. 29 a); the latest shipment date never moves (art. 29 c). The bank's examination has 5 banking days after
  the day of presentation (art. 14 b).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tradeloom.core.money import ZERO, percent_of

FIVE_PERCENT = Decimal(5)
EXAMINATION_DAYS = 5


def term_text(value: Any) -> Any:
    """A term's value as JSON (amendments' changes, audit rows): decimals and dates as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def next_banking_day(day: datetime.date) -> datetime.date:
    """``day``, or the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def banking_days_after(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th banking day after ``day`` (``day`` itself not counted)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def minus_percent(lc: Any) -> Decimal:
    value = lc.tolerance_minus_percent
    return Decimal(lc.tolerance_percent if value is None else value)


def amount_cap(lc: Any) -> Decimal:
    """The most all live drawings may reach: amount + the plus tolerance."""
    return Decimal(lc.amount) + percent_of(Decimal(lc.amount), Decimal(lc.tolerance_percent))


def amount_floor(lc: Any) -> Decimal:
    """From this sum of drawings the LC is fully drawn: amount - the minus tolerance."""
    return Decimal(lc.amount) - percent_of(Decimal(lc.amount), minus_percent(lc))


def single_drawing_floor(lc: Any) -> Decimal:
    """The least one drawing may be when partial drawings are prohibited: the amount less its minus tolerance, or
    less 5 % when the LC states none (UCP 600 art. 30 c)."""
    percent = minus_percent(lc) or FIVE_PERCENT
    return Decimal(lc.amount) - percent_of(Decimal(lc.amount), percent)


def available(lc: Any) -> Decimal:
    return max(amount_cap(lc) - Decimal(lc.utilised_amount or ZERO), ZERO)


def effective_expiry(lc: Any) -> datetime.date:
    """The expiry date, moved to the next banking day."""
    return next_banking_day(lc.expiry_date)


def presentation_deadline(lc: Any, shipped_on: datetime.date | None) -> datetime.date:
    """The last day documents may be presented for goods shipped on ``shipped_on``: the shipment date + the
    presentation period (moved to a banking day), never after the (moved) expiry."""
    expiry = effective_expiry(lc)
    if shipped_on is None:
        return expiry
    last = next_banking_day(shipped_on + datetime.timedelta(days=lc.presentation_days))
    return min(last, expiry)


def utilisation_percent(lc: Any) -> Decimal:
    """Drawn as a percentage of the amount (to one decimal)."""
    if not lc.amount:
        return ZERO
    return (Decimal(lc.utilised_amount) * 100 / Decimal(lc.amount)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Terms:
    """The LC's terms as of now (its latest accepted amendment), with the revision that last changed each amended
    term (``amended``: field → revision) and the figures derived from them."""

    values: dict[str, Any]
    revision: int
    amended: dict[str, int] = field(default_factory=dict)
    cap: Decimal = ZERO
    floor: Decimal = ZERO
    expiry: datetime.date | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc
