"""Shipments in the benchmark data set: about one per three orders, carrying their lines, with containers, ETA
revisions and each shipment's documents checklist — streamed with COPY like the rest of the data set
(``generate.py``), not through the services, but with every figure the services would keep:

* the number ``SH-<year>-<n>`` from a per-year sequence (the year of booking; the sequence rows are left at the next
  number, so a shipment booked through the app continues them), the totals the sums of the lines, and
  the B/L or AWB's ``transport_document_key`` as the services normalise it (what the search compares);
* valid codes: ISO 6346 container numbers with their check digit, air waybills with theirs, a B/L or AWB once per
  carrier, sea-only Incoterms only at sea;
* dates in the order each move records them (ETD ≤ ETA, departed ≤ arrived ≤ delivered, nothing after today), the
  status the dates say (booked before its ETD — a few still booked after it —, in transit before its ETA, arrived,
  delivered; a few cancelled or returned, with a reason);
* the order lines' ``shipped_quantity`` (shipments not cancelled or returned) and ``buyer_delivered_quantity``
  (delivered shipments) set afterwards from the shipment lines by one statement (``LINE_FIGURES_SQL``).

The step reads the organisation's orders and lines from the database, so it also tops up a data set generated before
shipments existed (``manage.py bench_data`` on it: the orders are kept, the shipments added); it does nothing for an
organisation that has shipments. It draws from its own random stream (seeded from the data set's seed), so the
shipments are the same whether they were generated with the orders or added later.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tradeloom.bench.streams import Copy, Ids
from tradeloom.core.context import tenant_context
from tradeloom.core.models import NumberSequence
from tradeloom.logistics import states
from tradeloom.logistics.codes import container_check_digit, transport_document_normalise
from tradeloom.logistics.models import Container, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.partners.models import Carrier

SHARE = 3  # one shipment per about this many orders
BOOKED_AFTER = timedelta(days=20)  # a shipment is booked this long after its order (its created_at)
MULTI_ORDER = 0.10  # shipments that also carry the customer's previous order not shipped on its own
PARTIAL = 0.30  # lines shipped in part (50 to 95 %)
CANCELLED = 0.03
RETURNED = 0.01
STILL_BOOKED = 0.05  # past their ETD (within a month) and not departed
REVISED = 0.20  # shipments with an ETA revision
DELIVERED_AFTER = 5  # days after arrival by which a shipment is delivered

# code, name, mode, the transport document's prefix, the container owner code (sea and road)
CARRIERS = [
    ("MAERSK", "Maersk Line", "sea", "MAEU", "MSKU"),
    ("HLAG", "Hapag-Lloyd", "sea", "HLCU", "HLXU"),
    ("CMACGM", "CMA CGM", "sea", "CMDU", "CMAU"),
    ("MSC", "Mediterranean Shipping Company", "sea", "MEDU", "MSCU"),
    ("EKSKY", "Emirates SkyCargo", "air", "176", ""),
    ("QRCARGO", "Qatar Airways Cargo", "air", "157", ""),
    ("SQCARGO", "Singapore Airlines Cargo", "air", "618", ""),
    ("DHL", "DHL Express", "courier", "JD0146", ""),
    ("FEDEX", "FedEx", "courier", "7749", ""),
    ("BENAPOLE", "Benapole Road Lines", "road", "CMR", "BRLU"),
]
AIRLINES = {"176": "EK", "157": "QR", "618": "SQ"}  # an AWB's prefix → the airline's flight code
MODES = [("sea", 70), ("air", 15), ("courier", 10), ("road", 5)]
TRANSIT_DAYS = {"sea": (22, 40), "air": (1, 4), "courier": (3, 6), "road": (3, 8)}
INCOTERMS = {"sea": ["FOB", "FOB", "CIF", "CFR"], "air": ["FCA", "CPT", "DAP"], "courier": ["DAP", "DDP"]}
INCOTERMS["road"] = INCOTERMS["air"]
LOADING = {"sea": "Chattogram", "air": "Dhaka (DAC)", "courier": "Dhaka", "road": "Benapole"}
DISCHARGE = {
    "sea": ["Hamburg", "Rotterdam", "Antwerp", "Felixstowe", "Gothenburg", "Los Angeles", "New York", "Valencia"],
    "air": ["Frankfurt (FRA)", "Amsterdam (AMS)", "London (LHR)", "New York (JFK)", "Stockholm (ARN)"],
    "courier": ["Hamburg", "Stockholm", "Düsseldorf", "Manchester", "Chicago"],
    "road": ["Kolkata", "Petrapole", "Delhi"],
}
VESSELS = ["MAERSK KENSINGTON", "SANTA CLARA", "CMA CGM TAGE", "MSC ANNA", "EVER GIVEN", "ONE APUS", "HMM OSLO"]
CONTAINER_KINDS = ["40HC", "40HC", "40GP", "20GP"]
CBM_PER_CONTAINER = 60
REASONS = {
    states.CANCELLED: "The buyer moved the goods to another shipment",
    states.RETURNED: "Refused at customs: documents incomplete",
}
REVISION_REASONS = ["Vessel rolled over", "Port congestion", "Transhipment delay", "Weather at sea", "Flight cancelled"]
CHECKLIST = [
    # kind, due at departure
    ("commercial_invoice", True),
    ("packing_list", True),
    ("transport_document", False),
    ("certificate_of_origin", False),
    ("inspection_certificate", False),
    ("insurance", False),
]
# the documents' statuses by the shipment's (the checklist's first three; the others stay pending but when delivered)
DOCUMENT_STATUSES = {
    states.BOOKED: ("drafted", "pending", "pending"),
    states.IN_TRANSIT: ("sent", "sent", "sent"),
    states.ARRIVED: ("sent", "sent", "accepted"),
    states.DELIVERED: ("accepted", "accepted", "accepted"),
    states.RETURNED: ("discrepant", "sent", "accepted"),
    states.CANCELLED: ("pending", "pending", "pending"),
}

# The order lines' shipped and delivered-to-buyer figures from the organisation's shipment lines (lines without a
# shipment keep their zeros); a line already right is not written again.
_SHIPPED = ", ".join(f"'{status}'" for status in sorted(states.COUNTS_AS_SHIPPED))
LINE_FIGURES_SQL = f"""
UPDATE sales_line l
   SET shipped_quantity = f.shipped, buyer_delivered_quantity = f.delivered
  FROM (SELECT sl.line_id,
               coalesce(sum(sl.quantity) FILTER (WHERE s.status IN ({_SHIPPED})), 0)
                   AS shipped,
               coalesce(sum(sl.quantity) FILTER (WHERE s.status = '{states.DELIVERED}'), 0) AS delivered
          FROM logistics_shipmentline sl JOIN logistics_shipment s ON s.id = sl.shipment_id
         WHERE sl.organization_id = %(org)s
         GROUP BY sl.line_id) f
 WHERE l.id = f.line_id AND l.organization_id = %(org)s
   AND (l.shipped_quantity, l.buyer_delivered_quantity) IS DISTINCT FROM (f.shipped, f.delivered)
"""  # noqa: S608 - our own table and column names, no input

# The orders and their lines, oldest first (the list's index backwards; each order's lines by their index) — the
# generated ones: not those the benchmark itself makes through the API (``run.DETAIL_PO``, ``run.CREATE_PO``), so
# that the orders read, and so the shipments, are the same in a fresh data set and in one that has been benchmarked.
ORDERS_SQL = """
SELECT o.id, o.created_at, o.customer_id, o.etd, x.ids, x.quantities, x.statuses
  FROM sales_order o
  CROSS JOIN LATERAL (
    SELECT array_agg(l.id ORDER BY l.position) AS ids, array_agg(l.quantity ORDER BY l.position) AS quantities,
           array_agg(l.status ORDER BY l.position) AS statuses
      FROM sales_line l WHERE l.organization_id = o.organization_id AND l.order_id = o.id
  ) x
 WHERE o.organization_id = %(org)s AND o.archived_at IS NULL AND o.status <> 'cancelled' AND o.etd IS NOT NULL
   AND o.po_number NOT LIKE 'BENCH-%%'
 ORDER BY o.created_at, o.id
"""


@dataclass(frozen=True)
class OrderRow:
    id: Any
    created_at: datetime
    customer_id: Any
    etd: date
    lines: tuple[tuple[Any, Decimal], ...]  # the lines that can be shipped (not archived): id, quantity


@dataclass(frozen=True)
class CarrierRow:
    id: Any
    mode: str
    prefix: str
    owner_code: str


@dataclass
class Planned:
    """One shipment's rows, as attname → value dicts for ``generate.Copy``."""

    shipment: dict[str, Any]
    lines: list[dict[str, Any]]
    containers: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    revisions: list[dict[str, Any]]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def container_number(owner_code: str, serial: int) -> str:
    first_ten = f"{owner_code}{serial % 1_000_000:06d}"
    return f"{first_ten}{container_check_digit(first_ten)}"


def awb_number(prefix: str, serial: int) -> str:
    serial %= 10_000_000
    return f"{prefix}-{serial:07d}{serial % 7}"


@dataclass
class Planner:
    """Turns the organisation's orders, oldest first, into shipments (``add``); deterministic for its random stream
    and ids."""

    organization_id: Any
    carriers: dict[str, list[CarrierRow]]
    rng: random.Random
    ids: Any  # () -> uuid
    today: date
    sequences: dict[int, int] = field(default_factory=dict)  # year → the last number given
    waiting: dict[Any, OrderRow] = field(default_factory=dict)  # customer → an order not shipped on its own
    serial: int = 0

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _number(self, booked: date) -> str:
        n = self.sequences.get(booked.year, 0) + 1
        self.sequences[booked.year] = n
        return f"SH-{booked.year}-{n:05d}"

    def add(self, order: OrderRow) -> Planned | None:
        rng = self.rng
        if not order.lines:
            return None
        chosen = rng.random() < 1 / SHARE
        created = order.created_at + BOOKED_AFTER
        if not chosen or created.date() > self.today:
            self.waiting[order.customer_id] = order
            return None
        orders = [order]
        previous = self.waiting.pop(order.customer_id, None)
        if previous is not None and rng.random() < MULTI_ORDER:
            orders.insert(0, previous)
        return self._plan(orders, created)

    def _status(self, etd: date, eta: date) -> tuple[str, date | None, date | None, date | None]:
        """The status and the dates of departure, arrival and delivery the ETD and ETA lead to by today."""
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < CANCELLED:
            return states.CANCELLED, None, None, None
        if etd > today or (roll < CANCELLED + STILL_BOOKED and etd > today - timedelta(days=30)):
            return states.BOOKED, None, None, None
        departed = min(etd + timedelta(days=rng.randint(0, 2)), today)
        if roll < CANCELLED + STILL_BOOKED + RETURNED:
            return states.RETURNED, departed, None, None
        if eta > today:
            return states.IN_TRANSIT, departed, None, None
        arrived = max(departed, min(eta + timedelta(days=rng.randint(-1, 3)), today))
        if (today - arrived).days < DELIVERED_AFTER:
            return states.ARRIVED, departed, arrived, None
        return states.DELIVERED, departed, arrived, min(arrived + timedelta(days=rng.randint(1, 4)), today)

    def _plan(self, orders: list[OrderRow], created: datetime) -> Planned:
        rng, org = self.rng, self.organization_id
        order = orders[-1]
        mode = _weighted(rng, MODES)
        carrier = rng.choice(self.carriers[mode])
        etd = max(order.etd + timedelta(days=rng.randint(-3, 10)), created.date())
        low, high = TRANSIT_DAYS[mode]
        eta = etd + timedelta(days=rng.randint(low, high))
        status, departed, arrived, delivered = self._status(etd, eta)
        shipment_id = self.ids()
        stamp = {"organization_id": org, "created_at": created, "updated_at": created}
        # lines, each packed; containers for sea and road, the lines spread over them
        rows: list[dict[str, Any]] = []
        for o in orders:
            for line_id, ordered in o.lines:
                quantity = ordered
                if rng.random() < PARTIAL:
                    quantity = max(Decimal(1), (ordered * rng.randint(50, 95) / 100).quantize(Decimal(1)))
                cartons = max(1, int(quantity / 40))
                gross = (quantity * Decimal("0.22")).quantize(Decimal("0.001"))
                rows.append(
                    {
                        **stamp,
                        "id": self.ids(),
                        "shipment_id": shipment_id,
                        "order_id": o.id,
                        "line_id": line_id,
                        "quantity": quantity,
                        "cartons": cartons,
                        "gross_weight_kg": gross,
                        "net_weight_kg": (gross * Decimal("0.92")).quantize(Decimal("0.001")),
                        "volume_cbm": (Decimal(cartons) * Decimal("0.065")).quantize(Decimal("0.001")),
                        "position": len(rows),
                    }
                )
        cbm = sum((r["volume_cbm"] for r in rows), Decimal(0))
        containers: list[dict[str, Any]] = []
        if mode in ("sea", "road"):
            for n in range(min(4, 1 + int(cbm // CBM_PER_CONTAINER))):
                containers.append(
                    {
                        **stamp,
                        "id": self.ids(),
                        "shipment_id": shipment_id,
                        "number": container_number(carrier.owner_code, self._next()),
                        "kind": rng.choice(CONTAINER_KINDS),
                        "seal_number": f"{carrier.owner_code[:2]} {rng.randrange(10**7):07d}" if departed else "",
                        "position": n,
                    }
                )
            for row in rows:
                row["container_id"] = containers[row["position"] % len(containers)]["id"]
        # the B/L comes once the goods are loaded; an AWB, a tracking or CMR number at booking
        document = ""
        if mode == "air":
            document = awb_number(carrier.prefix, self._next())
        elif mode == "courier":
            document = f"{carrier.prefix}{self._next():010d}"
        elif mode == "road":
            document = f"{carrier.prefix}-{self._next():08d}"
        elif departed is not None or status == states.CANCELLED:
            document = f"{carrier.prefix}{self._next():09d}"
        vessel = rng.choice(VESSELS) if mode == "sea" else ""
        shipment = {
            **stamp,
            "id": shipment_id,
            "version": 1,
            "number": self._number(created.date()),
            "customer_id": order.customer_id,
            "mode": mode,
            "carrier_id": carrier.id,
            "transport_document_number": document,
            "transport_document_key": transport_document_normalise(document),
            "vessel": vessel,
            "voyage": f"{rng.randint(100, 999)}{rng.choice('EWNS')}" if vessel else "",
            "flight_number": f"{AIRLINES[carrier.prefix]} {rng.randint(500, 899)}" if mode == "air" else "",
            "port_of_loading": LOADING[mode],
            "port_of_discharge": rng.choice(DISCHARGE[mode]),
            "incoterm": (incoterm := rng.choice(INCOTERMS[mode])),
            "incoterm_place": LOADING[mode] if incoterm in ("FOB", "FCA") else "",
            "etd": etd,
            "eta": eta,
            "departed_on": departed,
            "arrived_on": arrived,
            "delivered_on": delivered,
            "status": status,
            "status_reason": REASONS.get(status, ""),
            "line_count": len(rows),
            "total_cartons": sum(r["cartons"] for r in rows),
            "total_gross_kg": sum((r["gross_weight_kg"] for r in rows), Decimal(0)),
            "total_net_kg": sum((r["net_weight_kg"] for r in rows), Decimal(0)),
            "total_cbm": cbm,
        }
        revisions: list[dict[str, Any]] = []
        if status != states.CANCELLED and rng.random() < REVISED:
            # learnt between booking and departure (or today): the ETA was sooner
            earlier = max(etd, eta - timedelta(days=rng.randint(2, 7)))
            learnt = min(created.date() + timedelta(days=rng.randint(1, 10)), departed or self.today, self.today)
            if earlier != eta:
                revisions.append(
                    {
                        **stamp,
                        "id": self.ids(),
                        "shipment_id": shipment_id,
                        "previous_etd": etd,
                        "previous_eta": earlier,
                        "etd": etd,
                        "eta": eta,
                        "revised_on": max(learnt, created.date()),
                        "reason": rng.choice(REVISION_REASONS),
                    }
                )
        first = DOCUMENT_STATUSES[status]
        others = "accepted" if status == states.DELIVERED else "pending"
        documents = [
            {
                **stamp,
                "id": self.ids(),
                "shipment_id": shipment_id,
                "kind": kind,
                "status": first[n] if n < len(first) else others,
                "due_date": etd if due else None,
                "position": n,
            }
            for n, (kind, due) in enumerate(CHECKLIST)
        ]
        return Planned(shipment, rows, containers, documents, revisions)


def order_rows(records: Iterable[tuple[Any, ...]]) -> Iterator[OrderRow]:
    """``ORDERS_SQL``'s rows as orders with their shippable lines."""
    for order_id, created_at, customer_id, etd, ids, quantities, statuses in records:
        lines = tuple(
            (line_id, Decimal(quantity))
            for line_id, quantity, status in zip(ids or [], quantities or [], statuses or [], strict=True)
            if status != "archived" and quantity > 0
        )
        yield OrderRow(order_id, created_at, customer_id, etd, lines)


def carriers_create(organization: Any, by: Any) -> dict[str, list[CarrierRow]]:
    """The organisation's carriers (made once, through the ORM), by mode."""
    existing = {c.code: c for c in Carrier.objects.using("owner").filter(organization=organization)}
    missing = [
        Carrier(organization=organization, created_by_id=by.user_id, code=code, name=name, mode=mode)
        for code, name, mode, _prefix, _owner in CARRIERS
        if code not in existing
    ]
    for carrier in Carrier.objects.using("owner").bulk_create(missing):
        existing[carrier.code] = carrier
    by_mode: dict[str, list[CarrierRow]] = {}
    for code, _name, mode, prefix, owner in CARRIERS:
        by_mode.setdefault(mode, []).append(CarrierRow(existing[code].pk, mode, prefix, owner))
    return by_mode


def generate_shipments(*, organization: Any, by: Any, seed: int, today: date, connect: Any) -> dict[str, int]:
    """Stream the organisation's shipments (nothing when it has some): read its orders on one connection, COPY the
    five tables on five others, then set the lines' figures. Returns the counts written."""
    if Shipment.objects.using("owner").filter(organization=organization).exists():
        return {}
    rng = random.Random(f"{seed}-shipments-{organization.slug}")
    planner = Planner(
        organization_id=organization.pk,
        carriers=carriers_create(organization, by),
        rng=rng,
        ids=Ids(rng),
        today=today,
    )
    counts = dict.fromkeys(("shipments", "lines", "containers", "documents", "revisions"), 0)
    with ExitStack() as stack:
        reader = stack.enter_context(connect())
        conns = [stack.enter_context(connect()) for _ in range(5)]
        copies = {
            "shipments": Copy(stack, conns[0], Shipment),
            "lines": Copy(stack, conns[1], ShipmentLine),
            "containers": Copy(stack, conns[2], Container),
            "documents": Copy(stack, conns[3], ShipmentDocument),
            "revisions": Copy(stack, conns[4], EtaRevision),
        }
        cursor = stack.enter_context(reader.cursor(name="bench_orders"))
        cursor.itersize = 5000
        cursor.execute(ORDERS_SQL, {"org": organization.pk})
        for order in order_rows(cursor):
            planned = planner.add(order)
            if planned is None:
                continue
            copies["shipments"].write(planned.shipment)
            for name, rows in (
                ("lines", planned.lines),
                ("containers", planned.containers),
                ("documents", planned.documents),
                ("revisions", planned.revisions),
            ):
                for row in rows:
                    copies[name].write(row)
        counts = {name: copy.count for name, copy in copies.items()}
    # every COPY committed as its connection closed; now the lines' figures, from what they wrote
    with connect() as conn:
        counts["lines_updated"] = conn.execute(LINE_FIGURES_SQL, {"org": organization.pk}).rowcount
        conn.commit()
    with tenant_context(organization):
        for year, last in planner.sequences.items():
            NumberSequence.objects.update_or_create(
                organization=organization, kind="shipment", year=year, defaults={"next_value": last + 1}
            )
    return counts
