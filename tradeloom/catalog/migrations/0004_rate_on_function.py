"""``tradeloom_rate_on``: the exchange rate in force on a day, in SQL (``catalog.rates``)."""

from django.db import migrations

from tradeloom.catalog import rates


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_time_ordered_ids")]

    operations = [rates.install()]
