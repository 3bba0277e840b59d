"""Purchase orders made at once for the same organisation: the number sequence's lock gives each its own number, in
order and without gaps — one that fails after taking its number gives it back. Real threads on their own
connections, committed (as ``invoicing/tests/test_concurrency.py``)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.purchasing import services
from tradeloom.purchasing.services import orders as order_services
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()
PARTNER_TEXTS = ("trade_name", "tax_id", "email", "phone", "website", "country", "notes")


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_pos_get_distinct_gap_free_numbers(monkeypatch):
    def audit(**kwargs):
        if threading.current_thread().name == "fails":
            raise ApplicationError("refused after numbering", code="refused_late")

    monkeypatch.setattr(order_services, "audit_record", audit)
    with committed_order(lines={"X": {}}, order_date=TODAY) as ids:
        supplier = uuid.uuid4()
        with ids["connect"]() as conn:
            now = timezone.now()
            row = {"id": supplier, "organization_id": ids["org"], "code": "M", "legal_name": "Race Mill", "version": 1}
            row |= dict.fromkeys(PARTNER_TEXTS, "") | {"default_currency": "USD", "kind": "mill"}
            row |= {"search_document": "", "search_trigrams": "{}", "created_at": now, "updated_at": now}
            marks = ", ".join(["%s"] * len(row))
            conn.execute(f"INSERT INTO partners_supplier ({', '.join(row)}) VALUES ({marks})", list(row.values()))  # noqa: S608
        try:
            outcomes = _create_at_once(ids, supplier, threads=5)
            with ids["connect"]() as conn:
                numbers = [
                    r[0]
                    for r in conn.execute(
                        "SELECT number FROM purchasing_purchaseorder WHERE organization_id = %s ORDER BY number",
                        [ids["org"]],
                    )
                ]
        finally:
            with ids["connect"]() as conn:
                for table in (
                    "purchasing_purchaseorderline",
                    "purchasing_purchaseorder",
                    "core_numbersequence",
                    "partners_supplier",
                ):
                    conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ids["org"]])  # noqa: S608
    assert sorted(outcomes) == ["made"] * 4 + ["refused_late"]
    assert numbers == ["PO-000001", "PO-000002", "PO-000003", "PO-000004"]  # the refused one gave its number back


def _create_at_once(ids: dict, supplier: uuid.UUID, *, threads: int) -> list[str]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race", base_currency="USD")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def create() -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                services.purchase_order_create(
                    organization=organization,
                    by=by,
                    data={"supplier": supplier, "po_date": TODAY},
                    lines=[
                        {
                            "material_name": "Yarn",
                            "quantity": Decimal(10),
                            "unit": ids["unit"],
                            "unit_price": Decimal(2),
                        }
                    ],
                )
            outcomes.append("made")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=create, name="fails" if i == 2 else f"w{i}") for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes
