"""The rate in force on a day in SQL (``catalog.rates``: ``tradeloom_rate_on``) is ``exchange_rate_on``'s, for any set
of rates: direct ones first, inverses (to 28 digits) otherwise, archived ones never, 1 in a currency itself, and
NULL where there is no rate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradeloom.catalog.models import ExchangeRate
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.context import tenant_context
from tradeloom.core.money import cents

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)
DAYS = 12
rate_values = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal("99999"), places=8, allow_nan=False)
rate_rows = st.lists(
    st.tuples(
        st.integers(min_value=-2, max_value=DAYS),  # published on START + n
        st.sampled_from([("EUR", "USD"), ("USD", "EUR"), ("BDT", "USD"), ("USD", "BDT"), ("EUR", "BDT")]),
        rate_values,
        st.booleans(),  # archived
    ),
    max_size=8,
    unique_by=lambda row: (row[0], row[1]),
)


def sql_rates(organization, base: str) -> dict[tuple[str, date], Decimal]:
    """Every currency's rate to ``base`` on every day of the span, from the SQL function (None: no rate)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c, d::date, tradeloom_rate_on(%s, c, %s, d::date)"
            " FROM unnest(ARRAY['EUR', 'BDT', 'USD']) AS c, generate_series(%s::date, %s::date, interval '1 day') AS d",
            [organization.pk, base, START, START + timedelta(days=DAYS)],
        )
        return {(currency, day): rate for currency, day, rate in cursor.fetchall() if rate is not None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rate_rows)
@example(rows=[(0, ("USD", "EUR"), Decimal("0.92"), False)])  # an inverse only: 1 / 0.92 to 28 digits
@example(rows=[(0, ("USD", "EUR"), Decimal("0.92"), False), (5, ("EUR", "USD"), Decimal("1.1"), False)])
@example(rows=[(3, ("EUR", "USD"), Decimal("1.1"), True)])  # archived: no rate at all
def test_the_rate_of_every_day_is_exchange_rate_on_s(org, rows):
    with tenant_context(org), transaction.atomic():
        savepoint = transaction.savepoint()
        for offset, (source, target), rate, archived in rows:
            ExchangeRate.objects.create(
                organization=org,
                date=START + timedelta(days=offset),
                from_currency=source,
                to_currency=target,
                rate=rate,
                archived_at=timezone.now() if archived else None,
            )
        found = sql_rates(org, "USD")
        expected = {}
        for currency in ("EUR", "BDT", "USD"):
            for n in range(DAYS + 1):
                day = START + timedelta(days=n)
                rate = exchange_rate_on(organization=org, day=day, from_currency=currency, to_currency="USD")
                if rate is not None:
                    expected[(currency, day)] = rate
        transaction.savepoint_rollback(savepoint)
    # then the same days have a rate, and the rates are equal — so is what an amount converts to
    assert set(found) == set(expected)
    for key, rate in expected.items():
        assert found[key] == rate, key
        assert cents(Decimal("123456.78") * found[key]) == cents(Decimal("123456.78") * rate)


def test_a_day_before_the_first_rate_has_none_and_the_last_rate_lasts(org):
    with tenant_context(org):
        ExchangeRate.objects.create(
            organization=org, date=START + timedelta(days=3), from_currency="EUR", to_currency="USD", rate=Decimal(1)
        )
        found = sql_rates(org, "USD")
    assert ("EUR", START + timedelta(days=2)) not in found
    assert found[("EUR", START + timedelta(days=3))] == found[("EUR", START + timedelta(days=DAYS))] == 1
