from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from incidents.models import Incident
from people.access import open_file
from people.selectors import people_visible_to
from tongxing.forms import add_service_errors

from . import brief, selectors, services
from .forms import DECISION_ROWS, HoldForm, ScheduleForm
from .models import AnalysisDimension, Conference


def _person(request, pk: int, posting: bool):
    if not posting:
        return open_file(request, pk)
    return get_object_or_404(people_visible_to(user=request.user), pk=pk), None


@login_required
@require_http_methods(["GET", "POST"])
def conference_new(request, person_pk: int):
    posting = request.method == "POST" and "place" in request.POST
    person, interruption = _person(request, person_pk, posting)
    if interruption:
        return interruption
    if request.user.role not in services.CONVENERS:
        raise PermissionDenied(_("Case conferences are convened by social workers, officers, supervisors and "
                                 "leaders."))
    incident = None
    if request.GET.get("incident", "").isdecimal():
        incident = get_object_or_404(Incident, pk=int(request.GET["incident"]), person=person)
    form = ScheduleForm(request.POST if posting else None, staff_choices=selectors.staff_choices(person=person))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            conference, warnings = services.conference_schedule(
                actor=request.user, person=person, scheduled_for=data["scheduled_for"], place=data["place"],
                staff=list(data["staff"]), externals=data["externals"], incident=incident,
                case=incident.case if incident else None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            return redirect(conference)
    return render(request, "casework/form.html", {"form": form, "person": person,
                                                  "title": _("Schedule a case conference")})


@login_required
@require_http_methods(["GET", "POST"])
def conference_detail(request, pk: int):
    conference = get_object_or_404(Conference.objects.select_related("person", "incident", "presenter"), pk=pk,
                                   person__in=people_visible_to(user=request.user, include_inactive=True))
    if request.user.role not in services.CONVENERS:
        raise PermissionDenied(_("Case conferences are convened by social workers, officers, supervisors and "
                                 "leaders."))
    posting = request.method == "POST" and "held_on" in request.POST
    person, interruption = _person(request, conference.person_id, posting)
    if interruption:
        return interruption
    dimensions = list(AnalysisDimension.objects.filter(is_active=True))
    form = None
    if conference.status == "scheduled" and request.user.role in services.CONVENERS:
        initial = {"held_on": timezone.localdate()}
        form = HoldForm(request.POST if posting else None, initial=initial, dimensions=dimensions,
                        owners=selectors.staff_choices(person=person))
        if posting and form.is_valid():
            try:
                services.conference_hold(actor=request.user, conference=conference, **form.service_data())
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The conference is recorded; each decision is now in its owner's day "
                                            "list."))
                return redirect(conference)
    decision_fields = [(form[f"decision_{n}"], form[f"owner_{n}"], form[f"due_{n}"]) for n in range(DECISION_ROWS)] \
        if form else []
    return render(request, "conferences/detail.html", {
        "conference": conference, "person": person, "form": form, "decision_fields": decision_fields,
        "dimension_fields": [form[f"dim_{d.code}"] for d in dimensions] if form else [],
        "participants": conference.participants.select_related("user"),
        "analyses": conference.analyses.select_related("dimension"),
        "decisions": conference.decisions.select_related("owner")})


@login_required
def conference_brief(request, pk: int, training: bool = False):
    """The pseudonymised brief (or training material) as Word; generated by conveners, audited."""
    conference = get_object_or_404(Conference.objects.select_related("person"), pk=pk,
                                   person__in=people_visible_to(user=request.user, include_inactive=True))
    if request.user.role not in services.CONVENERS:
        raise PermissionDenied(_("Case conferences are convened by social workers, officers, supervisors and "
                                 "leaders."))
    _person, interruption = open_file(request, conference.person_id)  # audited; leaders give their reason first
    if interruption:
        return interruption
    content = brief.conference_brief(conference, training=training)
    audit_record(actor=request.user, action="document.conference_training" if training else "document.conference_brief",
                 target=conference, person=conference.person)
    name = "培训案例" if training else "个案讨论会材料"
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    filename = f"{name}-{brief.pseudonym_of(conference.person)}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def dimensions(request):
    """The analysis dimensions (the seed's twelve by default); administrators rename, reorder, retire or add."""
    if request.method == "POST":
        data = request.POST
        try:
            order = data.get("order", "")
            services.dimension_save(actor=request.user, code=data.get("code", "").strip(), name=data.get("name", ""),
                                    order=int(order) if order.isdecimal() else -1, is_active=bool(data.get("is_active")))
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("conferences:dimensions")
    return render(request, "conferences/dimensions.html", {
        "dimensions": AnalysisDimension.objects.all(), "can_edit": request.user.policy.manages_orgs})
