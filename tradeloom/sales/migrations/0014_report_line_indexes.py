"""Two covering indexes of lines for the manager's reports (``reports.selectors``, docs/reports.md "Performance").

* ``sales_line_open_order_idx``: the open lines (``sales.totals.OPEN_LINE_SQL``) by order, with their ETD, id,
  quantity and selling price: the late orders report and the workload's open lines read them from the index alone
  (a fifth of the table's pages) instead of scanning ``sales_line``.
* ``sales_line_org_order_idx``: every line's order by its id: the workload's approval gates find their line's order
  from the index alone.

Plain SQL (not ``AddIndex``): the reports own these, not the line model; the autodetector does not see them.
"""

from django.db import migrations

OPEN_ORDER = """
CREATE INDEX IF NOT EXISTS sales_line_open_order_idx ON sales_line (organization_id, order_id)
INCLUDE (etd, id, quantity, selling_price)
WHERE status NOT IN ('completed', 'archived') AND delivered_quantity < quantity
"""
ORG_ORDER = "CREATE INDEX IF NOT EXISTS sales_line_org_order_idx ON sales_line (organization_id, id) INCLUDE (order_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0013_order_confirmation"),
    ]

    operations = [
        migrations.RunSQL(OPEN_ORDER, "DROP INDEX IF EXISTS sales_line_open_order_idx"),
        migrations.RunSQL(ORG_ORDER, "DROP INDEX IF EXISTS sales_line_org_order_idx"),
    ]
