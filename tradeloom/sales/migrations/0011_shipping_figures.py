# The lines' figures towards the buyer (kept by the logistics floor) and the order's own shipment tolerance.

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0010_alert_eta_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="line",
            name="buyer_delivered_quantity",
            field=models.DecimalField(
                db_default=Decimal("0"),
                decimal_places=3,
                default=Decimal("0"),
                editable=False,
                max_digits=18,
                verbose_name="delivered to buyer",
            ),
        ),
        migrations.AddField(
            model_name="line",
            name="shipped_quantity",
            field=models.DecimalField(
                db_default=Decimal("0"), decimal_places=3, default=Decimal("0"), editable=False, max_digits=18
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="shipment_tolerance_percent",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Empty: the organisation's tolerance.",
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("100")),
                ],
                verbose_name="shipment tolerance %",
            ),
        ),
    ]
