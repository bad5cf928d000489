"""The last four characters of the ID number as a keyed hash instead of in clear (with the district and the birth
date, the clear last four gave the whole number back to anyone holding a copy of the database)."""

from django.db import migrations, models


def hash_last_four(apps, schema_editor):
    from tongxing.crypto import keyed_hash

    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("pk", "id_number").iterator(chunk_size=1000):
        if not person.id_number:
            continue
        person.id_last4_hash = keyed_hash(person.id_number[-4:])
        batch.append(person)
        if len(batch) == 1000:
            Person.objects.bulk_update(batch, ["id_last4_hash"])
            batch = []
    Person.objects.bulk_update(batch, ["id_last4_hash"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_high_priority")]

    operations = [
        migrations.AddField(
            model_name="person", name="id_last4_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
        migrations.RunPython(hash_last_four, migrations.RunPython.noop),
        migrations.RemoveField(model_name="person", name="id_last4"),
    ]
