# Orders confirmed by an action: a draft status, and who confirmed an order and when (docs/sales.md).

import django.db.models.deletion
from django.db import migrations, models

from tradeloom.core import rls


class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0012_tax_rates'),
        ('tenancy', '0004_time_ordered_ids'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenancy.membership'),
        ),
        migrations.AlterField(
            model_name='order',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('closed', 'Closed'), ('cancelled', 'Cancelled')], default='open', max_length=12),
        ),
        rls.TenantReference("order", "confirmed_by"),
    ]
