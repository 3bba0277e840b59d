"""The kinds of document Tradeloom prints, each a declaration: the record it prints (its attachment target type and
the URL id naming it), who may print it (the record's own view capability, on top of ``printing.generate``), how to
read the record a member may see, and how its content reads (``layout.Document``).

| kind | record | capability |
|---|---|---|
| ``purchase-order`` | ``purchasing.PurchaseOrder`` | ``purchasing.view`` |
| ``proforma-invoice`` | ``proformas.ProformaInvoice`` | ``proformas.view`` |
| ``commercial-invoice`` | ``invoicing.Invoice`` | ``invoices.view`` |
| ``packing-list`` | ``logistics.Shipment`` | ``shipments.view`` |
| ``order-confirmation`` | ``sales.Order`` | ``orders.view`` |

Every builder reads its record and lines in a fixed number of statements (select_related / one query per table),
whatever the number of lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify

from tradeloom.core.money import ZERO, cents, percent_of
from tradeloom.core.registry import Registry
from tradeloom.invoicing.capabilities import INVOICES_VIEW
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.invoicing.selectors import invoices_of
from tradeloom.logistics.capabilities import SHIPMENTS_VIEW
from tradeloom.logistics.models import Container, Shipment, ShipmentLine
from tradeloom.logistics.selectors import shipments_visible
from tradeloom.partners.models import Address, Partner
from tradeloom.printing.layout import Column, Document, Party
from tradeloom.proformas.capabilities import PROFORMAS_VIEW
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.proformas.selectors import proformas_visible
from tradeloom.purchasing.capabilities import PURCHASING_VIEW
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.selectors import purchase_orders_visible
from tradeloom.sales.capabilities import ORDERS_VIEW
from tradeloom.sales.models import Line, Order
from tradeloom.sales.money import effective_tax_rate
from tradeloom.sales.selectors import orders_visible
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Capability


@dataclass(frozen=True)
class Terms:
    """What the profile adds to a document: its kind's default terms, and whether bank details print."""

    text: str = ""
    bank_details: str = ""


@dataclass(frozen=True)
class Kind:
    key: str  # "purchase-order": the URL's and the API's name of the kind
    label: str  # "Purchase order"
    target_type: str  # the attachment target: "purchasing.purchaseorder"
    url_kwarg: str  # "purchase_order_id"
    capability: Capability  # the record's own view capability
    visible: Callable[[Any, Membership], QuerySet[Any]]  # (organisation, member) → the records they may see
    build: Callable[[Any, Terms], Document]  # (record, terms) → the document's content
    terms_field: str  # the profile's field of its default terms
    bank_details: bool = False  # prints bank details (the record's own, else the profile's)
    page: Callable[[Any], tuple[str, dict[str, Any]]] = lambda r: ("", {})  # the record's page (URL name, kwargs)

    def filename(self, record: Any) -> str:
        return f"{slugify(_number(record)) or 'document'}-{self.key}.pdf"

    def title(self, record: Any) -> str:
        return f"{self.label} {_number(record)}"


KINDS: Registry[Kind] = Registry("printed document kinds")


def kind_of(key: str) -> Kind | None:
    return KINDS.get(key)


def kind_for_target(target_type: str) -> list[Kind]:
    return [k for k in KINDS if k.target_type == target_type]


# --- formatting ---------------------------------------------------------------------------------------------------


def _number(record: Any) -> str:
    return str(record) if isinstance(record, PurchaseOrder | ProformaInvoice) else str(getattr(record, "number", ""))


def day(value: Any) -> str:
    return value.strftime("%d %b %Y") if value else ""


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{cents(value):,.2f}"


def quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text or "0"


def price(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.4f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    return f"{whole}.{fraction}"


def _partner_lines(partner: Partner | None, addresses: dict[Any, list[Address]]) -> list[str]:
    if partner is None:
        return []
    lines = [partner.legal_name or str(partner)]
    if partner.trade_name and partner.trade_name != partner.legal_name:
        lines.append(partner.trade_name)
    for address in addresses.get(partner.pk, [])[:1]:
        lines.append(address.line1)
        if address.line2:
            lines.append(address.line2)
        lines.append(", ".join(p for p in (address.city, address.region, address.postal_code, address.country) if p))
    contact = " · ".join(p for p in (partner.phone, partner.email) if p)
    if contact:
        lines.append(contact)
    if partner.tax_id:
        lines.append(f"Tax id: {partner.tax_id}")
    return lines


_ADDRESS_ORDER: dict[str, int] = {
    Address.Kind.BILLING: 0,
    Address.Kind.OFFICE: 1,
    Address.Kind.SHIPPING: 2,
    Address.Kind.SITE: 3,
}


def addresses_of(*partners: Partner | None) -> dict[Any, list[Address]]:
    """The partners' addresses (billing first), in one statement."""
    customers = [p.pk for p in partners if p is not None and p._meta.model_name == "customer"]
    suppliers = [p.pk for p in partners if p is not None and p._meta.model_name == "supplier"]
    found: dict[Any, list[Address]] = {}
    if not customers and not suppliers:
        return found
    from django.db.models import Q

    rows = Address.objects.filter(Q(customer_id__in=customers) | Q(supplier_id__in=suppliers), archived_at=None)
    for address in sorted(rows, key=lambda a: (_ADDRESS_ORDER.get(a.kind, 9), a.created_at)):
        found.setdefault(address.customer_id or address.supplier_id, []).append(address)
    return found


def _sections(terms: Terms, *, bank: str = "", notes: str = "", own_terms: str = "", bank_details: bool) -> list:
    out = [("Terms and conditions", own_terms or terms.text)]
    if bank_details:
        out.append(("Bank details", bank or terms.bank_details))
    out.append(("Notes", notes))
    return out


# --- purchase order -----------------------------------------------------------------------------------------------


def _purchase_order(po: PurchaseOrder, terms: Terms) -> Document:
    lines = list(
        PurchaseOrderLine.objects.filter(purchase_order=po).select_related("unit", "item").order_by("position", "id")
    )
    addresses = addresses_of(po.supplier, po.customer)
    parties = [Party("Supplier", _partner_lines(po.supplier, addresses))]
    if po.plant is not None:
        parties.append(Party("Plant", [po.plant.name, *(p for p in (po.plant.address, po.plant.city) if p)]))
    if po.warehouse is not None:
        parties.append(Party("Deliver to", [po.warehouse.name, po.warehouse.code]))
    if po.customer is not None:
        parties.append(Party("For customer", _partner_lines(po.customer, addresses)[:1]))
    rows = []
    for number, line in enumerate(lines, start=1):
        what = line.label if (line.material_code or line.material_name) else (line.item.name if line.item else "")
        description = " - ".join(p for p in (what, line.description) if p) or line.label
        rate = line.tax_rate if line.tax_rate is not None else po.tax_rate
        rows.append(
            [
                str(number),
                description,
                quantity(line.quantity),
                line.unit.code,
                price(line.unit_price),
                f"{rate:g} %",
                money(line.amount),
            ]
        )
    return Document(
        title="PURCHASE ORDER",
        number=str(po),
        date=day(po.po_date),
        references=[
            ("Due", day(po.due_date)),
            ("Currency", po.currency),
            ("Payment terms", po.payment_terms.name if po.payment_terms else ""),
            ("Carrier", po.carrier.name if po.carrier else ""),
            ("Sales order", po.order.number if po.order else ""),
        ],
        parties=parties,
        columns=[
            Column("#", 0.05, "R"),
            Column("Description", 0.39),
            Column("Quantity", 0.12, "R"),
            Column("Unit", 0.08),
            Column("Unit price", 0.13, "R"),
            Column("Tax", 0.08, "R"),
            Column("Amount", 0.15, "R"),
        ],
        rows=rows,
        totals=[
            ("Subtotal", money(po.subtotal)),
            ("Tax", money(po.tax)),
            (f"Total {po.currency}", money(po.total)),
        ],
        sections=_sections(terms, notes=po.notes, bank_details=False),
    )


# --- proforma invoice ---------------------------------------------------------------------------------------------


def _proforma(pi: ProformaInvoice, terms: Terms) -> Document:
    lines = list(ProformaLine.objects.filter(proforma=pi).select_related("line__style").order_by("position", "id"))
    addresses = addresses_of(pi.customer)
    rows = []
    for number, line in enumerate(lines, start=1):
        description = line.description or _line_description(line.line)
        if line.basis == ProformaLine.Basis.AMOUNT:
            share = f"{line.percent:g} % of the line" if line.percent is not None else "advance"
            description = f"{description} ({share})"
        rows.append(
            [
                str(number),
                description,
                quantity(line.quantity),
                line.unit,
                price(line.unit_price),
                f"{line.tax_rate:g} %",
                money(line.amount),
            ]
        )
    order = pi.order
    return Document(
        title="PROFORMA INVOICE",
        number=str(pi),
        date=day(pi.pi_date),
        references=[
            ("Valid until", day(pi.valid_until)),
            ("Currency", pi.currency),
            ("Payment terms", pi.payment_terms.name if pi.payment_terms else ""),
            ("Order", order.number),
            ("Buyer's PO", order.po_number),
        ],
        parties=[Party("Buyer", _partner_lines(pi.customer, addresses))],
        columns=_sales_columns(),
        rows=rows,
        totals=[
            ("Subtotal", money(pi.subtotal)),
            ("Tax", money(pi.tax)),
            (f"Total {pi.currency}", money(pi.total)),
        ],
        sections=_sections(terms, own_terms=pi.terms, bank=pi.bank_details, notes=pi.notes, bank_details=True),
    )


def _sales_columns() -> list[Column]:
    return [
        Column("#", 0.05, "R"),
        Column("Description", 0.39),
        Column("Quantity", 0.12, "R"),
        Column("Unit", 0.08),
        Column("Unit price", 0.13, "R"),
        Column("Tax", 0.08, "R"),
        Column("Amount", 0.15, "R"),
    ]


def _line_description(line: Line) -> str:
    style = line.style
    colour = " ".join(p for p in (line.colour_code, line.colour_name) if p)
    parts = [style.style_number, style.description, colour]
    return " - ".join(p for p in parts if p)


# --- commercial invoice -------------------------------------------------------------------------------------------


def _invoice(invoice: Invoice, terms: Terms) -> Document:
    lines = list(InvoiceLine.objects.filter(invoice=invoice).select_related("order").order_by("position", "id"))
    addresses = addresses_of(invoice.customer)
    rows = [
        [
            str(number),
            line.description,
            quantity(line.quantity),
            line.unit_code,
            price(line.unit_price),
            f"{line.tax_rate:g} %",
            money(line.amount),
        ]
        for number, line in enumerate(lines, start=1)
    ]
    orders = sorted({line.order.number for line in lines})
    shipment = invoice.shipment
    references = [
        ("Due", day(invoice.due_date)),
        ("Currency", invoice.currency),
        ("Payment terms", invoice.payment_terms.name if invoice.payment_terms else ""),
        ("Buyer's reference", invoice.customer_reference),
        ("Orders", ", ".join(orders)),
    ]
    if shipment is not None:
        references += [
            ("Shipment", shipment.number),
            ("B/L or AWB", shipment.transport_document_number),
            ("Vessel", " ".join(p for p in (shipment.vessel, shipment.voyage) if p)),
            ("Incoterm", " ".join(p for p in (shipment.incoterm, shipment.incoterm_place) if p)),
        ]
    if invoice.letter_of_credit is not None:
        references.append(("Letter of credit", str(invoice.letter_of_credit)))
    parties = [Party("Bill to", _partner_lines(invoice.customer, addresses))]
    if shipment is not None and (shipment.port_of_loading or shipment.port_of_discharge):
        parties.append(
            Party(
                "Shipment",
                [
                    line
                    for line in (
                        f"From {shipment.port_of_loading}" if shipment.port_of_loading else "",
                        f"To {shipment.port_of_discharge}" if shipment.port_of_discharge else "",
                        f"Final destination {shipment.final_destination}" if shipment.final_destination else "",
                    )
                    if line
                ],
            )
        )
    return Document(
        title="COMMERCIAL INVOICE",
        number=invoice.number,
        date=day(invoice.issue_date),
        references=references,
        parties=parties,
        columns=_sales_columns(),
        rows=rows,
        totals=[
            ("Subtotal", money(invoice.subtotal)),
            ("Tax", money(invoice.tax)),
            (f"Total {invoice.currency}", money(invoice.total)),
        ],
        sections=_sections(terms, bank=invoice.bank_details, notes=invoice.notes, bank_details=True),
    )


# --- packing list -------------------------------------------------------------------------------------------------


def _packing_list(shipment: Shipment, terms: Terms) -> Document:
    lines = list(
        ShipmentLine.objects.filter(shipment=shipment)
        .select_related("order", "line__style", "line__unit", "container")
        .order_by("position", "id")
    )
    containers = list(Container.objects.filter(shipment=shipment).order_by("position", "id"))
    addresses = addresses_of(shipment.customer)
    rows = [
        [
            str(number),
            line.order.number,
            _line_description(line.line),
            quantity(line.quantity),
            line.line.unit.code,
            str(line.cartons or ""),
            quantity(line.net_weight_kg),
            quantity(line.gross_weight_kg),
            quantity(line.volume_cbm),
            line.container.number if line.container else "",
        ]
        for number, line in enumerate(lines, start=1)
    ]
    route = [
        f"Loading: {shipment.port_of_loading}" if shipment.port_of_loading else "",
        f"Discharge: {shipment.port_of_discharge}" if shipment.port_of_discharge else "",
        f"Final destination: {shipment.final_destination}" if shipment.final_destination else "",
        f"{shipment.get_mode_display()} · ETD {day(shipment.etd)} · ETA {day(shipment.eta)}",
    ]
    extra = []
    if containers:
        extra.append(
            (
                "Containers",
                [Column("Container", 0.35), Column("Type", 0.35), Column("Seal", 0.30)],
                [[c.number, c.get_kind_display(), c.seal_number] for c in containers],
            )
        )
    carrier = shipment.carrier.name if shipment.carrier else ""
    return Document(
        title="PACKING LIST",
        number=shipment.number,
        date=day(shipment.etd),
        references=[
            ("B/L or AWB", shipment.transport_document_number),
            ("Carrier", carrier),
            ("Vessel / voyage", " ".join(p for p in (shipment.vessel, shipment.voyage) if p)),
            ("Flight", shipment.flight_number),
            ("Incoterm", " ".join(p for p in (shipment.incoterm, shipment.incoterm_place) if p)),
        ],
        parties=[
            Party("Consignee", _partner_lines(shipment.customer, addresses)),
            Party("Route", [r for r in route if r]),
        ],
        columns=[
            Column("#", 0.04, "R"),
            Column("Order", 0.11),
            Column("Description", 0.25),
            Column("Quantity", 0.1, "R"),
            Column("Unit", 0.06),
            Column("Cartons", 0.08, "R"),
            Column("Net kg", 0.09, "R"),
            Column("Gross kg", 0.09, "R"),
            Column("CBM", 0.07, "R"),
            Column("Container", 0.11),
        ],
        rows=rows,
        totals=[
            ("Cartons", f"{shipment.total_cartons:,}"),
            ("Net weight (kg)", quantity(shipment.total_net_kg)),
            ("Gross weight (kg)", quantity(shipment.total_gross_kg)),
            ("Volume (CBM)", quantity(shipment.total_cbm)),
        ],
        extra_tables=extra,
        sections=[("Notes", "\n\n".join(p for p in (terms.text, shipment.notes) if p))],
    )


# --- order confirmation -------------------------------------------------------------------------------------------


def _order_confirmation(order: Order, terms: Terms) -> Document:
    lines = list(
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "style_id", "position", "id")
    )
    addresses = addresses_of(order.customer)
    rows = []
    subtotal = tax = ZERO
    priced = True
    for number, line in enumerate(lines, start=1):
        amount = None if line.selling_price is None else cents(line.quantity * line.selling_price)
        rate = effective_tax_rate(line.tax_rate, order.tax_rate)
        if amount is None:
            priced = False
        else:
            subtotal += amount
            tax += percent_of(amount, rate)
        rows.append(
            [
                str(number),
                _line_description(line) + (f" (ETD {day(line.etd)})" if line.etd else ""),
                quantity(line.quantity),
                line.unit.code,
                price(line.selling_price) if line.selling_price is not None else "to be agreed",
                f"{rate:g} %",
                money(amount),
            ]
        )
    totals = [("Subtotal", money(subtotal)), ("Tax", money(tax)), (f"Total {order.currency}", money(subtotal + tax))]
    if not priced:
        totals.insert(0, ("Lines without a price", str(sum(1 for line in lines if line.selling_price is None))))
    return Document(
        title="ORDER CONFIRMATION",
        number=order.number,
        date=day(order.order_date),
        references=[
            ("Buyer's PO", order.po_number),
            ("Buyer", order.buyer_name),
            ("Currency", order.currency),
            ("ETD", day(order.etd)),
            ("Merchandiser", str(order.merchandiser.user) if order.merchandiser_id and order.merchandiser else ""),
        ],
        parties=[Party("Buyer", _partner_lines(order.customer, addresses))],
        columns=_sales_columns(),
        rows=rows,
        totals=totals,
        sections=_sections(terms, notes=order.notes, bank_details=False),
    )


# --- the registry -------------------------------------------------------------------------------------------------


def _orders(organization: Any, membership: Membership) -> QuerySet[Any]:
    return (
        orders_visible(organization=organization, membership=membership)
        .filter(archived_at__isnull=True)
        .select_related("customer", "merchandiser__user")
    )


KINDS.register(
    "purchase-order",
    Kind(
        "purchase-order",
        "Purchase order",
        "purchasing.purchaseorder",
        "purchase_order_id",
        PURCHASING_VIEW,
        lambda org, m: purchase_orders_visible(organization=org).select_related(
            "supplier", "plant", "customer", "carrier", "order", "payment_terms", "warehouse"
        ),
        _purchase_order,
        "terms_purchase_order",
        page=lambda po: ("purchasing:purchase-order", {"purchase_order_id": po.pk}),
    ),
)
KINDS.register(
    "proforma-invoice",
    Kind(
        "proforma-invoice",
        "Proforma invoice",
        "proformas.proformainvoice",
        "proforma_id",
        PROFORMAS_VIEW,
        lambda org, m: proformas_visible(organization=org, membership=m).select_related(
            "order", "customer", "payment_terms"
        ),
        _proforma,
        "terms_proforma",
        bank_details=True,
        page=lambda pi: ("proformas:proforma", {"proforma_id": pi.pk}),
    ),
)
KINDS.register(
    "commercial-invoice",
    Kind(
        "commercial-invoice",
        "Commercial invoice",
        "invoicing.invoice",
        "invoice_id",
        INVOICES_VIEW,
        lambda org, m: invoices_of(organization=org, membership=m).select_related(
            "customer", "shipment", "payment_terms", "letter_of_credit"
        ),
        _invoice,
        "terms_invoice",
        bank_details=True,
        page=lambda i: ("invoicing:invoice", {"invoice_id": i.pk}),
    ),
)
KINDS.register(
    "packing-list",
    Kind(
        "packing-list",
        "Packing list",
        "logistics.shipment",
        "shipment_id",
        SHIPMENTS_VIEW,
        lambda org, m: shipments_visible(organization=org, membership=m).select_related("customer", "carrier"),
        _packing_list,
        "terms_packing_list",
        page=lambda s: ("logistics:shipment", {"shipment_id": s.pk}),
    ),
)
KINDS.register(
    "order-confirmation",
    Kind(
        "order-confirmation",
        "Order confirmation",
        "sales.order",
        "order_id",
        ORDERS_VIEW,
        _orders,
        _order_confirmation,
        "terms_confirmation",
        page=lambda o: ("sales:order", {"order_id": o.pk}),
    ),
)
