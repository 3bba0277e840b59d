"""The indexes the reports read lines and orders through (0014, 0015) before the line groups (0016) and the line
departures (logistics 0003) replaced those reads: no statement uses them now, and every line and order written paid
for them (docs/reports.md "Performance"). Reversing builds them again."""

from importlib import import_module

from django.db import migrations

_LINES = import_module("tradeloom.sales.migrations.0014_report_line_indexes")
_TOLERANCE = import_module("tradeloom.sales.migrations.0015_report_tolerance_index")


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0016_report_line_groups"),
        ("logistics", "0003_line_departures"),
    ]

    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS sales_line_open_order_idx", _LINES.OPEN_ORDER),
        migrations.RunSQL("DROP INDEX IF EXISTS sales_line_org_order_idx", _LINES.ORG_ORDER),
        migrations.RunSQL("DROP INDEX IF EXISTS sales_order_tolerance_idx", _TOLERANCE.TOLERANCE),
    ]
