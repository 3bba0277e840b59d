"""The index the workload report read waiting gates through (0007) before ``approvals_waitinggates`` (0008) replaced
that read: no statement uses it now, and every gate written paid for it. Reversing builds it again."""

from importlib import import_module

from django.db import migrations

_WAITING = import_module("tradeloom.approvals.migrations.0007_waiting_line_index")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0008_waiting_gates"),
    ]

    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS approvals_waiting_line_idx", _WAITING.WAITING_LINE),
    ]
