"""Document numbers per organisation and document type: ``SO-000001``, ``PO-000001``, ``PI-2026-0001`` …

The format of each type is configurable per organisation (``Organization.settings["numbering"][kind]``) and
takes ``{n}`` (the number, with a format spec such as ``{n:06d}``) and optionally ``{year}``; a format with
``{year}`` restarts at 1 each year. Numbers are allocated with a row lock on the sequence row inside the caller's
transaction: a rolled-back document gives its number back, concurrent creators wait for each other, and no number
is ever issued twice.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import NumberSequence

DEFAULT_FORMATS = {
    "sales_order": "SO-{n:06d}",
    "purchase_order": "PO-{n:06d}",
    "work_order": "WO-{n:06d}",
    "proforma_invoice": "PI-{year}-{n:04d}",
    "letter_of_credit": "LC-{year}-{n:04d}",
    "shipment": "SH-{year}-{n:05d}",
    "invoice": "INV-{year}-{n:05d}",
    "credit_note": "CN-{year}-{n:05d}",
    "payment": "RCPT-{year}-{n:05d}",
}
_FIELD = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def validate_format(fmt: str) -> None:
    """A format must contain ``{n}`` and only ``{n}``/``{year}`` placeholders, and render."""
    names = set(_FIELD.findall(fmt))
    if "n" not in names or names - {"n", "year"} or len(fmt) > 40:
        raise ApplicationError(
            "A number format needs {n} and may use {year}, e.g. “SO-{n:06d}” or “PI-{year}-{n:04d}”.",
            code="invalid_number_format",
        )
    try:
        fmt.format(n=1, year=2026)
    except (ValueError, IndexError, KeyError) as exc:
        raise ApplicationError(f"The number format does not work: {exc}", code="invalid_number_format") from exc


def number_format(organization: Any, kind: str) -> str:
    configured = (organization.settings or {}).get("numbering", {}).get(kind)
    return str(configured or DEFAULT_FORMATS[kind])


def number_allocate(*, organization: Any, kind: str, on: date | None = None) -> str:
    """The next number of ``kind`` for ``organization``, formatted. Call inside the creating transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate numbers inside the transaction that creates the document.")
    fmt = number_format(organization, kind)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(organization.timezone or "UTC")).date()
    year = (on or today).year if "{year" in fmt else 0
    lookup = {"organization_id": organization.pk, "kind": kind, "year": year}
    sequence = NumberSequence.objects.select_for_update().filter(**lookup).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(**lookup)
        except IntegrityError:
            pass  # created by a concurrent first allocation; lock it below
        sequence = NumberSequence.objects.select_for_update().get(**lookup)
    value = sequence.next_value
    sequence.next_value = value + 1
    sequence.save(update_fields=["next_value", "updated_at"])
    return fmt.format(n=value, year=year)
