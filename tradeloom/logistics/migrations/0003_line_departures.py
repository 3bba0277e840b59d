"""What has departed of every line due to the buyer (``logistics_linedepartures``), kept by triggers on lines,
orders, shipment lines and shipments (``logistics.departures``) for the on-time-in-full report: the table, its
functions and triggers, filled from the lines there are, then indexed."""

import django.db.models.deletion
from django.db import migrations, models

from tradeloom.core import rls
from tradeloom.logistics import departures


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0002_search_by_codes'),
        ('sales', '0016_report_line_groups'),
        ('tenancy', '0004_time_ordered_ids'),
    ]

    operations = [
        migrations.CreateModel(
            name='LineDepartures',
            fields=[
                ('line', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='sales.line')),
                ('order_id', models.UUIDField()),
                ('customer_id', models.UUIDField()),
                ('merchandiser_id', models.UUIDField(null=True)),
                ('etd', models.DateField()),
                ('quantity', models.DecimalField(decimal_places=3, max_digits=18)),
                ('tolerance_percent', models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ('first_departed_on', models.DateField(null=True)),
                ('departed', models.DecimalField(decimal_places=3, max_digits=24)),
                ('departed_by_etd', models.DecimalField(decimal_places=3, max_digits=24)),
                ('organization', models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.organization')),
            ],
        ),
        rls.EnableRowLevelSecurity("linedepartures"),
        rls.TenantReference("linedepartures", "line"),
        departures.install(),
        departures.rebuild(),
        # the backfill's deferred foreign-key checks run now: an index cannot be built over pending trigger events
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="linedepartures",
            index=models.Index(
                fields=["organization", "etd"],
                include=(
                    "customer_id",
                    "merchandiser_id",
                    "quantity",
                    "tolerance_percent",
                    "first_departed_on",
                    "departed",
                    "departed_by_etd",
                ),
                name="logistics_linedepartures_idx",
            ),
        ),
        migrations.RunSQL("SET CONSTRAINTS ALL DEFERRED", migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE logistics_linedepartures", migrations.RunSQL.noop),
    ]
