"""Scale-out: the environment switches, reports read from a replica, the task queue, cache and sessions in Redis.

Redis tests use database 15 (never 0, where a developer's queue may live) and flush only that one; they are skipped
when no Redis answers on 127.0.0.1:6379."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongxing.dbrouters import ReportsToReplica, reading_reports

TEST_REDIS = "redis://127.0.0.1:6379/15"
REDIS_CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_REDIS,
                            "KEY_PREFIX": "tongxing"}}  # as settings.py makes them from REDIS_URL
SWITCHES = ("TASKS_BACKEND", "REDIS_URL", "CACHE_URL", "DATABASE_REPLICA_URL")


def settings_with(**env) -> dict:
    """tongxing.settings imported afresh, in another process, under these environment variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES and k != "DJANGO_SETTINGS_MODULE"}
    names = ["TASKS", "CACHES", "SESSION_ENGINE", "RQ_QUEUES", "RQ", "DATABASES", "DATABASE_ROUTERS", "INSTALLED_APPS"]
    code = (f"import json; from tongxing import settings as s; "
            f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                            env={**clean, "TONGXING_TESTING": "1", **env})
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


@pytest.fixture
def redis_15():
    """Database 15 of the local Redis, empty before and after the test."""
    import redis

    connection = redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


# The switches


def test_without_the_switches_the_queue_sessions_and_cache_stay_on_this_server():
    values = settings_with()
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    # Django's local-memory cache; sessions in the database (read by a compiled statement: tongxing/sessions.py)
    assert values["CACHES"] is None and values["SESSION_ENGINE"] == "tongxing.sessions"
    assert values["DATABASE_ROUTERS"] is None and set(values["DATABASES"]) == {"default"}
    assert "django_rq" not in values["INSTALLED_APPS"]


@pytest.mark.parametrize("backend", ["rq", "django_tasks_rq.RQBackend"])
def test_tasks_backend_rq_puts_the_queue_in_redis(backend):
    values = settings_with(TASKS_BACKEND=backend, REDIS_URL="redis://queue.example:6379/0")
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["RQ_QUEUES"]["default"]["URL"] == "redis://queue.example:6379/0"
    assert values["RQ"]["JOB_CLASS"] == "django_tasks_rq.Job" and "django_rq" in values["INSTALLED_APPS"]
    assert values["CACHES"]["default"]["LOCATION"] == "redis://queue.example:6379/0"


def test_the_rq_queue_without_a_redis_url_refuses_to_start():
    with pytest.raises(RuntimeError, match="TASKS_BACKEND=rq needs REDIS_URL"):
        settings_with(TASKS_BACKEND="rq")


def test_a_redis_url_puts_cache_and_sessions_in_redis_and_a_cache_url_overrides_it():
    values = settings_with(REDIS_URL="redis://queue.example:6379/0")
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # the queue is its own switch
    values = settings_with(REDIS_URL="redis://queue.example:6379/0", CACHE_URL="redis://cache.example:6379/1")
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.example:6379/1"


def test_a_replica_url_adds_the_replica_and_its_router():
    values = settings_with(DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/tongxing")
    replica = values["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.example" and replica["TEST"] == {"MIRROR": "default"}
    assert values["DATABASE_ROUTERS"] == ["tongxing.dbrouters.ReportsToReplica"]


# The replica


def test_the_router_sends_reads_to_the_replica_only_inside_the_report_scope():
    from people.models import Person

    router = ReportsToReplica()
    assert router.db_for_read(Person) == "default"
    with reading_reports():
        assert router.db_for_read(Person) == "replica"
    assert router.db_for_read(Person) == "default"


def test_the_router_writes_to_the_primary_even_inside_the_report_scope():
    from audit.models import AuditEvent

    with reading_reports():
        assert ReportsToReplica().db_for_write(AuditEvent) == "default"
    assert ReportsToReplica().allow_migrate("replica", "audit") is False


def test_the_scope_ends_when_a_report_fails():
    from people.models import Person

    with pytest.raises(ZeroDivisionError), reading_reports():
        1 / 0
    assert ReportsToReplica().db_for_read(Person) == "default"


@pytest.fixture
def replica():
    """The "replica" alias: a second connection to the test database (test_settings.py)."""
    yield connections["replica"]
    connections["replica"].close()  # PostgreSQL drops the test database only when no connection is left


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_statistical_return_reads_from_the_replica_and_an_export_stays_on_the_primary(replica, settings, staff):
    from audit.models import AuditEvent
    from orgs.models import Area
    from reports.exports import export_list
    from reports.returns import Period, statistical_return

    district = Area.objects.get(level="district", path__startswith="310000/")
    period = Period("year", dt.date.today().year)
    on_primary = statistical_return(area=district, period=period)
    settings.DATABASE_ROUTERS = ["tongxing.dbrouters.ReportsToReplica"]
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(replica) as on_the_replica:
        on_replica = statistical_return(area=district, period=period)
    assert on_the_replica.captured_queries and not primary.captured_queries
    assert on_replica.total.values == on_primary.total.values and on_replica.total.values["current"] > 0

    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(replica) as on_the_replica:
        export_list("cases", user=staff("sh_officer"), params={})
    # Which files a user may export is never read from a replica that may lag a transfer or a withdrawn assignment.
    assert not on_the_replica.captured_queries
    assert [q for q in primary.captured_queries if "INSERT" in q["sql"] and "audit_auditevent" in q["sql"]]
    assert AuditEvent.objects.using("default").filter(action="export.cases").exists()


# Redis


@pytest.fixture
def rq_queue(redis_15, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    import django_rq

    return django_rq.get_queue("default")


@pytest.fixture
def doubling_job_kind():
    from jobs.services import KINDS, job_kind

    @job_kind("test_double")
    def double(job, progress):
        progress(1, 1)
        return {"doubled": job.params["n"] * 2}

    yield "test_double"
    KINDS.pop("test_double")


def test_a_job_runs_through_redis_and_its_page_shows_it_done(rq_queue, doubling_job_kind, staff, login,
                                                             django_capture_on_commit_callbacks):
    from django_rq.workers import get_worker
    from django_tasks import TaskResultStatus

    from jobs.models import JobStatus
    from jobs.services import job_start, run_job

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=staff("bj_officer"), kind=doubling_job_kind, params={"n": 21})
    assert rq_queue.count == 1
    # What `manage.py rqworker default` runs, in this process (SimpleWorker does not fork) so it sees the test's rows.
    get_worker("default", worker_class="rq.SimpleWorker").work(burst=True)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"doubled": 42}
    [task_id] = rq_queue.finished_job_registry.get_job_ids()
    assert run_job.get_result(task_id).status == TaskResultStatus.SUCCESSFUL
    page = login("bj_officer").get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'data-status="done"' in page.text


def test_the_cache_is_shared_by_processes(redis_15, settings):
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    settings.CACHES = REDIS_CACHES
    cache.set("scale-out", "seen", 30)
    another_process = RedisCache(TEST_REDIS, {"KEY_PREFIX": "tongxing"})
    assert another_process.get("scale-out") == "seen"


def test_a_session_in_redis_outlives_the_process_and_an_eviction_and_keeps_its_idle_clock(redis_15, settings, staff):
    from importlib import import_module

    from django.core.cache import caches

    settings.CACHES = REDIS_CACHES
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    client = Client()
    client.force_login(staff("sh_social"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = store(key)
    session["_seen"] = 0  # last seen long ago: the next request restarts the idle clock
    session.save()

    assert client.get("/today/").status_code == 200
    caches.close_all()  # as a restarted web process: nothing of the session left in this one
    in_redis = caches["default"].make_and_validate_key(store(key).cache_key)
    assert store(key).load()["_seen"] > 0 and redis_15.exists(in_redis)
    redis_15.delete(in_redis)  # evicted from Redis: the database copy still signs the user in
    another_process = Client()
    another_process.cookies[settings.SESSION_COOKIE_NAME] = key
    assert another_process.get("/today/").status_code == 200


def test_a_lockout_is_kept_in_the_database_every_web_process_reads(db, client):
    from axes.models import AccessAttempt

    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    for _n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "hz_community", "password": "wrong-password"})
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")  # another web process, behind another address
    assert elsewhere.post("/login/", {"username": "hz_community", "password": "tongxing-demo"}).status_code == 429
    assert AccessAttempt.objects.filter(username="hz_community").exists()


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_compiled_read_follows_the_router_at_each_call(replica, settings, staff):
    """The day list is read by a statement compiled once (tongxing/compiled.py), inside a report (the worker's
    dashboard) from the replica and otherwise from the primary, whichever came first."""
    from duties.selectors import day_list

    settings.DATABASE_ROUTERS = ["tongxing.dbrouters.ReportsToReplica"]
    worker = staff("sh_social2")
    for _ in range(2):
        with reading_reports(), CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(replica) as on_the_replica:
            day_list(user=worker)
        assert on_the_replica.captured_queries and not primary.captured_queries
        with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as on_the_replica:
            day_list(user=worker)
        assert primary.captured_queries and not on_the_replica.captured_queries
