"""Reports on a read replica (DATABASE_REPLICA_URL): statistical returns, dashboards and exports read there, so their
large aggregate queries do not slow the offices' daily work on the primary.

A router sees a model, not a purpose: it cannot tell a report's read from the read before a write. So the report
services say so explicitly (`with reading_reports():`, or `@reading_reports()` on the function), and only reads
inside that scope go to the replica. Every write — the audit event of an export too — and every other read go to
the primary. The replica lags the primary slightly: a report may miss what was saved a moment ago.

Without DATABASE_REPLICA_URL the router is not installed and the scope changes nothing."""

from contextlib import contextmanager
from contextvars import ContextVar

PRIMARY, REPLICA = "default", "replica"

# A context variable, not a global: each request (thread or task) has its own scope.
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def reading_reports():
    """Reads inside this block (or the decorated function) go to the replica, when there is one."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportsToReplica:
    def db_for_read(self, model, **hints):
        return REPLICA if _reading_reports.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both hold the same rows: a row written to the primary may refer to one read from the replica.
        return True if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY  # the replica gets its schema by replication
