"""Work that needs no database, done in forked processes beside the one that holds the transaction.

An imported list's rules — the checks, the derived keys, the encryption, the duty plans — are Python, and one process
runs them on one core. Builders are forked from that process, so they start with everything it has read (the rules,
the time limits, the offices); they may not use the database, whose connection belongs to the transaction. A job
that turns out to need it (a lookup not read yet) comes back as `NEEDS_DATABASE`, to be done by the caller, which then
starts fresh builders that have what it read.
"""

import collections
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor

from django.db import connections

NEEDS_DATABASE = "needs the database"

# What the forked builders run, set just before they are forked: their copy of the parent's memory has it.
_job = None
_blind = False  # a builder that could not guard the connection refuses every job


class _NeedsDatabase(Exception):
    pass


def _refuse(*_args, **_kwargs):
    raise _NeedsDatabase


def _start_builder() -> None:
    global _blind
    # A task worker's handlers would keep a builder alive when it is told to stop (db_worker only notes a SIGTERM
    # while a task runs): a builder ends on SIGTERM, and leaves Ctrl-C to the worker.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The inherited connection is the parent's: a builder must never send a byte on it. Every query is refused before
    # it reaches the socket, and the connection is never closed here (closing it would end the parent's session).
    guarded = False
    for connection in connections.all():
        connection.execute_wrappers.insert(0, _refuse)
        guarded = guarded or connection.connection is not None
    _blind = not guarded  # forked from a thread without the connection: it would open one of its own


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
    """`submit(payload)` hands `job(payload)` to a builder; `results()` gives (payload, result) in the order submitted,
    holding back at most a few jobs a builder so memory stays bounded. `restart()` forks fresh builders, which see
    what the parent has read since; jobs already handed out finish in the old ones, which then end. A builder that
    dies (killed for memory) fails its job and every later one: `results()` raises BrokenProcessPool."""

    def __init__(self, job, processes: int):
        self.job, self.processes = job, processes
        self.pending: collections.deque = collections.deque()
        self.starts, self.pool = 0, None
        self.restart()

    def restart(self) -> None:
        global _job
        if self.pool is not None:
            self.pool.shutdown(wait=False)  # its queued jobs still run; its processes end after them
        _job = self.job
        self.pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_start_builder)
        self.starts += 1

    def submit(self, payload) -> None:
        self.pending.append((payload, self.pool, self.pool.submit(_run, payload)))

    def results(self, *, all_of_them: bool = False):
        """The finished jobs at the head of the queue, each with whether the builders now running took it; with
        `all_of_them`, every job, waiting for each."""
        while self.pending and (all_of_them or self.pending[0][2].done() or len(self.pending) > 2 * self.processes):
            payload, pool, future = self.pending.popleft()
            yield payload, future.result(), pool is self.pool

    def close(self) -> None:
        """Stop: jobs not started are dropped, those running finish (a second at most) and every builder ends."""
        for _payload, pool, future in self.pending:
            future.cancel()
        self.pending = collections.deque()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
