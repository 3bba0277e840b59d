"""How many of each order's gates wait for the buyer (``approvals_waitinggates``), kept by triggers on line gates
and lines (``approvals.waiting``) for the workload report: the table, its functions and triggers, filled from the
gates there are, then indexed."""

import django.db.models.deletion
from django.db import migrations, models

from tradeloom.approvals import waiting
from tradeloom.core import rls


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0007_waiting_line_index'),
        ('sales', '0016_report_line_groups'),
        ('tenancy', '0004_time_ordered_ids'),
    ]

    operations = [
        migrations.CreateModel(
            name='WaitingGates',
            fields=[
                ('order', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='sales.order')),
                ('waiting', models.IntegerField()),
                ('organization', models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.organization')),
            ],
        ),
        rls.EnableRowLevelSecurity("waitinggates"),
        rls.TenantReference("waitinggates", "order"),
        waiting.install(),
        waiting.rebuild(),
        # the backfill's deferred foreign-key checks run now: an index cannot be built over pending trigger events
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="waitinggates",
            index=models.Index(
                condition=models.Q(("waiting__gt", 0)),
                fields=["organization"],
                include=("order", "waiting"),
                name="approvals_waitinggates_idx",
            ),
        ),
        migrations.RunSQL("SET CONSTRAINTS ALL DEFERRED", migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE approvals_waitinggates", migrations.RunSQL.noop),
    ]
