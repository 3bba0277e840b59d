"""Search functions tell the planner they return few rows (``ROWS 20``), so it fetches them by primary key.
(Their body is ``core.search.CreateSearchFunction``'s current one; 0004 replaces the interim four-argument form.)"""

from django.db import migrations

from tradeloom.core.search import CreateSearchFunction

DROP_OLD = """
DROP FUNCTION IF EXISTS tradeloom_search_partners_customer(text[], tsquery, float8);
DROP FUNCTION IF EXISTS tradeloom_search_partners_supplier(text[], tsquery, float8);
"""


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_protect_children_search_functions")]

    operations = [
        migrations.RunSQL(DROP_OLD, migrations.RunSQL.noop),
        CreateSearchFunction("customer"),
        CreateSearchFunction("supplier"),
    ]
