"""Every read of invoices for a page or an endpoint: the organisation first, projections and the related rows each
read needs in a fixed number of statements.

A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the invoices of
those orders only: an invoice whose ``order`` is one of them, or with a line of one of them (a shipment's invoice).
``membership=None`` is a read with no member (the system's own, or an order already found visible).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import DecimalField as DecimalOutput
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.core.pagination import KeysetPage, PreparedFirstPage, parse_limit
from tradeloom.core.shapes import shape_of
from tradeloom.invoicing import states
from tradeloom.invoicing.models import CreditNote, Invoice, InvoiceLine
from tradeloom.invoicing.quantities import invoiceable_limit, invoiced_quantities
from tradeloom.logistics.models import Shipment
from tradeloom.partners.models import Customer
from tradeloom.sales.models import Line, Order
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership

OUTSTANDING = ExpressionWrapper(
    F("total") - F("paid_amount") - F("credited_amount"), output_field=DecimalOutput(max_digits=18, decimal_places=2)
)


def overdue_condition(today: datetime.date) -> Q:
    """Owed and past its due date: issued or partly paid, something outstanding, due before today."""
    return Q(status__in=sorted(states.OPEN), due_date__lt=today) & Q(total__gt=F("paid_amount") + F("credited_amount"))


def due_near_condition(today: datetime.date, days: int) -> Q:
    """Owed and due today to today + ``days`` (both included)."""
    window = Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
    return Q(status__in=sorted(states.OPEN)) & window & Q(total__gt=F("paid_amount") + F("credited_amount"))


def billing_member_orders(membership: Membership, *, invoice: str = "pk") -> Q:
    """The invoice (``invoice``: the outer query's path to its id, ``pk`` for invoices themselves) bills one of the
    member's orders: its ``order`` is one, or one of its lines' (an ``Exists`` subquery: no extra statement)."""
    prefix = "" if invoice == "pk" else f"{invoice.removesuffix('_id')}__"
    billed = InvoiceLine.objects.filter(invoice=OuterRef(invoice), order__merchandiser=membership)
    return Q(**{f"{prefix}order__merchandiser": membership}) | Q(Exists(billed))


def restrict_to_member(qs: QuerySet[Invoice], *, organization: Any, membership: Membership | None) -> QuerySet[Invoice]:
    """``qs`` narrowed to the invoices of the member's orders when ``merchandiser_restricted`` (``None``: no
    member, nothing narrowed)."""
    if membership is None or not merchandiser_restricted(organization=organization, membership=membership):
        return qs
    return qs.filter(billing_member_orders(membership))


def invoices_of(*, organization: Any, membership: Membership | None) -> QuerySet[Invoice]:
    """The organisation's invoices this member may see (``membership=None``: all of them)."""
    qs = Invoice.objects.filter(organization=organization)
    return restrict_to_member(qs, organization=organization, membership=membership)


@cache
def _invoice_list_columns() -> QuerySet[Invoice]:
    """Every invoice with the list's extra columns (customer name, order and shipment numbers, outstanding), resolved
    once per process; ``invoice_list`` takes a filtered copy."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return (
        Invoice.objects.defer("notes", "bank_details", "status_reason")
        .annotate(
            customer_name=Subquery(customer_name.values("label")[:1]),
            order_number=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("number")[:1]),
            shipment_number=Subquery(Shipment.objects.filter(pk=OuterRef("shipment_id")).values("number")[:1]),
            outstanding_amount=OUTSTANDING,
        )
        .order_by("-created_at", "-id")
    )


def invoice_list(*, organization: Any, membership: Membership | None) -> QuerySet[Invoice]:
    """The list's rows with customer name, order and shipment numbers and outstanding, in one statement whatever the
    page size (filter and page it: ``filters.InvoiceFilter``); only the member's orders' when restricted."""
    qs = _invoice_list_columns().filter(organization=organization)
    return restrict_to_member(qs, organization=organization, membership=membership)


# The list's columns: the invoice's own (its ``Shape.list``), the three names the list resolves beside them and the
# figures outstanding and overdue are computed from (``api.serializers.invoice_list_rows``).
LIST_EXTRA = ("customer_name", "order_number", "shipment_number")
LIST_COLUMNS = (*shape_of(Invoice).list, *LIST_EXTRA)
LIST_ORDERING = ("-created_at", "-id")


def _list_page_rows(org: Any, merchandiser: Any = None) -> QuerySet[Invoice, dict[str, Any]]:
    qs = _invoice_list_columns().filter(organization_id=org)
    if merchandiser is not None:
        qs = qs.filter(Q(order__merchandiser_id=merchandiser) | Q(Exists(_billed(merchandiser))))
    return qs.values(*LIST_COLUMNS)


def _billed(merchandiser: Any) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(invoice=OuterRef("pk"), order__merchandiser_id=merchandiser)


# restricted to a merchandiser's orders → the first page, compiled once per page size
_FIRST_PAGES = {
    False: PreparedFirstPage(lambda org: _list_page_rows(org), ordering=LIST_ORDERING, org=UUID),
    True: PreparedFirstPage(
        lambda org, merchandiser: _list_page_rows(org, merchandiser),
        ordering=LIST_ORDERING,
        org=UUID,
        merchandiser=UUID,
    ),
}


def invoice_list_first_page(*, organization: Any, membership: Membership, params: Any) -> KeysetPage | None:
    """The list's first page when the request asks for nothing but a page size — what opening the invoices list asks
    for — read through a statement compiled once (``PreparedFirstPage``): the same rows and next cursor as
    ``invoice_list(...).values(*LIST_COLUMNS)`` paged. ``None`` for any other request (the general path answers it)."""
    if not params.keys() <= {"limit"}:
        return None
    limit = parse_limit(params.get("limit"))
    if merchandiser_restricted(organization=organization, membership=membership):
        return _FIRST_PAGES[True].page(limit=limit, org=organization.pk, merchandiser=membership.pk)
    return _FIRST_PAGES[False].page(limit=limit, org=organization.pk)


def invoice_get(*, organization: Any, membership: Membership | None, invoice_id: Any) -> Invoice:
    """One invoice the member may see with its customer, terms, order, shipment and LC (``Invoice.DoesNotExist``
    otherwise)."""
    return (
        invoices_of(organization=organization, membership=membership)
        .select_related("customer", "payment_terms", "order", "shipment", "letter_of_credit", "lc_utilisation")
        .get(pk=invoice_id)
    )


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: Invoice
    lines: list[InvoiceLine]
    credit_notes: list[CreditNote]

    @property
    def outstanding(self) -> Decimal:
        return self.invoice.outstanding


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(invoice=invoice).select_related("order").order_by("position", "id")


def invoice_detail(*, organization: Any, membership: Membership | None, invoice_id: Any) -> InvoiceDetail:
    """An invoice the member may see with its lines and credit notes: three statements whatever their number."""
    invoice = invoice_get(organization=organization, membership=membership, invoice_id=invoice_id)
    return InvoiceDetail(
        invoice=invoice,
        lines=list(invoice_lines(invoice)),
        credit_notes=list(CreditNote.objects.filter(invoice=invoice).order_by("issue_date", "created_at")),
    )


def credit_note_of(*, invoice: Invoice, pk: Any) -> CreditNote | None:
    return CreditNote.objects.filter(invoice=invoice, pk=pk).select_related("invoice").first()


def order_invoices(*, organization: Any, order: Any) -> list[Invoice]:
    """The invoices that bill the order's lines (from the order, or from a shipment carrying them), oldest first,
    with their credit notes — for the order's Finance tab: two statements."""
    billed = InvoiceLine.objects.filter(invoice=OuterRef("pk"), order=order)
    return list(
        invoices_of(organization=organization, membership=None)  # the order is one the member may see
        .filter(Q(order=order) | Exists(billed))
        .select_related("shipment")
        .prefetch_related(Prefetch("credit_notes", queryset=CreditNote.objects.order_by("issue_date", "created_at")))
        .annotate(outstanding_amount=OUTSTANDING)
        .order_by("issue_date", "created_at")
    )


def shipment_invoice(*, organization: Any, shipment: Any) -> Invoice | None:
    """The shipment's invoice that is not void (at most one), or None."""
    return (
        invoices_of(organization=organization, membership=None)
        .filter(shipment=shipment)
        .exclude(status=states.VOID)
        .first()
    )


def invoiceable_lines(*, order: Any) -> list[tuple[Any, Decimal, Decimal]]:
    """An order's lines with what they may bill in all (ordered or shipped, the larger) and what invoices not void
    bill already: two statements."""
    lines = list(
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "position", "id")
    )
    invoiced = invoiced_quantities([line.pk for line in lines])
    return [(line, invoiceable_limit(line), invoiced.get(line.pk, Decimal(0))) for line in lines]
