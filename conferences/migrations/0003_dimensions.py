from django.db import migrations

from conferences.defaults import ensure_dimensions


def load(apps, schema_editor):
    ensure_dimensions(apps.get_model("conferences", "AnalysisDimension"))


class Migration(migrations.Migration):
    dependencies = [("conferences", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
