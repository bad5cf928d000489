"""Builders (tongxing.builders): processes forked beside an import's transaction, which must never use its
connection, must stop when told — under a task worker's signal handlers too — and must not leave the job waiting
for a builder that died."""

import os
import signal
import threading

import pytest
from django.db import connection

from tongxing.builders import NEEDS_DATABASE, Builders

pytestmark = pytest.mark.django_db


def _double(n):
    return n * 2


def _asks_the_database(_n):
    from people.models import Person

    return Person.objects.count()


def _talks_past_django(_n):
    return connection.connection.execute("SELECT 1").fetchone()  # the driver itself, no Django cursor


def _dies(_n):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def as_in_a_task_worker():
    """As django-tasks' db_worker while a task runs: SIGTERM is only noted. The job's transaction holds a
    connection."""
    previous = signal.signal(signal.SIGTERM, lambda *_args: None)
    connection.ensure_connection()
    yield
    signal.signal(signal.SIGTERM, previous)


def _within(seconds: float, work):
    """`work()`'s value, failing the test (not hanging the run) if it takes longer."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _all(builders):
    return _within(60, lambda: [(job, result) for job, result, _new in builders.results(all_of_them=True)])


def test_builders_answer_in_order_and_stop_when_told(as_in_a_task_worker):
    builders = Builders(_double, 2)
    for n in range(10):
        builders.submit(n)
    assert _all(builders) == [(n, 2 * n) for n in range(10)]
    processes = list(builders.pools[-1]._processes.values())
    _within(60, lambda: builders.close(at_once=False))
    assert processes and not any(process.is_alive() for process in processes)


def test_builders_stopped_with_jobs_waiting_drop_them_and_end(as_in_a_task_worker):
    builders = Builders(_double, 2)
    for n in range(50):
        builders.submit(n)
    processes = list(builders.pools[-1]._processes.values())
    _within(60, builders.close)
    assert not builders.pending and not any(process.is_alive() for process in processes)


def test_a_builder_that_asks_the_database_is_refused_and_the_connection_stays_the_jobs(as_in_a_task_worker):
    from people.models import Person

    builders = Builders(_asks_the_database, 1)
    builders.submit(1)
    assert _all(builders) == [(1, NEEDS_DATABASE)]
    _within(60, builders.close)
    assert Person.objects.count() > 0  # the job's connection still answers: the builder sent nothing on it


def test_a_builder_cannot_reach_the_jobs_session_even_past_django(as_in_a_task_worker):
    import psycopg

    from people.models import Person

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no session to speak on")
    builders = Builders(_talks_past_django, 1)
    builders.submit(1)
    with pytest.raises(psycopg.OperationalError):  # the builder's copy of the socket is a dead one
        _all(builders)
    _within(60, builders.close)
    assert Person.objects.count() > 0  # nothing was read from, or written to, the job's session


def test_a_builder_that_dies_fails_the_job_instead_of_leaving_it_waiting(as_in_a_task_worker):
    from concurrent.futures.process import BrokenProcessPool

    builders = Builders(_dies, 2)  # the other one, idle, must end too
    builders.submit(1)
    with pytest.raises(BrokenProcessPool):
        _all(builders)
    _within(60, builders.close)
