"""Due dates from payment terms (docs/invoicing.md). Each instalment of the terms' schedule counts its days from its
``basis``: the invoice date (``invoice``, the default), the shipment's departure — the B/L date — (``bl_date``), its
arrival (``arrival``), or presentation (``sight``: the invoice date, when the documents are presented). An
instalment whose basis date is not known yet (the shipment has not left or arrived) has no date; the invoice's due
date is its last instalment's (the latest of them), and empty while any instalment's is unknown — the shipment's
departure or arrival fills it (``subscribers``). Terms without instalments, or no terms, are due on the invoice date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

INVOICE, BL_DATE, ARRIVAL, SIGHT = "invoice", "bl_date", "arrival", "sight"
SHIPMENT_BASES = frozenset({BL_DATE, ARRIVAL})


@dataclass(frozen=True)
class Instalment:
    percent: Decimal
    days: int
    basis: str
    basis_date: datetime.date | None
    due_date: datetime.date | None


@dataclass(frozen=True)
class Due:
    due_date: datetime.date | None
    basis: str  # the last instalment's
    days: int | None
    basis_date: datetime.date | None
    instalments: list[Instalment]


def schedule_of(terms: Any) -> list[dict[str, Any]]:
    schedule = getattr(terms, "schedule", None) if terms is not None else None
    return schedule if isinstance(schedule, list) and schedule else [{"percent": "100", "days": 0}]


def bases_of(terms: Any) -> set[str]:
    return {str(part.get("basis") or INVOICE) for part in schedule_of(terms)}


def due_compute(
    *,
    terms: Any,
    issue_date: datetime.date,
    departed_on: datetime.date | None = None,
    arrived_on: datetime.date | None = None,
) -> Due:
    """The instalments' dates and the invoice's due date (the last instalment's: the one due latest; ties: the later
    in the schedule), from ``terms`` and the dates known now."""
    dates = {INVOICE: issue_date, SIGHT: issue_date, BL_DATE: departed_on, ARRIVAL: arrived_on}
    instalments = []
    for part in schedule_of(terms):
        basis = str(part.get("basis") or INVOICE)
        days = int(part.get("days") or 0)
        start = dates.get(basis)
        due = start + datetime.timedelta(days=days) if start is not None else None
        instalments.append(Instalment(Decimal(str(part.get("percent"))), days, basis, start, due))
    if any(i.due_date is None for i in instalments):
        # unknown yet: the last instalment is the one counting from the event still to come (the latest in the list)
        last = [i for i in instalments if i.due_date is None][-1]
        return Due(None, last.basis, last.days, None, instalments)
    last = max(enumerate(instalments), key=lambda pair: (pair[1].due_date, pair[0]))[1]
    return Due(last.due_date, last.basis, last.days, last.basis_date, instalments)
