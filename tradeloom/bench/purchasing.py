"""Purchasing and stock in the benchmark data set: purchase orders raised back to back from a third of the orders'
mill lines, stock POs for yarn and trims into the organisation's stores, their approvals, amendments and receipts,
and the stock-move ledger the receipts and the issues after them write — streamed with COPY like the rest of the data
set (``generate.py``), not through the services, but with every figure the services would keep:

* numbers ``PO-<n>`` from the organisation's sequence (left at the next number), receipts ``PO-<n>-R<k>``;
* a PO's lines at their quantity x price rounded to cents, tax per line at the PO's rate, ``total = subtotal + tax``,
  the total in the base currency at the PO's rate; a back-to-back PO's lines are its order's lines of one mill at
  their mill price (the link kept on the line), a stock PO's lines catalog items;
* statuses as the PO's age makes likely, each with what the services record: a submission's approval (automatic at
  or below the approval limit, else a manager's — never the author's), receipts (in full or in part, one or two)
  with the lines' ``received_quantity`` their sums, the status the received quantities say; a few cancelled, a few
  amended once (the due date moved, revision 1);
* the ledger as ``inventory.services`` writes it: receipts of items into a warehouse at the PO price in the base
  currency, issues after them at the moving average (never below zero), each move with the balance after it and its
  place in the balance's sequence; the balances the sums of their moves (``inventory_stockbalance``).

It reads the organisation's order lines from the database, so it also tops up a data set generated before purchasing
existed; it does nothing for an organisation that has purchase orders. It draws from its own random stream.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from psycopg.types.json import Jsonb

from tradeloom.bench.streams import Copy, Ids
from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.core.models import NumberSequence
from tradeloom.core.money import cents
from tradeloom.inventory.models import StockBalance, StockMove, Warehouse
from tradeloom.inventory.services.moves import decrease_value
from tradeloom.partners.models import Supplier
from tradeloom.purchasing import states
from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine

BACK_TO_BACK = 1 / 3  # orders whose mill lines are bought back to back
STOCK_POS_PER_ORDER = 1 / 15  # stock POs (yarn, trims) per order
AMENDED = 0.03
ISSUED = 0.7  # receipts of stock followed by an issue
RATES = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27")}  # to the base currency (USD)
LIMIT = Decimal(10000)  # the default approval limit (``Organization.po_approval_limit``)
COST = Decimal("0.000001")
WAREHOUSES = [
    ("MAIN", "Main store, Gazipur", Warehouse.Kind.OWN_STORE),
    ("DYE", "At the dyeing mill", Warehouse.Kind.AT_MILL),
    ("TRANSIT", "In transit", Warehouse.Kind.IN_TRANSIT),
]
# the chance of each status by the PO's age in days (≥ the first figure), in the order of ``STATUS_ORDER``
STATUS_ORDER = (
    states.RECEIVED,
    states.PARTLY_RECEIVED,
    states.APPROVED,
    states.SUBMITTED,
    states.DRAFT,
    states.CANCELLED,
)
BY_AGE = [
    (90, (0.85, 0.07, 0.03, 0.0, 0.0, 0.05)),
    (30, (0.40, 0.25, 0.27, 0.03, 0.0, 0.05)),
    (-10_000, (0.0, 0.05, 0.40, 0.20, 0.30, 0.05)),
]
ITEM_KINDS = [
    ("yarn", "kg", "Cotton yarn", (Decimal("2.80"), Decimal("4.60"))),
    ("trim", "pcs", "Trim", (Decimal("0.02"), Decimal("0.90"))),
]

# The order lines bought from a mill at a mill price, an order's lines of one mill together, oldest order first.
LINES_SQL = """
SELECT o.id, o.customer_id, o.currency, o.created_at::date, l.supplier_id,
       array_agg(l.id ORDER BY l.position, l.id), array_agg(l.quantity ORDER BY l.position, l.id),
       array_agg(l.unit_id ORDER BY l.position, l.id), array_agg(l.mill_price ORDER BY l.position, l.id),
       array_agg(l.colour_code ORDER BY l.position, l.id)
  FROM sales_order o
  JOIN sales_line l ON l.order_id = o.id AND l.organization_id = o.organization_id
 WHERE o.organization_id = %(org)s AND l.supplier_id IS NOT NULL AND l.mill_price IS NOT NULL
   AND l.status <> 'archived' AND o.status <> 'cancelled'
 GROUP BY o.id, l.supplier_id
 ORDER BY o.created_at, o.id, l.supplier_id
"""


def _at(day: date, seconds: int = 0) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC) + timedelta(seconds=seconds)


@dataclass
class Balance:
    """A stock balance as the generator keeps it (the fields ``inventory.services`` keeps on ``StockBalance``)."""

    id: Any
    warehouse_id: Any
    item_id: Any
    quantity: Decimal = Decimal(0)
    value: Decimal = Decimal(0)
    average_unit_cost: Decimal = Decimal(0)
    move_count: int = 0


@dataclass(frozen=True)
class StockEvent:
    """A move to apply in date order: a receipt line into a warehouse, or an issue out of it."""

    day: date
    order: int
    warehouse_id: Any
    item_id: Any
    unit_id: Any
    quantity: Decimal  # > 0; an issue takes at most what is on hand
    unit_cost: Decimal | None  # a receipt's, in the base currency; None for an issue
    source_id: Any
    reference: str


@dataclass
class Planned:
    """One PO's rows, as attname → value dicts for ``streams.Copy``."""

    po: dict[str, Any]
    lines: list[dict[str, Any]]
    approvals: list[dict[str, Any]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    receipt_lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Planner:
    """Turns order lines and stock purchases into POs (``add``) and their stock events; deterministic for its random
    stream and ids."""

    organization_id: Any
    rng: random.Random
    ids: Any
    today: date
    author_id: Any
    approver_id: Any
    warehouses: list[Any]
    last_number: int = 0
    events: list[StockEvent] = field(default_factory=list)

    def _status(self, po_date: date) -> str:
        age = (self.today - po_date).days
        chances = next(row for floor, row in BY_AGE if age >= floor)
        roll, running = self.rng.random(), 0.0
        for status, chance in zip(STATUS_ORDER, chances, strict=True):
            running += chance
            if roll < running:
                return status
        return states.APPROVED

    def add(
        self,
        *,
        supplier_id: Any,
        customer_id: Any,
        order_id: Any,
        currency: str,
        po_date: date,
        warehouse_id: Any,
        lines: list[dict[str, Any]],
    ) -> Planned:
        """A PO of ``lines`` (each ``quantity``, ``unit_id``, ``unit_price`` and optionally ``sales_line_id``,
        ``item_id``, ``description``): its figures, status, approval, amendment and receipts."""
        rng, org = self.rng, self.organization_id
        self.last_number += 1
        number = f"PO-{self.last_number:06d}"
        po_id = self.ids()
        stamp = {"organization_id": org, "created_at": _at(po_date), "created_by_id": self.author_id}
        tax_rate = Decimal(rng.choice((0, 0, 5, 7.5))).quantize(Decimal("0.01"))
        rows = []
        for position, line in enumerate(lines):
            amount = cents(line["quantity"] * line["unit_price"])
            rows.append(
                {
                    **stamp,
                    "updated_at": _at(po_date),
                    "id": self.ids(),
                    "purchase_order_id": po_id,
                    "position": position,
                    "amount": amount,
                    "tax": cents(amount * tax_rate / 100),
                    "received_quantity": Decimal(0),
                    **line,
                }
            )
        subtotal = sum((row["amount"] for row in rows), Decimal(0))
        tax = sum((row["tax"] for row in rows), Decimal(0))
        rate = RATES.get(currency, Decimal(1))
        status = self._status(po_date)
        due = po_date + timedelta(days=rng.choice((30, 45, 60)))
        po = {
            **stamp,
            "updated_at": _at(po_date),
            "id": po_id,
            "version": 1,
            "number": number,
            "revision": 0,
            "supplier_id": supplier_id,
            "customer_id": customer_id,
            "order_id": order_id,
            "currency": currency,
            "po_date": po_date,
            "due_date": due,
            "warehouse_id": warehouse_id,
            "tax_rate": tax_rate,
            "status": status,
            "line_count": len(rows),
            "subtotal": subtotal,
            "tax": tax,
            "total": subtotal + tax,
            "exchange_rate": None,
            "base_total": None,
            "submitted_at": None,
            "submitted_by_id": None,
            "approved_at": None,
            "approved_by_id": None,
        }
        planned = Planned(po, rows)
        if status != states.DRAFT:
            self._submitted(planned, rate)
        if status in (states.APPROVED, states.PARTLY_RECEIVED, states.RECEIVED) and rng.random() < AMENDED:
            self._amended(planned)
        if status in (states.PARTLY_RECEIVED, states.RECEIVED):
            self._receipts(planned, rate)
        return planned

    def _submitted(self, planned: Planned, rate: Decimal) -> None:
        po, day = planned.po, planned.po["po_date"]
        base_total = cents(po["total"] * rate)
        po.update(exchange_rate=rate, base_total=base_total, submitted_at=_at(day, 600), submitted_by_id=self.author_id)
        if po["status"] == states.CANCELLED and self.rng.random() < 0.5:
            po.update(exchange_rate=None, base_total=None, submitted_at=None, submitted_by_id=None)
        if po["status"] == states.CANCELLED:
            po["status_reason"] = "The buyer dropped the style"
        if po["status"] == states.SUBMITTED or po["submitted_at"] is None:
            return
        above = base_total > LIMIT
        if po["status"] == states.CANCELLED and above:
            return  # cancelled while it waited for approval
        approver = self.approver_id if above else self.author_id
        po.update(approved_at=_at(day, 3600 if above else 600), approved_by_id=approver)
        planned.approvals.append(
            {
                "organization_id": po["organization_id"],
                "created_at": po["approved_at"],
                "created_by_id": approver,
                "id": self.ids(),
                "purchase_order_id": po["id"],
                "revision": 0,
                "decision": Approval.Decision.APPROVED if above else Approval.Decision.AUTO_APPROVED,
                "decided_by_id": approver,
                "total": po["total"],
                "base_total": base_total,
                "limit": LIMIT,
            }
        )

    def _amended(self, planned: Planned) -> None:
        po = planned.po
        old, new = po["due_date"], po["due_date"] + timedelta(days=14)
        po.update(due_date=new, revision=1, version=2)
        planned.amendments.append(
            {
                "organization_id": po["organization_id"],
                "created_at": _at(po["po_date"] + timedelta(days=5)),
                "created_by_id": self.author_id,
                "id": self.ids(),
                "purchase_order_id": po["id"],
                "revision": 1,
                "reason": "The mill asked for two more weeks",
                "changes": Jsonb(
                    {
                        "header": {"due_date": [old.isoformat(), new.isoformat()]},
                        "added": [],
                        "removed": [],
                        "changed": [],
                    }
                ),
                "total_before": po["total"],
                "total_after": po["total"],
                "reapproval": False,
            }
        )

    def _receipts(self, planned: Planned, rate: Decimal) -> None:
        """One or two receipts: everything (received), or 30 to 80 % of each line (partly received)."""
        rng, po = self.rng, planned.po
        full = po["status"] == states.RECEIVED
        first = min(self.today, po["po_date"] + timedelta(days=rng.randint(15, 40)))
        parts: list[tuple[date, Decimal]] = []  # (day, share of each line)
        if full and rng.random() < 0.3:
            second = min(self.today, first + timedelta(days=rng.randint(3, 12)))
            parts = [(first, Decimal("0.6")), (second, Decimal("0.4"))]
        else:
            parts = [(first, Decimal(1) if full else Decimal(rng.randint(30, 80)) / 100)]
        warehouse_id = po["warehouse_id"]
        for sequence, (day, share) in enumerate(parts, start=1):
            receipt_id = self.ids()
            number = f"{po['number']}-R{sequence}"
            planned.receipts.append(
                {
                    "organization_id": po["organization_id"],
                    "created_at": _at(day, sequence),
                    "updated_at": _at(day, sequence),
                    "created_by_id": self.author_id,
                    "id": receipt_id,
                    "purchase_order_id": po["id"],
                    "sequence": sequence,
                    "number": number,
                    "received_on": day,
                    "warehouse_id": warehouse_id,
                    "reference": f"DN-{rng.randrange(10**5):05d}",
                    "status": Receipt.Status.RECEIVED,
                }
            )
            for line in planned.lines:
                ordered = line["quantity"]
                quantity = (
                    ordered - line["received_quantity"]
                    if full and sequence == len(parts)
                    else (ordered * share).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
                )
                if quantity <= 0:
                    continue
                line["received_quantity"] += quantity
                receipt_line_id = self.ids()
                planned.receipt_lines.append(
                    {
                        "organization_id": po["organization_id"],
                        "created_at": _at(day, sequence),
                        "updated_at": _at(day, sequence),
                        "created_by_id": self.author_id,
                        "id": receipt_line_id,
                        "receipt_id": receipt_id,
                        "po_line_id": line["id"],
                        "quantity": quantity,
                    }
                )
                if line.get("item_id") is None or warehouse_id is None:
                    continue
                cost = (line["unit_price"] * rate).quantize(COST, rounding=ROUND_HALF_UP)
                self.events.append(
                    StockEvent(
                        day,
                        len(self.events),
                        warehouse_id,
                        line["item_id"],
                        line["unit_id"],
                        quantity,
                        cost,
                        receipt_line_id,
                        f"{po['number']} · {number}",
                    )
                )
                if rng.random() < ISSUED:
                    out = (quantity * Decimal(rng.randint(30, 90)) / 100).quantize(Decimal("0.001"))
                    issue_day = day + timedelta(days=rng.randint(3, 40))
                    if out > 0 and issue_day <= self.today:
                        self.events.append(
                            StockEvent(
                                issue_day,
                                len(self.events),
                                warehouse_id,
                                line["item_id"],
                                line["unit_id"],
                                out,
                                None,
                                None,
                                f"Issued to the cutting floor ({po['number']})",
                            )
                        )


def ledger(planner: Planner) -> Iterator[tuple[str, dict[str, Any]]]:
    """The moves of the planner's stock events in date order and then the balances they leave: ("move", row) …
    ("balance", row) …, each move valued as ``inventory.services`` values it."""
    balances: dict[tuple[Any, Any], Balance] = {}
    org = planner.organization_id
    for event in sorted(planner.events, key=lambda e: (e.day, e.order)):
        key = (event.warehouse_id, event.item_id)
        balance = balances.get(key)
        if balance is None:
            balance = balances[key] = Balance(planner.ids(), *key)
        if event.unit_cost is None:
            quantity = -min(event.quantity, balance.quantity)
            if quantity == 0:
                continue
            value = decrease_value(cast(StockBalance, balance), -quantity)
            kind = StockMove.Kind.ISSUE
        else:
            quantity, value, kind = event.quantity, cents(event.quantity * event.unit_cost), StockMove.Kind.RECEIPT
        balance.quantity += quantity
        balance.value += value
        if balance.quantity > 0:
            balance.average_unit_cost = (balance.value / balance.quantity).quantize(COST, rounding=ROUND_HALF_UP)
        balance.move_count += 1
        yield (
            "move",
            {
                "organization_id": org,
                "created_at": _at(event.day, event.order % 30_000),
                "updated_at": _at(event.day, event.order % 30_000),
                "created_by_id": planner.author_id,
                "id": planner.ids(),
                "kind": kind,
                "balance_id": balance.id,
                "warehouse_id": balance.warehouse_id,
                "item_id": balance.item_id,
                "moved_on": event.day,
                "quantity": quantity,
                "given_quantity": abs(quantity),
                "given_unit_id": event.unit_id,
                "value": value,
                "unit_cost": (abs(value) / abs(quantity)).quantize(COST, rounding=ROUND_HALF_UP),
                "quantity_after": balance.quantity,
                "value_after": balance.value,
                "sequence": balance.move_count,
                "source_type": "purchasing.receiptline" if event.source_id else "",
                "source_id": event.source_id,
                "reference": event.reference,
            },
        )
    for balance in balances.values():
        yield (
            "balance",
            {
                "organization_id": org,
                "id": balance.id,
                "warehouse_id": balance.warehouse_id,
                "item_id": balance.item_id,
                "lot": "",
                "quantity": balance.quantity,
                "value": balance.value,
                "average_unit_cost": balance.average_unit_cost,
                "move_count": balance.move_count,
            },
        )


def _stores(organization: Any, by: Any, rng: random.Random, items: int) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """The organisation's three warehouses and its stock items (yarn in kg, trims in pieces), through the ORM."""
    units = dict(UnitOfMeasure.objects.using("owner").filter(organization=organization).values_list("code", "id"))
    mill = Supplier.objects.using("owner").filter(organization=organization).order_by("code").first()
    warehouses = Warehouse.objects.using("owner").bulk_create(
        Warehouse(
            organization=organization,
            created_by_id=by.user_id,
            code=code,
            name=name,
            kind=kind,
            supplier_id=mill.pk if mill is not None and kind == Warehouse.Kind.AT_MILL else None,
        )
        for code, name, kind in WAREHOUSES
    )
    made = []
    for n in range(items):
        kind, unit, label, (low, high) = ITEM_KINDS[n % len(ITEM_KINDS)]
        price = (low + (high - low) * Decimal(rng.random())).quantize(Decimal("0.0001"))
        made.append(
            (
                Item(
                    organization=organization,
                    created_by_id=by.user_id,
                    kind=kind,
                    code=f"{kind.upper()}-{n:05d}",
                    name=f"{label} {n:05d}",
                    unit_id=units[unit],
                ),
                price,
            )
        )
    Item.objects.using("owner").bulk_create([item for item, _ in made], batch_size=1000)
    return [w.pk for w in warehouses], [(item.pk, item.unit_id, price) for item, price in made]


TABLES = {
    "purchase_orders": PurchaseOrder,
    "lines": PurchaseOrderLine,
    "approvals": Approval,
    "amendments": Amendment,
    "receipts": Receipt,
    "receipt_lines": ReceiptLine,
}


def generate_purchasing(
    *, organization: Any, by: Any, approver: Any, seed: int, today: date, connect: Any, orders: int
) -> dict[str, int]:
    """Stream the organisation's POs, receipts and stock (nothing when it has POs): back-to-back POs from a third of
    its orders' mill lines (read on one connection), stock POs for about one order in fifteen, then the ledger and
    balances their receipts leave. Returns the counts written."""
    if PurchaseOrder.objects.using("owner").filter(organization=organization).exists():
        return {}
    rng = random.Random(f"{seed}-purchasing-{organization.slug}")
    ids = Ids(rng)
    with tenant_context(organization):
        warehouses, items = _stores(organization, by, rng, max(200, orders // 500))
    suppliers = list(
        Supplier.objects.using("owner").filter(organization=organization).order_by("code").values_list("id", flat=True)
    )
    planner = Planner(
        organization_id=organization.pk,
        rng=rng,
        ids=ids,
        today=today,
        author_id=by.user_id,
        approver_id=approver.user_id,
        warehouses=warehouses,
    )
    stock_chance = STOCK_POS_PER_ORDER / BACK_TO_BACK  # stock POs interleaved with the orders, in time order
    with ExitStack() as stack:
        reader = stack.enter_context(connect())
        copies = {name: Copy(stack, stack.enter_context(connect()), model) for name, model in TABLES.items()}

        def write(planned: Planned) -> None:
            copies["purchase_orders"].write(planned.po)
            for name, rows in (
                ("lines", planned.lines),
                ("approvals", planned.approvals),
                ("amendments", planned.amendments),
                ("receipts", planned.receipts),
                ("receipt_lines", planned.receipt_lines),
            ):
                for row in rows:
                    copies[name].write(row)

        cursor = stack.enter_context(reader.cursor(name="bench_mill_lines"))
        cursor.itersize = 5000
        cursor.execute(LINES_SQL, {"org": organization.pk})
        chosen: Any = None
        for order_id, customer_id, currency, day, supplier_id, line_ids, quantities, units, prices, colours in cursor:
            if chosen != order_id:  # one draw per order: all its mills or none
                take = rng.random() < BACK_TO_BACK
                chosen = order_id
                if take and rng.random() < stock_chance:
                    write(_stock_po(planner, rng, suppliers, items, warehouses, day + timedelta(days=2)))
            if not take:
                continue
            lines = [
                {
                    "sales_line_id": line_id,
                    "quantity": Decimal(quantity),
                    "unit_id": unit_id,
                    "unit_price": Decimal(price),
                    "material_name": "Fabric",
                    "description": colour,
                }
                for line_id, quantity, unit_id, price, colour in zip(
                    line_ids, quantities, units, prices, colours, strict=True
                )
            ]
            write(
                planner.add(
                    supplier_id=supplier_id,
                    customer_id=customer_id,
                    order_id=order_id,
                    currency=currency,
                    po_date=day + timedelta(days=rng.randint(1, 7)),
                    warehouse_id=None,
                    lines=lines,
                )
            )
        counts = {name: copy.count for name, copy in copies.items()}
        moves = stack.enter_context(connect())
        stock = {
            "move": Copy(stack, moves, StockMove),
            "balance": Copy(stack, stack.enter_context(connect()), StockBalance),
        }
        for kind, row in ledger(planner):
            stock[kind].write(row)
        counts.update(moves=stock["move"].count, balances=stock["balance"].count)
    with tenant_context(organization):
        NumberSequence.objects.update_or_create(
            organization=organization,
            kind="purchase_order",
            year=0,
            defaults={"next_value": planner.last_number + 1},
        )
    return counts


def _stock_po(
    planner: Planner,
    rng: random.Random,
    suppliers: list[Any],
    items: list[tuple[Any, ...]],
    warehouses: list[Any],
    day: date,
) -> Planned:
    """A PO for one to five stock items from a mill into the main store (a fifth into the store at the mill)."""
    chosen = rng.sample(items, rng.randint(1, 5))
    lines = [
        {
            "item_id": item_id,
            "quantity": Decimal(rng.randrange(100, 5000, 50)),
            "unit_id": unit_id,
            "unit_price": price,
            "description": "Stock",
        }
        for item_id, unit_id, price in chosen
    ]
    return planner.add(
        supplier_id=rng.choice(suppliers),
        customer_id=None,
        order_id=None,
        currency="USD",
        po_date=min(day, planner.today),
        warehouse_id=warehouses[1] if rng.random() < 0.2 else warehouses[0],
        lines=lines,
    )
