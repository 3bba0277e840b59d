"""Gates waiting for the buyer by the day they started waiting, of every gate at once (the dashboard's approvals
waiting longer than the stuck setting, longest first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("approvals", "0005_time_ordered_ids")]

    operations = [
        migrations.AddIndex(
            model_name="linegate",
            index=models.Index(
                condition=models.Q(("state__in", ["resubmission", "submission"])),
                fields=["organization", "state_since"],
                name="approvals_waiting_since_idx",
            ),
        ),
    ]
