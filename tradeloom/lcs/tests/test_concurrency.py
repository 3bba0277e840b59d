"""Drawings made at once under one LC: the LC row's lock makes each see the others, so together they never pass
amount + tolerance. Real threads on their own connections, committed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.services import utilisations
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_drawings_never_pass_the_amount_and_tolerance(monkeypatch):
    monkeypatch.setattr(utilisations, "audit_record", lambda **kwargs: None)
    with committed_order(lines={"RACE": {}}, order_date=TODAY) as ids:
        lc_id = uuid.uuid4()
        now = timezone.now()
        columns = {
            "id": lc_id,
            "organization_id": ids["org"],
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "number": "RACE-1",
            "kind": "sight",
            "role": "master",
            "transferable": False,
            "customer_id": ids["customer"],
            "beneficiary": "",
            "issuing_bank": "Race Bank",
            "advising_bank": "",
            "confirming_bank": "",
            "currency": "USD",
            "amount": Decimal("1000.00"),
            "tolerance_percent": Decimal(5),
            "expiry_date": TODAY + timedelta(days=30),
            "expiry_place": "",
            "presentation_days": 21,
            "partial_shipments_allowed": True,
            "transhipment_allowed": True,
            "incoterm": "",
            "incoterm_place": "",
            "port_of_loading": "",
            "port_of_discharge": "",
            "required_documents": "[]",
            "notes": "",
            "status": "issued",
            "status_reason": "",
            "revision": 0,
            "utilised_amount": Decimal(0),
        }
        try:
            with ids["connect"]() as conn:
                marks = ", ".join(["%s"] * len(columns))
                conn.execute(
                    f"INSERT INTO lcs_letterofcredit ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    list(columns.values()),
                )
            outcomes = _draw_at_once(ids, lc_id, threads=4, amount=Decimal("400.00"))
            with ids["connect"]() as conn:
                total = conn.execute("SELECT utilised_amount FROM lcs_letterofcredit WHERE id = %s", [lc_id])
                utilised = total.fetchone()[0]
                drawn = conn.execute("SELECT sum(amount) FROM lcs_utilisation WHERE letter_of_credit_id = %s", [lc_id])
                summed = drawn.fetchone()[0]
        finally:
            with ids["connect"]() as conn:
                conn.execute("DELETE FROM lcs_utilisation WHERE organization_id = %s", [ids["org"]])
                conn.execute("DELETE FROM lcs_letterofcredit WHERE organization_id = %s", [ids["org"]])
    # 1,000.00 + 5 % = 1,050.00: two drawings of 400.00 fit, a third would take it to 1,200.00
    assert sorted(outcomes) == ["drawn", "drawn", "lc_amount_exceeded", "lc_amount_exceeded"]
    assert utilised == summed == Decimal("800.00")


def _draw_at_once(ids: dict, lc_id: uuid.UUID, *, threads: int, amount: Decimal) -> list[str]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def draw() -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                lc = LetterOfCredit.objects.get(pk=lc_id)
                utilisations.utilisation_draw(
                    organization=organization, by=by, lc=lc, amount=amount, currency="USD", shipped_on=None
                )
            outcomes.append("drawn")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=draw) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes
