"""Demo letters of credit, through the lcs services (numbers, figures, audit are theirs): on a demo order that has a
departed shipment — an LC issued on the order, amended once (its amount raised by 10 % and its latest shipment date
moved 20 days later, accepted), partly utilised by that shipment (its value at the order's prices), with a
presentation of its documents; and a back-to-back LC to the mill on the strength of it (70 % of the amount, earlier
dates). Only when the organisation has no LC yet (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, cast


def _shipment(organization: Any) -> Any:
    """A departed shipment of the organisation (in transit, arrived or delivered) whose lines are priced."""
    from tradeloom.lcs.services.utilisations import shipment_value
    from tradeloom.logistics.models import Shipment

    for shipment in Shipment.objects.filter(
        organization=organization, departed_on__isnull=False, status__in=["in_transit", "arrived", "delivered"]
    ).order_by("departed_on", "number")[:20]:
        if shipment_value(shipment) is not None:
            return shipment
    return None


def demo_lcs_create(*, organization: Any, by: Any) -> None:
    from django.utils import timezone

    from tradeloom.core.money import cents
    from tradeloom.lcs import services
    from tradeloom.lcs.models import LetterOfCredit
    from tradeloom.lcs.services.utilisations import shipment_value
    from tradeloom.logistics.models import ShipmentLine
    from tradeloom.partners.models import Supplier
    from tradeloom.sales.models import Line

    if LetterOfCredit.objects.filter(organization=organization).exists():
        return
    shipment = _shipment(organization)
    if shipment is None:
        return
    first = ShipmentLine.objects.filter(shipment=shipment).select_related("order").order_by("position").first()
    if first is None:  # ``_shipment`` chose a shipment with lines, all priced
        raise ValueError(f"The demo shipment {shipment.number} has no lines.")
    order = first.order
    lines = Line.objects.filter(order=order, selling_price__isnull=False)
    # the prices are there (filtered above)
    order_value = sum((cents(line.quantity * cast(Decimal, line.selling_price)) for line in lines), Decimal(0))
    priced = shipment_value(shipment)
    if priced is None:
        raise ValueError(f"The demo shipment {shipment.number} has unpriced lines.")
    value, currency = priced
    amount = max(cents(order_value), value).quantize(Decimal(1))
    today = timezone.localdate()
    departed = shipment.departed_on
    lc = services.lc_create(
        organization=organization,
        by=by,
        data={
            "number": f"DBH{today.year % 100:02d}LC{order.number[-4:]}",
            "customer": order.customer,
            "issuing_bank": "Deutsche Bank AG, Hamburg",
            "advising_bank": "HSBC Bangladesh, Dhaka",
            "currency": currency,
            "amount": amount,
            "tolerance_percent": Decimal(5),
            "expiry_date": today + timedelta(days=60),
            "expiry_place": "Dhaka",
            "latest_shipment_date": departed + timedelta(days=5),
            "incoterm": "FOB",
            "incoterm_place": "Chattogram",
            "port_of_loading": "Chattogram",
            "port_of_discharge": "Hamburg",
            "required_documents": [
                "commercial_invoice",
                "packing_list",
                "transport_document",
                "certificate_of_origin",
                "Beneficiary's certificate",
            ],
        },
        orders=[order],
    )
    lc = services.lc_move(lc=lc, action="issue", by=by, on=min(departed - timedelta(days=30), today))
    amendment = services.amendment_propose(
        lc=lc,
        by=by,
        changes={
            "amount": str(cents(amount * Decimal("1.10"))),
            "latest_shipment_date": (departed + timedelta(days=25)).isoformat(),
        },
        issue_date=min(departed - timedelta(days=10), today),
        note="Buyer added 10 % to the order; shipment window extended.",
    )
    services.amendment_accept(amendment=amendment, by=by, on=min(departed - timedelta(days=8), today))
    drawing = services.utilisation_draw(
        organization=organization,
        by=by,
        lc=lc,
        amount=None,
        currency=currency,
        shipped_on=None,
        shipment=shipment,
        invoice_reference=f"CI-{shipment.number}",
    )
    services.presentation_add(
        lc=lc,
        by=by,
        presented_on=min(departed + timedelta(days=6), today),
        utilisation=drawing,
        documents=["commercial_invoice", "packing_list", "transport_document", "certificate_of_origin"],
        note="Beneficiary's certificate to follow.",
    )
    supplier = Supplier.objects.filter(organization=organization, archived_at__isnull=True).order_by("code").first()
    lc = LetterOfCredit.objects.get(pk=lc.pk)
    if lc.latest_shipment_date is None:  # given when it was recorded, moved by the amendment
        raise ValueError(f"The demo LC {lc.number} has no latest shipment date.")
    child = services.lc_create(
        organization=organization,
        by=by,
        data={
            "number": f"SB{today.year % 100:02d}BB{order.number[-4:]}",
            "role": LetterOfCredit.Role.BACK_TO_BACK,
            "master": lc,
            "supplier": supplier,
            "beneficiary": str(supplier) if supplier else "",
            "issuing_bank": "Sonali Bank, Dhaka",
            "currency": currency,
            "amount": cents(lc.amount * Decimal("0.70")),
            "expiry_date": lc.expiry_date - timedelta(days=15),
            "latest_shipment_date": lc.latest_shipment_date - timedelta(days=10),
            "presentation_days": 10,
            "required_documents": ["commercial_invoice", "packing_list", "Delivery challan"],
        },
        orders=[order],
    )
    services.lc_move(lc=child, action="issue", by=by, on=min(departed - timedelta(days=25), today))
