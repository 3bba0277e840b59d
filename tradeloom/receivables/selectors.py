"""Every read of payments and receivables for a page or an endpoint: the organisation first, projections, and the
related rows each read needs in a fixed number of statements.

* ``payment_list`` / ``payment_get`` / ``payment_allocations``: payments with their customer, their allocations
  with each invoice (a merchandiser restricted to their own orders, ``sales.selectors.merchandiser_restricted``,
  sees the payments with an allocation to an invoice of one of them);
* ``open_invoices``: the invoices of a customer a payment may be allocated to (issued or partly paid, its currency);
* ``ageing``: the ageing report as of a day, **one SQL statement** (``AGEING_SQL``);
* ``statement``: a customer's statement between two days (three statements);
* ``order_finance``: an order's PIs, LCs, invoices, payments and realised figures (the Finance tab and its API).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection, connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.core import replica
from tradeloom.core.money import ZERO, cents
from tradeloom.invoicing import selectors as invoicing_selectors
from tradeloom.invoicing import states as invoice_states
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.lcs import selectors as lcs_selectors
from tradeloom.partners.models import Customer
from tradeloom.proformas import selectors as proformas_selectors
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.sales.money import share_of
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership

# --- payments --------------------------------------------------------------------------------------------------------


def _restrict_to_member(
    qs: QuerySet[Payment], *, organization: Any, membership: Membership | None
) -> QuerySet[Payment]:
    """``qs`` narrowed, when the member is ``merchandiser_restricted``, to the payments with an allocation to an
    invoice of one of their orders (an ``Exists`` subquery in the same statement); ``None``: no member."""
    if membership is None or not merchandiser_restricted(organization=organization, membership=membership):
        return qs
    theirs = Allocation.objects.filter(payment=OuterRef("pk")).filter(
        invoicing_selectors.billing_member_orders(membership, invoice="invoice_id")
    )
    return qs.filter(Exists(theirs))


def payments_of(*, organization: Any, membership: Membership | None) -> QuerySet[Payment]:
    """The organisation's payments this member may see (``membership=None``: all of them)."""
    qs = Payment.objects.filter(organization=organization)
    return _restrict_to_member(qs, organization=organization, membership=membership)


@cache
def _payment_list_columns() -> QuerySet[Payment]:
    """Every payment with its customer's name, resolved once per process (``payment_list`` filters a copy)."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return (
        Payment.objects.defer("notes")
        .annotate(
            customer_name=Subquery(customer_name.values("label")[:1]),
            unallocated_amount=F("amount") - F("allocated_amount"),
        )
        .order_by("-received_on", "-id")
    )


def payment_list(*, organization: Any, membership: Membership | None) -> QuerySet[Payment]:
    """The list's rows with their customer's name and unallocated amount: one statement a page."""
    qs = _payment_list_columns().filter(organization=organization)
    return _restrict_to_member(qs, organization=organization, membership=membership)


def payment_get(*, organization: Any, membership: Membership | None, payment_id: Any) -> Payment:
    """One payment the member may see with its customer (``Payment.DoesNotExist`` otherwise: a 404)."""
    return payments_of(organization=organization, membership=membership).select_related("customer").get(pk=payment_id)


def payment_allocations(payment: Payment) -> list[Allocation]:
    """The payment's allocations with their invoices (one statement), by invoice number."""
    return list(Allocation.objects.filter(payment=payment).select_related("invoice").order_by("invoice__number", "id"))


def open_invoices(*, organization: Any, customer_id: Any, currency: str | None = None) -> QuerySet[Invoice]:
    """The customer's invoices a payment may settle: issued or partly paid, oldest due first."""
    qs = Invoice.objects.filter(
        organization=organization, customer_id=customer_id, status__in=sorted(invoice_states.OPEN)
    )
    if currency:
        qs = qs.filter(currency=currency)
    return qs.order_by(F("due_date").asc(nulls_last=True), "issue_date", "number")


def invoice_allocations(*, organization: Any, invoice: Any) -> list[Allocation]:
    """The allocations to an invoice with their payments (one statement; the invoice page's panel)."""
    return list(
        Allocation.objects.filter(organization=organization, invoice=invoice)
        .select_related("payment")
        .order_by("payment__received_on", "payment__number")
    )


# --- ageing ----------------------------------------------------------------------------------------------------------

BUCKETS = (
    ("current", "Current"),
    ("d1_30", "1-30"),
    ("d31_60", "31-60"),
    ("d61_90", "61-90"),
    ("d90_plus", "90+"),
)
BUCKET_KEYS = tuple(key for key, _ in BUCKETS)

# One statement over the organisation's invoices (docs/receivables.md, "The ageing report"): what each invoice issued
# on or before the day still owed that day — its total less the allocations of payments received on or before it
# and the credit notes issued on or before it — in its age bucket by the days past its due date, summed per section
# (LC-backed or open account), customer and currency, in the currency and in base currency at the invoice's rate.
# What is owed is read from the invoice's own running figures (``paid_amount`` is the sum of its allocations,
# ``credited_amount`` of its issued credit notes: both written with them, under the invoice's lock) with back what
# came in **after** the day added again: for today's report nothing, for an earlier day only the payments received
# since (``payment_list_idx``, organisation and date) and the credit notes issued since. So the statement never sums
# the whole allocation ledger of a large organisation; nothing is computed per invoice in Python.
AGEING_SQL = """
WITH paid_after AS (
    SELECT a.invoice_id, SUM(a.amount) AS amount
      FROM receivables_payment p
      JOIN receivables_allocation a ON a.payment_id = p.id
     WHERE p.organization_id = %(org)s AND p.received_on > %(as_of)s
     GROUP BY a.invoice_id
),
credited_after AS (
    SELECT c.invoice_id, SUM(c.amount) AS amount
      FROM invoicing_creditnote c
     WHERE c.organization_id = %(org)s AND c.status = 'issued' AND c.issue_date > %(as_of)s
     GROUP BY c.invoice_id
),
owed AS (
    SELECT i.customer_id, i.currency, (i.letter_of_credit_id IS NOT NULL) AS lc_backed, i.exchange_rate,
           i.total - i.paid_amount - i.credited_amount + COALESCE(pa.amount, 0) + COALESCE(ca.amount, 0)
               AS outstanding,
           CASE WHEN i.due_date IS NULL OR i.due_date >= %(as_of)s THEN 0
                WHEN %(as_of)s - i.due_date <= 30 THEN 1
                WHEN %(as_of)s - i.due_date <= 60 THEN 2
                WHEN %(as_of)s - i.due_date <= 90 THEN 3
                ELSE 4 END AS bucket
      FROM invoicing_invoice i
      LEFT JOIN paid_after pa ON pa.invoice_id = i.id
      LEFT JOIN credited_after ca ON ca.invoice_id = i.id
     WHERE i.organization_id = %(org)s AND i.issue_date <= %(as_of)s
       AND i.status IN ('issued', 'partly_paid', 'paid')
)
SELECT o.lc_backed, o.customer_id, COALESCE(NULLIF(c.trade_name, ''), c.legal_name) AS customer_name, o.currency,
       COUNT(*) AS invoices,
       COALESCE(SUM(o.outstanding) FILTER (WHERE o.bucket = 0), 0),
       COALESCE(SUM(o.outstanding) FILTER (WHERE o.bucket = 1), 0),
       COALESCE(SUM(o.outstanding) FILTER (WHERE o.bucket = 2), 0),
       COALESCE(SUM(o.outstanding) FILTER (WHERE o.bucket = 3), 0),
       COALESCE(SUM(o.outstanding) FILTER (WHERE o.bucket = 4), 0),
       COALESCE(SUM(ROUND(o.outstanding * o.exchange_rate, 2)) FILTER (WHERE o.bucket = 0), 0),
       COALESCE(SUM(ROUND(o.outstanding * o.exchange_rate, 2)) FILTER (WHERE o.bucket = 1), 0),
       COALESCE(SUM(ROUND(o.outstanding * o.exchange_rate, 2)) FILTER (WHERE o.bucket = 2), 0),
       COALESCE(SUM(ROUND(o.outstanding * o.exchange_rate, 2)) FILTER (WHERE o.bucket = 3), 0),
       COALESCE(SUM(ROUND(o.outstanding * o.exchange_rate, 2)) FILTER (WHERE o.bucket = 4), 0),
       COUNT(*) FILTER (WHERE o.exchange_rate IS NULL) AS unrated
  FROM owed o
  JOIN partners_customer c ON c.id = o.customer_id
 WHERE o.outstanding <> 0
 GROUP BY o.lc_backed, o.customer_id, c.trade_name, c.legal_name, o.currency
 ORDER BY o.lc_backed DESC, customer_name, o.customer_id, o.currency
"""


def _buckets(values: Any = None) -> dict[str, Decimal]:
    figures = dict(zip(BUCKET_KEYS, values or [ZERO] * len(BUCKET_KEYS), strict=True))
    figures = {k: Decimal(v) for k, v in figures.items()}
    figures["total"] = sum(figures.values(), ZERO)
    return figures


def _add(into: dict[str, Decimal], figures: dict[str, Decimal]) -> None:
    for key, value in figures.items():
        into[key] = into.get(key, ZERO) + value


@dataclass
class AgeingCurrency:
    currency: str
    invoices: int
    amounts: dict[str, Decimal]  # per bucket and total, in the currency
    base: dict[str, Decimal]  # the same in base currency (at each invoice's rate)


@dataclass
class AgeingCustomer:
    customer_id: Any
    name: str
    currencies: list[AgeingCurrency] = field(default_factory=list)
    base: dict[str, Decimal] = field(default_factory=_buckets)


@dataclass
class AgeingSection:
    key: str  # "lc_backed" | "open_account"
    label: str
    customers: list[AgeingCustomer] = field(default_factory=list)
    by_currency: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    base: dict[str, Decimal] = field(default_factory=_buckets)
    # some of it is owed in a currency other than base: only then does the base-currency total say something the
    # per-currency totals do not (a base-currency invoice is at rate 1)
    other_currencies: bool = False


@dataclass
class Ageing:
    as_of: datetime.date
    base_currency: str
    sections: list[AgeingSection]
    by_currency: dict[str, dict[str, Decimal]]
    base: dict[str, Decimal]
    unrated_invoices: int
    other_currencies: bool = False  # as AgeingSection's, over the whole report


def ageing(*, organization: Any, as_of: datetime.date) -> Ageing:
    """The ageing report as of ``as_of`` (one statement; the rest groups its few rows per customer and currency). On
    the replica inside ``core.replica.report_reads`` (the reports' ageing), else the request's database."""
    with connections[replica.current_alias()].cursor() as cursor:
        cursor.execute(AGEING_SQL, {"org": organization.pk, "as_of": as_of})
        rows = cursor.fetchall()
    sections = {
        True: AgeingSection("lc_backed", "LC-backed"),
        False: AgeingSection("open_account", "Open account"),
    }
    by_currency: dict[str, dict[str, Decimal]] = {}
    base_total = _buckets()
    unrated = 0
    for lc_backed, customer_id, name, currency, count, *figures in rows:
        amounts, base, missing = _buckets(figures[:5]), _buckets(figures[5:10]), figures[10]
        unrated += missing
        section = sections[bool(lc_backed)]
        if not section.customers or section.customers[-1].customer_id != customer_id:
            section.customers.append(AgeingCustomer(customer_id, name))
        customer = section.customers[-1]
        customer.currencies.append(AgeingCurrency(currency, count, amounts, base))
        _add(customer.base, base)
        _add(section.by_currency.setdefault(currency, _buckets()), amounts)
        _add(section.base, base)
        _add(by_currency.setdefault(currency, _buckets()), amounts)
        _add(base_total, base)
    base_currency = organization.base_currency
    for section in sections.values():
        section.other_currencies = any(currency != base_currency for currency in section.by_currency)
    return Ageing(
        as_of=as_of,
        base_currency=base_currency,
        sections=[sections[True], sections[False]],
        by_currency=dict(sorted(by_currency.items())),
        base=base_total,
        unrated_invoices=unrated,
        other_currencies=any(currency != base_currency for currency in by_currency),
    )


# --- customer statement ----------------------------------------------------------------------------------------------

_ENTRIES = """
SELECT 'invoice' AS kind, i.id, i.number, i.issue_date AS day, i.currency, i.total AS debit, 0 AS credit,
       i.due_date, '' AS reference, 0 AS sort
  FROM invoicing_invoice i
 WHERE i.organization_id = %(org)s AND i.customer_id = %(customer)s AND i.status IN ('issued', 'partly_paid', 'paid')
UNION ALL
SELECT 'credit_note', c.id, c.number, c.issue_date, i.currency, 0, c.amount, NULL, i.number, 1
  FROM invoicing_creditnote c JOIN invoicing_invoice i ON i.id = c.invoice_id
 WHERE c.organization_id = %(org)s AND i.customer_id = %(customer)s AND c.status = 'issued'
UNION ALL
SELECT 'payment', p.id, p.number, p.received_on, p.currency, 0, p.amount, NULL, p.bank_reference, 2
  FROM receivables_payment p
 WHERE p.organization_id = %(org)s AND p.customer_id = %(customer)s AND p.status = 'received'
"""
# only this module's own SQL is interpolated into these two
STATEMENT_OPENING_SQL = f"""
SELECT e.currency, SUM(e.debit - e.credit) FROM ({_ENTRIES}) e
 WHERE e.day < %(from)s GROUP BY e.currency
"""  # noqa: S608
STATEMENT_ENTRIES_SQL = f"""
SELECT e.kind, e.id, e.number, e.day, e.currency, e.debit, e.credit, e.due_date, e.reference FROM ({_ENTRIES}) e
 WHERE e.day >= %(from)s AND e.day <= %(to)s
 ORDER BY e.currency, e.day, e.sort, e.number
"""  # noqa: S608
STATEMENT_CREDIT_SQL = """
SELECT p.currency, SUM(p.amount - p.allocated_amount) FROM receivables_payment p
 WHERE p.organization_id = %(org)s AND p.customer_id = %(customer)s AND p.status = 'received'
   AND p.received_on <= %(to)s AND p.allocated_amount < p.amount
 GROUP BY p.currency
"""


@dataclass
class StatementEntry:
    kind: str  # invoice | credit_note | payment
    id: Any
    number: str
    date: datetime.date
    debit: Decimal
    credit: Decimal
    balance: Decimal
    due_date: datetime.date | None
    reference: str


@dataclass
class StatementCurrency:
    currency: str
    opening_balance: Decimal
    entries: list[StatementEntry]
    closing_balance: Decimal
    debits: Decimal
    credits: Decimal
    unallocated_credit: Decimal


@dataclass
class Statement:
    customer: Customer
    date_from: datetime.date
    date_to: datetime.date
    currencies: list[StatementCurrency]


def statement(*, organization: Any, customer: Customer, date_from: datetime.date, date_to: datetime.date) -> Statement:
    """The customer's account between two days, per currency: the opening balance (what its invoices less its
    credit notes and payments came to before ``date_from``), the invoices (debits), credit notes and payments
    (credits) in date order with the running balance, the closing balance, and the payments' credit not allocated
    yet (received up to ``date_to``). Three statements."""
    params = {"org": organization.pk, "customer": customer.pk, "from": date_from, "to": date_to}
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT_OPENING_SQL, params)
        opening = {currency: Decimal(value) for currency, value in cursor.fetchall()}
        cursor.execute(STATEMENT_ENTRIES_SQL, params)
        entries = cursor.fetchall()
        cursor.execute(STATEMENT_CREDIT_SQL, params)
        credit = {currency: Decimal(value) for currency, value in cursor.fetchall()}
    per: dict[str, list[Any]] = {}
    for row in entries:
        per.setdefault(row[4], []).append(row)
    currencies = []
    for currency in sorted(set(opening) | set(per) | set(credit)):
        balance = opening.get(currency, ZERO)
        start, rows, debits, credits = balance, [], ZERO, ZERO
        for kind, pk, number, day, _currency, debit, credit_amount, due_date, reference in per.get(currency, []):
            debit, credit_amount = Decimal(debit), Decimal(credit_amount)
            balance += debit - credit_amount
            debits += debit
            credits += credit_amount
            rows.append(StatementEntry(kind, pk, number, day, debit, credit_amount, balance, due_date, reference or ""))
        currencies.append(
            StatementCurrency(
                currency=currency,
                opening_balance=start,
                entries=rows,
                closing_balance=balance,
                debits=debits,
                credits=credits,
                unallocated_credit=credit.get(currency, ZERO),
            )
        )
    return Statement(customer=customer, date_from=date_from, date_to=date_to, currencies=currencies)


# --- an order's finance ----------------------------------------------------------------------------------------------


@dataclass
class FinanceInvoice:
    invoice: Invoice
    total: Decimal  # what it bills of this order (its whole total unless it bills other orders too)
    credited: Decimal
    received: Decimal
    received_base: Decimal
    fx_difference: Decimal
    outstanding: Decimal
    allocations: list[Allocation]
    shared: bool = False  # it bills other orders too: the figures are this order's share


@dataclass
class OrderFinance:
    order: Any
    base_currency: str
    proformas: list[Any]
    lcs: list[Any]
    invoices: list[FinanceInvoice]
    void_invoices: list[Invoice]
    payments: list[Payment]
    allocated_here: dict[Any, Decimal]  # by payment id: what it allocated to this order's invoices (their share)
    invoiced: Decimal
    credited: Decimal
    received: Decimal
    outstanding: Decimal
    invoiced_base: Decimal | None
    received_base: Decimal
    outstanding_base: Decimal | None
    fx_difference: Decimal


def _order_documents(organization: Any, order: Any) -> tuple[list[Any], list[Any], list[Invoice]]:
    """The order's PIs (latest revisions), LCs and invoices (with their credit notes), through the apps' own
    selectors: four statements."""
    proformas = list(proformas_selectors.order_proformas(organization=organization, order=order))
    lcs = list(lcs_selectors.order_lcs(organization=organization, order=order))
    invoices = list(invoicing_selectors.order_invoices(organization=organization, order=order))
    return proformas, lcs, invoices


def _billed(order: Any, invoice_ids: list[Any]) -> dict[Any, Decimal]:
    """What each invoice bills of the order's lines, tax included (one statement): a shipment's invoice may bill
    several orders."""
    rows = (
        InvoiceLine.objects.filter(invoice_id__in=invoice_ids, order=order)
        .values("invoice_id")
        .annotate(billed=Sum(F("amount") + F("tax")))
        .values_list("invoice_id", "billed")
    )
    return {invoice_id: Decimal(billed) for invoice_id, billed in rows}


def order_finance(*, organization: Any, order: Any) -> OrderFinance:
    """An order's trade finance: its PIs, LCs, invoices (void ones listed, not counted), the payments allocated to
    them and the realised figures — invoiced, credited, received (the allocations to its invoices) and outstanding
    in the order's currency, and in base currency: invoiced and outstanding at each invoice's rate, received at each
    payment's own rate (what was actually received), the exchange difference apart; and per payment what it
    allocated to this order's invoices (a payment may pay other orders' invoices too). An invoice that bills other
    orders too (a shipment's) counts for its share: what it bills of this order's lines over its total (each
    figure x share, to cents). A constant number of statements (six)."""
    proformas, lcs, invoices = _order_documents(organization, order)
    counted = [i for i in invoices if i.status in invoice_states.SETTLEABLE]
    ids = [i.pk for i in counted]
    allocations = (
        list(
            Allocation.objects.filter(organization=organization, invoice_id__in=ids)
            .select_related("payment")
            .order_by("payment__received_on", "payment__number")
        )
        if ids
        else []
    )
    billed = _billed(order, ids) if ids else {}
    per_invoice: dict[Any, list[Allocation]] = {}
    for row in allocations:
        per_invoice.setdefault(row.invoice_id, []).append(row)
    rows = []
    allocated_here: dict[Any, Decimal] = {}
    invoiced = credited = received = received_base = fx = ZERO
    invoiced_base: Decimal | None = ZERO
    outstanding_base: Decimal | None = ZERO
    for invoice in counted:
        whole = invoice.total
        part = billed.get(invoice.pk, whole) if invoice.order_id != order.pk else whole
        part = min(part, whole)

        def share(amount: Decimal, part: Decimal = part, whole: Decimal = whole) -> Decimal:
            return amount if part == whole or whole == 0 else share_of(amount, part, whole)

        own = per_invoice.get(invoice.pk, [])
        for allocation in own:
            here = share(allocation.amount)
            allocated_here[allocation.payment_id] = allocated_here.get(allocation.payment_id, ZERO) + here
        got = share(sum((a.amount for a in own), ZERO))
        got_base = share(sum((cents(a.amount * a.payment_rate) for a in own), ZERO))
        difference = share(sum((a.fx_difference for a in own), ZERO))
        credit = share(invoice.credited_amount)
        total = share(whole)
        outstanding = total - credit - got
        rows.append(FinanceInvoice(invoice, total, credit, got, got_base, difference, outstanding, own, part != whole))
        invoiced += total
        credited += credit
        received += got
        received_base += got_base
        fx += difference
        if invoice.exchange_rate is None:
            invoiced_base = outstanding_base = None
        elif invoiced_base is not None and outstanding_base is not None:
            invoiced_base += cents(total * invoice.exchange_rate)
            outstanding_base += cents(outstanding * invoice.exchange_rate)
    payments: dict[Any, Payment] = {}
    for row in allocations:
        payments.setdefault(row.payment_id, row.payment)
    return OrderFinance(
        order=order,
        base_currency=organization.base_currency,
        proformas=proformas,
        lcs=lcs,
        invoices=rows,
        void_invoices=[i for i in invoices if i.status not in invoice_states.SETTLEABLE],
        payments=list(payments.values()),
        allocated_here=allocated_here,
        invoiced=invoiced,
        credited=credited,
        received=received,
        outstanding=invoiced - credited - received,
        invoiced_base=invoiced_base,
        received_base=received_base,
        outstanding_base=outstanding_base,
        fx_difference=fx,
    )


def customer_unallocated(*, organization: Any, customer_id: Any) -> dict[str, Decimal]:
    """The customer's payments' credit not allocated yet, per currency (one statement)."""
    rows = (
        Payment.objects.filter(organization=organization, customer_id=customer_id, status=Payment.Status.RECEIVED)
        .filter(Q(allocated_amount__lt=F("amount")))
        .values_list("currency", "amount", "allocated_amount")
    )
    out: dict[str, Decimal] = {}
    for currency, amount, allocated in rows:
        out[currency] = out.get(currency, ZERO) + amount - allocated
    return out


__all__ = [
    "AGEING_SQL",
    "BUCKETS",
    "Ageing",
    "OrderFinance",
    "Statement",
    "ageing",
    "customer_unallocated",
    "invoice_allocations",
    "open_invoices",
    "order_finance",
    "payment_allocations",
    "payment_get",
    "payment_list",
    "statement",
]


def customer_of(*, organization: Any, pk: Any) -> Customer | None:
    """The organisation's customer ``pk`` (a statement's, a new payment's), or None."""
    return Customer.objects.filter(organization=organization, pk=pk).first()
