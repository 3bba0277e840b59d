"""The ageing report on fixed dates (each bucket's boundary, payments and credit notes dated before and after the
day, LC-backed apart, currencies and base currency, one statement), a customer's statement (opening balance,
running balance, closing balance, unallocated credit) and an order's finance figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.invoicing.models import CreditNote, Invoice
from tradeloom.invoicing.tests.factories import InvoiceLineFactory
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.receivables import selectors
from tradeloom.receivables.tests.helpers import invoice, pay
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

D = Decimal
AS_OF = date(2026, 11, 30)


def credit_note(inv, amount, day, status="issued"):
    note = CreditNote.objects.create(
        organization=inv.organization,
        invoice=inv,
        number=f"CN-{inv.number}-{day}",
        issue_date=day,
        amount=D(amount),
        reason="Short shipped",
        status=status,
    )
    if status == "issued":
        Invoice.objects.filter(pk=inv.pk).update(credited_amount=inv.credited_amount + D(amount))
    return note


def figures(report, section="open_account", currency="USD"):
    found = next(s for s in report.sections if s.key == section)
    return found.by_currency.get(currency)


# --- ageing ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d90_plus"),
        (400, "d90_plus"),
    ],
)
def test_each_bucket_boundary(rx, days_past_due, bucket):
    due = AS_OF - timedelta(days=days_past_due)
    invoice(rx, total="100.00", issue_date=min(due, AS_OF) - timedelta(days=30), due_date=due)
    report = selectors.ageing(organization=rx["org"], as_of=AS_OF)
    usd = figures(report)
    assert usd[bucket] == D("100.00")
    assert usd["total"] == D("100.00")
    assert sum(v for k, v in usd.items() if k != "total") == D("100.00")


def test_all_boundaries_at_once_on_a_fixed_day(rx):
    """Due 0, 1, 30, 31, 60, 61, 90 and 91 days before 30 Nov 2026: 1 + 2 in current (none, 0 days), and so on."""
    amounts = {0: "1.00", 1: "2.00", 30: "4.00", 31: "8.00", 60: "16.00", 61: "32.00", 90: "64.00", 91: "128.00"}
    for days, amount in amounts.items():
        invoice(rx, total=amount, issue_date=date(2026, 1, 1), due_date=AS_OF - timedelta(days=days))
    invoice(rx, total="256.00", issue_date=date(2026, 11, 1), due_date=None)  # no due date yet: current
    usd = figures(selectors.ageing(organization=rx["org"], as_of=AS_OF))
    assert usd == {
        "current": D("257.00"),
        "d1_30": D("6.00"),
        "d31_60": D("24.00"),
        "d61_90": D("96.00"),
        "d90_plus": D("128.00"),
        "total": D("511.00"),
    }


def test_outstanding_as_of_the_day_counts_payments_and_credit_notes_dated_by_then(rx):
    """Invoice 1,000.00 issued 1 Oct, due 31 Oct. A payment of 300.00 on 15 Nov (allocated), one of 200.00 on 5 Dec;
    a credit note of 50.00 on 20 Nov, one of 25.00 on 10 Dec. As of 30 Nov: 1,000 - 300 - 50 = 650.00, 30 days past
    due. As of 14 Nov: 1,000.00, 14 days. As of 31 Dec: 1,000 - 500 - 75 = 425.00, 61 days."""
    inv = invoice(rx, total="1000.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31))
    pay(rx, "300.00", received_on=date(2026, 11, 15), allocations=[{"invoice": inv, "amount": "300.00"}])
    credit_note(Invoice.objects.get(pk=inv.pk), "50.00", date(2026, 11, 20))
    credit_note(Invoice.objects.get(pk=inv.pk), "25.00", date(2026, 12, 10))
    credit_note(Invoice.objects.get(pk=inv.pk), "99.00", date(2026, 11, 2), status="void")  # never counts
    late = pay(rx, "200.00", received_on=date(2026, 11, 29))
    # dated 5 Dec: moved after recording (payments cannot be recorded in the future)
    late.received_on = date(2026, 12, 5)
    late.save(update_fields=["received_on"])
    from tradeloom.receivables import services

    services.payment_allocate(payment=late, by=rx["accounts"], allocations=[{"invoice": inv, "amount": "200.00"}])

    def at(day):
        return figures(selectors.ageing(organization=rx["org"], as_of=day))

    assert at(date(2026, 11, 30))["d1_30"] == D("650.00")
    assert at(date(2026, 11, 14))["d1_30"] == D("1000.00")
    assert at(date(2026, 12, 31))["d61_90"] == D("425.00")
    assert at(date(2026, 9, 30)) is None  # not issued yet


def test_paid_invoices_age_until_their_payment_and_void_and_draft_ones_never(rx):
    paid = invoice(rx, total="300.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 15))
    pay(rx, "300.00", received_on=date(2026, 11, 10), allocations=[{"invoice": paid, "amount": "300.00"}])
    void = invoice(rx, total="700.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 15))
    Invoice.objects.filter(pk=void.pk).update(status="void")
    draft = invoice(rx, total="900.00", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 15))
    Invoice.objects.filter(pk=draft.pk).update(status="draft")
    assert figures(selectors.ageing(organization=rx["org"], as_of=date(2026, 11, 1)))["d1_30"] == D("300.00")
    assert figures(selectors.ageing(organization=rx["org"], as_of=date(2026, 11, 30))) is None


def test_lc_backed_apart_currencies_and_base_currency(rx):
    """Open account: USD 1,000.00 (rate 1) and EUR 500.00 at 1.10 (USD 550.00) of Bayside; EUR 200.00 at 1.2345 of
    Northwind (USD 246.90). LC-backed: USD 2,000.00 of Bayside. Totals in base: 1,796.90 open, 2,000.00 LC-backed."""
    lc = LetterOfCreditFactory(organization=rx["org"], customer=rx["customer"])
    invoice(rx, total="1000.00", issue_date=date(2026, 11, 1), due_date=date(2026, 12, 31))
    invoice(rx, total="500.00", currency="EUR", rate="1.10", issue_date=date(2026, 11, 1), due_date=date(2026, 11, 10))
    invoice(
        rx,
        customer=rx["other_customer"],
        total="200.00",
        currency="EUR",
        rate="1.2345",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 12, 31),
    )
    invoice(rx, total="2000.00", issue_date=date(2026, 11, 1), due_date=date(2026, 11, 20), letter_of_credit=lc)
    report = selectors.ageing(organization=rx["org"], as_of=AS_OF)
    lc_backed, open_account = report.sections
    assert (lc_backed.key, open_account.key) == ("lc_backed", "open_account")
    assert [c.name for c in lc_backed.customers] == ["Bayside Apparel"]
    assert lc_backed.base["d1_30"] == D("2000.00")
    assert lc_backed.base["total"] == D("2000.00")
    assert [c.name for c in open_account.customers] == ["Bayside Apparel", "Northwind Retail"]
    bayside = open_account.customers[0]
    assert [(c.currency, c.amounts["total"], c.base["total"]) for c in bayside.currencies] == [
        ("EUR", D("500.00"), D("550.00")),
        ("USD", D("1000.00"), D("1000.00")),
    ]
    assert bayside.base["current"] == D("1000.00")
    assert bayside.base["d1_30"] == D("550.00")
    assert open_account.by_currency["EUR"]["total"] == D("700.00")
    assert open_account.base["total"] == D("1796.90")
    assert report.base["total"] == D("3796.90")
    assert report.by_currency["USD"]["total"] == D("3000.00")
    # the open-account section and the report owe in EUR too; the LC-backed section only in base currency
    assert (lc_backed.other_currencies, open_account.other_currencies, report.other_currencies) == (False, True, True)


def test_a_report_in_base_currency_only_says_so(rx):
    """Every invoice in USD, the base currency: the base-currency totals are the USD ones, nothing else to show."""
    invoice(rx, total="1000.00", issue_date=date(2026, 11, 1), due_date=date(2026, 11, 10))
    report = selectors.ageing(organization=rx["org"], as_of=AS_OF)
    assert report.by_currency["USD"]["total"] == report.base["total"] == D("1000.00")
    assert not report.other_currencies
    assert not any(section.other_currencies for section in report.sections)


def test_the_report_is_one_statement(rx, django_assert_max_num_queries):
    for n in range(30):
        invoice(rx, total="10.00", due_date=AS_OF - timedelta(days=n * 5))
    with django_assert_max_num_queries(1):
        selectors.ageing(organization=rx["org"], as_of=AS_OF)


def test_another_organisations_invoices_never_count(rx, other_org):
    from tradeloom.partners.tests.factories import CustomerFactory
    from tradeloom.receivables.tests.factories import issued_invoice

    with tenant_context(other_org):
        issued_invoice(other_org, CustomerFactory(organization=other_org), total="999.00")
    assert selectors.ageing(organization=rx["org"], as_of=AS_OF).base["total"] == 0


# --- statement -------------------------------------------------------------------------------------------------------


def test_a_customer_statement(rx):
    """Before 1 Nov: invoice 1,000.00 (5 Oct), payment 400.00 (20 Oct) → opening 600.00. In November: invoice 500.00
    (3 Nov) → 1,100.00, credit note 50.00 (10 Nov) → 1,050.00, payment 700.00 (15 Nov, 200.00 of it unallocated)
    → 350.00. A EUR invoice 80.00 (12 Nov) has its own section. After 30 Nov nothing counts."""
    first = invoice(rx, total="1000.00", issue_date=date(2026, 10, 5), due_date=date(2026, 11, 4))
    pay(rx, "400.00", received_on=date(2026, 10, 20), allocations=[{"invoice": first, "amount": "400.00"}])
    second = invoice(rx, total="500.00", issue_date=date(2026, 11, 3), due_date=date(2026, 12, 3))
    credit_note(Invoice.objects.get(pk=second.pk), "50.00", date(2026, 11, 10))
    pay(
        rx,
        "700.00",
        received_on=date(2026, 11, 15),
        bank_reference="SWIFT-77",
        allocations=[{"invoice": first, "amount": "500.00"}],
    )
    invoice(rx, total="80.00", currency="EUR", rate="1.1", issue_date=date(2026, 11, 12))
    invoice(rx, total="999.00", issue_date=date(2026, 12, 1))  # after the statement
    invoice(rx, customer=rx["other_customer"], total="5.00", issue_date=date(2026, 11, 5))  # someone else's
    report = selectors.statement(
        organization=rx["org"], customer=rx["customer"], date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    eur, usd = report.currencies
    assert usd.currency == "USD"
    assert usd.opening_balance == D("600.00")
    assert [(e.kind, e.debit, e.credit, e.balance) for e in usd.entries] == [
        ("invoice", D("500.00"), D(0), D("1100.00")),
        ("credit_note", D(0), D("50.00"), D("1050.00")),
        ("payment", D(0), D("700.00"), D("350.00")),
    ]
    assert usd.entries[2].reference == "SWIFT-77"
    assert usd.entries[1].reference == second.number
    assert (usd.debits, usd.credits, usd.closing_balance) == (D("500.00"), D("750.00"), D("350.00"))
    assert usd.unallocated_credit == D("200.00")
    assert (eur.opening_balance, eur.closing_balance, eur.unallocated_credit) == (D(0), D("80.00"), D(0))


def test_void_payments_are_not_on_the_statement(rx):
    from tradeloom.receivables import services

    payment = pay(rx, "100.00", received_on=date(2026, 11, 5))
    services.payment_void(payment=payment, by=rx["accounts"], reason="Bounced")
    report = selectors.statement(
        organization=rx["org"], customer=rx["customer"], date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    assert report.currencies == []


# --- an order's finance ----------------------------------------------------------------------------------------------


def test_an_orders_realised_figures_use_what_was_received(rx, django_assert_max_num_queries):
    """Order in EUR. Invoice A EUR 1,000.00 at 1.10, paid 1,000.00 by a payment at 1.12 (gain 20.00); invoice B EUR
    600.00 at 1.10 with a credit note of 100.00, paid 200.00 at 1.05 (loss -10.00). Invoiced 1,600.00 (USD 1,760.00),
    credited 100.00, received 1,200.00 = USD 1,120.00 + 210.00 = 1,330.00, outstanding 300.00 (USD 330.00), exchange
    difference +10.00."""
    order = OrderFactory(organization=rx["org"], customer=rx["customer"], currency="EUR")
    a = invoice(rx, total="1000.00", currency="EUR", rate="1.10", order=order)
    b = invoice(rx, total="600.00", currency="EUR", rate="1.10", order=order, credited_amount=D("100.00"))
    void = invoice(rx, total="50.00", currency="EUR", rate="1.10", order=order)
    Invoice.objects.filter(pk=void.pk).update(status="void")
    first = pay(
        rx, "1000.00", currency="EUR", exchange_rate=D("1.12"), allocations=[{"invoice": a, "amount": "1000.00"}]
    )
    second = pay(
        rx, "300.00", currency="EUR", exchange_rate=D("1.05"), allocations=[{"invoice": b, "amount": "200.00"}]
    )
    with django_assert_max_num_queries(budget("receivables.order_finance")):
        finance = selectors.order_finance(organization=rx["org"], order=order)
    assert (finance.invoiced, finance.credited, finance.received, finance.outstanding) == (
        D("1600.00"),
        D("100.00"),
        D("1200.00"),
        D("300.00"),
    )
    assert (finance.invoiced_base, finance.received_base, finance.outstanding_base) == (
        D("1760.00"),
        D("1330.00"),
        D("330.00"),
    )
    assert finance.fx_difference == D("10.00")
    assert [row.invoice.number for row in finance.invoices] == [a.number, b.number]
    assert [i.pk for i in finance.void_invoices] == [void.pk]
    assert [p.pk for p in finance.payments] == [first.pk, second.pk]
    # what each payment allocated to this order's invoices, not its amount: 100.00 of the second is still credit
    assert finance.allocated_here == {first.pk: D("1000.00"), second.pk: D("200.00")}


def test_a_shipment_invoice_of_two_orders_counts_for_this_orders_share(rx):
    """Invoice 1,000.00 billing 250.00 of this order and 750.00 of another, paid 400.00: this order counts 250.00
    invoiced, 100.00 received (400 x 250 / 1,000), 150.00 outstanding."""
    order = OrderFactory(organization=rx["org"], customer=rx["customer"], currency="USD")
    other = OrderFactory(organization=rx["org"], customer=rx["customer"], currency="USD")
    inv = invoice(rx, total="1000.00")
    for of, amount in ((order, "250.00"), (other, "750.00")):
        line = LineFactory(organization=rx["org"], style__order=of)
        InvoiceLineFactory(organization=rx["org"], invoice=inv, line=line, order=of, amount=D(amount), tax=D(0))
    pay(rx, "400.00", allocations=[{"invoice": inv, "amount": "400.00"}])
    finance = selectors.order_finance(organization=rx["org"], order=order)
    assert (finance.invoiced, finance.received, finance.outstanding) == (D("250.00"), D("100.00"), D("150.00"))
    assert finance.invoices[0].shared
    assert list(finance.allocated_here.values()) == [D("100.00")]  # this order's share of the allocation
