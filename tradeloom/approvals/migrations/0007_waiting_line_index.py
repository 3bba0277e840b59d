"""The gates waiting for the buyer by line (``reports.selectors``' workload: gates waiting per merchandiser), read
from the index alone instead of scanning every gate. Plain SQL: the report owns it, not the gate model (the
autodetector does not see it)."""

from django.db import migrations

WAITING_LINE = """
CREATE INDEX IF NOT EXISTS approvals_waiting_line_idx ON approvals_linegate (organization_id, line_id)
WHERE state IN ('resubmission', 'submission')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_waiting_since_index"),
    ]

    operations = [
        migrations.RunSQL(WAITING_LINE, "DROP INDEX IF EXISTS approvals_waiting_line_idx"),
    ]
