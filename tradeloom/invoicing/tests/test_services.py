"""Invoice rules against the real database: the money (hand-checked), due dates for each basis (including the
shipment's departure and arrival filling them later), numbering by the invoice date, what may be invoiced, the
issue and void rules, the settlement and credit notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing import services, states
from tradeloom.invoicing.models import Invoice, InvoiceLine
from tradeloom.invoicing.services.due import due_compute
from tradeloom.invoicing.services.figures import line_money, totals_of
from tradeloom.invoicing.tests.helpers import DAY, TODAY, arrive, depart, order_of, rate, ship, terms, world
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def w(org, member):
    with tenant_context(org):
        yield world(org, member(Role.ACCOUNTS))


def refused(code: str, call, *args, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value


def from_shipment(w, shipment, **data):
    return services.invoice_create_from_shipment(organization=w.org, by=w.by, shipment=shipment, data=data)


def from_order(w, order, lines=None, **data):
    return services.invoice_create_from_order(organization=w.org, by=w.by, order=order, lines=lines, data=data)


# --- money ----------------------------------------------------------------------------------------------------------


def test_a_shipment_invoice_bills_its_lines_at_their_prices_and_tax_rates_rounded_per_line(w):
    # line A: 1,000.5 m x 4.2555 = 4,257.62775 → 4,257.63; its own 7.5 % = 319.32225 → 319.32
    # line B: 3 m x 0.335 = 1.005 → 1.01 (half away from zero); the order's 5 % = 0.0505 → 0.05
    order, (a, b) = order_of(w, [("2000", "4.2555", "7.5"), ("10", "0.335", None)], tax_rate="5")
    shipment = ship(w, [(a, "1000.5"), (b, "3")])
    invoice = from_shipment(w, shipment)
    lines = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))
    assert [(x.amount, x.tax, x.tax_rate) for x in lines] == [
        (D("4257.63"), D("319.32"), D("7.50")),
        (D("1.01"), D("0.05"), D("5.00")),
    ]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (D("4258.64"), D("319.37"), D("4578.01"))
    assert (invoice.customer_id, invoice.currency, invoice.order_id, invoice.status) == (
        w.customer.pk,
        "USD",
        order.pk,
        states.DRAFT,
    )
    assert invoice.exchange_rate == D(1)  # USD is the organisation's base currency
    assert invoice.number == f"INV-{TODAY.year}-00001"


def test_the_tax_is_the_sum_of_the_lines_rounded_taxes_not_the_tax_of_the_subtotal():
    # three lines of 0.10 at 5 %: 0.005 each → 0.01 each, 0.03 in all (5 % of the 0.30 subtotal would be 0.02)
    lines = [line_money(quantity=D(1), unit_price=D("0.10"), tax_rate=D(5)) for _ in range(3)]
    totals = totals_of(lines)
    assert (totals.subtotal, totals.tax, totals.total) == (D("0.30"), D("0.03"), D("0.33"))


def test_a_later_change_of_the_order_does_not_change_the_invoice(w):
    order, (a,) = order_of(w, [("100", "2.00", "10")])
    invoice = from_order(w, order)
    a.selling_price, a.tax_rate = D("9.99"), D(0)
    a.save()
    line = InvoiceLine.objects.get(invoice=invoice)
    assert (line.unit_price, line.tax_rate, line.amount, line.tax) == (D("2.0000"), D("10.00"), D("200.00"), D("20.00"))


def test_the_rate_to_the_base_currency_is_the_invoice_dates(w):
    rate(w, TODAY - 10 * DAY, "EUR", "USD", "1.08")
    rate(w, TODAY - 2 * DAY, "EUR", "USD", "1.10")
    order, _ = order_of(w, [("10", "1.00", None)], currency="EUR")
    invoice = from_order(w, order, issue_date=TODAY - 5 * DAY)
    assert (invoice.currency, invoice.exchange_rate) == ("EUR", D("1.08"))
    invoice = services.invoice_update(invoice=invoice, by=w.by, data={"issue_date": TODAY})
    assert invoice.exchange_rate == D("1.10")


def test_without_a_rate_the_draft_has_none_and_issuing_is_refused(w):
    order, _ = order_of(w, [("10", "1.00", None)], currency="GBP")
    invoice = from_order(w, order)
    assert invoice.exchange_rate is None
    error = refused("rate_missing", services.invoice_issue, invoice=invoice, by=w.by)
    assert error.extra["currency"] == "GBP"
    rate(w, TODAY, "USD", "GBP", "0.8")  # an inverse rate does
    issued = services.invoice_issue(invoice=invoice, by=w.by)
    assert issued.exchange_rate == D(1) / D("0.8")


# --- what may be invoiced -----------------------------------------------------------------------------------------


def test_a_shipment_carrying_orders_in_two_currencies_is_refused(w):
    _, (usd,) = order_of(w, [("10", "1.00", None)])
    _, (eur,) = order_of(w, [("10", "1.00", None)], currency="EUR")
    shipment = ship(w, [(usd, "5"), (eur, "5")])
    error = refused("currency_mismatch", from_shipment, w, shipment)
    assert error.extra["currencies"] == ["EUR", "USD"]
    assert Invoice.objects.count() == 0


def test_a_shipment_is_invoiced_once_until_its_invoice_is_void(w):
    _, (a,) = order_of(w, [("10", "1.00", None)])
    shipment = ship(w, [(a, "10")])
    first = from_shipment(w, shipment)
    refused("shipment_already_invoiced", from_shipment, w, shipment)
    services.invoice_void(invoice=first, by=w.by, reason="Wrong terms")
    second = from_shipment(w, shipment)
    first.refresh_from_db()
    assert (first.number, first.status) == (f"INV-{TODAY.year}-00001", states.VOID)  # a void invoice keeps its number
    assert second.number == f"INV-{TODAY.year}-00002"


def test_an_order_line_is_invoiced_up_to_the_larger_of_ordered_and_shipped(w):
    order, (a, b) = order_of(w, [("100", "1.00", None), ("50", "2.00", None)])
    first = from_order(w, order, lines=[{"line": a.pk, "quantity": "60"}])
    assert (first.line_count, first.total) == (1, D("60.00"))
    # 41 more of A would make 101 of 100 ordered (nothing shipped): refused on the line's quantity
    error = refused("over_invoicing", from_order, w, order, lines=[{"line": a.pk, "quantity": "41"}])
    assert "lines.0.quantity" in error.extra["errors"]
    # without lines: everything left (40 of A, 50 of B)
    rest = from_order(w, order)
    assert sorted(x.quantity for x in rest.lines.all()) == [D("40.000"), D("50.000")]
    refused("invoice_empty", from_order, w, order)
    # shipped beyond ordered (within the 5 % tolerance): the excess may be invoiced too
    shipment = ship(w, [(b, "52")])
    refused("over_invoicing", from_shipment, w, shipment)  # 50 invoiced + 52 > 52 shipped
    services.invoice_void(invoice=rest, by=w.by, reason="Invoice the shipment instead")
    assert from_shipment(w, shipment).total == D("104.00")


def test_a_line_without_a_selling_price_is_not_invoiced(w):
    order, (a,) = order_of(w, [("10", None, None)])
    error = refused("price_missing", from_order, w, order, lines=[{"line": a.pk, "quantity": "1"}])
    assert "lines.0.line" in error.extra["errors"]


def test_cancelled_orders_and_shipments_are_not_invoiced(w):
    order, _ = order_of(w, [("10", "1.00", None)], status="cancelled")
    refused("order_not_invoiceable", from_order, w, order)
    draft, _ = order_of(w, [("10", "1.00", None)], status="draft")  # not confirmed yet
    assert "not confirmed" in refused("order_not_invoiceable", from_order, w, draft).message
    _, (b,) = order_of(w, [("10", "1.00", None)])
    shipment = ship(w, [(b, "10")])
    from tradeloom.logistics import services as logistics

    logistics.shipment_move(shipment=shipment, action="cancel", by=w.by, reason="Buyer cancelled")
    refused("shipment_not_invoiceable", from_shipment, w, shipment)


def test_another_orders_line_is_no_such_line(w):
    order, _ = order_of(w, [("10", "1.00", None)])
    _, (other,) = order_of(w, [("10", "1.00", None)])
    error = refused("over_invoicing", from_order, w, order, lines=[{"line": other.pk, "quantity": "1"}])
    assert error.extra["errors"] == {"lines.0.line": [f"No such line on {order.number}."]}


# --- numbering --------------------------------------------------------------------------------------------------------


def test_numbers_restart_each_year_by_the_invoice_date(w):
    order, _ = order_of(w, [("100", "1.00", None)])
    lines = list(order.lines.all())
    late = from_order(w, order, lines=[{"line": lines[0].pk, "quantity": "1"}], issue_date=dt.date(2025, 12, 31))
    early = from_order(w, order, lines=[{"line": lines[0].pk, "quantity": "1"}], issue_date=dt.date(2026, 1, 2))
    again = from_order(w, order, lines=[{"line": lines[0].pk, "quantity": "1"}], issue_date=dt.date(2025, 6, 1))
    assert (late.number, early.number, again.number) == ("INV-2025-00001", "INV-2026-00001", "INV-2025-00002")
    # a draft keeps its number's year
    error = refused(
        "invoice_year", services.invoice_update, invoice=late, by=w.by, data={"issue_date": dt.date(2026, 1, 5)}
    )
    assert "issue_date" in error.extra["errors"]


# --- due dates --------------------------------------------------------------------------------------------------------


def test_due_dates_for_each_basis():
    day, left, came = dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 4, 2)

    def due(schedule, **dates):
        class T:
            pass

        t = T()
        t.schedule = schedule
        return due_compute(terms=t, issue_date=day, **dates)

    assert due([{"percent": "100", "days": 30}]).due_date == dt.date(2026, 3, 31)
    assert due([{"percent": "100", "days": 30, "basis": "invoice"}]).due_date == dt.date(2026, 3, 31)
    assert due([{"percent": "100", "days": 0, "basis": "sight"}]).due_date == day
    bl = [{"percent": "100", "days": 90, "basis": "bl_date"}]
    assert (due(bl).due_date, due(bl).basis, due(bl).days) == (None, "bl_date", 90)
    assert due(bl, departed_on=left).due_date == dt.date(2026, 6, 8)
    assert due([{"percent": "100", "days": 30, "basis": "arrival"}], departed_on=left).due_date is None
    assert due([{"percent": "100", "days": 30, "basis": "arrival"}], arrived_on=came).due_date == dt.date(2026, 5, 2)
    # several instalments: the last one's (the latest); unknown while one of them is
    split = [{"percent": "30", "days": 0}, {"percent": "70", "days": 60, "basis": "bl_date"}]
    assert due(split).due_date is None
    found = due(split, departed_on=left)
    assert (found.due_date, found.basis, [i.due_date for i in found.instalments]) == (
        dt.date(2026, 5, 9),
        "bl_date",
        [day, dt.date(2026, 5, 9)],
    )
    assert due([{"percent": "50", "days": 90}, {"percent": "50", "days": 10}]).due_date == dt.date(2026, 5, 30)
    assert due_compute(terms=None, issue_date=day).due_date == day  # no terms: due on the invoice date


def test_terms_counted_from_the_bl_date_are_due_when_the_shipment_leaves(w):
    net90 = terms(w, "90 days from B/L", [{"percent": "100", "days": 90, "basis": "bl_date"}])
    _, (a,) = order_of(w, [("10", "1.00", None)])
    shipment = ship(w, [(a, "10")], etd=TODAY - 3 * DAY)
    invoice = from_shipment(w, shipment, payment_terms=net90)
    assert (invoice.due_date, invoice.due_basis, invoice.due_days) == (None, "bl_date", 90)
    invoice = services.invoice_issue(invoice=invoice, by=w.by)
    assert invoice.due_date is None
    depart(w, shipment, TODAY - 2 * DAY)
    invoice.refresh_from_db()
    assert invoice.due_date == TODAY - 2 * DAY + 90 * DAY
    event = AuditEvent.objects.filter(action="invoice.due_date_set").get()
    assert event.changes["due_date"] == [None, (TODAY + 88 * DAY).isoformat()]


def test_terms_counted_from_arrival_are_due_when_the_shipment_arrives(w):
    on_arrival = terms(w, "30 days from arrival", [{"percent": "100", "days": 30, "basis": "arrival"}])
    _, (a,) = order_of(w, [("10", "1.00", None)])
    shipment = ship(w, [(a, "10")], etd=TODAY - 9 * DAY)
    invoice = from_shipment(w, shipment, payment_terms=on_arrival)
    shipment = depart(w, shipment, TODAY - 8 * DAY)
    invoice.refresh_from_db()
    assert invoice.due_date is None
    arrive(w, shipment, TODAY - DAY)
    invoice.refresh_from_db()
    assert invoice.due_date == TODAY + 29 * DAY


def test_an_invoice_of_a_shipment_that_has_left_is_due_from_its_bl_date_at_once(w):
    net90 = terms(w, "90 days from B/L", [{"percent": "100", "days": 90, "basis": "bl_date"}])
    _, (a,) = order_of(w, [("10", "1.00", None)])
    shipment = depart(w, ship(w, [(a, "10")], etd=TODAY - 3 * DAY), TODAY - 3 * DAY)
    assert from_shipment(w, shipment, payment_terms=net90).due_date == TODAY + 87 * DAY


def test_sight_and_invoice_date_terms_and_the_customers_default(w):
    sight = terms(w, "At sight", [{"percent": "100", "days": 0, "basis": "sight"}])
    w.customer.payment_terms = terms(w, "Net 30", [{"percent": "100", "days": 30}])
    w.customer.save()
    order, (a,) = order_of(w, [("10", "1.00", None)])
    by_default = from_order(w, order, lines=[{"line": a.pk, "quantity": "1"}])
    assert (by_default.payment_terms.name, by_default.due_date) == ("Net 30", TODAY + 30 * DAY)
    at_sight = from_order(w, order, lines=[{"line": a.pk, "quantity": "1"}], payment_terms=sight)
    assert (at_sight.due_date, at_sight.due_basis) == (TODAY, "sight")


def test_an_order_invoice_cannot_take_terms_counted_from_a_shipment_event(w):
    net90 = terms(w, "90 days from B/L", [{"percent": "100", "days": 90, "basis": "bl_date"}])
    order, _ = order_of(w, [("10", "1.00", None)])
    error = refused("terms_need_shipment", from_order, w, order, payment_terms=net90)
    assert "payment_terms" in error.extra["errors"]


# --- issue, void, edits -----------------------------------------------------------------------------------------------


def test_drafts_change_and_issued_invoices_do_not(w):
    order, _ = order_of(w, [("10", "1.00", None)])
    invoice = from_order(w, order)
    invoice = services.invoice_update(invoice=invoice, by=w.by, data={"notes": "Per PO", "customer_reference": "X1"})
    assert (invoice.notes, invoice.version) == ("Per PO", 2)
    refused(
        "precondition_failed",
        services.invoice_update,
        invoice=invoice,
        by=w.by,
        data={"notes": "x"},
        expected_version=1,
    )
    issued = services.invoice_issue(invoice=invoice, by=w.by)
    assert issued.status == states.ISSUED
    refused("invoice_not_editable", services.invoice_update, invoice=issued, by=w.by, data={"notes": "changed"})
    refused("invalid_transition", services.invoice_issue, invoice=issued, by=w.by)


def test_void_needs_a_reason_and_no_payments_nor_credit_notes(w):
    order, _ = order_of(w, [("10", "10.00", None)])
    invoice = services.invoice_issue(invoice=from_order(w, order), by=w.by)
    refused("validation_error", services.invoice_void, invoice=invoice, by=w.by, reason=" ")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    services.invoice_paid_set(organization=w.org, by=w.by, invoice=locked, paid_amount=D("1.00"))
    refused("invoice_has_payments", services.invoice_void, invoice=invoice, by=w.by, reason="Wrong")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    services.invoice_paid_set(organization=w.org, by=w.by, invoice=locked, paid_amount=D(0))
    note = services.credit_note_create(organization=w.org, by=w.by, invoice=invoice, amount=D("5.00"), reason="Damaged")
    refused("invoice_has_credit_notes", services.invoice_void, invoice=invoice, by=w.by, reason="Wrong")
    services.credit_note_void(credit_note=note, by=w.by, reason="Raised in error")
    voided = services.invoice_void(invoice=invoice, by=w.by, reason="Wrong buyer")
    assert (voided.status, voided.status_reason) == (states.VOID, "Wrong buyer")
    refused("invalid_transition", services.invoice_void, invoice=voided, by=w.by, reason="Again")
    refused(
        "invoice_not_issued",
        services.credit_note_create,
        organization=w.org,
        by=w.by,
        invoice=voided,
        amount=D(1),
        reason="x",
    )


# --- settlement and credit notes ------------------------------------------------------------------------------------


def test_paid_set_moves_issued_partly_paid_and_paid_within_the_total_less_credits(w):
    order, _ = order_of(w, [("100", "1.50", "10")])  # 150.00 + 15.00 tax = 165.00
    invoice = services.invoice_issue(invoice=from_order(w, order), by=w.by)
    assert invoice.total == D("165.00")
    services.credit_note_create(organization=w.org, by=w.by, invoice=invoice, amount=D("15.00"), reason="Discount")

    def paid(amount):
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        return services.invoice_paid_set(organization=w.org, by=w.by, invoice=locked, paid_amount=D(amount))

    refused("over_allocation", paid, "150.01")  # 165.00 - 15.00 credited = 150.00 payable
    refused("over_allocation", paid, "-0.01")
    assert (paid("100.00").status, Invoice.objects.get(pk=invoice.pk).outstanding) == (states.PARTLY_PAID, D("50.00"))
    assert paid("150.00").status == states.PAID
    assert paid("0").status == states.ISSUED  # allocations taken off: owed again
    draft = from_order(w, order_of(w, [("1", "1.00", None)])[0])
    refused(
        "invoice_not_issued",
        paid_draft := services.invoice_paid_set,
        organization=w.org,
        by=w.by,
        invoice=draft,
        paid_amount=D(0),
    )
    assert paid_draft


def test_credit_notes_take_up_to_what_is_owed_and_may_settle_it(w):
    order, _ = order_of(w, [("3", "33.335", None)])  # 3 x 33.335 = 100.005 → 100.01
    invoice = services.invoice_issue(invoice=from_order(w, order), by=w.by)
    assert invoice.total == D("100.01")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    services.invoice_paid_set(organization=w.org, by=w.by, invoice=locked, paid_amount=D("60.00"))
    error = refused(
        "credit_exceeds_outstanding",
        services.credit_note_create,
        organization=w.org,
        by=w.by,
        invoice=invoice,
        amount=D("40.02"),
        reason="Short shipped",
    )
    assert error.extra["outstanding"] == "40.01"
    refused(
        "validation_error",
        services.credit_note_create,
        organization=w.org,
        by=w.by,
        invoice=invoice,
        amount=D("1.00"),
        reason="Early",
        issue_date=invoice.issue_date - DAY,
    )
    first = services.credit_note_create(organization=w.org, by=w.by, invoice=invoice, amount=D("0.01"), reason="Cent")
    second = services.credit_note_create(
        organization=w.org, by=w.by, invoice=invoice, amount=D("40.00"), reason="Short"
    )
    assert (first.number, second.number) == (f"CN-{TODAY.year}-00001", f"CN-{TODAY.year}-00002")
    invoice.refresh_from_db()
    assert (invoice.credited_amount, invoice.outstanding, invoice.status) == (D("40.01"), D("0.00"), states.PAID)
    services.credit_note_void(credit_note=second, by=w.by, reason="Goods found")
    invoice.refresh_from_db()
    assert (invoice.credited_amount, invoice.outstanding, invoice.status) == (D("0.01"), D("40.00"), states.PARTLY_PAID)
    refused("invalid_transition", services.credit_note_void, credit_note=second, by=w.by, reason="Twice")
    second.refresh_from_db()
    assert (second.number, second.status) == (f"CN-{TODAY.year}-00002", "void")


def test_the_actions_are_audited_with_sentences(w):
    order, _ = order_of(w, [("10", "1.00", None)])
    invoice = services.invoice_issue(invoice=from_order(w, order), by=w.by)
    services.credit_note_create(organization=w.org, by=w.by, invoice=invoice, amount=D("1.00"), reason="Damaged")
    actions = list(AuditEvent.objects.order_by("created_at").values_list("action", flat=True))
    assert actions == ["invoice.created", "invoice.issued", "credit_note.created"]


# --- letters of credit ----------------------------------------------------------------------------------------------


def test_issuing_under_an_lc_draws_the_total_and_voiding_releases_it(w):
    from tradeloom.lcs.models import LetterOfCredit, Utilisation
    from tradeloom.lcs.tests.factories import LetterOfCreditFactory

    lc = LetterOfCreditFactory(organization=w.org, customer=w.customer, amount=D("1000.00"))
    _, (a,) = order_of(w, [("100", "6.00", None)])  # 600.00
    shipment = depart(w, ship(w, [(a, "100")], etd=TODAY - 2 * DAY), TODAY - 2 * DAY)
    invoice = services.invoice_issue(invoice=from_shipment(w, shipment, letter_of_credit=lc), by=w.by)
    drawing = Utilisation.objects.get(pk=invoice.lc_utilisation_id)
    assert (drawing.amount, drawing.currency, drawing.invoice_reference) == (D("600.00"), "USD", invoice.number)
    assert (drawing.shipment_id, drawing.shipped_on) == (shipment.pk, TODAY - 2 * DAY)
    services.invoice_void(invoice=invoice, by=w.by, reason="Discrepant documents")
    drawing.refresh_from_db()
    assert drawing.released_at is not None
    assert LetterOfCredit.objects.get(pk=lc.pk).status == lc.status


def test_the_lcs_refusals_pass_through_with_its_codes_and_nothing_is_issued(w):
    from tradeloom.lcs.tests.factories import LetterOfCreditFactory

    lc = LetterOfCreditFactory(organization=w.org, customer=w.customer, amount=D("500.00"))
    order, _ = order_of(w, [("100", "6.00", None)])  # 600.00 > 500.00 + 0 %
    invoice = from_order(w, order, letter_of_credit=lc)
    refused("lc_amount_exceeded", services.invoice_issue, invoice=invoice, by=w.by)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.lc_utilisation_id) == (states.DRAFT, None)


def test_an_lc_of_another_customer_or_currency_is_refused_on_its_field(w):
    from tradeloom.lcs.tests.factories import LetterOfCreditFactory
    from tradeloom.partners.tests.factories import CustomerFactory

    order, _ = order_of(w, [("1", "1.00", None)])
    theirs = LetterOfCreditFactory(organization=w.org, customer=CustomerFactory(organization=w.org))
    euros = LetterOfCreditFactory(organization=w.org, customer=w.customer, currency="EUR")
    assert (
        "letter_of_credit"
        in refused("lc_customer_mismatch", from_order, w, order, letter_of_credit=theirs).extra["errors"]
    )
    refused("lc_currency_mismatch", from_order, w, order, letter_of_credit=euros)


def test_drafting_from_a_shipment_costs_the_same_for_2_and_20_lines(w, django_assert_max_num_queries):
    from tradeloom.testing.budgets import budget

    for size in (2, 20):
        _, lines = order_of(w, [("10", "1.00", "5")] * size)
        shipment = ship(w, [(line, "5") for line in lines])
        with django_assert_max_num_queries(budget("service.invoice_create")):
            invoice = from_shipment(w, shipment)
        assert invoice.line_count == size
