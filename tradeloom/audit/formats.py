"""How values read in a sentence about an audit event: days as "3 Nov" (with the year when it is not this year's),
times in the current time zone, numbers grouped without trailing zeros ("5,000", prices with two decimals at
least: "4.20"), counts with their noun ("1 style", "2 lines")."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def day(value: date | str) -> str:
    """``3 Nov`` this year (the organisation's), ``3 Nov 2025`` another year."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    text = f"{value.day} {value:%b}"
    return text if value.year == timezone.localdate().year else f"{text} {value.year}"


def when(value: datetime | str) -> str:
    """A moment in the current (the organisation's) time zone: ``3 Nov, 00:30``."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{day(value.date())}, {value:%H:%M}"


def number(value: Any, *, money: bool = False) -> str:
    """``5000.000`` → ``5,000``; ``4.2000`` → ``4.2`` (``4.20`` as money); anything else as it is."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    exponent = amount.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{amount:,.{max(places, 2 if money else 0)}f}"


def count(n: Any, noun: str, plural: str = "") -> str:
    """``1 style``, ``2 styles``, ``0 lines``."""
    try:
        value = int(n)
    except (TypeError, ValueError):
        value = 0
    return f"{value:,} {noun if value == 1 else plural or noun + 's'}"


def humanize(name: str) -> str:
    """``lines_added`` → ``Lines added``; ``lab_dip`` → ``Lab dip``."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A name in the middle of a sentence: ``Lab dip`` → ``lab dip``, but ``PP sample`` and ``AOP`` stay."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def possessive(name: str) -> str:
    """``Arvind Mills Ltd's``, ``Chittagong Trims & Accessories'``."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def an(noun: str) -> str:
    """``a line``, ``an activity note``, ``a user``."""
    sounds_like_a_vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(("us", "un", "uni", "eu"))
    return f"{'an' if sounds_like_a_vowel else 'a'} {noun}"
