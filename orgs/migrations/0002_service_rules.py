from django.db import migrations

from orgs.defaults import ensure_service_rules


def load(apps, schema_editor):
    ensure_service_rules(apps.get_model("orgs", "ServiceRule"))


def unload(apps, schema_editor):
    apps.get_model("orgs", "ServiceRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
