from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from casework.selectors import cases_visible_to
from orgs.models import Area
from tongxing.forms import form_date, form_ids

from . import selectors, services
from .models import SupervisionSession, Training, VolunteerTask


@login_required
@require_http_methods(["GET", "POST"])
def registry(request):
    """The volunteer registry of the user's area: register volunteers, record trainings and supervision."""
    user = request.user
    if user.role not in selectors.MANAGERS:
        raise PermissionDenied(_("Volunteers are managed by staff."))
    volunteers = selectors.volunteers_visible_to(user=user, query=request.GET.get("q", ""))
    if request.method == "POST":
        data, action = request.POST, request.POST.get("action")
        try:
            chosen = volunteers.filter(pk__in=form_ids(data.getlist("volunteers")))
            if action == "volunteer":
                area_id = data.get("area", "")
                services.volunteer_save(actor=user, data={
                    "name": data.get("name", ""), "phone": data.get("phone", ""), "skills": data.get("skills", ""),
                    "availability": data.get("availability", ""), "joined_on": form_date(data.get("joined_on"), "joined_on"),
                    "area": Area.objects.filter(pk=int(area_id)).first() if area_id.isdecimal() else None,
                    "user": User.objects.filter(pk=int(data["user"]), role="volunteer").first()
                    if data.get("user", "").isdecimal() else None})
            elif action == "training":
                services.training_record(actor=user, title=data.get("title", ""),
                                         held_on=form_date(data.get("held_on"), "held_on"), hours=data.get("hours", ""),
                                         trainer=data.get("trainer", ""), attendees=chosen)
            elif action == "supervision":
                services.supervision_record(actor=user, held_on=form_date(data.get("held_on"), "held_on"),
                                            volunteers=chosen, topic=data.get("topic", ""),
                                            notes=data.get("notes", ""), follow_up=data.get("follow_up", ""))
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("volunteers:registry")
    area = user.organisation.area if user.organisation_id else None
    return render(request, "volunteers/registry.html", {
        "volunteers": volunteers, "query": request.GET.get("q", ""), "today": timezone.localdate(),
        "areas": Area.objects.filter(path__startswith=area.path).order_by("path") if area else [],
        "accounts": User.objects.filter(role="volunteer", is_active=True, organisation=user.organisation),
        "trainings": Training.objects.filter(attendees__in=volunteers).distinct().prefetch_related("attendees")[:20],
        "sessions": SupervisionSession.objects.filter(volunteers__in=volunteers).distinct()
        .select_related("supervisor").prefetch_related("volunteers")[:20]})


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    """A volunteer's page: staff assign and close tasks; the volunteer sees their own and reports them done."""
    is_self = request.user.role == "volunteer"
    volunteers = selectors.own_profile(user=request.user) if is_self else \
        selectors.volunteers_visible_to(user=request.user)
    volunteer = get_object_or_404(volunteers, pk=pk)
    cases = cases_visible_to(user=request.user).exclude(stage__in=("closed", "stopped")).select_related("person")
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("action") == "task" and not is_self:
                case_id = data.get("case", "")
                case = get_object_or_404(cases, pk=int(case_id) if case_id.isdecimal() else 0)
                services.task_assign(actor=request.user, volunteer=volunteer, case=case, task=data.get("task", ""),
                                     due_on=form_date(data.get("due_on"), "due_on"))
            else:
                task_id = data.get("task_id", "")
                task = get_object_or_404(VolunteerTask, pk=int(task_id) if task_id.isdecimal() else 0,
                                         volunteer=volunteer)
                services.task_close(actor=request.user, task=task, done=data.get("action") == "done",
                                    hours=data.get("hours") or 0, note=data.get("note", ""))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/detail.html", {
        "volunteer": volunteer, "cases": [] if is_self else cases[:200], "today": timezone.localdate(),
        "is_self": is_self,
        "tasks": volunteer.tasks.select_related("case__person"),
        "trainings": volunteer.trainings.all(),
        "sessions": volunteer.supervision_sessions.select_related("supervisor")})


@login_required
def mine(request):
    """A volunteer's own page, from the navigation."""
    volunteer = selectors.own_profile(user=request.user).first()
    if volunteer is None:
        raise PermissionDenied(_("Your account is not linked to a volunteer entry; ask your organisation."))
    return redirect("volunteers:detail", pk=volunteer.pk)
