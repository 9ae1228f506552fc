"""The 'not split by source' funding source: the code relies on it for tables without sources."""

from django.db import migrations


def create(apps, schema_editor):
    FundingSource = apps.get_model("budgets", "FundingSource")
    FundingSource.objects.get_or_create(
        code="chung",
        defaults={"name": "Chưa phân theo nguồn", "short_name": "Chưa phân nguồn", "position": 90},
    )


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_historicalallocation_historicaldisbursement")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
