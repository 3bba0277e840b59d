"""The open orders' open lines by order and ETD (``sales_openlinetotals``) and the counted orders' lines by mill
(``sales_suppliertotals``), kept by the order totals' refresh (``sales.totals``) for the late-orders, workload and
profit-by-mill reports; the functions installed again (the refresh fills them, a line's supplier is one of its
inputs), the tables filled from the orders' rows, then indexed."""

import django.db.models.deletion
from django.db import migrations, models

from tradeloom.core import rls
from tradeloom.sales import totals


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0015_report_tolerance_index"),
        ("tenancy", "0004_time_ordered_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenLineTotals",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("etd", models.DateField(null=True)),
                ("customer_id", models.UUIDField()),
                ("merchandiser_id", models.UUIDField(null=True)),
                ("rated", models.BooleanField()),
                ("lines", models.IntegerField()),
                ("value", models.DecimalField(decimal_places=2, max_digits=40, null=True)),
                ("previous_etd", models.DateField(null=True)),
                (
                    "order",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="sales.order"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("order", "organization", "etd"), name="sales_openlinetotals_key", nulls_distinct=False
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SupplierTotals",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("supplier_id", models.UUIDField(null=True)),
                ("customer_id", models.UUIDField()),
                ("merchandiser_id", models.UUIDField(null=True)),
                ("order_date", models.DateField()),
                ("lines", models.IntegerField()),
                ("unrated_lines", models.IntegerField()),
                ("left_out_lines", models.IntegerField()),
                ("potential", models.DecimalField(decimal_places=2, max_digits=40, null=True)),
                ("realised", models.DecimalField(decimal_places=2, max_digits=40, null=True)),
                (
                    "order",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="sales.order"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("order", "organization", "supplier_id"),
                        name="sales_suppliertotals_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        rls.EnableRowLevelSecurity("openlinetotals"),
        rls.TenantReference("openlinetotals", "order"),
        rls.EnableRowLevelSecurity("suppliertotals"),
        rls.TenantReference("suppliertotals", "order"),
        totals.install(),
        totals.rebuild_line_groups(),
        # the backfill's deferred foreign-key checks run now: an index cannot be built over pending trigger events
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="openlinetotals",
            index=models.Index(
                fields=["organization", "etd"],
                include=("order", "customer_id", "merchandiser_id", "rated", "lines", "value", "previous_etd"),
                name="sales_openlinetotals_etd_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="suppliertotals",
            index=models.Index(
                fields=["organization", "order_date"],
                include=(
                    "supplier_id",
                    "customer_id",
                    "merchandiser_id",
                    "unrated_lines",
                    "left_out_lines",
                    "potential",
                    "realised",
                ),
                name="sales_suppliertotals_date_idx",
            ),
        ),
        migrations.RunSQL("SET CONSTRAINTS ALL DEFERRED", migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE sales_openlinetotals, sales_suppliertotals", migrations.RunSQL.noop),
    ]
