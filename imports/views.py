from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from urllib.parse import quote

from jobs.models import Job
from jobs.services import job_start

from . import services
from .schema import KINDS


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    """Choose the kind of list, download its template, upload the filled file: it is checked in the background."""
    if request.user.role not in services.IMPORTERS:
        raise PermissionDenied(_("Your role does not import lists."))
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose the file to upload."))
            filename = services.upload_save(actor=request.user, kind=kind, upload=upload)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            job = job_start(actor=request.user, kind="import_check", params={"kind": kind, "filename": filename})
            return redirect("imports:job", pk=job.pk)
    return render(request, "imports/start.html", {"kinds": [(k, v["title"]) for k, v in KINDS.items()]})


@login_required
def template(request, kind: str):
    if kind not in KINDS:
        raise PermissionDenied
    response = HttpResponse(services.template(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = quote(f"导入模板-{kind}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def job(request, pk):
    """An import's check or commit: progress while it runs, then the rows with their reasons, or the result."""
    job = get_object_or_404(Job, pk=pk, user=request.user, kind__in=("import_check", "import_commit"))
    if request.method == "POST":
        commit = services.commit_start(actor=request.user, checked=job)
        return redirect("imports:job", pk=commit.pk)
    template_name = "imports/_job.html" if request.headers.get("HX-Request") else "imports/job.html"
    return render(request, template_name, {"job": job, "title": KINDS[job.params["kind"]]["title"]})
