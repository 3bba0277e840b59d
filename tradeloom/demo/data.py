"""Demo data for ``make run``: a trading organisation with the master data a merchandiser starts from.

Written through the same record services as the app (so it is validated and audited). Idempotent: each part is
only created when the organisation has none of it yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeloom.approvals.services import gates_create_defaults
from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.catalog.services import units_create_defaults
from tradeloom.partners.models import Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.records.services import record_create

CUSTOMERS = [
    ("NORDIC", "Nordic Apparel AB", "SE", "EUR", "Ingrid Holm", "ingrid@nordic-apparel.example"),
    ("URBANTH", "Urban Thread Inc.", "US", "USD", "Mark Ellis", "mark@urbanthread.example"),
    ("KAPPA", "Kappa Moda GmbH", "DE", "EUR", "Jana Weber", "jana@kappamoda.example"),
]
SUPPLIERS = [
    ("ARVIND", "Arvind Mills Ltd", "mill", "IN", "INR", "Rahul Mehta", "rahul@arvind.example"),
    ("SQTEX", "Square Textiles Ltd", "mill", "BD", "USD", "Nadia Rahman", "nadia@squaretex.example"),
    ("CHTRIMS", "Chittagong Trims & Accessories", "vendor", "BD", "USD", "Karim Uddin", "karim@cttrims.example"),
]
PLANTS = [
    ("ARVIND", "ARV-NAR", "Naroda dyeing house", "Ahmedabad", "IN", "GPCB/2019/4411", "dyeing, finishing"),
    ("ARVIND", "ARV-SAN", "Santej knitting unit", "Gandhinagar", "IN", "GPCB/2021/0923", "circular knitting"),
    ("SQTEX", "SQT-KAL", "Kaliakoir composite", "Gazipur", "BD", "DOE/GZ/7781", "knitting, dyeing, printing"),
]


def demo_master_data_create(*, organization: Any, by: Any) -> None:
    units_create_defaults(organization=organization, by=by)  # organisations made before the catalog existed lack them
    gates_create_defaults(organization=organization, by=by)  # … and before approvals existed
    if Supplier.objects.filter(organization=organization).exists():
        return

    def create(model: Any, **data: Any) -> Any:
        return record_create(model=model, organization=organization, by=by, data=data)

    net60 = create(
        PaymentTerms,
        name="30/70 (60 days)",
        description="30 % with the order, 70 % 60 days later",
        schedule=[{"percent": "30", "days": 0}, {"percent": "70", "days": 60}],
    )
    create(PaymentTerms, name="LC at sight", schedule=[{"percent": "100", "days": 0}])
    customers = {}
    for code, name, country, currency, contact, email in CUSTOMERS:
        customers[code] = create(
            Customer, code=code, legal_name=name, country=country, default_currency=currency, payment_terms=net60
        )
        create(Contact, customer=customers[code], name=contact, email=email, title="Buyer", is_primary=True)
    suppliers = {}
    for code, name, kind, country, currency, contact, email in SUPPLIERS:
        suppliers[code] = create(
            Supplier, code=code, legal_name=name, kind=kind, country=country, default_currency=currency
        )
        create(Contact, supplier=suppliers[code], name=contact, email=email, title="Sales", is_primary=True)
    for supplier_code, code, name, city, country, licence, capabilities in PLANTS:
        plant = create(
            Plant,
            supplier=suppliers[supplier_code],
            code=code,
            name=name,
            city=city,
            country=country,
            licence_number=licence,
            capabilities=capabilities,
        )
        create(SupplierPlantMapping, supplier=suppliers[supplier_code], plant=plant)
    create(Carrier, name="Maersk Line", code="MAERSK", mode="sea", account_number="MSK-88213")
    create(Carrier, name="DHL Express", code="DHL", mode="courier", account_number="DHL-550194")
    units = {u.code: u for u in UnitOfMeasure.objects.filter(organization=organization)}
    create(
        Item,
        kind="fabric",
        code="SJ-160",
        name="Single jersey 160 GSM",
        unit=units["kg"],
        composition="100% cotton",
        gsm=Decimal("160"),
        construction="single jersey",
        width_cm=Decimal("180"),
    )
    create(
        Item,
        kind="fabric",
        code="TW-240",
        name="Stretch twill 240 GSM",
        unit=units["m"],
        composition="97% cotton 3% elastane",
        gsm=Decimal("240"),
        construction="2/1 twill",
        finish="peach",
        width_cm=Decimal("147"),
    )
    create(Item, kind="trim", code="BTN-18L", name="Horn button 18L", unit=units["pcs"])
    for currency, rate in (("EUR", "0.9200"), ("BDT", "121.50"), ("INR", "84.10")):
        create(
            ExchangeRate,
            date=organization.created_at.date(),
            from_currency="USD",
            to_currency=currency,
            rate=Decimal(rate),
        )


DEMO_ORDERS = [
    # (PO, customer code, stage, ETD offset days, [(style, [(colour, cad, qty, price, mill price, status, delivered)])])
    (
        "NA-2026-117",
        "NORDIC",
        "production",
        19,
        [
            (
                "TEE-100",
                [
                    ("NAVY", "", "12000", "4.25", "3.10", "bulk", "7000"),
                    ("WHITE", "", "8000", "4.10", "3.05", "bulk", "8000"),
                ],
            )
        ],
    ),
    (
        "UT-5543",
        "URBANTH",
        "sampling",
        45,
        [
            (
                "HOOD-22",
                [
                    ("BLACK", "CAD-7", "6000", "6.80", "5.20", "in_development", "0"),
                    ("GREY", "", "4000", "6.80", "5.20", "upcoming", "0"),
                ],
            ),
            ("", [("OLIVE", "", "2500", "5.40", "4.10", "upcoming", "0")]),
        ],
    ),
    ("KM-0912", "KAPPA", "shipment", -3, [("POLO-7", [("RED", "", "5000", "5.95", "4.40", "completed", "5150")])]),
    (
        "NA-2026-131",
        "NORDIC",
        "development",
        70,
        [("DRESS-3", [("FLORAL", "AOP-12", "3000", "7.20", "", "upcoming", "0")])],
    ),
    # shipping within the fortnight (the dashboard's ETDs coming up), and one past its ETD, part delivered (late)
    (
        "UT-5610",
        "URBANTH",
        "production",
        6,
        [
            (
                "JOG-12",
                [
                    ("NAVY", "", "9000", "5.10", "3.95", "running", "0"),
                    ("GREY", "", "4500", "5.10", "3.95", "bulk", "2000"),
                ],
            )
        ],
    ),
    ("KM-0877", "KAPPA", "shipment", -5, [("POLO-9", [("WHITE", "", "7000", "5.60", "4.15", "bulk", "4200")])]),
]
# Days between an order's date and today (30 unless said): a recent order falls in this month's figures.
DEMO_ORDER_AGE = {"UT-5610": 0}


def demo_orders_create(*, organization: Any, by: Any) -> None:
    """Orders in every state for the demo organisation (only when it has none yet)."""
    from datetime import timedelta

    from django.utils import timezone

    from tradeloom.sales.models import Line, Order
    from tradeloom.sales.services import delivery_record, order_create, order_stage_change

    if Order.objects.filter(organization=organization).exists():
        return
    customers = {c.code: c for c in Customer.objects.filter(organization=organization)}
    mills = list(Supplier.objects.filter(organization=organization, kind="mill"))
    metres = UnitOfMeasure.objects.get(organization=organization, code="m")
    today = timezone.localdate()
    for index, (po, customer, stage, etd_days, styles) in enumerate(DEMO_ORDERS):
        payload = [
            {
                "style_number": style,
                "lines": [
                    {
                        "colour_code": colour,
                        "cad_code": cad,
                        "quantity": Decimal(qty),
                        "unit": metres,
                        "selling_price": Decimal(price),
                        "mill_price": Decimal(mill) if mill else None,
                        "supplier": mills[index % len(mills)] if mill else None,
                    }
                    for colour, cad, qty, price, mill, _status, _delivered in lines
                ],
            }
            for style, lines in styles
        ]
        order = order_create(
            organization=organization,
            by=by,
            styles=payload,
            data={
                "po_number": po,
                "customer": customers[customer],
                "currency": "USD",
                "merchandiser": by,
                "order_date": today - timedelta(days=DEMO_ORDER_AGE.get(po, 30)),
                "etd": today + timedelta(days=etd_days),
                "eta": today + timedelta(days=etd_days + 28),
            },
        ).order
        order_stage_change(order=order, by=by, stage=stage)
        statuses = [status for _style, lines in styles for *_rest, status, _d in lines]
        delivered = [d for _style, lines in styles for *_rest, d in lines]
        for line, status, quantity in zip(
            Line.objects.filter(order=order).order_by("position"), statuses, delivered, strict=True
        ):
            Line.objects.filter(pk=line.pk).update(status=status)  # demo history: set, not walked step by step
            if Decimal(quantity) > 0:
                delivery_record(
                    line=line, by=by, date=today - timedelta(days=5), quantity=Decimal(quantity), unit=metres
                )


# Gate histories by line status: (gate, state, days ago) steps, so the board shows every state and a stuck line.
DEMO_GATE_STEPS = {
    "upcoming": [],
    # resubmitted 18 days ago: stuck (the default stuck setting is 14 days)
    "in_development": [("lab_dip", "submission", 26), ("lab_dip", "rejected", 22), ("lab_dip", "resubmission", 18)],
    "running": [("lab_dip", "submission", 30), ("lab_dip", "approved", 24), ("quality", "submission", 6)],
    "bulk": [
        ("lab_dip", "submission", 40),
        ("lab_dip", "approved", 35),
        ("price", "submission", 34),
        ("price", "approved", 33),
        ("pp_sample", "submission", 20),
        ("pp_sample", "approved", 14),
    ],
    "completed": [
        ("lab_dip", "submission", 60),
        ("lab_dip", "approved", 55),
        ("quality", "submission", 30),
        ("quality", "approved", 25),
        ("price", "submission", 50),
        ("price", "approved", 49),
        ("pp_sample", "submission", 40),
        ("pp_sample", "approved", 35),
    ],
}


def demo_approvals_create(*, organization: Any, by: Any) -> None:
    """Gate histories and a sample on the demo orders' lines (only when no gate has moved yet)."""
    from datetime import timedelta

    from django.utils import timezone

    from tradeloom.approvals.models import GateEntry, LineGate
    from tradeloom.approvals.services import entry_record, sample_create, sample_dispatch

    if GateEntry.objects.filter(organization=organization).exists():
        return
    today = timezone.localdate()
    line_gates = LineGate.objects.filter(organization=organization).select_related("line", "gate")
    by_line: dict[Any, dict[str, Any]] = {}
    for line_gate in line_gates:
        by_line.setdefault(line_gate.line, {})[line_gate.gate.code] = line_gate
    for line, gates in by_line.items():
        for code, state, days in DEMO_GATE_STEPS.get(line.status, []):
            if code in gates:
                entry_record(
                    line_gate=gates[code],
                    by=by,
                    state=state,
                    effective_date=today - timedelta(days=days),
                    override_reason="Demo history",
                )
        if line.status == "upcoming" and "lab_dip" in gates:
            sample = sample_create(line=line, gate=gates["lab_dip"].gate, by=by, data={"recipient": "Buyer QA"})
            sample_dispatch(
                sample=sample, by=by, submitted_on=today - timedelta(days=2), courier="DHL", awb_number="4471 2290 31"
            )
