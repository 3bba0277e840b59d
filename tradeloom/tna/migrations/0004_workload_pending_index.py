"""Pending milestones by responsible with their dates, for the workload report (``reports.selectors``: milestones
due in the next days and late per merchandiser), read from the index alone. Plain SQL: the report owns it, not the
milestone model (the autodetector does not see it)."""

from django.db import migrations

PENDING = """
CREATE INDEX IF NOT EXISTS tna_milestone_workload_idx ON tna_milestone (organization_id, responsible_id)
INCLUDE (forecast_date, planned_date, plan_id) WHERE status = 'pending'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tna", "0003_calendar_done_index"),
    ]

    operations = [
        migrations.RunSQL(PENDING, "DROP INDEX IF EXISTS tna_milestone_workload_idx"),
    ]
