"""Demo data for ``make run``: a trading organisation with the master data a merchandiser starts from, orders in every
state, gate histories and shipments in every status.

Written through the same services as the app (so it is validated and audited, and every figure is the services').
Idempotent: each part is only created when the organisation has none of it yet.
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


def _demo_order_create(*, organization: Any, by: Any, index: int, entry: tuple[Any, ...]) -> Any:
    """One order of the ``DEMO_ORDERS`` shape through the sales services: its stage, its lines' statuses (set, not
    walked step by step: demo history) and their mill deliveries."""
    from datetime import timedelta

    from django.utils import timezone

    from tradeloom.sales.models import Line
    from tradeloom.sales.services import delivery_record, order_create, order_stage_change

    po, customer, stage, etd_days, styles = entry
    customers = {c.code: c for c in Customer.objects.filter(organization=organization)}
    mills = list(Supplier.objects.filter(organization=organization, kind="mill").order_by("code"))
    metres = UnitOfMeasure.objects.get(organization=organization, code="m")
    today = timezone.localdate()
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
            delivery_record(line=line, by=by, date=today - timedelta(days=5), quantity=Decimal(quantity), unit=metres)
    return order


def demo_orders_create(*, organization: Any, by: Any) -> None:
    """Orders in every state for the demo organisation (only when it has none yet)."""
    from tradeloom.sales.models import Order

    if Order.objects.filter(organization=organization).exists():
        return
    for index, entry in enumerate(DEMO_ORDERS):
        _demo_order_create(organization=organization, by=by, index=index, entry=entry)


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


# --- shipments --------------------------------------------------------------------------------------------------------
# An order shipped in full, of the same customer as NA-2026-117, so that one shipment carries two orders.
DEMO_SHIPPED_ORDERS = [
    (
        "NA-2026-094",
        "NORDIC",
        "shipment",
        -20,
        [
            (
                "CARGO-4",
                [
                    ("BLACK", "", "6000", "6.10", "4.60", "completed", "6000"),
                    ("STONE", "", "4000", "6.10", "4.60", "completed", "4000"),
                ],
            )
        ],
    ),
]
DEMO_CARRIERS = [
    # (code, name, mode, account): Maersk and DHL come with the master data
    ("MAERSK", "Maersk Line", "sea", "MSK-88213"),
    ("HLAG", "Hapag-Lloyd", "sea", "HL-40217"),
    ("EKSKY", "Emirates SkyCargo", "air", "EK-77310"),
    ("DHL", "DHL Express", "courier", "DHL-550194"),
]


def demo_container_number(prefix: str, serial: int) -> str:
    """An ISO 6346 number: the owner code and category (``MSKU``), the six-digit serial and its check digit."""
    from tradeloom.logistics.codes import container_check_digit

    first_ten = f"{prefix}{serial:06d}"
    return f"{first_ten}{container_check_digit(first_ten)}"


def demo_awb_number(prefix: str, serial: int) -> str:
    """An air waybill number: the airline's prefix, the seven-digit serial and its check digit (serial mod 7)."""
    return f"{prefix}-{serial:07d}{serial % 7}"


# Each shipment: (key, customer, header, [(PO, colour, quantity, cartons, gross kg, net kg, CBM, container)],
# containers, steps, documents). Steps run in order, each on a day relative to today: ("revise", {etd/eta offsets},
# revised_on, reason), ("depart"|"arrive"|"deliver", day), ("return"|"cancel", reason). Documents: kind → status.
DEMO_SHIPMENTS: list[dict[str, Any]] = [
    {
        # two orders in one sea shipment, arrived at the port; its ETA was revised on the way
        "customer": "NORDIC",
        "header": {
            "mode": "sea",
            "carrier": "MAERSK",
            "transport_document_number": "MAEU 261140337",
            "vessel": "MAERSK KENSINGTON",
            "voyage": "247W",
            "port_of_loading": "Chattogram",
            "port_of_discharge": "Gothenburg",
            "final_destination": "Borås",
            "incoterm": "FOB",
            "incoterm_place": "Chattogram",
            "etd": -20,
            "eta": -4,
        },
        "containers": [("MSKU", 305438, "40HC", "ML-BD 884120"), ("MSKU", 771902, "20GP", "ML-BD 884121")],
        "lines": [
            ("NA-2026-094", "BLACK", "6000", 300, "3120", "2880", "24.6", 0),
            ("NA-2026-094", "STONE", "4000", 200, "2080", "1920", "16.4", 0),
            ("NA-2026-117", "WHITE", "8000", 400, "4160", "3840", "31.2", 1),
        ],
        "steps": [
            ("depart", -19),
            ("revise", {"eta": -2}, -9, "Transhipment at Colombo held two days (carrier's notice)"),
            ("arrive", -1),
        ],
        "documents": {
            "commercial_invoice": "sent",
            "packing_list": "sent",
            "transport_document": "accepted",
            "certificate_of_origin": "accepted",
            "inspection_certificate": "drafted",
        },
        "other_documents": [("GSP Form A", "sent")],
        "file": ("packing_list", "packing-list.txt", "Packing list: 900 cartons, 10,160 kg gross, 72.2 CBM\n"),
    },
    {
        # by air, delivered to the buyer: the line's delivered-to-buyer figure is its quantity
        "customer": "KAPPA",
        "header": {
            "mode": "air",
            "carrier": "EKSKY",
            "transport_document_number": demo_awb_number("176", 4409213),
            "flight_number": "EK 585",
            "port_of_loading": "Dhaka (DAC)",
            "port_of_discharge": "Frankfurt (FRA)",
            "final_destination": "Düsseldorf",
            "incoterm": "FCA",
            "incoterm_place": "Dhaka airport",
            "etd": -3,
            "eta": -2,
        },
        "containers": [],
        "lines": [("KM-0912", "RED", "5000", 250, "1300", "1200", "9.8", None)],
        "steps": [("depart", -3), ("arrive", -2), ("deliver", -1)],
        "documents": {
            "commercial_invoice": "accepted",
            "packing_list": "accepted",
            "transport_document": "accepted",
            "certificate_of_origin": "accepted",
        },
    },
    {
        # part of a line at sea, departed a day late and now due after the order's ETA (two revisions)
        "customer": "KAPPA",
        "header": {
            "mode": "sea",
            "carrier": "HLAG",
            "transport_document_number": "HLCU DAC261187",
            "vessel": "SANTA CLARA",
            "voyage": "0412E",
            "port_of_loading": "Chattogram",
            "port_of_discharge": "Hamburg",
            "incoterm": "CIF",
            "incoterm_place": "Hamburg",
            "etd": -5,
            "eta": 20,
        },
        "containers": [("HLXU", 118204, "40HC", "HL 0077431"), ("HLXU", 562310, "40HC", "HL 0077432")],
        "lines": [("KM-0877", "WHITE", "4000", 200, "2240", "2050", "18.9", 0)],
        "steps": [
            ("revise", {"etd": -4, "eta": 22}, -6, "Rolled over to the next vessel"),
            ("depart", -4),
            ("revise", {"eta": 26}, -1, "Port congestion at Hamburg"),
        ],
        "documents": {
            "commercial_invoice": "sent",
            "packing_list": "sent",
            "transport_document": "drafted",
            "certificate_of_origin": "discrepant",
        },
        "notes": {"certificate_of_origin": "Consignee's address differs from the LC; the chamber reissues it."},
    },
    {
        # booked: part of two lines, a container, its documents being prepared
        "customer": "URBANTH",
        "header": {
            "mode": "sea",
            "carrier": "MAERSK",
            "port_of_loading": "Chattogram",
            "port_of_discharge": "Los Angeles",
            "final_destination": "Ontario, CA",
            "incoterm": "FOB",
            "incoterm_place": "Chattogram",
            "etd": 6,
            "eta": 34,
        },
        "containers": [("MSKU", 902215, "40HC", "")],
        "lines": [
            ("UT-5610", "NAVY", "5000", 250, "2750", "2500", "21.0", 0),
            ("UT-5610", "GREY", "2000", 100, "1100", "1000", "8.4", 0),
        ],
        "steps": [],
        "documents": {"commercial_invoice": "drafted"},
    },
    {
        # booked by air, then cancelled: its quantity went back to the line's balance
        "customer": "KAPPA",
        "header": {
            "mode": "air",
            "carrier": "EKSKY",
            "transport_document_number": demo_awb_number("176", 4409306),
            "port_of_loading": "Dhaka (DAC)",
            "port_of_discharge": "Frankfurt (FRA)",
            "incoterm": "CPT",
            "incoterm_place": "Frankfurt airport",
            "etd": -6,
            "eta": -5,
        },
        "containers": [],
        "lines": [("KM-0877", "WHITE", "3000", 150, "1680", "1540", "14.2", None)],
        "steps": [("cancel", "The buyer moved the balance to sea freight")],
        "documents": {},
    },
    {
        # the balance of the cancelled one, by sea: still booked after the order's ETD
        "customer": "KAPPA",
        "header": {
            "mode": "sea",
            "carrier": "MAERSK",
            "port_of_loading": "Chattogram",
            "port_of_discharge": "Hamburg",
            "incoterm": "FOB",
            "incoterm_place": "Chattogram",
            "etd": 3,
            "eta": 30,
        },
        "containers": [],
        "lines": [("KM-0877", "WHITE", "3000", 150, "1680", "1540", "14.2", None)],
        "steps": [],
        "documents": {"commercial_invoice": "drafted", "packing_list": "drafted"},
    },
    {
        # by courier, refused at customs and returned: its quantity went back to the line's balance
        "customer": "NORDIC",
        "header": {
            "mode": "courier",
            "carrier": "DHL",
            "transport_document_number": "JD014600003810",
            "port_of_loading": "Dhaka",
            "port_of_discharge": "Stockholm",
            "incoterm": "DAP",
            "incoterm_place": "Borås",
            "etd": -12,
            "eta": -8,
        },
        "containers": [],
        "lines": [("NA-2026-117", "NAVY", "1200", 60, "330", "300", "2.6", None)],
        "steps": [("depart", -12), ("return", "Refused at customs: the consignee's EORI number was missing")],
        "documents": {"commercial_invoice": "sent", "packing_list": "sent", "transport_document": "accepted"},
    },
    {
        # part of a line in the air, due in two days
        "customer": "NORDIC",
        "header": {
            "mode": "air",
            "carrier": "EKSKY",
            "transport_document_number": demo_awb_number("176", 4409450),
            "flight_number": "EK 583",
            "port_of_loading": "Dhaka (DAC)",
            "port_of_discharge": "Stockholm (ARN)",
            "incoterm": "FCA",
            "incoterm_place": "Dhaka airport",
            "etd": -1,
            "eta": 2,
        },
        "containers": [],
        "lines": [("NA-2026-117", "NAVY", "2000", 100, "560", "510", "4.4", None)],
        "steps": [("depart", -1)],
        "documents": {"commercial_invoice": "sent", "packing_list": "sent", "transport_document": "sent"},
    },
]


def demo_shipments_create(*, organization: Any, by: Any) -> None:
    """Shipments in every status for the demo orders, through the logistics services (so the lines' shipped and
    delivered-to-buyer figures, the totals and the audit are theirs): sea with containers, air with AWBs, a courier
    parcel, two orders in one shipment, partial shipments, ETA revisions, a cancelled and a returned one, documents
    in every status. Only when the organisation has no shipment yet (and only for the demo orders it has)."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tradeloom.logistics import services
    from tradeloom.logistics.models import Shipment, ShipmentDocument
    from tradeloom.sales.models import Line, Order

    if Shipment.objects.filter(organization=organization).exists():
        return
    orders = set(Order.objects.filter(organization=organization).values_list("po_number", flat=True))
    for index, entry in enumerate(DEMO_SHIPPED_ORDERS):
        if entry[0] not in orders:
            _demo_order_create(organization=organization, by=by, index=index, entry=entry)
    carriers = {c.code: c for c in Carrier.objects.filter(organization=organization)}
    for code, name, mode, account in DEMO_CARRIERS:
        if code not in carriers:
            carriers[code] = record_create(
                model=Carrier,
                organization=organization,
                by=by,
                data={"name": name, "code": code, "mode": mode, "account_number": account},
            )
    customers = {c.code: c for c in Customer.objects.filter(organization=organization)}
    lines = {
        (po, colour): pk
        for pk, po, colour in Line.objects.filter(organization=organization).values_list(
            "pk", "order__po_number", "colour_code"
        )
    }
    today = timezone.localdate()

    def day(offset: int) -> Any:
        return today + timedelta(days=offset)

    for plan in DEMO_SHIPMENTS:
        if any((po, colour) not in lines for po, colour, *_ in plan["lines"]):
            continue  # an organisation whose demo orders differ: only the shipments of the orders it has
        header = dict(plan["header"])
        containers = [
            {"number": demo_container_number(prefix, serial), "kind": kind, "seal_number": seal}
            for prefix, serial, kind, seal in plan["containers"]
        ]
        booked = services.shipment_create(
            organization=organization,
            by=by,
            data={
                **header,
                "customer": customers[plan["customer"]],
                "carrier": carriers[header["carrier"]],
                "etd": day(header["etd"]),
                "eta": day(header["eta"]),
            },
            lines=[
                {
                    "line": lines[(po, colour)],
                    "quantity": Decimal(quantity),
                    "cartons": cartons,
                    "gross_weight_kg": Decimal(gross),
                    "net_weight_kg": Decimal(net),
                    "volume_cbm": Decimal(cbm),
                    "container": containers[container]["number"] if container is not None else "",
                }
                for po, colour, quantity, cartons, gross, net, cbm, container in plan["lines"]
            ],
            containers=containers,
        )
        shipment = booked.shipment
        for action, *args in plan["steps"]:
            if action == "revise":
                dates, revised_on, reason = args
                services.shipment_eta_revise(
                    shipment=shipment,
                    by=by,
                    reason=reason,
                    revised_on=day(revised_on),
                    **{key: day(offset) for key, offset in dates.items()},
                )
            elif action in ("return", "cancel"):
                shipment = services.shipment_move(shipment=shipment, action=action, by=by, reason=args[0])
            else:
                shipment = services.shipment_move(shipment=shipment, action=action, by=by, on=day(args[0]))
        documents = {d.kind: d for d in ShipmentDocument.objects.filter(shipment=shipment)}
        notes = plan.get("notes", {})
        for kind, status in plan["documents"].items():
            data = {"status": status} | ({"note": notes[kind]} if kind in notes else {})
            services.document_update(document=documents[kind], by=by, data=data)
        for name, status in plan.get("other_documents", []):
            services.document_add(shipment=shipment, by=by, data={"kind": "other", "name": name, "status": status})
        if "file" in plan:
            kind, name, text = plan["file"]
            upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
            services.document_file_attach(document=documents[kind], by=by, upload=upload)


# --- purchasing: purchase orders in every status (the purchasing module edits this section) ------------------------
def demo_purchasing_create(*, organization: Any, by: Any) -> None:
    """Purchase orders in every status, one amended, one back to back, with receipts into the demo warehouses
    (``demo.purchasing``; the warehouses first, ``demo_inventory_create`` being idempotent)."""
    from tradeloom.demo.purchasing import demo_purchases_create

    demo_purchases_create(organization=organization, by=by, inventory=demo_inventory_create)


# --- inventory: two warehouses with opening stock (the inventory module edits this section) ------------------------
DEMO_WAREHOUSES = [
    ("MAIN", "Main store, Gazipur", "own_store", None, "Plot 12, BSCIC Industrial Estate, Gazipur"),
    ("SQT-MILL", "At Square Textiles", "at_mill", "SQTEX", "Kaliakoir composite, Gazipur"),
]
# (warehouse, item code, quantity, unit code, unit cost per that unit in base currency, reason)
DEMO_OPENING_STOCK = [
    ("MAIN", "SJ-160", "1250", "kg", "4.85", "Opening stock: count of 30 Nov"),
    ("MAIN", "TW-240", "3200", "yd", "2.95", "Opening stock: count of 30 Nov"),
    ("MAIN", "BTN-18L", "240", "dz", "1.10", "Opening stock: count of 30 Nov"),
    ("SQT-MILL", "SJ-160", "800", "kg", "4.60", "Greige held at the mill for the next booking"),
    ("SQT-MILL", "TW-240", "1500", "m", "3.20", "Finished fabric held at the mill"),
]


def demo_inventory_create(*, organization: Any, by: Any) -> None:
    """Two warehouses (an own store and one at a mill) with opening stock of the demo items, through adjustments;
    only when the organisation has no warehouse yet."""
    from tradeloom.inventory.models import Warehouse
    from tradeloom.inventory.services import stock_adjust

    if Warehouse.objects.filter(organization=organization).exists():
        return
    suppliers = {s.code: s for s in Supplier.objects.filter(organization=organization)}
    warehouses = {}
    for code, name, kind, supplier, address in DEMO_WAREHOUSES:
        data: dict[str, Any] = {"code": code, "name": name, "kind": kind, "address": address}
        if supplier and supplier in suppliers:
            data["supplier"] = suppliers[supplier]
        warehouses[code] = record_create(model=Warehouse, organization=organization, by=by, data=data)
    items = {i.code: i for i in Item.objects.filter(organization=organization).select_related("unit")}
    units = {u.code: u for u in UnitOfMeasure.objects.filter(organization=organization)}
    for warehouse, item_code, quantity, unit, cost, reason in DEMO_OPENING_STOCK:
        item = items.get(item_code)
        if item is None or unit not in units or units[unit].dimension != item.unit.dimension:
            continue
        stock_adjust(
            organization=organization,
            by=by,
            warehouse=warehouses[warehouse],
            item=item,
            quantity=Decimal(quantity),
            unit=units[unit],
            unit_cost=Decimal(cost),
            reason=reason,
            reference="Opening stock",
        )
