"""Invoices drafted at once for the same organisation: the number sequence's lock gives each its own number, in
order, without gaps; and against the same order line the lines' lock makes each see the others' invoiced
quantities, so together they never bill more than the line. Real threads on their own connections, committed."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing import services
from tradeloom.invoicing.services import invoices as invoice_services
from tradeloom.sales.models import Order
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_invoices_get_distinct_numbers_and_never_bill_more_than_the_line(monkeypatch):
    monkeypatch.setattr(invoice_services, "audit_record", lambda **kwargs: None)
    with committed_order(lines={"RACE": {"selling_price": Decimal("2.00")}}, order_date=TODAY) as ids:
        try:
            outcomes = _invoice_at_once(ids, threads=4, quantity=Decimal(400))
            with ids["connect"]() as conn:
                numbers = [
                    r[0]
                    for r in conn.execute(
                        "SELECT number FROM invoicing_invoice WHERE organization_id = %s ORDER BY number", [ids["org"]]
                    )
                ]
                billed = conn.execute(
                    "SELECT sum(quantity) FROM invoicing_invoiceline WHERE organization_id = %s", [ids["org"]]
                ).fetchone()[0]
        finally:
            with ids["connect"]() as conn:
                for table in ("invoicing_invoiceline", "invoicing_invoice", "core_numbersequence"):
                    conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ids["org"]])  # noqa: S608
    # 1,000 ordered, nothing shipped: two invoices of 400 fit, a third would bill 1,200
    assert sorted(outcomes) == ["drafted", "drafted", "over_invoicing", "over_invoicing"]
    assert numbers == [f"INV-{TODAY.year}-00001", f"INV-{TODAY.year}-00002"]  # the refused gave theirs back
    assert billed == Decimal(800)


def _invoice_at_once(ids: dict, *, threads: int, quantity: Decimal) -> list[str]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race", base_currency="USD")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def draft() -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                services.invoice_create_from_order(
                    organization=organization,
                    by=by,
                    order=Order.objects.get(pk=ids["order"]),
                    lines=[{"line": ids["lines"]["RACE"], "quantity": quantity}],
                )
            outcomes.append("drafted")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=draft) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes
