"""Payments allocated at once to the same invoice: the invoice's lock (taken in id order, after the payment's) makes
each allocation see the others' paid amount, so together they never over-allocate it. Real threads on their own
connections, committed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing.services import settlement
from tradeloom.partners.models import Customer
from tradeloom.receivables import services
from tradeloom.receivables.services import payments as payment_services
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_allocations_to_one_invoice_never_over_allocate(monkeypatch):
    monkeypatch.setattr(payment_services, "audit_record", lambda **kwargs: None)
    monkeypatch.setattr(settlement, "audit_record", lambda **kwargs: None)
    with committed_order(lines={"RACE": {}}, order_date=TODAY) as ids:
        invoice_id = uuid.uuid4()
        with ids["connect"]() as conn:
            conn.execute(
                "INSERT INTO invoicing_invoice (id, organization_id, created_at, updated_at, version, number,"
                " customer_id, order_id, currency, exchange_rate, issue_date, due_date, due_basis, status,"
                " status_reason, subtotal, tax, total, paid_amount, credited_amount, customer_reference,"
                " bank_details, notes, line_count)"
                " VALUES (%s, %s, now(), now(), 1, 'INV-RACE', %s, %s, 'USD', 1, %s, %s, 'invoice', 'issued', '',"
                " 1000, 0, 1000, 0, 0, '', '', '', 0)",
                [invoice_id, ids["org"], ids["customer"], ids["order"], TODAY - timedelta(days=10), TODAY],
            )
        try:
            outcomes = _allocate_at_once(ids, invoice_id, threads=4, amount=Decimal(400))
            with ids["connect"]() as conn:
                paid = conn.execute("SELECT paid_amount, status FROM invoicing_invoice WHERE id = %s", [invoice_id])
                paid_amount, status = paid.fetchone()
                allocated = conn.execute(
                    "SELECT COALESCE(SUM(amount), 0) FROM receivables_allocation WHERE invoice_id = %s", [invoice_id]
                ).fetchone()[0]
        finally:
            with ids["connect"]() as conn:
                for table in ("receivables_allocation", "receivables_payment", "invoicing_invoice", "core_outboxentry"):
                    conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ids["org"]])  # noqa: S608
                conn.execute("DELETE FROM core_numbersequence WHERE organization_id = %s", [ids["org"]])
    # 1,000.00 owed: two allocations of 400.00 fit, a third would take it to 1,200.00
    assert sorted(outcomes) == ["allocated", "allocated", "over_allocation", "over_allocation"]
    assert paid_amount == allocated == Decimal(800)
    assert status == "partly_paid"


def _allocate_at_once(ids: dict, invoice_id: uuid.UUID, *, threads: int, amount: Decimal) -> list[str]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race", base_currency="USD")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def allocate() -> None:
        try:
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                # each thread records its own payment first (committed apart), then all allocate at once
                payment = services.payment_create(
                    organization=organization,
                    by=by,
                    data={
                        "customer": Customer.objects.get(pk=ids["customer"]),
                        "received_on": TODAY,
                        "amount": amount,
                        "currency": "USD",
                        "exchange_rate": Decimal(1),
                    },
                )
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                services.payment_allocate(
                    payment=payment, by=by, allocations=[{"invoice": invoice_id, "amount": amount}]
                )
            outcomes.append("allocated")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=allocate) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes
