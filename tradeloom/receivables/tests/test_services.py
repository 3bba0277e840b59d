"""Payment rules on hand-checked figures: the rate from the catalogue, multi-currency payments with bank charges,
exchange differences, partial and split allocations, over-allocation on the payment and on the invoice (with a
credit note), currencies and customers that do not match, another organisation's invoice, taking back, changing
the rate, voiding, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing.models import Invoice
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.receivables import services
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.receivables.tests.factories import issued_invoice
from tradeloom.receivables.tests.helpers import DAY, invoice, pay, rate

pytestmark = pytest.mark.django_db

D = Decimal


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- recording -------------------------------------------------------------------------------------------------------


def test_a_payment_is_numbered_per_year_of_its_date(rx):
    first = pay(rx, "100.00")
    second = pay(rx, "100.00")
    assert (first.number, second.number) == ("RCPT-2026-00001", "RCPT-2026-00002")
    assert first.status == Payment.Status.RECEIVED
    assert first.allocated_amount == 0
    assert first.unallocated == D(100)


def test_the_rate_defaults_to_the_catalogues_rate_on_the_payment_date(rx):
    rate(rx["org"], date(2026, 11, 1), "EUR", "USD", "1.0850")
    rate(rx["org"], date(2026, 11, 21), "EUR", "USD", "1.2000")  # after the payment: not used
    payment = pay(rx, "500.00", currency="EUR", exchange_rate=None)
    assert payment.exchange_rate == D("1.08500000")


def test_the_inverse_rate_is_used_when_only_that_one_is_published(rx):
    rate(rx["org"], date(2026, 11, 1), "USD", "GBP", "0.80")
    payment = pay(rx, "500.00", currency="GBP", exchange_rate=None)
    assert payment.exchange_rate == D("1.25000000")  # 1 / 0.80


def test_without_a_rate_the_rate_must_be_given(rx):
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "500.00", currency="EUR", exchange_rate=None)
    assert refused.value.code == "rate_missing"
    assert "exchange_rate" in refused.value.extra["errors"]
    assert not Payment.objects.exists()


def test_a_given_rate_wins_over_the_catalogue(rx):
    rate(rx["org"], date(2026, 11, 1), "EUR", "USD", "1.0850")
    assert pay(rx, "500.00", currency="EUR", exchange_rate=D("1.0912")).exchange_rate == D("1.0912")


@pytest.mark.parametrize(
    ("field", "value", "code_field"),
    [
        ("amount", D("0"), "amount"),
        ("amount", D("10.001"), "amount"),
        ("bank_charges", D("100.01"), "bank_charges"),
        ("bank_charges", D("-1"), "bank_charges"),
    ],
)
def test_header_rules(rx, field, value, code_field):
    data = {"amount": D("100.00"), field: value}
    with pytest.raises(ApplicationError) as refused:
        pay(rx, str(data.pop("amount")), **data)
    assert code_field in refused.value.extra["errors"]


def test_charges_up_to_the_whole_amount_are_accepted(rx):
    assert pay(rx, "100.00", bank_charges=D("100.00")).net_received == D(0)


def test_a_payment_dated_in_the_future_is_refused(rx):
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "100.00", received_on=timezone.localdate() + timedelta(days=1))
    assert "received_on" in refused.value.extra["errors"]


def test_another_organisations_customer_is_refused(rx, other_org):
    with tenant_context(other_org):
        stranger = CustomerFactory(organization=other_org)
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "100.00", customer=stranger)
    assert "customer" in refused.value.extra["errors"]


# --- multi-currency with charges, exchange differences --------------------------------------------------------------


def test_a_payment_in_euros_with_bank_charges_settles_the_whole_invoice_and_shows_its_gain(rx):
    """EUR 1,000.00 invoiced at 1.10 (USD 1,100.00); the buyer pays EUR 1,000.00, the banks take EUR 15.00 on the
    way, the payment is booked at 1.12: the invoice is paid (charges do not reduce what was owed), EUR 985.00 reached
    the account (USD 1,103.20), and the exchange gain is 1,000 x (1.12 - 1.10) = USD 20.00."""
    inv = invoice(rx, total="1000.00", currency="EUR", rate="1.10")
    payment = pay(
        rx,
        "1000.00",
        currency="EUR",
        exchange_rate=D("1.12"),
        bank_charges=D("15.00"),
        allocations=[{"invoice": inv.pk, "amount": D("1000.00")}],
    )
    payment = fresh(payment)
    assert payment.allocated_amount == D("1000.00")
    assert payment.unallocated == 0
    assert payment.net_received == D("985.00")
    assert (payment.net_received * payment.exchange_rate).quantize(D("0.01")) == D("1103.20")
    allocation = Allocation.objects.get(payment=payment)
    assert (allocation.payment_rate, allocation.invoice_rate) == (D("1.12"), D("1.10"))
    assert allocation.fx_difference == D("20.00")
    inv = fresh(inv)
    assert (inv.status, inv.paid_amount, inv.outstanding) == ("paid", D("1000.00"), D("0.00"))


def test_a_partial_allocation_at_a_lower_rate_is_a_loss_and_leaves_credit_on_the_customer(rx):
    """Invoice EUR 2,500.00 at 1.10; payment EUR 1,000.00 at 1.0950, EUR 600.00 of it allocated: the invoice is
    partly paid with EUR 1,900.00 outstanding, the loss is 600 x (1.0950 - 1.10) = -USD 3.00, EUR 400.00 stays as
    credit."""
    inv = invoice(rx, total="2500.00", currency="EUR", rate="1.10")
    payment = pay(
        rx, "1000.00", currency="EUR", exchange_rate=D("1.0950"), allocations=[{"invoice": inv, "amount": "600.00"}]
    )
    payment, inv = fresh(payment), fresh(inv)
    assert (inv.status, inv.paid_amount, inv.outstanding) == ("partly_paid", D("600.00"), D("1900.00"))
    assert payment.unallocated == D("400.00")
    assert Allocation.objects.get(payment=payment).fx_difference == D("-3.00")


def test_an_exchange_difference_rounds_half_away_from_zero(rx):
    """333.33 x (1.1234 - 1.1200) = 1.133322 → 1.13; 0.05 x (1.3 - 1.2) = 0.005 → 0.01."""
    first = invoice(rx, total="333.33", currency="EUR", rate="1.12")
    second = invoice(rx, total="0.05", currency="EUR", rate="1.2")
    payment = pay(
        rx, "400.00", currency="EUR", exchange_rate=D("1.1234"), allocations=[{"invoice": first, "amount": "333.33"}]
    )
    assert Allocation.objects.get(payment=payment).fx_difference == D("1.13")
    other = pay(rx, "0.05", currency="EUR", exchange_rate=D("1.3"), allocations=[{"invoice": second, "amount": "0.05"}])
    assert Allocation.objects.get(payment=other).fx_difference == D("0.01")


def test_one_payment_settles_two_invoices_and_an_invoice_takes_two_payments(rx):
    a = invoice(rx, total="700.00")
    b = invoice(rx, total="500.00")
    first = pay(rx, "1000.00", allocations=[{"invoice": a, "amount": "700.00"}, {"invoice": b, "amount": "300.00"}])
    second = pay(rx, "200.00", allocations=[{"invoice": b, "amount": "200.00"}])
    assert fresh(a).status == "paid"
    assert fresh(b).status == "paid"
    assert fresh(b).paid_amount == D("500.00")
    assert fresh(first).unallocated == 0
    assert fresh(second).unallocated == 0


def test_the_same_invoice_twice_in_a_request_adds_up_in_one_allocation(rx):
    inv = invoice(rx, total="500.00")
    payment = pay(rx, "500.00", allocations=[{"invoice": inv, "amount": "200.00"}, {"invoice": inv, "amount": "50.00"}])
    assert list(Allocation.objects.filter(payment=payment).values_list("amount", flat=True)) == [D("250.00")]
    services.payment_allocate(payment=payment, by=rx["accounts"], allocations=[{"invoice": inv, "amount": "100.00"}])
    assert Allocation.objects.get(payment=payment).amount == D("350.00")
    assert fresh(inv).paid_amount == D("350.00")
    assert fresh(payment).allocated_amount == D("350.00")


# --- over-allocation -------------------------------------------------------------------------------------------------


def test_allocations_beyond_the_payment_are_refused_and_nothing_is_written(rx):
    a, b = invoice(rx, total="600.00"), invoice(rx, total="600.00")
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "1000.00", allocations=[{"invoice": a, "amount": "600.00"}, {"invoice": b, "amount": "400.01"}])
    assert refused.value.code == "over_allocation"
    assert refused.value.status == 409
    assert not Payment.objects.exists()
    assert fresh(a).paid_amount == 0


def test_allocations_up_to_the_payment_exactly_are_accepted(rx):
    a, b = invoice(rx, total="600.00"), invoice(rx, total="600.00")
    payment = pay(rx, "1000.00", allocations=[{"invoice": a, "amount": "600.00"}, {"invoice": b, "amount": "400.00"}])
    assert fresh(payment).unallocated == 0


def test_more_than_the_invoice_owes_is_refused(rx):
    inv = invoice(rx, total="500.00")
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "1000.00", allocations=[{"invoice": inv, "amount": "500.01"}])
    assert refused.value.code == "over_allocation"
    assert "allocations[0].amount" in refused.value.extra["errors"]


def test_a_credit_note_lowers_what_the_invoice_can_take(rx):
    """Total 1,000.00 less a credit note of 100.00: it takes 900.00 and is then paid."""
    inv = invoice(rx, total="1000.00", credited_amount=D("100.00"))
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "1000.00", allocations=[{"invoice": inv, "amount": "900.01"}])
    assert refused.value.code == "over_allocation"
    pay(rx, "900.00", allocations=[{"invoice": inv, "amount": "900.00"}])
    assert fresh(inv).status == "paid"


def test_a_second_payment_sees_what_the_first_paid(rx):
    inv = invoice(rx, total="500.00")
    pay(rx, "300.00", allocations=[{"invoice": inv, "amount": "300.00"}])
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "300.00", allocations=[{"invoice": inv, "amount": "200.01"}])
    assert refused.value.code == "over_allocation"


# --- what cannot be allocated ----------------------------------------------------------------------------------------


def test_an_invoice_in_another_currency_is_refused(rx):
    inv = invoice(rx, total="500.00", currency="EUR", rate="1.1")
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "500.00", allocations=[{"invoice": inv, "amount": "100.00"}])
    assert refused.value.code == "currency_mismatch"
    assert "allocations[0].invoice" in refused.value.extra["errors"]


def test_another_customers_invoice_is_refused(rx):
    inv = invoice(rx, customer=rx["other_customer"])
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "500.00", allocations=[{"invoice": inv, "amount": "100.00"}])
    assert refused.value.code == "customer_mismatch"


@pytest.mark.parametrize("status", ["draft", "void", "paid"])
def test_an_invoice_that_is_not_open_is_refused(rx, status):
    inv = invoice(rx, total="500.00")
    Invoice.objects.filter(pk=inv.pk).update(status=status)
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "500.00", allocations=[{"invoice": inv, "amount": "100.00"}])
    assert refused.value.code == "invoice_not_open"
    assert refused.value.status == 409


def test_another_organisations_invoice_is_not_found(rx, other_org):
    with tenant_context(other_org):
        stranger = issued_invoice(other_org, CustomerFactory(organization=other_org))
    with pytest.raises(ApplicationError) as refused:
        pay(rx, "500.00", allocations=[{"invoice": stranger.pk, "amount": "100.00"}])
    assert refused.value.code == "not_found"
    assert refused.value.status == 404


# --- taking back, changing, voiding ----------------------------------------------------------------------------------


def test_taking_back_part_then_all_of_an_allocation(rx):
    inv = invoice(rx, total="500.00", currency="EUR", rate="1.10")
    payment = pay(
        rx, "500.00", currency="EUR", exchange_rate=D("1.20"), allocations=[{"invoice": inv, "amount": "500.00"}]
    )
    services.payment_unallocate(payment=payment, by=rx["accounts"], invoice=inv.pk, amount=D("200.00"))
    row = Allocation.objects.get(payment=payment)
    assert row.amount == D("300.00")
    assert row.fx_difference == D("30.00")
    assert (fresh(inv).status, fresh(inv).paid_amount) == ("partly_paid", D("300.00"))
    with pytest.raises(ApplicationError) as refused:
        services.payment_unallocate(payment=payment, by=rx["accounts"], invoice=inv.pk, amount=D("300.01"))
    assert refused.value.code == "over_unallocation"
    services.payment_unallocate(payment=payment, by=rx["accounts"], invoice=inv.pk)
    assert not Allocation.objects.filter(payment=payment).exists()
    assert (fresh(inv).status, fresh(inv).paid_amount) == ("issued", D(0))
    assert fresh(payment).unallocated == D("500.00")


def test_unallocating_an_invoice_it_is_not_allocated_to_is_not_found(rx):
    payment = pay(rx, "100.00")
    with pytest.raises(ApplicationError) as refused:
        services.payment_unallocate(payment=payment, by=rx["accounts"], invoice=invoice(rx).pk)
    assert refused.value.status == 404


def test_a_new_rate_recomputes_the_exchange_differences(rx):
    inv = invoice(rx, total="1000.00", currency="EUR", rate="1.10")
    payment = pay(
        rx, "1000.00", currency="EUR", exchange_rate=D("1.12"), allocations=[{"invoice": inv, "amount": "800.00"}]
    )
    services.payment_update(payment=payment, by=rx["accounts"], data={"exchange_rate": D("1.0875")})
    row = Allocation.objects.get(payment=payment)
    assert (row.payment_rate, row.fx_difference) == (D("1.0875"), D("-10.00"))  # 800 x (1.0875 - 1.10)
    assert AuditEvent.objects.filter(action="payment.updated", target_id=str(payment.pk)).exists()


def test_the_amount_cannot_go_below_what_is_allocated(rx):
    inv = invoice(rx, total="1000.00")
    payment = pay(rx, "1000.00", allocations=[{"invoice": inv, "amount": "800.00"}])
    with pytest.raises(ApplicationError) as refused:
        services.payment_update(payment=payment, by=rx["accounts"], data={"amount": D("799.99")})
    assert "amount" in refused.value.extra["errors"]
    services.payment_update(payment=payment, by=rx["accounts"], data={"amount": D("800.00")})
    assert fresh(payment).unallocated == 0


def test_customer_and_currency_cannot_change(rx):
    payment = pay(rx, "100.00")
    with pytest.raises(ApplicationError) as refused:
        services.payment_update(payment=payment, by=rx["accounts"], data={"currency": "EUR"})
    assert refused.value.code == "field_not_editable"


def test_a_stale_version_is_refused(rx):
    payment = pay(rx, "100.00")
    with pytest.raises(ApplicationError) as refused:
        services.payment_update(payment=payment, by=rx["accounts"], data={"notes": "x"}, expected_version=99)
    assert refused.value.status == 412


def test_voiding_gives_every_allocation_back(rx):
    a, b = invoice(rx, total="400.00"), invoice(rx, total="600.00")
    payment = pay(rx, "1000.00", allocations=[{"invoice": a, "amount": "400.00"}, {"invoice": b, "amount": "250.00"}])
    voided = services.payment_void(payment=payment, by=rx["accounts"], reason="Cheque bounced")
    assert voided.status == "void"
    assert voided.void_reason == "Cheque bounced"
    assert voided.unallocated == 0
    assert not Allocation.objects.filter(payment=payment).exists()
    assert (fresh(a).status, fresh(a).paid_amount) == ("issued", D(0))
    assert (fresh(b).status, fresh(b).paid_amount) == ("issued", D(0))
    with pytest.raises(ApplicationError) as refused:
        services.payment_void(payment=payment, by=rx["accounts"], reason="again")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(ApplicationError):
        services.payment_allocate(payment=payment, by=rx["accounts"], allocations=[{"invoice": a, "amount": "1"}])


def test_voiding_needs_a_reason(rx):
    with pytest.raises(ApplicationError) as refused:
        services.payment_void(payment=pay(rx, "100.00"), by=rx["accounts"], reason="  ")
    assert "reason" in refused.value.extra["errors"]


def test_the_audit_trail(rx):
    inv = invoice(rx, total="500.00")
    payment = pay(rx, "500.00", allocations=[{"invoice": inv, "amount": "200.00"}])
    services.payment_unallocate(payment=payment, by=rx["accounts"], invoice=inv.pk)
    services.payment_void(payment=payment, by=rx["accounts"], reason="Recorded twice")
    actions = list(
        AuditEvent.objects.filter(target_id=str(payment.pk))
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["payment.created", "payment.allocated", "payment.unallocated", "payment.voided"]
    assert AuditEvent.objects.filter(action="invoice.paid_set", target_id=str(inv.pk)).count() == 2
    allocated = AuditEvent.objects.get(action="payment.allocated", target_id=str(payment.pk))
    assert allocated.changes["invoice"] == [None, inv.number]
    assert allocated.changes["amount"] == [None, "200.00"]


def test_the_day_is_the_payment_date_for_numbering(rx):
    assert pay(rx, "1.00", received_on=DAY).number.startswith("RCPT-2026-")
