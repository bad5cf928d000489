from django.db import migrations

from risk.defaults import ensure_screen


def load(apps, schema_editor):
    ensure_screen(apps.get_model("risk", "ScreeningItem"), apps.get_model("risk", "RiskBand"))


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
