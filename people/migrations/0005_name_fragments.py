"""Search by any part of a name or pseudonym through an index: the names' fragments, under a trigram index on
PostgreSQL (pg_trgm, a trusted extension the database owner may create). SQLite searches the same column unindexed."""

from django.db import migrations, models

INDEX = "person_name_fragments_trgm"


def fill(apps, schema_editor):
    from people.names import name_fragments

    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("pk", "full_name", "pseudonym").iterator(chunk_size=2000):
        person.name_fragments = name_fragments(person.full_name, person.pseudonym)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["name_fragments"])
            batch = []
    Person.objects.bulk_update(batch, ["name_fragments"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
                              "USING gin (name_fragments gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_id_last4_hash")]

    operations = [
        migrations.AddField(model_name="person", name="name_fragments",
                            field=models.TextField(blank=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
