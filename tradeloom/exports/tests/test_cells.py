"""Formula injection neutralised, numbers and dates kept as such (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tradeloom.exports.cells import csv_value, neutralise, xlsx_value
from tradeloom.exports.registry import DATE, MONEY, NUMBER, TEXT


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+41 22 000", "'+41 22 000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("SO-000001", "SO-000001"),
        ("Buyer = good", "Buyer = good"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_leading_quote(text, written):
    assert neutralise(text) == written
    assert csv_value(text, TEXT) == written
    assert xlsx_value(text, TEXT) == (written, True)


def test_numbers_stay_numbers_even_negative_ones():
    assert csv_value(Decimal("-12.50"), MONEY) == Decimal("-12.50")
    assert xlsx_value(Decimal("-12.50"), MONEY) == (Decimal("-12.50"), False)
    assert xlsx_value(3, NUMBER) == (3, False)
    assert csv_value(None, MONEY) == ""
    assert xlsx_value(None, MONEY) == (None, False)


def test_dates_are_dates():
    day = dt.date(2026, 12, 4)
    assert csv_value(day, DATE) == "2026-12-04"
    assert xlsx_value(day, DATE) == (day, False)
    assert csv_value(None, DATE) == ""


def test_lists_and_booleans_read_as_text():
    assert csv_value(["SO-1", "SO-2"], TEXT) == "SO-1, SO-2"
    assert csv_value(True, TEXT) == "Yes"
    assert xlsx_value("bell\x07", TEXT) == ("bell", True)
