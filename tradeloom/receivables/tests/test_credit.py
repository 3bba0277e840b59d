"""The credit-limit check when an order is confirmed (``sales.events.OrderConfirming``), hand-checked at the
boundary in each mode of the organisation's ``credit_limit_check``: off, warn, block (with an owner's override).

The customer (limit USD 10,000.00, base USD) owes, before the order:
    invoices        USD 3,000.00 less 500.00 paid = 2,500.00, and EUR 1,000.00 at 1.10 = 1,100.00   → 3,600.00
    open orders     another confirmed order: 1,000 m x 4.25 = 4,250.00 + 10 % tax 425.00 = 4,675.00,
                    of which an issued invoice bills 1,000.00 + 100.00 tax                          → 3,575.00
    credit          a payment of USD 1,000.00, 500.00 of it allocated                               → -500.00
    exposure        6,675.00: room for an order of exactly USD 3,325.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing.tests.factories import InvoiceLineFactory
from tradeloom.receivables.credit import exposure_of
from tradeloom.receivables.tests.helpers import invoice, pay
from tradeloom.sales import services as sales
from tradeloom.sales.events import OrderConfirming
from tradeloom.sales.models import Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory

pytestmark = pytest.mark.django_db

D = Decimal
ROOM = D("3325.00")


@pytest.fixture
def exposed(rx):
    org, customer = rx["org"], rx["customer"]
    customer.credit_limit = D("10000.00")
    customer.save(update_fields=["credit_limit"])
    other = OrderFactory(organization=org, customer=customer, status=Order.Status.OPEN, tax_rate=D("10"))
    line = LineFactory(organization=org, style__order=other, quantity=D("1000"), selling_price=D("4.25"))
    usd = invoice(rx, total="3000.00")
    InvoiceLineFactory(organization=org, invoice=usd, line=line, order=other, amount=D("1000.00"), tax=D("100.00"))
    invoice(rx, total="1000.00", currency="EUR", rate="1.10")
    pay(rx, "1000.00", allocations=[{"invoice": usd, "amount": "500.00"}])
    # noise that never counts: a draft order, a cancelled one, another customer's invoice, a paid invoice
    OrderFactory(organization=org, customer=customer, status=Order.Status.DRAFT)
    LineFactory(organization=org, style__order=OrderFactory(organization=org, customer=customer, status="cancelled"))
    invoice(rx, customer=rx["other_customer"], total="50000.00")
    return rx


def mode(rx, value):
    org = rx["org"]
    org.settings = {**(org.settings or {}), "credit_limit_check": value}
    org.save(update_fields=["settings"])


def confirming(rx, amount, *, by=None, override_reason="", currency="USD"):
    order = OrderFactory(organization=rx["org"], customer=rx["customer"], currency=currency, status=Order.Status.OPEN)
    event = OrderConfirming(
        order=order,
        amount=None if amount is None else D(amount),
        currency=currency,
        by=by or rx["accounts"],
        override_reason=override_reason,
    )
    with transaction.atomic():
        publish(event)
    return event


def test_the_exposure_hand_checked(exposed):
    order = OrderFactory(organization=exposed["org"], customer=exposed["customer"])
    exposure = exposure_of(organization=exposed["org"], customer_id=exposed["customer"].pk, order=order, amount=ROOM)
    assert (exposure.invoices, exposure.orders, exposure.credit, exposure.this_order) == (
        D("3600.00"),
        D("3575.00"),
        D("500.00"),
        ROOM,
    )
    assert exposure.total == D("10000.00")


def test_warn_is_the_default_and_passes_at_the_limit(exposed):
    assert confirming(exposed, ROOM).warnings == []


def test_warn_one_cent_beyond(exposed):
    warnings = confirming(exposed, ROOM + D("0.01")).warnings
    assert len(warnings) == 1
    assert "USD 10,000.01" in warnings[0]
    assert "credit limit of USD 10,000.00" in warnings[0]


def test_off_never_says_anything(exposed):
    mode(exposed, "off")
    assert confirming(exposed, "999999.00").warnings == []


def test_block_at_the_limit_passes(exposed):
    mode(exposed, "block")
    assert confirming(exposed, ROOM).warnings == []


def test_block_one_cent_beyond_refuses(exposed):
    mode(exposed, "block")
    with pytest.raises(ApplicationError) as refused:
        confirming(exposed, ROOM + D("0.01"))
    assert refused.value.code == "credit_limit_exceeded"
    assert refused.value.status == 409
    assert refused.value.extra == {"exposure": "10000.01", "credit_limit": "10000.00", "currency": "USD"}


def test_block_an_owners_override_passes_and_is_audited(exposed):
    mode(exposed, "block")
    event = confirming(exposed, "5000.00", by=exposed["owner"], override_reason="Prepayment promised by Friday")
    assert len(event.warnings) == 1
    assert "Prepayment promised by Friday" in event.warnings[0]
    audited = AuditEvent.objects.get(action="sales_order.credit_limit_overridden", target_id=str(event.order.pk))
    assert audited.changes["exposure"] == [None, "11675.00"]
    assert audited.changes["limit"] == [None, "10000.00"]


def test_block_only_an_owner_or_admin_may_override(exposed):
    mode(exposed, "block")
    with pytest.raises(ApplicationError) as refused:
        confirming(exposed, "5000.00", by=exposed["accounts"], override_reason="Please")
    assert refused.value.code == "permission_denied"
    assert refused.value.status == 403


def test_a_customer_without_a_limit_is_not_checked(exposed):
    mode(exposed, "block")
    customer = exposed["customer"]
    customer.credit_limit = None
    customer.save(update_fields=["credit_limit"])
    assert confirming(exposed, "999999.00").warnings == []


def test_an_order_without_a_rate_is_left_out_with_a_warning(exposed):
    mode(exposed, "block")
    warnings = confirming(exposed, "999999.00", currency="GBP").warnings
    assert len(warnings) == 1
    assert "No GBP → USD rate" in warnings[0]


def test_an_order_without_a_price_counts_nothing_of_itself(exposed):
    warnings = confirming(exposed, None).warnings
    assert warnings == ["This order has lines without a selling price: the credit-limit check counts none of it."]


def test_through_the_order_service_block_writes_nothing_and_warn_returns_the_warning(exposed):
    unit = UnitFactory(organization=exposed["org"], code="pcs")

    def create():
        return sales.order_create(
            organization=exposed["org"],
            by=exposed["owner"],
            data={
                "po_number": "PO-BIG",
                "customer": exposed["customer"],
                "currency": "USD",
                "order_date": date(2026, 11, 20),
            },
            styles=[
                {
                    "style_number": "BIG",
                    "lines": [
                        {"colour_code": "NAVY", "quantity": D("1"), "unit": unit, "selling_price": ROOM + D("0.01")}
                    ],
                }
            ],
        )

    mode(exposed, "block")
    with pytest.raises(ApplicationError) as refused:
        create()
    assert refused.value.code == "credit_limit_exceeded"
    assert not Order.objects.filter(po_number="PO-BIG").exists()
    mode(exposed, "warn")
    created = create()
    assert len(created.warnings) == 1
    assert "credit limit" in created.warnings[0]
