"""Inserting the tens of thousands of rows an imported list brings.

`insert_many` is `bulk_create` for new rows. On PostgreSQL it draws the ids from the table's sequence in one query
and sends the rows with COPY, several times faster than multi-row INSERTs; elsewhere (SQLite) it is `bulk_create`.
Like `bulk_create`, it sends no signals and calls no `save()`: the callers are services that do their own checks.
`insert_rows` does the same for rows given as dictionaries, without a model instance for each. The rows can also be
prepared in one place (`prepare_instances`, `prepare_dicts`) and written in another (`write`)."""

import datetime as dt
import gc
import io
from contextlib import contextmanager
import dataclasses
from operator import attrgetter

from django.apps import apps
from django.db import connections, models
from django.utils import timezone
from psycopg import Copy
from psycopg.copy import FileWriter

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


def _copy(cursor, connection, meta, columns):
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    return cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN")


@dataclasses.dataclass
class Prepared:
    """Rows of one table as COPY takes them: a model's label, its columns' attnames and the rows in COPY's text format.
    They can be made in another process (`tongxing.builders`) and written by the connection that holds the
    transaction, which then only passes the bytes on."""
    label: str
    columns: list[str]
    data: bytes
    count: int


def _formatted(connection, rows) -> bytes:
    """COPY's text for rows of values, made by psycopg's own formatter into memory: nothing is sent."""
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, Copy(cursor, writer=FileWriter(buffer)) as copy:
        for values in rows:
            copy.write_row(values)
    return buffer.getvalue()


def draw_ids(model: type[models.Model], count: int, *, using: str = "default") -> list[int]:
    """New primary keys from the table's sequence (PostgreSQL), in one query: the rows can then be built — and refer
    to each other — before any is written. An id drawn and not used leaves a gap, as a rolled-back insert does."""
    if count <= 0:
        return []
    meta = model._meta
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, count])
        return [new_id for (new_id,) in cursor.fetchall()]


def prepare_instances(objs: list[models.Model], ids: list[int], *, using: str = "default") -> Prepared:
    """The rows of new objects of one model, each given the next of `ids` as its primary key."""
    model = type(objs[0])
    meta, connection = model._meta, connections[using]
    fields = list(meta.concrete_fields)
    preparers = [(_getter(f), _preparer(f, connection)) for f in fields]
    for obj, new_id in zip(objs, ids, strict=True):
        obj._prepare_related_fields_for_save(operation_name="insert_many")
        setattr(obj, meta.pk.attname, new_id)
        obj._state.adding, obj._state.db = False, using
    data = _formatted(connection, ([get(obj) if prepare is None else prepare(get(obj)) for get, prepare in preparers]
                                   for obj in objs))
    return Prepared(meta.label, [f.attname for f in fields], data, len(objs))


def _refuse_unknown(model, rows: list[dict]) -> None:
    unknown = {key for row in rows for key in row} - {f.attname for f in model._meta.concrete_fields}
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")


def prepare_dicts(model: type[models.Model], rows: list[dict], *, using: str = "default") -> Prepared:
    """The rows given as {attname: value}, numbered by the database when written. Missing fields take their
    defaults (a callable default is called for each row), `auto_now` fields the time."""
    _refuse_unknown(model, rows)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    connection = connections[using]
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

    def each():
        for row in rows:
            values = fixed.copy()
            for f in per_row:
                if f.attname not in row:
                    values[f.attname] = prepared(f.attname, f.get_default())
            for name, value in row.items():  # `prepared`, written out: this runs for every value of every row
                values[name] = value if value is None or prepare[name] is None else prepare[name](value)
            yield [values[name] for name in names]

    return Prepared(meta.label, names, _formatted(connection, each()), len(rows))


def write(prepared: Prepared, *, using: str = "default") -> int:
    """Send prepared rows with COPY (PostgreSQL). Returns the number of rows."""
    if not prepared.count:
        return 0
    connection = connections[using]
    meta = apps.get_model(prepared.label)._meta
    with connection.cursor() as cursor, _copy(cursor, connection, meta, prepared.columns) as copy:
        copy.write(prepared.data)
    return prepared.count


def insert_many(objs: list[models.Model], *, using: str = "default") -> list[models.Model]:
    """Insert new objects of one model and set their primary keys."""
    if not objs:
        return objs
    model = type(objs[0])
    if connections[using].vendor != "postgresql":
        return model._base_manager.using(using).bulk_create(objs, batch_size=1000)
    write(prepare_instances(objs, draw_ids(model, len(objs), using=using), using=using), using=using)
    return objs


def insert_rows(model: type[models.Model], rows: list[dict], *, using: str = "default") -> int:
    """Insert rows given as {attname: value} (see `prepare_dicts`), for tables whose new ids nobody needs back
    (duties, audit events): the database numbers them, so no ids are drawn first. Returns the number of rows."""
    if not rows:
        return 0
    if connections[using].vendor != "postgresql":
        _refuse_unknown(model, rows)
        return len(insert_many([model(**row) for row in rows], using=using))
    return write(prepare_dicts(model, rows, using=using), using=using)
