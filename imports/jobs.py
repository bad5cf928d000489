"""The import job kinds, run by the task worker."""

from django.urls import reverse

from jobs.services import job_kind

from . import services


@job_kind("import_check")
def check(job, progress) -> dict:
    result = services.check_file(user=job.user, kind=job.params["kind"], filename=job.params["filename"],
                                 progress=progress)
    if result["error_count"] or not result["rows"]:
        services.discard(job.params["filename"])  # a file with errors is uploaded again once corrected
    return {**result, "next_url": reverse("imports:job", args=[job.pk])}


@job_kind("import_commit")
def commit(job, progress) -> dict:
    result = services.commit_file(user=job.user, kind=job.params["kind"], filename=job.params["filename"],
                                  progress=progress)
    return {**result, "next_url": reverse("imports:job", args=[job.pk])}
