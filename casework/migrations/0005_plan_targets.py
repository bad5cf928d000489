from django.db import migrations

from casework.defaults import ensure_practice_rules


def load(apps, schema_editor):
    ensure_practice_rules(apps.get_model("casework", "PracticeRule"))


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_protocol_b_supervisor_opinion")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
