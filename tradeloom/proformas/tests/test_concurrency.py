"""PIs made and accepted at once against one order, on real threads with their own connections, committed: the
numbers never repeat or skip (the sequence row's lock), and the order's lock makes each acceptance see the others',
so together they never pass the order's value + tolerance."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.proformas import services
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.proformas.services import proformas as made
from tradeloom.proformas.services import revisions, transitions
from tradeloom.sales.models import Order
from tradeloom.sales.tests.factories import committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


@pytest.fixture(autouse=True)
def _no_audit(monkeypatch):
    # the audit log is append-only: these committed rows could not be cleaned up
    for module in (made, transitions, revisions):
        monkeypatch.setattr(module, "audit_record", lambda **kwargs: None)


def _cleanup(ids: dict) -> None:
    with ids["connect"]() as conn:
        conn.execute("DELETE FROM proformas_proformaline WHERE organization_id = %s", [ids["org"]])
        conn.execute("UPDATE proformas_proformainvoice SET previous_id = NULL WHERE organization_id = %s", [ids["org"]])
        conn.execute("DELETE FROM proformas_proformainvoice WHERE organization_id = %s", [ids["org"]])
        conn.execute("DELETE FROM core_numbersequence WHERE organization_id = %s", [ids["org"]])


def _at_once(ids: dict, work: list[Callable[[Organization, Membership], Any]]) -> list[Any]:
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race", name="Race Co")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def run(job: Callable[[Organization, Membership], Any]) -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                outcomes.append(job(organization, by))
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outcomes


def _make(ids: dict, percent: str = "10", on: date | None = None) -> Callable[[Organization, Membership], str]:
    def job(organization: Organization, by: Membership) -> str:
        return services.proforma_create(
            organization=organization,
            by=by,
            order=Order.objects.get(pk=ids["order"]),
            data={"pi_date": on or TODAY},
            lines=[{"line": ids["lines"]["RACE"], "basis": "amount", "percent": percent}],
        ).number

    return job


def test_concurrent_creates_get_one_number_each():
    with committed_order(lines={"RACE": {"selling_price": 2}}, order_date=TODAY) as ids:
        try:
            numbers = _at_once(ids, [_make(ids) for _ in range(4)])
        finally:
            _cleanup(ids)
    assert sorted(numbers) == [f"PI-{TODAY.year}-{n:04d}" for n in range(1, 5)]


def test_concurrent_acceptances_never_pass_the_order_value():
    # 1,000 x 2.00 = 2,000.00 at 0 % tax; + 5 % (the organisation's default) = 2,100.00: one PI of 60 % (1,200.00)
    # fits, two do not
    with committed_order(lines={"RACE": {"selling_price": 2}}, order_date=TODAY) as ids:
        try:
            numbers = _at_once(ids, [_make(ids, "60"), _make(ids, "60")])

            def accept(number: str) -> Callable[[Organization, Membership], str]:
                def job(organization: Organization, by: Membership) -> str:
                    pi = ProformaInvoice.objects.get(organization_id=ids["org"], number=number)
                    pi = services.proforma_move(proforma=pi, action="send", by=by)
                    return services.proforma_move(proforma=pi, action="accept", by=by).status

                return job

            outcomes = _at_once(ids, [accept(n) for n in numbers])
        finally:
            _cleanup(ids)
    assert sorted(outcomes) == ["accepted", "proforma_over_order_value"]
