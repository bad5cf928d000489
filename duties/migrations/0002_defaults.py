from django.db import migrations

from duties.defaults import ensure_legal_time_limits, load_library_years


def load(apps, schema_editor):
    ensure_legal_time_limits(apps.get_model("duties", "LegalTimeLimit"))
    load_library_years(apps.get_model("duties", "CalendarYear"), apps.get_model("duties", "CalendarException"))


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
