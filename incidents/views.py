from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import open_file
from people.selectors import people_visible_to, person_get_visible, sees_offence
from tongxing.forms import add_service_errors

from . import services
from .forms import IncidentForm
from .models import Incident


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request, person_pk: int):
    if request.method == "GET" or "kind" not in request.POST:
        person, interruption = open_file(request, person_pk)
        if interruption:
            return interruption
    else:
        person = person_get_visible(user=request.user, pk=person_pk, include_inactive=False)
    if not request.user.has_perm("people.change_person", person):
        raise PermissionDenied(_("Your role does not record incidents for this person."))
    form = IncidentForm(request.POST if "kind" in request.POST else None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(request, _("Recorded. The risk flag is raised, the team is alerted, and a case conference "
                                        "is due by %(due)s.") % {"due": incident.conference_due_on})
            return redirect(incident)
    return render(request, "casework/form.html", {"form": form, "person": person,
                                                  "title": _("Record a critical incident")})


@login_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(Incident.objects.select_related("person", "recorded_by"), pk=pk,
                                 person__in=people_visible_to(user=request.user, include_inactive=True))
    if not sees_offence(user=request.user, person=incident.person):
        raise PermissionDenied(_("Incidents are not shown to your role."))
    person, interruption = open_file(request, incident.person_id)
    if interruption:
        return interruption
    return render(request, "incidents/detail.html", {
        "incident": incident, "person": person,
        "conferences": incident.conferences.all(),
        "referrals": incident.referrals.select_related("resource")})
