"""Demo invoices, through the invoicing services (numbers, figures, due dates, LC drawings and audit are theirs), on
the demo organisation's shipments:

* each departed shipment with priced lines (up to four, oldest departure first) is invoiced and issued — the first
  one of the demo LC's applicant in the LC's currency drawn under the demo LC (``finance_lcs``) when the LC takes
  it, else on open account; the first on "90 days from B/L date" terms, the others on the customer's terms;
* a booked shipment (not departed yet) is invoiced on "90 days from B/L date": its due date stays empty until it
  leaves;
* one credit note (2 % of the second invoice, for a shade variation).

Only when the organisation has no invoice yet (idempotent). An invoice the rules refuse (no rate to the base
currency, an LC's refusal) is left as it came out — a draft — or not made; the demo never stops on one.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

BL_90 = "90 days from B/L date"


def _terms(organization: Any, by: Any) -> Any:
    from tradeloom.catalog.models import PaymentTerms
    from tradeloom.records.services import record_create

    found = PaymentTerms.objects.filter(organization=organization, name=BL_90).first()
    if found is not None:
        return found
    return record_create(
        model=PaymentTerms,
        organization=organization,
        by=by,
        data={
            "name": BL_90,
            "description": "Open account: the whole invoice 90 days after the bill of lading",
            "schedule": [{"percent": "100", "days": 90, "basis": "bl_date"}],
        },
    )


def _priced(shipment: Any) -> bool:
    from tradeloom.logistics.models import ShipmentLine

    return not ShipmentLine.objects.filter(shipment=shipment, line__selling_price__isnull=True).exists()


def demo_invoicing_create(*, organization: Any, by: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    from tradeloom.core.exceptions import ApplicationError
    from tradeloom.invoicing import services, states
    from tradeloom.invoicing.models import Invoice
    from tradeloom.logistics.models import Shipment

    if Invoice.objects.filter(organization=organization).exists():
        return
    try:
        from tradeloom.lcs.models import LetterOfCredit

        lc = LetterOfCredit.objects.filter(organization=organization).exclude(status__in=["expired", "cancelled"])
        letter = lc.filter(role="master").order_by("created_at").first() if hasattr(LetterOfCredit, "role") else None
        letter = letter or lc.order_by("created_at").first()
    except ImportError:  # pragma: no cover - the lcs floor is installed with this one
        letter = None
    bl_terms = _terms(organization, by)
    departed = [
        s
        for s in Shipment.objects.filter(
            organization=organization, departed_on__isnull=False, status__in=["in_transit", "arrived", "delivered"]
        ).order_by("departed_on", "number")[:12]
        if _priced(s)
    ][:4]
    issued: list[Any] = []
    lc_used = False

    def make(shipment: Any, data: dict[str, Any], *, issue: bool = True) -> Any:
        try:
            with transaction.atomic():
                invoice = services.invoice_create_from_shipment(
                    organization=organization, by=by, shipment=shipment, data=data
                )
        except ApplicationError:
            return None
        if not issue:
            return invoice
        try:
            with transaction.atomic():
                return services.invoice_issue(invoice=invoice, by=by)
        except ApplicationError:
            return invoice  # stays a draft (no rate, or the LC refused the drawing)

    today = timezone.localdate()
    for index, shipment in enumerate(departed):
        left = shipment.departed_on or today  # departed: the query takes only those with a departure
        data: dict[str, Any] = {"issue_date": min(today, left + timedelta(days=2))}
        if index == 0:
            data["payment_terms"] = bl_terms
        invoice = None
        if letter is not None and not lc_used and shipment.customer_id == letter.customer_id:
            invoice = make(shipment, {**data, "letter_of_credit": letter})
            if invoice is not None and invoice.status != states.ISSUED:  # the LC did not take it: open account
                services.invoice_void(invoice=invoice, by=by, reason="Drawn on open account instead")
                invoice = None
            lc_used = invoice is not None
        invoice = invoice or make(shipment, data)
        if invoice is not None and invoice.status == states.ISSUED:
            issued.append(invoice)
    booked = Shipment.objects.filter(organization=organization, status="booked").order_by("etd", "number").first()
    if booked is not None and _priced(booked):
        make(booked, {"payment_terms": bl_terms})
    if len(issued) >= 2:
        second = Invoice.objects.get(pk=issued[1].pk)
        amount = (second.total * Decimal("0.02")).quantize(Decimal("0.01"))
        if 0 < amount <= second.outstanding:
            services.credit_note_create(
                organization=organization,
                by=by,
                invoice=second,
                amount=amount,
                reason="Shade variation on three rolls, agreed with the buyer",
                issue_date=max(second.issue_date, min(today, second.issue_date + timedelta(days=5))),
            )
