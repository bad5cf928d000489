"""Finer statistics on the columns a name search matches.

With PostgreSQL's default (100 sampled values per column), the pinyin prefix of a common name ('zhanghui%') was
estimated at 1 row where a million people hold 1,228, and the whole search for '张慧' at 163 rows where there were
1,046: the planner then read every match in the country and kept the few in the searcher's district (10 ms),
instead of the district's few hundred files and the matches among them (under 2 ms). A thousand values per
column keeps these estimates within a small factor; ANALYZE takes a few seconds longer on a million rows.
"""

from django.db import migrations

COLUMNS = ("name_pinyin", "name_fragments", "name_initials", "pseudonym_pinyin", "pseudonym_initials")
TARGET = 1000


def _set(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    alter = ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in COLUMNS)
    schema_editor.execute(f"ALTER TABLE people_person {alter}")
    schema_editor.execute(f"ANALYZE people_person ({', '.join(COLUMNS)})")


def finer(apps, schema_editor):
    _set(schema_editor, TARGET)


def default(apps, schema_editor):
    _set(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [("people", "0007_search_indexes_once")]

    operations = [migrations.RunPython(finer, default, elidable=False)]
