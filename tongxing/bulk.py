"""Inserting the tens of thousands of rows an imported list brings.

`insert_many` is `bulk_create` for new rows. On PostgreSQL it draws the ids from the table's sequence in one query
and sends the rows with COPY, several times faster than multi-row INSERTs; elsewhere (SQLite) it is `bulk_create`.
Like `bulk_create`, it sends no signals and calls no `save()`: the callers are services that do their own checks.
`insert_rows` does the same for rows given as dictionaries, without a model instance for each."""

import datetime as dt
import gc
from contextlib import contextmanager
from operator import attrgetter

from django.db import connections, models
from django.utils import timezone

# Field classes whose Python value COPY takes as it is (psycopg adapts it). Exact classes only: any other field,
# a subclass included (EncryptedTextField), goes through its own `get_db_prep_save`.
_AS_IS = {models.AutoField, models.BigAutoField, models.CharField, models.TextField, models.IntegerField,
          models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
          models.BigIntegerField, models.BooleanField, models.DateField, models.ForeignKey}


def _preparer(field, connection):
    """How one field's value becomes what COPY sends."""
    if type(field) in _AS_IS:
        return None
    if type(field) is models.DateTimeField:  # aware values as they are; a naive one is made aware, as on save
        def prepare(value):
            if isinstance(value, dt.datetime) and timezone.is_naive(value):
                return field.get_db_prep_save(value, connection)
            return value
        return prepare
    return lambda value: field.get_db_prep_save(value, connection)


def _getter(field):
    """How one field's value is read off an instance for the insert: `pre_save` where the field computes it
    (auto_now dates, file fields), otherwise the attribute itself, without a method call per field and row."""
    if type(field) in _AS_IS and not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False):
        return attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, True)


@contextmanager
def fewer_collections(first_generation: int = 100_000):
    """Python's cyclic garbage collector, run less often while a list is written. The rows of a batch are
    hundreds of thousands of live objects (instances, dictionaries) that the collector would otherwise walk again
    every 700 allocations, to free nothing: 15 % of an import's commit, measured. Memory is unchanged — it is
    reference counting that frees them."""
    thresholds = gc.get_threshold()
    gc.set_threshold(first_generation, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _new_ids(cursor, meta, count: int) -> list[int]:
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                   [meta.db_table, meta.pk.column, count])
    return [new_id for (new_id,) in cursor.fetchall()]


def _copy(cursor, connection, meta, fields):
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN")


def insert_many(objs: list[models.Model], *, using: str = "default") -> list[models.Model]:
    """Insert new objects of one model and set their primary keys."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_create(objs, batch_size=1000)
    meta = model._meta
    fields = list(meta.concrete_fields)
    preparers = [(_getter(f), _preparer(f, connection)) for f in fields]
    with connection.cursor() as cursor:
        for obj, new_id in zip(objs, _new_ids(cursor, meta, len(objs))):
            obj._prepare_related_fields_for_save(operation_name="insert_many")
            setattr(obj, meta.pk.attname, new_id)
        with _copy(cursor, connection, meta, fields) as copy:
            for obj in objs:
                copy.write_row([get(obj) if prepare is None else prepare(get(obj)) for get, prepare in preparers])
    for obj in objs:
        obj._state.adding, obj._state.db = False, using
    return objs


def insert_rows(model: type[models.Model], rows: list[dict], *, using: str = "default") -> int:
    """Insert rows given as {attname: value}, for tables whose new ids nobody needs back (duties, audit events):
    the database numbers them, so no ids are drawn first. Missing fields take their defaults (a callable default is
    called for each row), `auto_now` fields the time. Returns the number of rows."""
    if not rows:
        return 0
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    names = {f.attname for f in fields}
    unknown = {key for row in rows for key in row} - names
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    connection = connections[using]
    if connection.vendor != "postgresql":
        return len(insert_many([model(**row) for row in rows], using=using))
    now = timezone.now()
    fixed = {f.attname: now for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    per_row = [f for f in fields if f.attname not in fixed and f.has_default() and callable(f.default)]
    fixed.update({f.attname: f.get_default() for f in fields if f.attname not in fixed and f not in per_row})
    prepare = {f.attname: _preparer(f, connection) for f in fields}

    def prepared(name, value):
        return value if value is None or prepare[name] is None else prepare[name](value)

    # What is the same for every row is prepared once; each row prepares only what it brings.
    fixed = {name: prepared(name, value) for name, value in fixed.items()}
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, _copy(cursor, connection, meta, fields) as copy:
        for row in rows:
            values = fixed.copy()
            for f in per_row:
                if f.attname not in row:
                    values[f.attname] = prepared(f.attname, f.get_default())
            for name, value in row.items():  # `prepared`, written out: this runs for every value of every row
                values[name] = value if value is None or prepare[name] is None else prepare[name](value)
            copy.write_row([values[name] for name in names])
    return len(rows)
