"""Document numbers: formats, yearly restarts, no gaps on rollback, no duplicates under concurrency."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import psycopg
import pytest
from django.db import connection, connections, transaction

from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.numbering import number_allocate, validate_format
from tradeloom.tenancy.models import Organization


@pytest.mark.django_db
def test_numbers_follow_the_default_formats(org):
    with tenant_context(org):
        assert number_allocate(organization=org, kind="sales_order") == "SO-000001"
        assert number_allocate(organization=org, kind="sales_order") == "SO-000002"
        assert number_allocate(organization=org, kind="purchase_order") == "PO-000001"
        assert number_allocate(organization=org, kind="proforma_invoice", on=date(2026, 3, 1)) == "PI-2026-0001"


@pytest.mark.django_db
def test_sequences_are_per_organisation(org, other_org):
    with tenant_context(org):
        number_allocate(organization=org, kind="sales_order")
    with tenant_context(other_org):
        assert number_allocate(organization=other_org, kind="sales_order") == "SO-000001"


@pytest.mark.django_db
def test_yearly_formats_restart_each_year(org):
    with tenant_context(org):
        assert number_allocate(organization=org, kind="proforma_invoice", on=date(2026, 12, 31)) == "PI-2026-0001"
        assert number_allocate(organization=org, kind="proforma_invoice", on=date(2027, 1, 1)) == "PI-2027-0001"
        assert number_allocate(organization=org, kind="proforma_invoice", on=date(2026, 6, 1)) == "PI-2026-0002"


@pytest.mark.django_db
def test_the_format_is_configurable_per_organisation(org):
    Organization.objects.filter(pk=org.pk).update(settings={"numbering": {"sales_order": "ACME/SO/{n:05d}"}})
    org.refresh_from_db()
    with tenant_context(org):
        assert number_allocate(organization=org, kind="sales_order") == "ACME/SO/00001"


@pytest.mark.parametrize("fmt", ["SO-{x}", "no number", "SO-{n:zz}", "{n}{year}{other}", "X" * 41 + "{n}"])
def test_bad_formats_are_refused(fmt):
    with pytest.raises(ApplicationError) as refused:
        validate_format(fmt)
    assert refused.value.code == "invalid_number_format"


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_back(org):
    def create_a_failing_document() -> None:
        with transaction.atomic():
            number_allocate(organization=org, kind="sales_order")
            raise RuntimeError("the document failed validation")

    with tenant_context(org):
        with pytest.raises(RuntimeError):
            create_a_failing_document()
        assert number_allocate(organization=org, kind="sales_order") == "SO-000001"


@pytest.mark.django_db
def test_allocation_outside_a_transaction_is_refused(org, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_allocate(organization=org, kind="sales_order")


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_creators_get_distinct_gapless_numbers():
    """Real concurrent transactions: 8 threads, 5 documents each, on their own connections, committing."""
    owner_params = connections["owner"].get_connection_params()
    admin = {k: owner_params[k] for k in ("host", "port", "user") if k in owner_params}
    database = connections["default"].settings_dict["NAME"]
    org_id = uuid.uuid4()
    with psycopg.connect(dbname=database, autocommit=True, **admin) as conn:  # committed, outside the test transaction
        conn.execute(
            "INSERT INTO tenancy_organization (id, name, slug, base_currency, timezone, settings, seat_limit,"
            " is_active, created_at, updated_at) VALUES (%s, 'Race Co', %s, 'USD', 'UTC', '{}', 5, true, now(), now())",
            [org_id, f"race-{org_id.hex[:8]}"],
        )
    organization = Organization(pk=org_id, settings={}, timezone="UTC")
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def create_documents(fail_every: int) -> None:
        try:
            start.wait()
            for i in range(5):
                try:
                    with transaction.atomic():
                        connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(org_id)])
                        number = number_allocate(organization=organization, kind="sales_order")
                        if fail_every and i % fail_every == 0:
                            raise LookupError("this document is abandoned")
                    with lock:
                        numbers.append(number)
                except LookupError:
                    pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create_documents, args=(3 if n % 2 else 0,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert not errors, errors
        committed = sorted(numbers)
        # 4 threads commit all 5, 4 threads abandon 2 of 5 (i = 0 and 3): 32 documents
        assert len(committed) == 32
        assert len(set(committed)) == 32
        assert committed == [f"SO-{n:06d}" for n in range(1, 33)]
    finally:
        with psycopg.connect(dbname=database, autocommit=True, **admin) as conn:
            conn.execute("DELETE FROM core_numbersequence WHERE organization_id = %s", [org_id])
            conn.execute("DELETE FROM tenancy_organization WHERE id = %s", [org_id])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("numbering", "status"),
    [({"sales_order": "ACME-{n:05d}"}, 200), ({"sales_order": "ACME"}, 400), ({"bogus": "X-{n}"}, 400)],
)
def test_number_formats_are_set_and_validated_in_the_organisation_settings(org, member, api_as, numbering, status):
    response = api_as(member("admin")).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": {"numbering": numbering}}, format="json"
    )
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "invalid_number_format"
