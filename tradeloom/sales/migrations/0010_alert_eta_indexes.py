"""Open lines and open orders by their ETA, for the alerts' "ETA within N days" (``alerts.kinds.sales``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0009_order_totals"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="line",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status__in", ("completed", "archived")), _negated=True),
                    ("delivered_quantity__lt", models.F("quantity")),
                    ("eta__isnull", False),
                ),
                fields=["organization", "eta"],
                include=("order", "id"),
                name="sales_line_open_eta_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("archived_at__isnull", True), ("eta__isnull", False), ("status", "open")),
                fields=["organization", "eta"],
                name="sales_order_open_eta_idx",
            ),
        ),
    ]
