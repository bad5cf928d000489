"""Background jobs: a registry of kinds, one task that runs any of them, and progress written as it goes.

The task worker (`manage.py db_worker`, started by `make run`; `manage.py rqworker default` with TASKS_BACKEND=rq)
picks the job up; a job's own code reports progress through `Progress`, which writes outside any transaction the job
opens, so the waiting page sees it move."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from audit.services import audit_record

from .models import Job, JobStatus

log = logging.getLogger(__name__)
KINDS: dict[str, callable] = {}


def job_kind(name: str):
    """Register a function(job, progress) as the code of a job kind."""
    def register(function):
        KINDS[name] = function
        return function
    return register


class Progress:
    """Writes progress through the job's own connection: visible at once outside a transaction; inside one (an
    import's commit) it shows when the transaction ends, so such work announces its phase before it begins."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int, total: int | None = None, phase: str = "") -> None:
        updates = {"done": done}
        if total is not None:
            updates["total"] = total
        if phase:
            updates["phase"] = phase
        Job.objects.filter(pk=self.job.pk).update(**updates)


def job_start(*, actor, kind: str, params: dict) -> Job:
    """Record the job and hand it to the worker once the request's transaction has committed."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, user=actor, params=params,
                             language=translation.get_language() or settings.LANGUAGE_CODE)
    audit_record(actor=actor, action=f"job.{kind}", target=job, changes={"params": params})
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


@task()
def run_job(job_id: str) -> None:
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.finished:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        _run(job)


def _run(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase=_("starting"))
    try:
        result = KINDS[job.kind](job, Progress(job)) or {}
    except Exception as exc:  # the page says it failed; the log, not the user, gets the details
        from django.core.exceptions import PermissionDenied, ValidationError

        log.exception("job %s failed", job.pk)
        shown = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) if isinstance(
            exc, PermissionDenied) else _("The job stopped on an error; nothing from it was saved.")
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(), message=shown[:300])
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now(), result=result,
                                         message=str(result.get("message", ""))[:300])


@transaction.atomic
def jobs_abandoned_fail() -> int:
    """A job whose worker was killed (a restart, the machine, its memory) would say "running" for ever: after
    `JOB_ABANDONED_AFTER_HOURS` it is failed, with what to do. A worker that comes back skips it (`run_job`)."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.JOB_ABANDONED_AFTER_HOURS)
    stale = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=cutoff)
    ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
    if ids:
        Job.objects.filter(pk__in=ids).update(
            status=JobStatus.FAILED, finished_at=timezone.now(),
            message=_("The job did not finish: the worker stopped. Nothing from it was saved; start it again."))
        audit_record(actor=None, action="jobs.abandoned", changes={"jobs": ids})
    return len(ids)

