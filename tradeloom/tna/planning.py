"""T&A planning, pure (no ORM): the planned dates of a plan's milestones, the order they depend on each other in, and
the forecasts that carry a slip down the dependencies (docs/tna.md).

* ``plan_dates``: planned = anchor + offset. In calendar days, plain arithmetic; in working days,
  ``WorkWeek.add(anchor, offset)`` — backwards from the ETD skipping the organisation's days off (a negative offset
  starts from the working day on or before the anchor; an offset of 0 from an ETD on a day off lands on the working
  day before it — ex-factory never after the ETD — and from an order date on a day off on the working day after).
* ``dependency_order``: the codes in topological order (ties kept in their listed order); a code listed twice is
  ``duplicate_code``, a dependency on a code that is not there ``unknown_dependency``, on itself or round a loop
  ``dependency_cycle`` — each naming the row (``milestones.<n>.depends_on``).
* ``forecast``: done → the actual date; pending → the latest of its planned date, today when the planned date has
  passed (the next working day on or after today when the plan counts working days), and for each dependency ``d``
  ``finish(d) + gap(d, m)``, where finish is ``d``'s actual date, else its forecast, and the gap is
  ``planned(m) - planned(d)`` (never below 0; counted in working days when the plan uses them). Slippage is
  ``(actual or forecast) - planned`` in days (working days when used): positive is late.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.workdays import WorkWeek

ETD = "etd"
ORDER_DATE = "order_date"


@dataclass(frozen=True)
class Row:
    """A milestone as planning reads it (a model instance with these attributes does as well)."""

    code: str
    planned_date: datetime.date
    depends_on: tuple[str, ...] = ()
    actual_date: datetime.date | None = None


class Forecast(NamedTuple):
    """``(forecast_date, slippage_days)``."""

    forecast_date: datetime.date
    slippage_days: int


def _get(row: Any, name: str, default: Any = None) -> Any:
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)


def _error(code: str, message: str, index: int | None = None, field: str = "depends_on") -> ApplicationError:
    key = f"milestones.{index}.{field}" if index is not None else "milestones"
    return ApplicationError(message, code=code, extra={"errors": {key: [message]}})


# --- planned dates ----------------------------------------------------------------------------------------------------


def planned_date(
    *,
    anchor: str,
    offset_days: int,
    etd: datetime.date | None,
    order_date: datetime.date | None,
    work_week: WorkWeek | None = None,
) -> datetime.date:
    """One milestone's planned date (``etd_missing`` / ``order_date_missing`` when its anchor has no date)."""
    base = order_date if anchor == ORDER_DATE else etd
    if base is None:
        if anchor == ORDER_DATE:
            raise ApplicationError("The order has no order date to plan from.", code="order_date_missing")
        raise ApplicationError(
            "Set the ETD of the order (or the line) first: the plan counts backwards from it.",
            code="etd_missing",
            extra={"errors": {"etd": ["The plan counts backwards from the ETD; set it first."]}},
        )
    if work_week is not None:
        if int(offset_days) == 0 and anchor != ORDER_DATE:  # backwards from the ETD: the working day on or before it
            return work_week.working_on_or_before(base)
        return work_week.add(base, int(offset_days))
    return base + datetime.timedelta(days=int(offset_days))


def plan_dates(
    milestones: Iterable[Any],
    *,
    etd: datetime.date | None,
    order_date: datetime.date | None,
    work_week: WorkWeek | None = None,
) -> dict[str, datetime.date]:
    """``{code: planned date}`` for rows with ``code``, ``anchor`` (``etd`` / ``order_date``) and ``offset_days``;
    ``work_week`` given: offsets count working days."""
    return {
        str(_get(m, "code")): planned_date(
            anchor=str(_get(m, "anchor") or ETD),
            offset_days=int(_get(m, "offset_days") or 0),
            etd=etd,
            order_date=order_date,
            work_week=work_week,
        )
        for m in milestones
    }


# --- dependencies -----------------------------------------------------------------------------------------------------


def dependency_order(milestones: Sequence[Any]) -> list[str]:
    """The codes, each after every code it depends on (Kahn's algorithm; ties keep the listed order). Refuses a
    duplicate code, an unknown dependency, a self-dependency and a cycle, naming the row."""
    index: dict[str, int] = {}
    for i, m in enumerate(milestones):
        code = str(_get(m, "code"))
        if code in index:
            raise _error("duplicate_code", f"The code “{code}” is used twice.", i, "code")
        index[code] = i
    deps: dict[str, list[str]] = {}
    for i, m in enumerate(milestones):
        code = str(_get(m, "code"))
        listed = [str(d) for d in (_get(m, "depends_on") or ())]
        for d in listed:
            if d == code:
                raise _error("dependency_cycle", f"“{code}” cannot depend on itself.", i)
            if d not in index:
                raise _error("unknown_dependency", f"“{d}” is not a milestone of this plan.", i)
        deps[code] = list(dict.fromkeys(listed))
    waiting = {code: len(ds) for code, ds in deps.items()}
    dependants: dict[str, list[str]] = {code: [] for code in deps}
    for code, ds in deps.items():
        for d in ds:
            dependants[d].append(code)
    ready = [code for code in index if waiting[code] == 0]
    order: list[str] = []
    while ready:
        ready.sort(key=index.__getitem__)
        code = ready.pop(0)
        order.append(code)
        for nxt in dependants[code]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    if len(order) < len(index):
        stuck = min((c for c in index if waiting[c] > 0), key=index.__getitem__)
        names = ", ".join(sorted(c for c in index if waiting[c] > 0))
        raise _error("dependency_cycle", f"The dependencies go round in a loop ({names}).", index[stuck])
    return order


# --- forecasts --------------------------------------------------------------------------------------------------------


def days_between(start: datetime.date, end: datetime.date, work_week: WorkWeek | None = None) -> int:
    """``end - start`` in days, or in working days with ``work_week``."""
    return work_week.between(start, end) if work_week is not None else (end - start).days


def _add(day: datetime.date, n: int, work_week: WorkWeek | None) -> datetime.date:
    return work_week.add(day, n) if work_week is not None else day + datetime.timedelta(days=n)


def forecast(
    milestones: Sequence[Any], *, today: datetime.date, work_week: WorkWeek | None = None
) -> dict[str, Forecast]:
    """``{code: Forecast(forecast_date, slippage_days)}`` of every milestone (``code``, ``depends_on``,
    ``planned_date``, ``actual_date``), computed in dependency order."""
    by_code = {str(_get(m, "code")): m for m in milestones}
    result: dict[str, Forecast] = {}
    earliest = work_week.working_on_or_after(today) if work_week is not None else today
    for code in dependency_order(milestones):
        m = by_code[code]
        planned: datetime.date = _get(m, "planned_date")
        actual: datetime.date | None = _get(m, "actual_date")
        if actual is not None:
            result[code] = Forecast(actual, days_between(planned, actual, work_week))
            continue
        date = planned
        if planned < today:
            date = max(date, earliest)
        for d in _get(m, "depends_on") or ():
            dep = by_code[str(d)]
            dep_result = result[str(d)]
            gap = max(0, days_between(_get(dep, "planned_date"), planned, work_week))
            date = max(date, _add(dep_result.forecast_date, gap, work_week))
        result[code] = Forecast(date, days_between(planned, date, work_week))
    return result


def is_late(*, actual_date: datetime.date | None, planned_date: datetime.date, today: datetime.date) -> bool:
    """Late (red): not done and its planned date has passed."""
    return actual_date is None and planned_date < today
