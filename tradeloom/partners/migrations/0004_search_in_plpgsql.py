"""Search functions choose the query's rare trigrams themselves (from ``pg_stats``, which only the owner may read
under row-level security) and plan with the actual values on every call (``core.search``)."""

from django.db import migrations

from tradeloom.core.search import CreateSearchFunction

DROP = """
DROP FUNCTION IF EXISTS tradeloom_search_partners_customer(text[], text[], tsquery, float8);
DROP FUNCTION IF EXISTS tradeloom_search_partners_supplier(text[], text[], tsquery, float8);
DROP FUNCTION IF EXISTS tradeloom_search_partners_customer(text[], tsquery, float8);
DROP FUNCTION IF EXISTS tradeloom_search_partners_supplier(text[], tsquery, float8);
"""


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_search_on_rare_trigrams")]

    operations = [
        migrations.RunSQL(DROP, migrations.RunSQL.noop),
        CreateSearchFunction("customer"),
        CreateSearchFunction("supplier"),
    ]
