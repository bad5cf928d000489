"""Builders (tongxing.builders): processes forked beside an import's transaction, which must never use its
connection, must stop when told — under a task worker's signal handlers too — and must not leave the job waiting
for a builder that died."""

import faulthandler
import os
import signal
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest
from django.db import connection

from tongxing.builders import NEEDS_DATABASE, Builders

pytestmark = pytest.mark.django_db


def _double(n):
    return n * 2


def _asks_the_database(_n):
    from people.models import Person

    return Person.objects.count()


def _dies(_n):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def as_in_a_task_worker():
    """As django-tasks' db_worker while a task runs: SIGTERM is only noted. A hang ends the test run with a traceback
    instead of holding CI for ever."""
    previous = signal.signal(signal.SIGTERM, lambda *_args: None)
    connection.ensure_connection()  # the job's transaction holds one
    faulthandler.dump_traceback_later(60, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
    signal.signal(signal.SIGTERM, previous)


def test_builders_answer_in_order_and_stop_when_told(as_in_a_task_worker):
    builders = Builders(_double, 2)
    for n in range(10):
        builders.submit(n)
    assert [(job, result) for job, result, _current in builders.results(all_of_them=True)] == [
        (n, 2 * n) for n in range(10)]
    processes = list(builders.pool._processes.values())
    builders.close()
    assert processes and not any(process.is_alive() for process in processes)


def test_builders_stopped_with_jobs_waiting_drop_them_and_end(as_in_a_task_worker):
    builders = Builders(_double, 2)
    for n in range(50):
        builders.submit(n)
    processes = list(builders.pool._processes.values())
    builders.close()
    assert not builders.pending and not any(process.is_alive() for process in processes)


def test_a_builder_that_asks_the_database_is_refused_and_the_connection_stays_the_jobs(as_in_a_task_worker):
    from people.models import Person

    builders = Builders(_asks_the_database, 1)
    builders.submit(1)
    assert [result for _job, result, _current in builders.results(all_of_them=True)] == [NEEDS_DATABASE]
    builders.close()
    assert Person.objects.count() >= 0  # the job's connection still answers: the builder sent nothing on it


def test_a_builder_that_dies_fails_the_job_instead_of_leaving_it_waiting(as_in_a_task_worker):
    builders = Builders(_dies, 2)  # the other one, idle, must end too
    builders.submit(1)
    with pytest.raises(BrokenProcessPool):
        list(builders.results(all_of_them=True))
    builders.close()
