"""Trade finance in the benchmark data set: an invoice per shipment that left, the payments received against them,
and the letters of credit a fifth of them were drawn under — streamed with COPY like the rest of the data set
(``generate.py``), not through the services, but with every figure the services would keep:

* numbers ``INV-<year>-<n>``, ``RCPT-<year>-<n>`` and ``LC-<year>-<n>`` from per-year sequences (the sequence rows are
  left at the next number, so a document made through the app continues them);
* an invoice's lines from its shipment's lines at their order line's price and tax rate, its subtotal, tax and total
  their sums (``total = subtotal + tax``), issued on the day the goods left, due 60 or 90 days from the B/L date;
* payments as the allocation service leaves them: each allocation at the payment's and the invoice's rates with the
  exchange difference between them, the invoice's ``paid_amount`` and status (issued, partly paid, paid) the sum of
  its allocations, the payment's ``allocated_amount`` the same, bank charges never above the amount; a few payments
  keep an unallocated remainder (credit kept on the customer). Older invoices are mostly paid, recent ones mostly
  open, so the ageing report fills every bucket;
* letters of credit with the LC's rules: latest shipment date ≤ expiry, the goods shipped by the latest shipment
  date, the drawing (the utilisation, the invoice's total) within the amount, usance days only on a usance LC, the
  status its drawing and dates say (utilised once drawn to its floor, else expired after its expiry date); a third
  were amended once (revision 1, accepted: the dates extended, the LC's row holding the amended terms), every order
  of the shipment linked.

The step reads the organisation's shipments from the database, so it also tops up a data set generated before
invoices existed; it does nothing for an organisation that has invoices. It draws from its own random stream.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from psycopg.types.json import Jsonb

from tradeloom.bench.streams import Copy, Ids
from tradeloom.core.context import tenant_context
from tradeloom.core.models import NumberSequence
from tradeloom.core.money import cents
from tradeloom.invoicing import states as invoice_states
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.lcs import states as lc_states
from tradeloom.lcs.models import Amendment, LcOrder, LetterOfCredit, Utilisation
from tradeloom.receivables.models import Allocation, Payment

DUE_DAYS = (60, 90)
LC_BACKED = 0.20  # shipments drawn under a letter of credit
AMENDED = 0.30  # LCs amended once (dates extended)
USANCE = 0.30  # usance LCs (90 days), the rest at sight
SURPLUS = 0.05  # payments with an unallocated remainder
# the chance an invoice is paid in full / in part, by how far past its due date it is today
SETTLED = [(30, 0.85, 0.10), (0, 0.55, 0.20), (-10_000, 0.15, 0.10)]  # (days past due ≥, paid, partly paid)
RATES = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27")}  # to the base currency (USD)
BANKS = [
    ("Deutsche Bank AG, Hamburg", "Dhaka"),
    ("HSBC Bank plc, London", "Dhaka"),
    ("Standard Chartered Bank, New York", "Dhaka"),
    ("Skandinaviska Enskilda Banken, Stockholm", "Chattogram"),
    ("BNP Paribas, Paris", "Dhaka"),
]
ADVISING = "Eastern Bank PLC, Gulshan Branch, Dhaka"
REQUIRED_DOCUMENTS = ["commercial_invoice", "packing_list", "transport_document", "certificate_of_origin"]

# The shipments that left (not cancelled or returned), by the day they left, with their lines priced from the order
# lines (a line without a price is billed at 0) and the tax rate the order gives them.
SHIPMENTS_SQL = """
SELECT s.id, s.customer_id, s.departed_on, x.currency, x.orders, x.lines, x.shipment_lines, x.quantities, x.prices,
       x.tax_rates, x.units, x.descriptions
  FROM logistics_shipment s
  CROSS JOIN LATERAL (
    SELECT min(o.currency) AS currency,
           array_agg(sl.order_id ORDER BY sl.position) AS orders, array_agg(sl.line_id ORDER BY sl.position) AS lines,
           array_agg(sl.id ORDER BY sl.position) AS shipment_lines,
           array_agg(sl.quantity ORDER BY sl.position) AS quantities,
           array_agg(coalesce(l.selling_price, 0) ORDER BY sl.position) AS prices,
           array_agg(coalesce(l.tax_rate, o.tax_rate, 0) ORDER BY sl.position) AS tax_rates,
           array_agg(u.code ORDER BY sl.position) AS units,
           array_agg(l.colour_code ORDER BY sl.position) AS descriptions
      FROM logistics_shipmentline sl
      JOIN sales_line l ON l.id = sl.line_id
      JOIN sales_order o ON o.id = sl.order_id
      JOIN catalog_unitofmeasure u ON u.id = l.unit_id
     WHERE sl.organization_id = s.organization_id AND sl.shipment_id = s.id
  ) x
 WHERE s.organization_id = %(org)s AND s.departed_on IS NOT NULL AND s.status NOT IN ('cancelled', 'returned')
   AND x.lines IS NOT NULL
 ORDER BY s.departed_on, s.id
"""


@dataclass(frozen=True)
class ShipmentRow:
    id: Any
    customer_id: Any
    departed_on: date
    currency: str
    # order id, order line id, shipment line id, quantity, unit price, tax rate, unit code, description
    lines: tuple[tuple[Any, Any, Any, Decimal, Decimal, Decimal, str, str], ...]


@dataclass
class Planned:
    """One shipment's finance rows, as attname → value dicts for ``streams.Copy``."""

    invoice: dict[str, Any]
    lines: list[dict[str, Any]]
    payments: list[dict[str, Any]] = field(default_factory=list)
    allocations: list[dict[str, Any]] = field(default_factory=list)
    lcs: list[dict[str, Any]] = field(default_factory=list)
    lc_orders: list[dict[str, Any]] = field(default_factory=list)
    utilisations: list[dict[str, Any]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


@dataclass
class Planner:
    """Turns the organisation's shipments, oldest first, into invoices, payments and LCs (``add``); deterministic for
    its random stream and ids."""

    organization_id: Any
    rng: random.Random
    ids: Any  # () -> uuid
    today: date
    user_id: Any = None
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, year) → the last number given

    def _number(self, kind: str, prefix: str, day: date, width: int) -> str:
        n = self.sequences.get((kind, day.year), 0) + 1
        self.sequences[(kind, day.year)] = n
        return f"{prefix}-{day.year}-{n:0{width}d}"

    def add(self, shipment: ShipmentRow) -> Planned | None:
        if shipment.departed_on > self.today:
            return None
        rng, org, day = self.rng, self.organization_id, shipment.departed_on
        stamp = {"organization_id": org, "created_at": _at(day), "updated_at": _at(day), "created_by_id": self.user_id}
        invoice_id = self.ids()
        rate = RATES.get(shipment.currency)
        lines = []
        for position, (order_id, line_id, shipment_line_id, quantity, price, tax_rate, unit, text) in enumerate(
            shipment.lines
        ):
            amount = cents(quantity * price)
            lines.append(
                {
                    **stamp,
                    "id": self.ids(),
                    "invoice_id": invoice_id,
                    "order_id": order_id,
                    "line_id": line_id,
                    "shipment_line_id": shipment_line_id,
                    "description": text,
                    "unit_code": unit,
                    "quantity": quantity,
                    "unit_price": price,
                    "tax_rate": tax_rate,
                    "amount": amount,
                    "tax": cents(amount * tax_rate / 100),
                    "position": position,
                }
            )
        subtotal = sum((line["amount"] for line in lines), Decimal(0))
        tax = sum((line["tax"] for line in lines), Decimal(0))
        total = subtotal + tax
        days = rng.choice(DUE_DAYS)
        due = day + timedelta(days=days)
        orders = list(dict.fromkeys(line["order_id"] for line in lines))
        invoice = {
            **stamp,
            "id": invoice_id,
            "version": 1,
            "number": self._number("invoice", "INV", day, 5),
            "customer_id": shipment.customer_id,
            "order_id": orders[0] if len(orders) == 1 else None,
            "shipment_id": shipment.id,
            "currency": shipment.currency,
            "exchange_rate": rate,
            "issue_date": day,
            "due_date": due,
            "due_basis": "bl_date",
            "due_days": days,
            "status": invoice_states.ISSUED,
            "subtotal": subtotal,
            "tax": tax,
            "total": total,
            "paid_amount": Decimal(0),
            "line_count": len(lines),
        }
        planned = Planned(invoice, lines)
        if rng.random() < LC_BACKED and total > 0:
            self._lc(planned, shipment, orders, stamp)
        self._payment(planned, stamp)
        return planned

    def _payment(self, planned: Planned, stamp: dict[str, Any]) -> None:
        """The payment received for the invoice by today, if any: in full or in part, as its age makes likely."""
        rng, invoice = self.rng, planned.invoice
        total, due = invoice["total"], invoice["due_date"]
        past_due = (self.today - due).days
        _floor, paid_chance, partly_chance = next(row for row in SETTLED if past_due >= row[0])
        roll = rng.random()
        if total <= 0 or roll >= paid_chance + partly_chance:
            return
        received = min(self.today, max(invoice["issue_date"], due + timedelta(days=rng.randint(-20, 25))))
        allocated = total if roll < paid_chance else cents(total * rng.randint(30, 80) / 100)
        amount = allocated + (Decimal(rng.randint(50, 500)) if rng.random() < SURPLUS else Decimal(0))
        invoice_rate = invoice["exchange_rate"]
        payment_rate = (
            Decimal(1) if invoice_rate in (None, Decimal(1)) else invoice_rate + Decimal(rng.randint(-3, 3)) / 100
        )
        payment_id = self.ids()
        payment_stamp = {**stamp, "created_at": _at(received), "updated_at": _at(received)}
        planned.payments.append(
            {
                **payment_stamp,
                "id": payment_id,
                "version": 1,
                "number": self._number("payment", "RCPT", received, 5),
                "customer_id": invoice["customer_id"],
                "received_on": received,
                "amount": amount,
                "currency": invoice["currency"],
                "exchange_rate": payment_rate,
                "method": Payment.Method.LC_PROCEEDS if invoice.get("letter_of_credit_id") else Payment.Method.WIRE,
                "bank_reference": f"FT{received:%y%m%d}{rng.randrange(10**6):06d}",
                "bank_charges": min(amount, Decimal(rng.choice((0, 15, 25, 35, 50)))),
                "status": Payment.Status.RECEIVED,
                "allocated_amount": allocated,
            }
        )
        rate_of_invoice = invoice_rate if invoice_rate is not None else payment_rate
        planned.allocations.append(
            {
                **payment_stamp,
                "id": self.ids(),
                "payment_id": payment_id,
                "invoice_id": invoice["id"],
                "amount": allocated,
                "payment_rate": payment_rate,
                "invoice_rate": rate_of_invoice,
                "fx_difference": cents(allocated * (payment_rate - rate_of_invoice)),
            }
        )
        invoice["paid_amount"] = allocated
        invoice["status"] = invoice_states.PAID if allocated == total else invoice_states.PARTLY_PAID

    def _lc(self, planned: Planned, shipment: ShipmentRow, orders: list[Any], stamp: dict[str, Any]) -> None:
        """The LC the shipment was drawn under: opened a month or two before it left, its latest shipment date on or
        after the day it left, drawn by the invoice's total."""
        rng, invoice, day = self.rng, planned.invoice, shipment.departed_on
        total = invoice["total"]
        issued = day - timedelta(days=rng.randint(30, 75))
        latest = day + timedelta(days=rng.randint(0, 10))
        expiry = latest + timedelta(days=21)
        tolerance = Decimal(rng.choice((0, 5, 10)))
        # the amount: the drawing rounded up to the thousand, some with headroom left
        amount = ((total / 1000).to_integral_value(rounding=ROUND_CEILING) + rng.choice((0, 0, 1, 5))) * 1000
        floor = amount - cents(amount * tolerance / 100)
        bank, place = rng.choice(BANKS)
        lc_id = self.ids()
        usance = rng.random() < USANCE
        status = (
            lc_states.UTILISED if total >= floor else lc_states.EXPIRED if expiry < self.today else lc_states.ISSUED
        )
        lc_stamp = {**stamp, "created_at": _at(issued), "updated_at": _at(day)}
        lc = {
            **lc_stamp,
            "id": lc_id,
            "version": 1,
            "number": self._number("letter_of_credit", "LC", issued, 4),
            "kind": LetterOfCredit.Kind.USANCE if usance else LetterOfCredit.Kind.SIGHT,
            "usance_days": 90 if usance else None,
            "role": LetterOfCredit.Role.MASTER,
            "customer_id": shipment.customer_id,
            "issuing_bank": bank,
            "advising_bank": ADVISING,
            "currency": invoice["currency"],
            "amount": amount,
            "tolerance_percent": tolerance,
            "issue_date": issued,
            "expiry_date": expiry,
            "expiry_place": place,
            "latest_shipment_date": latest,
            "presentation_days": 21,
            "required_documents": Jsonb(REQUIRED_DOCUMENTS),
            "status": status,
            "revision": 0,
            "utilised_amount": total,
        }
        if rng.random() < AMENDED:
            # the dates extended by 15 days, accepted before the goods left: the row holds the amended dates
            old_latest, old_expiry = latest - timedelta(days=15), expiry - timedelta(days=15)
            amended_on = min(day, issued + timedelta(days=rng.randint(10, 25)))
            lc["revision"] = 1
            planned.amendments.append(
                {
                    **lc_stamp,
                    "id": self.ids(),
                    "letter_of_credit_id": lc_id,
                    "revision": 1,
                    "changes": Jsonb(
                        {
                            "latest_shipment_date": [old_latest.isoformat(), latest.isoformat()],
                            "expiry_date": [old_expiry.isoformat(), expiry.isoformat()],
                        }
                    ),
                    "issue_date": amended_on,
                    "note": "Shipment and expiry dates extended",
                    "status": Amendment.Status.ACCEPTED,
                    "decided_on": amended_on,
                    "decided_by_id": self.user_id,
                }
            )
        planned.lcs.append(lc)
        planned.lc_orders.extend(
            {**lc_stamp, "id": self.ids(), "letter_of_credit_id": lc_id, "order_id": order_id} for order_id in orders
        )
        utilisation_id = self.ids()
        planned.utilisations.append(
            {
                **stamp,
                "id": utilisation_id,
                "letter_of_credit_id": lc_id,
                "shipment_id": shipment.id,
                "invoice_reference": invoice["number"],
                "amount": total,
                "currency": invoice["currency"],
                "shipped_on": day,
                "drawn_on": day,
            }
        )
        invoice["letter_of_credit_id"] = lc_id
        invoice["lc_utilisation_id"] = utilisation_id


def shipment_rows(records: Iterable[tuple[Any, ...]]) -> Iterator[ShipmentRow]:
    """``SHIPMENTS_SQL``'s rows as shipments with their priced lines."""
    for shipment_id, customer_id, departed_on, currency, *columns in records:
        lines = tuple(
            (order_id, line_id, sl_id, Decimal(quantity), Decimal(price), Decimal(tax_rate), unit, text)
            for order_id, line_id, sl_id, quantity, price, tax_rate, unit, text in zip(*columns, strict=True)
        )
        yield ShipmentRow(shipment_id, customer_id, departed_on, currency, lines)


TABLES = {
    "invoices": Invoice,
    "invoice_lines": InvoiceLine,
    "payments": Payment,
    "allocations": Allocation,
    "lcs": LetterOfCredit,
    "lc_orders": LcOrder,
    "utilisations": Utilisation,
    "amendments": Amendment,
}
SEQUENCE_KINDS = ("invoice", "payment", "letter_of_credit")


def generate_finance(*, organization: Any, by: Any, seed: int, today: date, connect: Any) -> dict[str, int]:
    """Stream the organisation's invoices, payments and LCs (nothing when it has invoices): read its shipments on one
    connection, COPY each table on its own. Returns the counts written."""
    if Invoice.objects.using("owner").filter(organization=organization).exists():
        return {}
    rng = random.Random(f"{seed}-finance-{organization.slug}")
    planner = Planner(organization_id=organization.pk, rng=rng, ids=Ids(rng), today=today, user_id=by.user_id)
    with ExitStack() as stack:
        reader = stack.enter_context(connect())
        copies = {name: Copy(stack, stack.enter_context(connect()), model) for name, model in TABLES.items()}
        cursor = stack.enter_context(reader.cursor(name="bench_shipments"))
        cursor.itersize = 5000
        cursor.execute(SHIPMENTS_SQL, {"org": organization.pk})
        for shipment in shipment_rows(cursor):
            planned = planner.add(shipment)
            if planned is None:
                continue
            copies["invoices"].write(planned.invoice)
            for name, rows in (
                ("invoice_lines", planned.lines),
                ("payments", planned.payments),
                ("allocations", planned.allocations),
                ("lcs", planned.lcs),
                ("lc_orders", planned.lc_orders),
                ("utilisations", planned.utilisations),
                ("amendments", planned.amendments),
            ):
                for row in rows:
                    copies[name].write(row)
        counts = {name: copy.count for name, copy in copies.items()}
    with tenant_context(organization):
        for (kind, year), last in planner.sequences.items():
            NumberSequence.objects.update_or_create(
                organization=organization, kind=kind, year=year, defaults={"next_value": last + 1}
            )
    return counts
