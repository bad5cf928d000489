"""Work that needs no database, done in forked processes beside the one that holds the transaction.

An imported list's rules — the checks, the derived keys, the encryption, the duty plans — are Python, and one process
runs them on one core. Builders are forked from that process, so they start with everything it has read (the rules,
the time limits, the offices); they may not use the database, whose connection belongs to the transaction. A job
that turns out to need it (a lookup not read yet) comes back as `NEEDS_DATABASE`, to be done by the caller, which then
starts fresh builders that have what it read.
"""

import collections
import ctypes
import multiprocessing
import os
import signal
import socket
from concurrent.futures import ProcessPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections

NEEDS_DATABASE = "needs the database"
# A thousand rows take about a second to build; a builder silent this long is stuck, and the import fails instead
# of holding its transaction open.
JOB_TIMEOUT_SECONDS = 300

_job = None  # in a builder: what it runs, given when it was forked
_blind = False  # a builder that could not guard the connection refuses every job


class _NeedsDatabase(BaseException):  # not an Exception: no `except Exception` in the rules may swallow it
    pass


def _refuse(*_args, **_kwargs):
    raise _NeedsDatabase


def _start_builder(job) -> None:
    global _job, _blind
    _job = job
    # A task worker's handlers would keep a builder alive when it is told to stop (db_worker only notes a SIGTERM
    # while a task runs): a builder ends on SIGTERM, leaves Ctrl-C to the worker, and ends with its parent.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    # The inherited connection is the parent's, inside its transaction: a builder must never send a byte on it.
    # Django's queries are refused before they reach the socket (the caller then does the job), and the socket itself
    # is swapped for a dead one, so that anything else trying (a driver call outside Django's cursor) fails here
    # instead of speaking on the parent's session. Closing the builder's copy does not end the parent's.
    for connection in connections.all():
        connection.execute_wrappers.insert(0, _refuse)
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        if connection.connection is not None and connection.vendor == "postgresql":
            dead, other_end = socket.socketpair()
            other_end.close()
            os.dup2(dead.fileno(), connection.connection.pgconn.socket)
            dead.close()
    _blind = connections[DEFAULT_DB_ALIAS].connection is None  # forked without it: it would open one of its own


def _run(payload):
    if _blind:
        return NEEDS_DATABASE
    try:
        return _job(payload)
    except _NeedsDatabase:
        return NEEDS_DATABASE


def available(wanted: int) -> int:
    """How many builders to start: none where processes cannot be forked, else `wanted` (0: none), at most one for
    each core this process may use."""
    if wanted <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(wanted, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class Builders:
    """`submit(payload)` hands `job(payload)` to a builder; `results()` gives (payload, result, whether the newest
    builders did it) in the order submitted, holding back at most a few jobs a builder so memory stays bounded.
    `restart()` forks fresh builders, which see what the parent has read since; jobs already handed out finish in
    the old ones. A builder that dies (killed for its memory) fails its job and every later one (`results()` raises
    BrokenProcessPool), and one silent for `JOB_TIMEOUT_SECONDS` raises TimeoutError: the import fails, it does not
    wait for ever with its transaction open."""

    def __init__(self, job, processes: int):
        self.job, self.processes = job, processes
        self.pending: collections.deque = collections.deque()
        self.pools: list[ProcessPoolExecutor] = []
        self.restart()

    @property
    def starts(self) -> int:
        return len(self.pools)

    def restart(self) -> None:
        # Forked at the first submit, from the thread that submits (the one holding the connection).
        self.pools.append(ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                              initializer=_start_builder, initargs=(self.job,)))

    def submit(self, payload) -> None:
        pool = self.pools[-1]
        self.pending.append((payload, pool, pool.submit(_run, payload)))

    def results(self, *, all_of_them: bool = False):
        """The finished jobs at the head of the queue; with `all_of_them`, every job, waiting for each."""
        while self.pending and (all_of_them or self.pending[0][2].done() or len(self.pending) > 2 * self.processes):
            payload, pool, future = self.pending.popleft()
            yield payload, future.result(timeout=JOB_TIMEOUT_SECONDS), pool is self.pools[-1]

    def close(self, *, at_once: bool = True) -> None:
        """Stop every builder. `at_once` (an import that failed): jobs waiting are dropped and running ones killed;
        otherwise (all results taken) the idle builders are told to end."""
        for _payload, _pool, future in self.pending:
            future.cancel()
        self.pending = collections.deque()
        for pool in self.pools:
            if at_once:
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=True)
        self.pools = []
