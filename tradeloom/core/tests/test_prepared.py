"""PreparedQuery: compiled once, the same rows as the queryset, row-level security as for any query."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import orjson
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from tradeloom.catalog.models import ExchangeRate
from tradeloom.core.context import tenant_context
from tradeloom.core.prepared import PreparedQuery, model_from_row
from tradeloom.tenancy.models import Organization

pytestmark = pytest.mark.django_db


def _rates(org: Organization) -> list[ExchangeRate]:
    with tenant_context(org):
        return ExchangeRate.objects.bulk_create(
            [
                ExchangeRate(organization=org, date=date(2026, 1, d), from_currency="EUR", to_currency="USD", rate=r)
                for d, r in ((1, Decimal("1.1")), (2, Decimal("1.2")))
            ]
        )


RATES = PreparedQuery(
    lambda org, currency: (
        ExchangeRate.objects.filter(organization_id=org, from_currency=currency)
        .order_by("date")
        .values("id", "date", "rate", doubled=F("rate") * 2)
    ),
    org=UUID,
    currency=str,
)
RATE = PreparedQuery(lambda pk: ExchangeRate.objects.filter(pk=pk), pk=UUID)


def test_values_rows_equal_the_querysets_for_each_set_of_parameters(org, django_assert_num_queries):
    made = _rates(org)
    with tenant_context(org):
        expected = list(
            ExchangeRate.objects.filter(organization_id=org.pk, from_currency="EUR")
            .order_by("date")
            .values("id", "date", "rate", doubled=F("rate") * 2)
        )
        with django_assert_num_queries(1):
            rows = RATES.all(org=org.pk, currency="EUR")
        assert rows == expected
        assert [r["id"] for r in rows] == [m.pk for m in made]
        assert isinstance(rows[0]["rate"], Decimal)
        assert isinstance(rows[0]["date"], date)
        assert RATES.all(org=org.pk, currency="GBP") == []
        assert RATES.first(org=org.pk, currency="GBP") is None


def test_model_rows_are_instances_as_django_builds_them(org):
    made = _rates(org)
    with tenant_context(org):
        rate = RATE.first(pk=made[1].pk)
        assert isinstance(rate, ExchangeRate)
        assert (rate.pk, rate.rate, rate.date, rate.organization_id) == (
            made[1].pk,
            Decimal("1.20000000"),
            date(2026, 1, 2),
            org.pk,
        )
        assert rate._state.adding is False
        assert rate._state.db == "default"


def test_row_level_security_applies_as_to_any_query(org, other_org):
    made = _rates(org)
    with tenant_context(other_org):
        assert RATE.first(pk=made[0].pk) is None
        assert RATES.all(org=org.pk, currency="EUR") == []


def test_a_parameter_that_does_not_reach_the_sql_unchanged_is_refused():
    contains = PreparedQuery(lambda code: ExchangeRate.objects.filter(from_currency__icontains=code), code=str)
    with pytest.raises(ImproperlyConfigured, match="code"):
        contains.all(code="EU")


def test_only_scalar_parameters_and_no_prefetch():
    with pytest.raises(ImproperlyConfigured, match="UUID, str or int"):
        PreparedQuery(lambda day: ExchangeRate.objects.filter(date=day), day=date)
    prefetched = PreparedQuery(lambda pk: ExchangeRate.objects.prefetch_related("organization").filter(pk=pk), pk=UUID)
    with pytest.raises(ImproperlyConfigured, match="prefetch_related"):
        prefetched.first(pk=UUID(int=1))
    extra = PreparedQuery(lambda pk: ExchangeRate.objects.extra(select={"one": "1"}).filter(pk=pk), pk=UUID)
    with pytest.raises(ImproperlyConfigured, match="extra"):
        extra.first(pk=UUID(int=1))


JOINED = PreparedQuery(
    lambda pk: (
        ExchangeRate.objects.select_related("organization", "created_by")
        .defer("updated_at")
        .annotate(doubled=F("rate") * 2)
        .filter(pk=pk)
    ),
    pk=UUID,
)


def test_select_related_and_annotations_are_built_as_django_builds_them(org, django_assert_num_queries):
    made = _rates(org)
    with tenant_context(org):
        expected = (
            ExchangeRate.objects.select_related("organization", "created_by")
            .defer("updated_at")
            .annotate(doubled=F("rate") * 2)
            .get(pk=made[0].pk)
        )
        with django_assert_num_queries(1):
            rate = JOINED.first(pk=made[0].pk)
            assert rate.organization.slug == org.slug  # joined: no statement
            assert rate.created_by is None
            assert rate.doubled == Decimal("2.2") == expected.doubled
        assert (rate.pk, rate.rate, rate.organization_id) == (expected.pk, expected.rate, expected.organization_id)
        assert rate.get_deferred_fields() == expected.get_deferred_fields() == {"updated_at"}
        assert JOINED.first(pk=UUID(int=5)) is None


def test_the_named_parameters_are_required():
    with pytest.raises(TypeError, match="pk"):
        RATE.all(id=UUID(int=1))


def test_model_from_row_takes_columns_in_any_order_and_converts_json(org):
    org.settings = {"approval_stuck_days": 9}
    org.save()
    fields = Organization._meta.concrete_fields
    columns = [f.column for f in reversed(fields)]
    raw = [
        orjson.dumps(getattr(org, f.attname)).decode() if f.name == "settings" else getattr(org, f.attname)
        for f in reversed(fields)
    ]
    built = model_from_row(Organization, columns, raw)
    assert (built.pk, built.slug, built.settings) == (org.pk, org.slug, {"approval_stuck_days": 9})
    with pytest.raises(ImproperlyConfigured, match="missing"):
        model_from_row(Organization, columns[1:], raw[1:])


def test_repeated_statements_are_prepared_and_their_plans_reused(org):
    # psycopg prepares a server-bound statement once the connection has run it prepare_threshold times (5)
    from django.db import connection

    _rates(org)
    threshold = connection.connection.prepare_threshold
    assert threshold == 5
    with tenant_context(org):
        for _ in range(threshold + 2):
            assert len(RATES.all(org=org.pk, currency="EUR")) == 2
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
    assert any('"catalog_exchangerate"' in sql and "$1" in sql for sql in prepared)


def test_server_binding_restores_the_connections_cursor_factory():
    from django.db import connection

    from tradeloom.core.prepared import server_binding

    connection.ensure_connection()
    before = connection.connection.cursor_factory
    seen = []

    def fail_inside() -> None:
        with server_binding():
            seen.append(connection.connection.cursor_factory)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_inside()
    assert seen[0] is not before
    assert connection.connection.cursor_factory is before
