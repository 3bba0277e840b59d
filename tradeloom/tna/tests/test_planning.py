"""Planning on hand-checked calendars (no database): backward planning from the ETD in calendar and working days,
dependency order with its refusals, and forecasts carrying a slip down the dependencies.

The calendar used: ETD Monday 1 February 2027; December 2026 begins on a Tuesday (Sat 5, Sun 6, Sun 13 …)."""

from __future__ import annotations

from datetime import date

import pytest

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.workdays import WorkWeek
from tradeloom.tna import planning
from tradeloom.tna.models import STANDARD_MILESTONES
from tradeloom.tna.planning import Row

ETD = date(2027, 2, 1)  # a Monday
ORDER_DATE = date(2026, 11, 2)
SUNDAY_OFF = WorkWeek.of([6])
FRIDAY_OFF = WorkWeek.of([4])


def rows(*specs: tuple[str, str, int]) -> list[dict[str, object]]:
    return [{"code": code, "anchor": anchor, "offset_days": offset} for code, anchor, offset in specs]


# --- planned dates ----------------------------------------------------------------------------------------------------


def test_calendar_days_count_back_from_the_etd() -> None:
    dates = planning.plan_dates(
        rows(("yarn", "etd", -60), ("knit", "etd", -35), ("ex", "etd", 0), ("po", "order_date", 3)),
        etd=ETD,
        order_date=ORDER_DATE,
    )
    # 1 Feb - 31 days = 1 Jan; - 29 more = 3 Dec. 1 Jan - 4 = 28 Dec. 2 Nov + 3 = 5 Nov.
    assert dates == {"yarn": date(2026, 12, 3), "knit": date(2026, 12, 28), "ex": ETD, "po": date(2026, 11, 5)}


def test_working_days_skip_sundays() -> None:
    dates = planning.plan_dates(
        rows(("a", "etd", -1), ("b", "etd", -2), ("c", "etd", -6), ("d", "etd", -12), ("ex", "etd", 0)),
        etd=ETD,
        order_date=ORDER_DATE,
        work_week=SUNDAY_OFF,
    )
    # back from Mon 1 Feb: Sat 30 Jan (1), [Sun 31 skipped] … Fri 29 (2), Thu 28, Wed 27, Tue 26, Mon 25 (6);
    # then Sat 23 (7), Fri 22, Thu 21, Wed 20, Tue 19, Mon 18 (12)
    assert dates == {
        "a": date(2027, 1, 30),
        "b": date(2027, 1, 29),
        "c": date(2027, 1, 25),
        "d": date(2027, 1, 18),
        "ex": ETD,
    }


def test_working_days_with_friday_off() -> None:
    dates = planning.plan_dates(
        rows(("a", "etd", -1), ("b", "etd", -2), ("c", "etd", -3)), etd=ETD, order_date=None, work_week=FRIDAY_OFF
    )
    # back from Mon 1 Feb: Sun 31 Jan (1), Sat 30 (2), [Fri 29 off] Thu 28 (3)
    assert dates == {"a": date(2027, 1, 31), "b": date(2027, 1, 30), "c": date(2027, 1, 28)}


def test_an_etd_on_a_day_off_plans_ex_factory_on_the_working_day_before() -> None:
    sunday = date(2027, 1, 31)
    dates = planning.plan_dates(
        rows(("ex", "etd", 0), ("pack", "etd", -1), ("po", "order_date", 0)),
        etd=sunday,
        order_date=sunday,
        work_week=SUNDAY_OFF,
    )
    assert dates == {"ex": date(2027, 1, 30), "pack": date(2027, 1, 29), "po": date(2027, 2, 1)}


def test_no_etd_is_etd_missing() -> None:
    with pytest.raises(ApplicationError) as error:
        planning.plan_dates(rows(("ex", "etd", 0)), etd=None, order_date=ORDER_DATE)
    assert error.value.code == "etd_missing"
    # an order-date anchor needs no ETD
    assert planning.plan_dates(rows(("po", "order_date", 1)), etd=None, order_date=ORDER_DATE) == {
        "po": date(2026, 11, 3)
    }


def test_the_standard_milestones_plan_and_order() -> None:
    specs = [
        {"code": c, "anchor": "etd", "offset_days": o, "depends_on": d} for c, _n, o, d, _g, _p in STANDARD_MILESTONES
    ]
    dates = planning.plan_dates(specs, etd=ETD, order_date=ORDER_DATE)
    assert dates["yarn_booked"] == date(2026, 12, 3)
    assert dates["ex_factory"] == ETD
    order = planning.dependency_order(specs)
    assert order.index("yarn_booked") < order.index("yarn_in_house") < order.index("knitting") < order.index("dyeing")
    assert order.index("pp_sample_approved") < order.index("cutting") < order.index("ex_factory")
    assert order[-1] == "ex_factory"


# --- dependencies -----------------------------------------------------------------------------------------------------


def test_dependency_order_keeps_the_listed_order_among_equals() -> None:
    specs = [
        {"code": "c", "depends_on": ["a", "b"]},
        {"code": "b", "depends_on": []},
        {"code": "a", "depends_on": []},
        {"code": "d", "depends_on": ["c"]},
    ]
    assert planning.dependency_order(specs) == ["b", "a", "c", "d"]


@pytest.mark.parametrize(
    ("specs", "code", "key"),
    [
        ([{"code": "a", "depends_on": ["zz"]}], "unknown_dependency", "milestones.0.depends_on"),
        ([{"code": "a", "depends_on": ["a"]}], "dependency_cycle", "milestones.0.depends_on"),
        (
            [
                {"code": "a", "depends_on": []},
                {"code": "b", "depends_on": ["c"]},
                {"code": "c", "depends_on": ["b"]},
            ],
            "dependency_cycle",
            "milestones.1.depends_on",
        ),
        ([{"code": "a"}, {"code": "a"}], "duplicate_code", "milestones.1.code"),
    ],
)
def test_dependency_refusals_name_the_row(specs: list[dict[str, object]], code: str, key: str) -> None:
    with pytest.raises(ApplicationError) as error:
        planning.dependency_order(specs)
    assert error.value.code == code
    assert list(error.value.extra["errors"]) == [key]


# --- forecasts --------------------------------------------------------------------------------------------------------

A, B, C = date(2026, 12, 1), date(2026, 12, 11), date(2026, 12, 21)


def chain(a_actual: date | None = None) -> list[Row]:
    return [
        Row("a", A, (), a_actual),
        Row("b", B, ("a",)),
        Row("c", C, ("b",)),
    ]


def test_on_time_nothing_moves() -> None:
    result = planning.forecast(chain(), today=date(2026, 11, 20))
    assert {k: tuple(v) for k, v in result.items()} == {"a": (A, 0), "b": (B, 0), "c": (C, 0)}


def test_a_late_actual_moves_its_dependants_by_the_same_gap() -> None:
    result = planning.forecast(chain(a_actual=date(2026, 12, 5)), today=date(2026, 12, 6))
    # a done 4 days late: b = 5 Dec + 10 = 15 Dec, c = 15 Dec + 10 = 25 Dec; each 4 days late
    assert tuple(result["a"]) == (date(2026, 12, 5), 4)
    assert tuple(result["b"]) == (date(2026, 12, 15), 4)
    assert tuple(result["c"]) == (date(2026, 12, 25), 4)


def test_a_pending_milestone_past_its_date_is_forecast_today_and_pushes_on() -> None:
    result = planning.forecast(chain(), today=date(2026, 12, 3))
    assert tuple(result["a"]) == (date(2026, 12, 3), 2)
    assert tuple(result["b"]) == (date(2026, 12, 13), 2)
    assert tuple(result["c"]) == (date(2026, 12, 23), 2)


def test_an_early_finish_does_not_pull_dependants_before_their_plan() -> None:
    result = planning.forecast(chain(a_actual=date(2026, 11, 25)), today=date(2026, 11, 26))
    assert tuple(result["a"]) == (date(2026, 11, 25), -6)
    assert tuple(result["b"]) == (B, 0)


def test_the_latest_dependency_wins_and_a_negative_gap_counts_as_none() -> None:
    milestones = [
        Row("a", A, (), date(2026, 12, 5)),  # 4 late
        Row("b", date(2026, 12, 3), (), date(2026, 12, 10)),  # 7 late
        Row("c", C, ("a", "b")),  # gaps: 20 from a (→ 25 Dec), 18 from b (→ 28 Dec)
        Row("d", date(2026, 12, 20), ("c",)),  # planned before c: gap 0 → c's forecast
    ]
    result = planning.forecast(milestones, today=date(2026, 12, 10))
    assert tuple(result["c"]) == (date(2026, 12, 28), 7)
    assert tuple(result["d"]) == (date(2026, 12, 28), 8)


def test_slippage_in_working_days_propagates_in_working_days() -> None:
    # Sunday off. a planned Tue 1 Dec, b Fri 11 Dec: 9 working days apart (2,3,4,5,7,8,9,10,11)
    milestones = [Row("a", A, (), date(2026, 12, 5)), Row("b", B, ("a",))]
    result = planning.forecast(milestones, today=date(2026, 12, 5), work_week=SUNDAY_OFF)
    # a done Sat 5 Dec: 4 working days late (2, 3, 4, 5)
    assert tuple(result["a"]) == (date(2026, 12, 5), 4)
    # b = Sat 5 + 9 working days: 7, 8, 9, 10, 11, 12, 14, 15, 16 → Wed 16 Dec; 4 working days late (12, 14, 15, 16)
    assert tuple(result["b"]) == (date(2026, 12, 16), 4)
    # in calendar days the same plan forecasts b on 15 Dec
    assert planning.forecast(milestones, today=date(2026, 12, 5))["b"].forecast_date == date(2026, 12, 15)


def test_today_on_a_day_off_forecasts_the_next_working_day() -> None:
    result = planning.forecast([Row("a", date(2026, 12, 4))], today=date(2026, 12, 6), work_week=SUNDAY_OFF)
    # planned Fri 4 Dec, today Sun 6 Dec: Mon 7 Dec, 2 working days late (5, 7)
    assert tuple(result["a"]) == (date(2026, 12, 7), 2)


def test_late_is_pending_and_past_its_planned_date() -> None:
    today = date(2026, 12, 10)
    assert planning.is_late(actual_date=None, planned_date=date(2026, 12, 9), today=today)
    assert not planning.is_late(actual_date=None, planned_date=today, today=today)
    assert not planning.is_late(actual_date=date(2026, 12, 12), planned_date=date(2026, 12, 9), today=today)
