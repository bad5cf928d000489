"""ORM queries compiled to SQL once per process and run again with each call's values.

The reads made on every page load — the session, the signed-in user, the day list's duties and alerts — are the same
statement each time with other values, and compiling a Django query costs about as much as PostgreSQL's answer to
it (docs/performance.md). A `Compiled` query is still written with the ORM; what is kept is its SQL, its
converters and its plan for turning rows into objects, so that a call only binds values, runs the statement and
builds the objects, as the ORM would.

Values are bound through named slots, each of a kind: `int`, `str`, `datetime.date`, or `PREFIX` (a text the
column starts with, for `startswith`). The query is built once with a marker in each slot, and the places where the
markers land among the compiled parameters are remembered (a slot may be used several times); a slot whose marker
lands nowhere (a value rewritten by a lookup other than these) is refused when the query is compiled. A value that
would change the statement's shape (None, a list) is refused at the call: such a query needs one `Compiled` per
shape. A value is bound as the ORM would send it for a plain column (a date adapted for the database, a prefix
escaped for LIKE); a field that transforms what it stores (a hash, say) must not be filtered through a slot.
"""

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# Markers no real value takes: ids are positive, and no code or key holds a unit separator.
_FIRST_INT_MARKER = -1_987_654_321


PREFIX = "prefix"  # a slot kind: `field__startswith=` the value


def _marker(kind, n: int, name: str):
    """What the query is built with in this slot."""
    if kind is int:
        return _FIRST_INT_MARKER - n
    if kind is str or kind == PREFIX:
        return f"\x1f{name}\x1f"
    if kind is dt.date:
        return dt.date(1, 1, 1) + dt.timedelta(days=n)  # no record is dated in the year 1
    raise ImproperlyConfigured(f"Slot {name!r}: int, str, date and PREFIX values can be bound, not {kind!r}.")


def _bound(kind, value, ops):
    """The parameter the ORM would send for this value, as `ops` (the database's) adapts it."""
    if kind == PREFIX:
        return f"{ops.prep_for_like_query(value)}%"
    if kind is dt.date:
        return ops.adapt_datefield_value(value)
    return value


_BIGINT = (-2**63, 2**63 - 1)


def _plain(name: str, kind, value):
    """The value as the slot's plain type (a choice, say `Role.SUPERVISOR`, as its text); None, a list, a bool for an
    int or a datetime for a date would need another statement, and are refused."""
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if (kind is str or kind == PREFIX) and isinstance(value, str):
        return str(value)
    if kind is dt.date and type(value) is dt.date:
        return value
    raise TypeError(f"Slot {name!r} takes a {'str' if kind == PREFIX else kind.__name__}, not {value!r}.")


@dataclass
class _Plan:
    alias: str
    sql: str
    params: list
    positions: dict  # slot name → where in params its value goes
    compiler: object
    col_count: int
    trim: bool
    converters: dict
    objects: tuple | None  # (model, first column, last column, init_list, related populators)


class Compiled:
    """`Compiled(build, user_id=int)`: `build(user_id=…)` returns the QuerySet; `.objects(user_id=5)` runs it."""

    def __init__(self, build: Callable[..., QuerySet], **slots):
        self.build = build
        self.slots = slots
        self._model = None  # known once built
        # Per thread and database: a plan holds its thread's connection (for the converters), as the ORM's
        # compiler does, and the database is the router's choice at each call (reports may read from a replica).
        self._local = threading.local()

    def _plan(self) -> _Plan:
        plans = self._local.__dict__.setdefault("plans", {})
        alias = router.db_for_read(self._model) if self._model is not None else None
        if alias not in plans:
            plan = self._compile(alias)
            plans[plan.alias] = plan
            return plan
        return plans[alias]

    def _compile(self, alias: str | None) -> _Plan:
        markers = {name: _marker(kind, n, name) for n, (name, kind) in enumerate(self.slots.items())}
        queryset = self.build(**markers)
        self._model = queryset.model
        alias = alias or queryset.db
        ops = connections[alias].ops
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = {}
        for name, marker in markers.items():
            expected = _bound(self.slots[name], marker, ops)
            found = [i for i, value in enumerate(params) if type(value) is type(expected) and value == expected]
            if not found:
                raise ImproperlyConfigured(f"Slot {name!r} appears nowhere in the compiled query: bind it with a "
                                           f"plain lookup (exact, lte…) or startswith (PREFIX).")
            positions[name] = found
        fields = [column[0] for column in compiler.select[:compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured("Composite primary keys are not supported.")
        objects = None
        if compiler.klass_info:
            select, klass_info = compiler.select, compiler.klass_info
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [column[0].target.attname for column in select[first:last]]
            objects = (klass_info["model"], first, last, init_list,
                       get_related_populators(klass_info, select, alias))
        return _Plan(alias, sql, params, positions, compiler, compiler.col_count, compiler.has_extra_select,
                     compiler.get_converters(fields), objects)

    def _rows(self, plan: _Plan, values: dict) -> list:
        if values.keys() != plan.positions.keys():
            raise TypeError(f"Expected the values {sorted(plan.positions)}, got {sorted(values)}.")
        params = list(plan.params)
        ops = connections[plan.alias].ops
        for name, value in values.items():
            kind = self.slots[name]
            value = _plain(name, kind, value)
            if kind is int and not _BIGINT[0] <= value <= _BIGINT[1]:
                return []  # a key no column holds: nothing, as the ORM answers an exact lookup (SQLite would raise)
            bound = _bound(kind, value, ops)
            for position in plan.positions[name]:
                params[position] = bound
        with connections[plan.alias].cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.trim:
            rows = [row[:plan.col_count] for row in rows]
        if plan.converters:
            return list(plan.compiler.apply_converters(rows, plan.converters))
        return rows

    def rows(self, **values) -> list:
        """The rows as tuples, converted as the ORM converts them (for `values_list` queries)."""
        return [tuple(row) for row in self._rows(self._plan(), values)]

    def objects(self, **values) -> list:
        """Model instances, with their `select_related` objects, as iterating the QuerySet would give them."""
        plan = self._plan()
        if plan.objects is None:
            raise TypeError("This query selects values, not model instances: use rows().")
        model, first, last, init_list, populators = plan.objects
        annotations = plan.compiler.annotation_col_map.items()
        found = []
        for row in self._rows(plan, values):
            obj = model.from_db(plan.alias, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            for attr_name, position in annotations:
                setattr(obj, attr_name, row[position])
            found.append(obj)
        return found
