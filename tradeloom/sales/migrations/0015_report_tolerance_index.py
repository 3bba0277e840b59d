"""The orders with a shipment tolerance of their own (most have none: the organisation's applies), for the OTIF
report (``reports.selectors``): a line's tolerance is looked up in this small index instead of the orders' table.
Plain SQL: the report owns it, not the order model (the autodetector does not see it)."""

from django.db import migrations

TOLERANCE = """
CREATE INDEX IF NOT EXISTS sales_order_tolerance_idx ON sales_order (id) INCLUDE (shipment_tolerance_percent)
WHERE shipment_tolerance_percent IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0014_report_line_indexes"),
    ]

    operations = [
        migrations.RunSQL(TOLERANCE, "DROP INDEX IF EXISTS sales_order_tolerance_idx"),
    ]
