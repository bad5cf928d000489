"""A job whose worker died does not say "running" for ever."""

import datetime as dt

from django.utils import timezone

from audit.models import AuditEvent
from duties.services import duties_tick
from jobs.models import Job, JobStatus
from jobs.services import run_job


def test_the_daily_job_fails_a_job_its_worker_abandoned_and_a_late_worker_skips_it(staff, settings):
    settings.JOB_ABANDONED_AFTER_HOURS = 6
    user = staff("bj_officer")
    stale = Job.objects.create(kind="import_check", user=user, status=JobStatus.RUNNING, params={})
    Job.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=7))
    fresh = Job.objects.create(kind="import_check", user=user, status=JobStatus.RUNNING, params={})
    assert duties_tick()["jobs_abandoned"] == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == JobStatus.FAILED and stale.finished_at and "重新" in stale.message
    assert fresh.status == JobStatus.RUNNING
    assert AuditEvent.objects.filter(action="jobs.abandoned", changes__jobs=[str(stale.pk)]).exists()
    run_job.call(str(stale.pk))  # the worker comes back: the job stays failed, nothing runs
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED


def test_a_job_speaks_the_language_of_the_page_that_started_it(staff, monkeypatch):
    from django.utils import translation
    from django.utils.translation import gettext

    from jobs import services

    monkeypatch.setitem(services.KINDS, "say", lambda job, progress: {"message": gettext("done")})
    user = staff("bj_officer")
    with translation.override("en"):
        english = services.job_start(actor=user, kind="say", params={})
    chinese = services.job_start(actor=user, kind="say", params={})
    for job in (english, chinese):
        run_job.call(str(job.pk))  # the worker has no page: it takes the language the job was started in
        job.refresh_from_db()
    assert (english.language, english.message) == ("en", "done")
    assert (chinese.language, chinese.message) == ("zh-hans", "已完成")
