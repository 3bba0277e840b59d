"""The demo payments (``tradeloom.demo.finance_receivables``): one invoice partly paid, one paid in full in another
currency net of bank charges with an exchange gain, a payment on account left as credit — and only once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.demo.finance_receivables import demo_receivables_create
from tradeloom.invoicing.models import Invoice
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.receivables.tests.helpers import invoice

pytestmark = pytest.mark.django_db

D = Decimal


def test_the_demo_payments(rx):
    first = invoice(rx, total="10000.00", issue_date=date(2026, 10, 1))
    second = invoice(rx, total="4200.00", currency="EUR", rate="1.08", issue_date=date(2026, 10, 5))
    demo_receivables_create(organization=rx["org"], by=rx["owner"])
    first, second = Invoice.objects.get(pk=first.pk), Invoice.objects.get(pk=second.pk)
    assert (first.status, first.paid_amount) == ("partly_paid", D("4000.00"))
    assert (second.status, second.paid_amount) == ("paid", D("4200.00"))
    paid = Payment.objects.get(currency="EUR")
    assert (paid.bank_charges, paid.net_received, paid.exchange_rate) == (D("35.00"), D("4165.00"), D("1.0908"))
    assert Allocation.objects.get(payment=paid).fx_difference == D("45.36")  # 4,200 x (1.0908 - 1.08)
    on_account = Payment.objects.get(method="cheque")
    assert on_account.unallocated == D("500.00")
    demo_receivables_create(organization=rx["org"], by=rx["owner"])
    assert Payment.objects.count() == 3
