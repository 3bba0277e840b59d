"""Every order's totals in ``sales_ordertotals`` and the open orders by stage in ``sales_stagetotals``, kept by
triggers on orders, lines, exchange rates and organisations (``sales.totals``), for the dashboard; and the open lines
by ETD. The tables are filled from the orders there are before their indexes are built."""

import django.db.models.deletion
from django.db import migrations, models

from tradeloom.core import rls
from tradeloom.sales import totals


def _money(digits: int, null: bool = True) -> models.DecimalField:
    return models.DecimalField(decimal_places=2, max_digits=digits, null=null)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_rate_on_function"),
        ("sales", "0008_order_search"),
        ("tenancy", "0004_time_ordered_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderTotals",
            fields=[
                (
                    "order",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="sales.order",
                    ),
                ),
                ("customer_id", models.UUIDField()),
                ("merchandiser_id", models.UUIDField(null=True)),
                ("currency", models.CharField(max_length=3)),
                ("order_date", models.DateField()),
                ("etd", models.DateField(null=True)),
                ("status", models.CharField(max_length=12)),
                ("stage", models.CharField(max_length=40)),
                ("archived_at", models.DateTimeField(null=True)),
                ("value", _money(30)),
                ("cost", _money(30)),
                ("commission", _money(30)),
                ("profit", _money(30)),
                ("realised_profit", _money(30)),
                ("line_count", models.IntegerField()),
                ("cost_missing_lines", models.IntegerField()),
                ("price_missing_lines", models.IntegerField()),
                ("profit_left_out_lines", models.IntegerField()),
                ("open_lines_without_etd", models.IntegerField()),
                ("rate", models.DecimalField(decimal_places=40, max_digits=60, null=True)),
                ("base_value", _money(40)),
                ("base_profit", _money(40)),
                ("base_realised_profit", _money(40)),
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
        ),
        migrations.CreateModel(
            name="StageTotals",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("merchandiser_id", models.UUIDField(null=True)),
                ("stage", models.CharField(max_length=40)),
                ("currency", models.CharField(max_length=3)),
                ("rated", models.BooleanField()),
                ("orders", models.IntegerField()),
                ("valued_orders", models.IntegerField()),
                ("value", _money(40, null=False)),
                ("base_value", _money(40, null=False)),
                ("price_missing_lines", models.IntegerField()),
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
        ),
        migrations.AddConstraint(
            model_name="stagetotals",
            constraint=models.UniqueConstraint(
                fields=("organization", "merchandiser_id", "stage", "currency", "rated"),
                name="sales_stagetotals_key",
                nulls_distinct=False,
            ),
        ),
        rls.EnableRowLevelSecurity("ordertotals"),
        rls.TenantReference("ordertotals", "order"),
        rls.EnableRowLevelSecurity("stagetotals"),
        # the orders' rows first, then the rollup from them, and only then the trigger that keeps the rollup
        totals.install(stage_triggers=False),
        totals.rebuild_orders(),
        totals.rebuild_stages(),
        totals.install_stage_triggers(),
        # the backfill's deferred foreign-key checks run now: an index cannot be built over pending trigger events
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="ordertotals",
            index=models.Index(
                fields=["organization", "order_date"],
                include=(
                    "status",
                    "archived_at",
                    "currency",
                    "customer_id",
                    "merchandiser_id",
                    "rate",
                    "value",
                    "profit",
                    "base_value",
                    "base_profit",
                    "base_realised_profit",
                    "line_count",
                    "cost_missing_lines",
                    "price_missing_lines",
                    "profit_left_out_lines",
                ),
                name="sales_ordertotals_date_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ordertotals",
            index=models.Index(
                condition=models.Q(
                    ("archived_at__isnull", True), ("open_lines_without_etd__gt", 0), ("status", "open")
                ),
                fields=["organization", "etd"],
                include=("merchandiser_id",),
                name="sales_ordertotals_undated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ordertotals",
            index=models.Index(
                condition=models.Q(("archived_at__isnull", True), ("status", "open")),
                fields=["organization", "order"],
                include=("merchandiser_id",),
                name="sales_ordertotals_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="line",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status__in", ("completed", "archived")), _negated=True),
                    ("delivered_quantity__lt", models.F("quantity")),
                    ("etd__isnull", False),
                ),
                fields=["organization", "etd"],
                include=("order", "id"),
                name="sales_line_open_etd_idx",
            ),
        ),
        migrations.RunSQL("SET CONSTRAINTS ALL DEFERRED", migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE sales_ordertotals, sales_stagetotals", migrations.RunSQL.noop),
    ]
