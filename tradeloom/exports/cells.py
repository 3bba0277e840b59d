"""How a value becomes a cell, in CSV and in XLSX — and formula injection neutralised in both.

The rule (OWASP "CSV injection"): a **text** cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``, so a spreadsheet shows it as text and never evaluates it (``=HYPERLINK(…)``
becomes ``'=HYPERLINK(…)``). Numbers, amounts and dates are written as numbers and dates — a negative amount stays
``-12.50`` — because they never come from free text. In XLSX the neutralised text is also written as an explicit
string cell (never a formula), and characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tradeloom.exports.registry import DATE, DATETIME, MONEY, NUMBER

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a leading ``'`` when it starts like a formula."""
    return f"'{text}" if text.startswith(DANGEROUS_FIRST) else text


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    return str(value)


def _number(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value if isinstance(value, dt.date) else None


def csv_value(value: Any, kind: str) -> Any:
    """What the CSV writer writes: numbers as plain numbers (``1234.50``), dates as ISO dates, text neutralised."""
    if kind in (NUMBER, MONEY):
        number = _number(value)
        if number is not None:
            return number
    elif kind in (DATE, DATETIME):
        when = _date(value)
        if when is not None:
            return when.isoformat()
        if value is None:
            return ""
    return neutralise(as_text(value))


def xlsx_value(value: Any, kind: str) -> tuple[Any, bool]:
    """(the value openpyxl writes, whether it is text). Numbers stay numbers and dates dates; text is neutralised
    and stripped of characters a workbook cannot hold."""
    if kind in (NUMBER, MONEY):
        number = _number(value)
        if number is not None:
            return number, False
    elif kind in (DATE, DATETIME):
        when = _date(value)
        if isinstance(when, dt.datetime):
            return when.replace(tzinfo=None), False  # a workbook has no time zones: the organisation's local time
        if when is not None:
            return when, False
        if value is None:
            return None, False
    if value is None:
        return None, False
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(as_text(value))), True
