"""Demo proforma invoices, through the proformas services (numbers, totals, audit and events are theirs): on the
demo organisation's open orders with priced lines — one accepted PI of a whole order, one sent advance PI (30 % of
the lines' value, sent ten days ago: the "not accepted after 7 days" alert fires on it), and one PI revised after
it was sent (revision 2 sent again). Only when the organisation has no PI yet (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

BANK_DETAILS = (
    "Beneficiary: {name}\nBank: HSBC Bangladesh, Gulshan branch, Dhaka\nAccount: 001-123456-011\nSWIFT: HSBCBDDH"
)
TERMS = "Prices FOB Chattogram. Payment by irrevocable LC at sight, or as the payment terms say. Valid for 30 days."


def _orders(organization: Any) -> list[tuple[Any, list[Any]]]:
    """Open orders of the organisation with priced lines (oldest first), each with those lines."""
    from tradeloom.sales.models import Line, Order

    orders = list(
        Order.objects.filter(organization=organization, status=Order.Status.OPEN, archived_at__isnull=True).order_by(
            "order_date", "number"
        )[:20]
    )
    lines: dict[Any, list[Any]] = {}
    for line in (
        Line.objects.filter(order__in=orders, selling_price__isnull=False)
        .exclude(status=Line.Status.ARCHIVED)
        .order_by("position")
    ):
        lines.setdefault(line.order_id, []).append(line)
    return [(order, lines[order.pk]) for order in orders if lines.get(order.pk)]


def demo_proformas_create(*, organization: Any, by: Any) -> None:
    from django.utils import timezone

    from tradeloom.proformas import services
    from tradeloom.proformas.models import ProformaInvoice

    if ProformaInvoice.objects.filter(organization=organization).exists():
        return
    candidates = _orders(organization)
    if not candidates:
        return
    today = timezone.localdate()

    def day(offset: int) -> Any:
        return today - timedelta(days=offset)

    header = {"bank_details": BANK_DETAILS.format(name=organization.name), "terms": TERMS}
    # 1. a whole order, sent and accepted by the buyer
    order, _lines = candidates[0]
    pi = services.proforma_create(
        organization=organization,
        by=by,
        order=order,
        data={**header, "pi_date": day(20), "valid_until": day(20) + timedelta(days=30)},
    )
    pi = services.proforma_move(proforma=pi, action="send", by=by, on=day(18))
    services.proforma_move(
        proforma=pi, action="accept", by=by, on=day(15), reference=f"{order.po_number} / PI accepted by mail"
    )
    if len(candidates) < 2:
        return
    # 2. an advance: 30 % of each priced line's value, sent ten days ago and not accepted yet
    order, lines = candidates[1]
    pi = services.proforma_create(
        organization=organization,
        by=by,
        order=order,
        data={"pi_date": day(12), "valid_until": day(12) + timedelta(days=30), "notes": "Advance of 30 %."},
        lines=[{"line": line.pk, "basis": "amount", "percent": Decimal(30)} for line in lines],
    )
    services.proforma_move(proforma=pi, action="send", by=by, on=day(10))
    if len(candidates) < 3:
        return
    # 3. half of each line, sent, then revised (the buyer asked for 60 %) and sent again
    order, lines = candidates[2]
    pi = services.proforma_create(
        organization=organization,
        by=by,
        order=order,
        data={"pi_date": day(8), "valid_until": day(8) + timedelta(days=30)},
        lines=[{"line": line.pk, "quantity": (line.quantity / 2).quantize(Decimal("0.001"))} for line in lines],
    )
    pi = services.proforma_move(proforma=pi, action="send", by=by, on=day(7))
    revision = services.proforma_revise(
        proforma=pi,
        by=by,
        data={"notes": "Revised: the buyer asked for 60 % of each line."},
        lines=[
            {"line": line.pk, "quantity": (line.quantity * Decimal("0.6")).quantize(Decimal("0.001"))} for line in lines
        ],
    )
    services.proforma_move(proforma=revision, action="send", by=by, on=day(5))
