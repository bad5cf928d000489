import uuid

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jobs.models import Job
from jobs.services import job_start

from . import services

router = Router(tags=["imports"])


class JobOut(Schema):
    id: str
    kind: str
    status: str
    phase: str
    done: int
    total: int | None
    result: dict
    message: str

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.pk)


@router.post("", response={202: JobOut}, summary="Upload a list (.xlsx) to check: kind=court_notices|release_notices")
def upload(request, kind: Form[str], file: File[UploadedFile]):
    filename = services.upload_save(actor=request.user, kind=kind, upload=file)
    with transaction.atomic():
        job = job_start(actor=request.user, kind="import_check", params={"kind": kind, "filename": filename})
    return Status(202, job)


@router.get("/jobs/{uuid:job_id}", response=JobOut, summary="A check or import job: progress, then rows and errors")
def job(request, job_id: uuid.UUID):
    return get_object_or_404(Job, pk=job_id, user=request.user)


@router.post("/jobs/{uuid:job_id}/commit", response={202: JobOut},
             summary="Import a checked file without errors: all rows, or none")
def commit(request, job_id: uuid.UUID):
    checked = get_object_or_404(Job, pk=job_id, user=request.user, kind="import_check")
    return Status(202, services.commit_start(actor=request.user, checked=checked))
