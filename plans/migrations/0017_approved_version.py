from django.db import migrations, models
from django.db.models import F


def start_at_data_version(apps, schema_editor):
    # Snapshots kept before this field were keyed by data_version: starting both counters
    # equal means no old snapshot can match a later approved_version by chance.
    apps.get_model("plans", "Plan").objects.update(approved_version=F("data_version"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0016_national_page_figures_apart"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="approved_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(start_at_data_version, migrations.RunPython.noop),
    ]
