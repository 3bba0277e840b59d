"""bulk_insert: the rows bulk_create would write, in one statement whose text does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, DataError, connection
from django.db.models.expressions import DatabaseDefault
from django.test.utils import CaptureQueriesContext

from tradeloom.catalog.models import ExchangeRate
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.bulk import Each, bulk_insert, bulk_insert_objects
from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Customer
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import StyleFactory
from tradeloom.tenancy.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ROW = ("organization_id", "date", "from_currency", "to_currency", "rate", "version", "archived_at")


def test_columns_take_a_value_per_row_or_one_for_all_and_defaults_fill_the_rest(org, django_assert_num_queries):
    with tenant_context(org):
        with django_assert_num_queries(1):
            rows = bulk_insert(
                ExchangeRate,
                3,
                {
                    "organization": org.pk,
                    "date": Each([date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]),
                    "from_currency": "EUR",
                    "to_currency": "USD",
                    "rate": Each([Decimal("1.1"), Decimal("1.2"), Decimal("1.3")]),
                },
            )
        stored = {r.pk: r for r in ExchangeRate.objects.all()}
    # Each row's own id (a callable default is called per row) and its database default, in the order given.
    assert [r["id"] for r in rows] == sorted(stored, key=lambda pk: stored[pk].date)
    assert len({r["id"] for r in rows}) == 3
    assert [r["created_at"] for r in rows] == [stored[r["id"]].created_at for r in rows]
    first = stored[rows[0]["id"]]
    assert tuple(getattr(first, f) for f in ROW) == (org.pk, date(2026, 1, 1), "EUR", "USD", Decimal("1.1"), 1, None)
    assert first.updated_at is not None  # auto_now


def test_the_statement_is_the_same_for_one_row_or_many():
    def statement(count: int) -> str:
        with CaptureQueriesContext(connection) as queries:
            bulk_insert(
                ExchangeRate,
                count,
                {
                    "organization": org_id,
                    "date": Each(date(2000, count, 1) + timedelta(days=i) for i in range(count)),
                    "from_currency": "EUR",
                    "to_currency": "USD",
                    "rate": Decimal(1),
                },
            )
        return queries.captured_queries[0]["sql"]

    org_id = OrganizationFactory().pk
    with tenant_context(org_id):
        one, many = statement(1), statement(2)
        assert ExchangeRate.objects.count() == 3
    # Server-side binding: the values travel apart from the text, so the statement can be prepared once.
    assert one == many
    assert "$1" in many


def test_no_limit_on_the_number_of_rows(org):
    # 70,000 rows of 5 columns would be 350,000 placeholders as VALUES; PostgreSQL takes at most 65,535.
    count = 70_000
    with tenant_context(org):
        bulk_insert(
            ExchangeRate,
            count,
            {
                "organization": org.pk,
                "date": Each(date(1800, 1, 1) + timedelta(days=i) for i in range(count)),
                "from_currency": "EUR",
                "to_currency": "USD",
                "rate": Each(Decimal(i + 1) for i in range(count)),
            },
        )
        assert ExchangeRate.objects.count() == count


def test_row_level_security_refuses_another_organisations_rows(org, other_org):
    with pytest.raises(DatabaseError, match="row-level security"), tenant_context(org):
        bulk_insert(
            ExchangeRate,
            1,
            {
                "organization": other_org.pk,
                "date": Each([date(2026, 1, 1)]),
                "from_currency": "EUR",
                "to_currency": "USD",
                "rate": Decimal(1),
            },
        )
    with tenant_context(other_org):
        assert not ExchangeRate.objects.exists()


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert(ExchangeRate, 0, {"rate": Each([])}) == []
        bulk_insert_objects([])


def test_mistakes_are_refused_before_anything_is_written(org, django_assert_num_queries):
    base = {"organization": org.pk, "from_currency": "EUR", "to_currency": "USD", "rate": Decimal(1)}
    with django_assert_num_queries(0):
        with pytest.raises(ValueError, match="1 values for 2 rows"):
            bulk_insert(ExchangeRate, 2, {**base, "date": Each([date(2026, 1, 1)])})
        with pytest.raises(ValueError, match="no columns colour"):
            bulk_insert(ExchangeRate, 1, {**base, "date": Each([date(2026, 1, 1)]), "colour": "red"})
        with pytest.raises(ValueError, match="a value per row"):
            bulk_insert(Group, 1, {"name": "no per-row column: not even a generated id"})


def _lines(style, count: int) -> list[Line]:
    unit = UnitFactory(organization=style.organization)
    return [
        Line(
            organization=style.organization,
            order=style.order,
            style=style,
            colour_code=f"C{i}",
            quantity=Decimal("1500.5"),
            unit=unit,
            selling_price=Decimal("4.25") if i else None,
            etd=date(2026, 12, 1) if i else None,
            position=i,
        )
        for i in range(count)
    ]


def test_objects_are_written_as_bulk_create_writes_them_and_become_saved_instances(org):
    with tenant_context(org):
        style = StyleFactory(organization=org)
        ours = _lines(style, 3)
        bulk_insert_objects(ours)
        theirs = _lines(StyleFactory(organization=org, order=style.order), 3)
        Line.objects.bulk_create(theirs)
        stored = {line.pk: line for line in Line.objects.all()}

    skip = {"id", "created_at", "updated_at", "style_id", "unit_id"}
    fields = [f.attname for f in Line._meta.concrete_fields if f.attname not in skip]
    for mine, bulk in zip(ours, theirs, strict=True):
        assert [getattr(stored[mine.pk], f) for f in fields] == [getattr(stored[bulk.pk], f) for f in fields]
        assert mine._state.adding is False
        assert mine._state.db == "default"
        # The database default comes back onto the instance.
        assert mine.created_at == stored[mine.pk].created_at
        assert not isinstance(mine.created_at, DatabaseDefault)


def test_a_database_default_given_for_some_rows_only_is_refused(org, django_assert_num_queries):
    with tenant_context(org):
        style = StyleFactory(organization=org)
        lines = _lines(style, 2)
        lines[1].created_at = lines[1].updated_at = date(2026, 1, 1)
        with django_assert_num_queries(0), pytest.raises(ValueError, match="database default"):
            bulk_insert_objects(lines)
        assert not Line.objects.filter(style=style).exists()


def test_generated_and_serial_columns_are_left_to_the_database_and_returned(org):
    with tenant_context(org):
        rows = bulk_insert(
            Customer,
            2,
            {
                "organization": org.pk,
                "code": Each(["ACME", "BOLT"]),
                "legal_name": Each(["Acme Mills", "Bolt Weaving"]),
                "search_document": Each(["acme mills", "bolt weaving"]),
            },
        )
        assert [str(r["search_vector"]) for r in rows] == ["'acme':1 'mills':2", "'bolt':1 'weaving':2"]
        with pytest.raises(ValueError, match="generated by the database"):
            bulk_insert(Customer, 1, {"organization": org.pk, "code": Each(["X"]), "search_vector": ""})
    groups = bulk_insert(Group, 2, {"name": Each(["buyers", "mills"])})
    assert sorted(Group.objects.values_list("pk", flat=True)) == sorted(r["id"] for r in groups)


def test_a_value_too_long_for_its_column_is_refused_not_cut(org):
    with pytest.raises(DataError, match="too long"), tenant_context(org):
        bulk_insert(
            Customer, 1, {"organization": org.pk, "code": Each(["C" * 31]), "legal_name": "Acme", "country": "GB"}
        )
    with tenant_context(org):
        assert not Customer.objects.exists()


def test_an_array_column_takes_one_value_for_all_rows(org, django_assert_num_queries):
    with tenant_context(org):
        bulk_insert(
            Customer,
            2,
            {"organization": org.pk, "code": Each(["A", "B"]), "legal_name": "Acme", "search_trigrams": ["acm"]},
        )
        assert [c.search_trigrams for c in Customer.objects.all()] == [["acm"], ["acm"]]
        with django_assert_num_queries(0), pytest.raises(ValueError, match="one value for all rows"):
            bulk_insert(Customer, 1, {"organization": org.pk, "code": Each(["C"]), "search_trigrams": Each([["x"]])})


def test_instances_need_their_primary_key_before_the_insert(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ValueError, match="primary key"):
        bulk_insert_objects([Group(name="buyers")])
