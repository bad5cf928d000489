from django.db import migrations

from casework.defaults import ensure_practice_rules, ensure_protocols


def load(apps, schema_editor):
    ensure_practice_rules(apps.get_model("casework", "PracticeRule"))
    ensure_protocols(apps.get_model("casework", "Protocol"), apps.get_model("casework", "ProtocolStep"))


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
