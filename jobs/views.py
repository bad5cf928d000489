from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Job


@login_required
def job_detail(request, pk):
    """A job's progress; the bar refreshes itself (htmx) until the job has finished."""
    job = get_object_or_404(Job, pk=pk, user=request.user)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})
