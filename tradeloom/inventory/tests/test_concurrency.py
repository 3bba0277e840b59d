"""Issues of the last unit at once, on real connections in their own committed transactions: the balance row's lock
makes each wait for the one before and see its balance, so exactly one succeeds when negative stock is not allowed
(and every one, leaving the ledger equal to the balance, when it is)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory.services import moves as move_services
from tradeloom.inventory.services import stock_issue
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

TABLES = (
    "inventory_stockmove",
    "inventory_stockbalance",
    "inventory_warehouse",
    "catalog_item",
    "catalog_unitofmeasure",
)


def _connect() -> psycopg.Connection[Any]:
    params = connections["owner"].get_connection_params()
    admin = {k: params[k] for k in ("host", "port", "user") if k in params}
    return psycopg.connect(dbname=connections["default"].settings_dict["NAME"], autocommit=True, **admin)


def _seed(ids: dict[str, Any], *, allow_negative: bool) -> None:
    now = timezone.now()
    settings = '{"allow_negative_stock": true}' if allow_negative else "{}"
    org = ids["org"]
    common = {"organization_id": org, "created_at": now, "updated_at": now}
    rows = [
        ("catalog_unitofmeasure", {"id": ids["unit"], "code": "m", "name": "Metre", "dimension": "length"}
         | {"factor": 1, "version": 1}),
        ("catalog_item", {"id": ids["item"], "kind": "fabric", "code": "LAST", "name": "The last metre"}
         | {"unit_id": ids["unit"], "version": 1}
         | dict.fromkeys(("description", "composition", "construction", "finish", "hs_code"), "")),
        ("inventory_warehouse", {"id": ids["warehouse"], "code": "W", "name": "Store", "kind": "own_store"}
         | {"address": "", "notes": "", "version": 1}),
        ("inventory_stockbalance", {"id": ids["balance"], "warehouse_id": ids["warehouse"], "item_id": ids["item"]}
         | {"lot": "", "quantity": 1, "value": Decimal("2.00"), "average_unit_cost": 2, "move_count": 1}),
        ("inventory_stockmove", {"id": uuid.uuid4(), "kind": "receipt", "balance_id": ids["balance"]}
         | {"warehouse_id": ids["warehouse"], "item_id": ids["item"], "lot": "", "moved_on": now.date()}
         | {"quantity": 1, "given_quantity": 1, "given_unit_id": ids["unit"], "value": Decimal("2.00")}
         | {"unit_cost": 2, "quantity_after": 1, "value_after": Decimal("2.00"), "sequence": 1}
         | {"source_type": "", "reference": "opening", "reason": ""}),
    ]  # fmt: skip
    with _connect() as conn:
        conn.execute(
            "INSERT INTO tenancy_organization (id, name, slug, base_currency, timezone, settings, seat_limit, "
            "is_active, created_at, updated_at) VALUES (%s, 'Race Co', %s, 'USD', 'UTC', %s, 5, true, %s, %s)",
            [org, f"race-{org.hex[:8]}", settings, now, now],
        )
        for table, values in rows:
            values = {**values, **common}
            marks = ", ".join(["%s"] * len(values))
            conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values()))  # noqa: S608


def _clean(org: Any) -> None:
    with _connect() as conn:
        for table in TABLES:
            conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org])  # noqa: S608
        conn.execute("DELETE FROM tenancy_organization WHERE id = %s", [org])


def _issue_at_once(ids: dict[str, Any], *, threads: int, allow_negative: bool) -> list[str]:
    from tradeloom.catalog.models import Item, UnitOfMeasure
    from tradeloom.inventory.models import Warehouse

    settings = {"allow_negative_stock": True} if allow_negative else {}
    organization = Organization(pk=ids["org"], settings=settings, timezone="UTC", slug="race", base_currency="USD")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def take_the_last_one() -> None:
        try:
            start.wait()
            with transaction.atomic():
                connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                stock_issue(
                    organization=organization,
                    by=by,
                    warehouse=Warehouse.objects.get(pk=ids["warehouse"]),
                    item=Item.objects.select_related("unit").get(pk=ids["item"]),
                    quantity=Decimal(1),
                    unit=UnitOfMeasure.objects.get(pk=ids["unit"]),
                    source_type="sales.line",
                    source_id=uuid.uuid4(),
                    reference="race",
                )
            outcomes.append("issued")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=take_the_last_one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return outcomes


def _figures(ids: dict[str, Any]) -> tuple[Any, ...]:
    with _connect() as conn:
        balance = conn.execute(
            "SELECT quantity, value, move_count FROM inventory_stockbalance WHERE id = %s", [ids["balance"]]
        ).fetchone()
        moves = conn.execute(
            "SELECT sum(quantity), sum(value), count(*), count(DISTINCT sequence) FROM inventory_stockmove "
            "WHERE balance_id = %s",
            [ids["balance"]],
        ).fetchone()
    assert balance is not None
    assert moves is not None
    return (*balance, *moves)


@pytest.mark.django_db(databases=["default", "owner"])
@pytest.mark.parametrize("allow_negative", [False, True])
def test_concurrent_issues_of_the_last_unit(monkeypatch, allow_negative):
    monkeypatch.setattr(move_services, "audit_record", lambda **kwargs: None)
    ids = {name: uuid.uuid4() for name in ("org", "unit", "item", "warehouse", "balance")}
    _seed(ids, allow_negative=allow_negative)
    try:
        outcomes = _issue_at_once(ids, threads=4, allow_negative=allow_negative)
        quantity, value, move_count, moved, valued, count, sequences = _figures(ids)
    finally:
        _clean(ids["org"])
    if allow_negative:
        assert outcomes == ["issued"] * 4
        assert quantity == Decimal(-3)
    else:
        assert sorted(outcomes) == ["insufficient_stock"] * 3 + ["issued"]
        assert (quantity, value) == (Decimal(0), Decimal(0))
    # the ledger adds up to the balance, and every move has its own place in the sequence
    assert (moved, valued) == (quantity, value)
    assert count == sequences == move_count


@pytest.mark.django_db(databases=["default", "owner"])
def test_transfers_both_ways_at_once_do_not_deadlock(monkeypatch):
    """A → B and B → A at once lock the same two balances: in one order (warehouse, item, lot), so none deadlocks."""
    monkeypatch.setattr(move_services, "audit_record", lambda **kwargs: None)
    from tradeloom.catalog.models import Item, UnitOfMeasure
    from tradeloom.inventory.models import Warehouse
    from tradeloom.inventory.services import stock_transfer

    ids = {name: uuid.uuid4() for name in ("org", "unit", "item", "warehouse", "balance", "other", "other_balance")}
    _seed(ids, allow_negative=False)
    now = timezone.now()
    with _connect() as conn:
        conn.execute(
            "INSERT INTO inventory_warehouse (id, organization_id, code, name, kind, address, notes, version, "
            "created_at, updated_at) VALUES (%s, %s, 'W2', 'Other', 'own_store', '', '', 1, %s, %s)",
            [ids["other"], ids["org"], now, now],
        )
        # the seeded receipt and its balance: 10 m worth 20.00
        conn.execute("UPDATE inventory_stockbalance SET quantity = 10, value = 20 WHERE id = %s", [ids["balance"]])
        conn.execute(
            "UPDATE inventory_stockmove SET quantity = 10, given_quantity = 10, value = 20, quantity_after = 10, "
            "value_after = 20 WHERE balance_id = %s",
            [ids["balance"]],
        )
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC", slug="race", base_currency="USD")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def move(source: str, target: str) -> None:
        try:
            start.wait()
            for _ in range(3):
                with transaction.atomic():
                    connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                    stock_transfer(
                        organization=organization,
                        by=by,
                        from_warehouse=Warehouse.objects.get(pk=ids[source]),
                        to_warehouse=Warehouse.objects.get(pk=ids[target]),
                        item=Item.objects.select_related("unit").get(pk=ids["item"]),
                        quantity=Decimal(1),
                        unit=UnitOfMeasure.objects.get(pk=ids["unit"]),
                    )
                outcomes.append("moved")
        except ApplicationError as refused:
            outcomes.append(refused.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    try:
        workers = [
            threading.Thread(target=move, args=(("warehouse", "other") if n % 2 == 0 else ("other", "warehouse")))
            for n in range(6)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        with _connect() as conn:
            rows = conn.execute(
                "SELECT b.quantity, b.value, "
                "(SELECT sum(quantity) FROM inventory_stockmove m WHERE m.balance_id = b.id), "
                "(SELECT sum(value) FROM inventory_stockmove m WHERE m.balance_id = b.id) "
                "FROM inventory_stockbalance b WHERE b.organization_id = %s",
                [ids["org"]],
            ).fetchall()
    finally:
        _clean(ids["org"])
    assert not errors, errors  # no deadlock, no other failure
    assert set(outcomes) <= {"moved", "insufficient_stock"}
    assert sum(quantity for quantity, *_ in rows) == Decimal(10)  # what moves between them stays
    assert sum(value for _, value, *_ in rows) == Decimal(20)  # and so does its value (2.00 a metre)
    for quantity, value, moved, valued in rows:
        assert quantity >= 0
        assert (moved, valued) == (quantity, value)
