"""Shipments booked at once against the same order line: the lines' lock makes each booking see the others' shipped
quantities, so together they never pass the tolerance. Real threads on their own connections, committed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.logistics import services
from tradeloom.logistics.services import shipments as shipment_services
from tradeloom.partners.models import Customer
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_bookings_of_one_line_never_pass_its_tolerance(monkeypatch):
    monkeypatch.setattr(shipment_services, "audit_record", lambda **kwargs: None)
    with committed_order(lines={"RACE": {}}, order_date=TODAY) as ids:
        try:
            outcomes = _book_at_once(ids, threads=4, quantity=Decimal(400))
            with ids["connect"]() as conn:
                shipped = conn.execute("SELECT shipped_quantity FROM sales_line WHERE id = %s", [ids["lines"]["RACE"]])
                total = shipped.fetchone()[0]
        finally:
            with ids["connect"]() as conn:
                for table in ("logistics_shipmentdocument", "logistics_shipmentline", "logistics_shipment"):
                    conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ids["org"]])  # noqa: S608
                conn.execute("DELETE FROM core_numbersequence WHERE organization_id = %s", [ids["org"]])
    # 1,000 ordered + 5 %: two bookings of 400 fit, a third would take it to 1,200
    assert sorted(outcomes) == ["booked", "booked", "over_shipment", "over_shipment"]
    assert total == Decimal(800)


def _book_at_once(ids: dict, *, threads: int, quantity: Decimal) -> list[str]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def book() -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                services.shipment_create(
                    organization=organization,
                    by=by,
                    data={
                        "customer": Customer.objects.get(pk=ids["customer"]),
                        "mode": "sea",
                        "etd": TODAY,
                        "eta": TODAY + timedelta(days=20),
                    },
                    lines=[{"line": ids["lines"]["RACE"], "quantity": quantity}],
                )
            outcomes.append("booked")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=book) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes
