"""The exchange rate in force on a day, in SQL: ``tradeloom_rate_on(organization, from, to, day)``, for what the
database computes itself (``sales.totals`` keeps every order's base-currency figures with it).

The rule is ``catalog.services.exchange_rate_on``'s:

* 1 between a currency and itself;
* the latest rate from ``from`` to ``to`` published on or before the day, not archived;
* without one, the inverse of the latest rate from ``to`` to ``from`` (1 / rate, to 28 significant digits as
  Python's ``Decimal`` divides; rounded half away from zero where Python rounds half to even, which only parts on an
  exact tie in the 29th digit);
* without either, NULL: the rate is missing, never 0.

It reads ``catalog_exchangerate`` as the caller (row-level security applies: the caller's organisation only). A
test holds it equal to ``exchange_rate_on`` for any set of rates (``catalog/tests/test_rates.py``).
"""

from __future__ import annotations

from django.db import migrations

RATE_ON_FUNCTION = """
CREATE OR REPLACE FUNCTION tradeloom_rate_on(org uuid, from_currency text, to_currency text, day date)
RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE WHEN from_currency = to_currency THEN 1::numeric ELSE coalesce(
    (SELECT r.rate FROM catalog_exchangerate r
      WHERE r.organization_id = org AND r.from_currency = $2 AND r.to_currency = $3 AND r.date <= day
        AND r.archived_at IS NULL
      ORDER BY r.date DESC LIMIT 1),
    (SELECT round(1::numeric(60, 40) / r.rate, 27 - floor(log(1::numeric(60, 40) / r.rate))::integer)
       FROM catalog_exchangerate r
      WHERE r.organization_id = org AND r.from_currency = $3 AND r.to_currency = $2 AND r.date <= day
        AND r.archived_at IS NULL
      ORDER BY r.date DESC LIMIT 1)) END
$$;
"""
DROP_RATE_ON_FUNCTION = "DROP FUNCTION IF EXISTS tradeloom_rate_on(uuid, text, text, date);"


def install() -> migrations.RunSQL:
    return migrations.RunSQL(RATE_ON_FUNCTION, DROP_RATE_ON_FUNCTION)
