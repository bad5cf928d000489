from django.db import migrations

from duties.defaults import ensure_legal_time_limits


def load(apps, schema_editor):
    ensure_legal_time_limits(apps.get_model("duties", "LegalTimeLimit"))


class Migration(migrations.Migration):
    dependencies = [("duties", "0012_procedures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
