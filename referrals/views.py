from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.views import _case
from orgs.models import Area
from people.access import open_file
from tongxing.forms import add_service_errors

from . import selectors, services
from .forms import ReferralForm, ResourceForm, UpdateForm
from .models import NEXT_STATUSES, Referral


@login_required
@require_http_methods(["GET", "POST"])
def case_referrals(request, case_pk: int):
    """A case's referrals: send one (with consent), and record the news of each until it closes."""
    case = _case(request, case_pk)
    if not request.user.has_perm("casework.work_on_case", case):
        raise PermissionDenied(_("You do not work on this case."))
    if request.method == "GET":
        _person, interruption = open_file(request, case.person_id, person=case.person)  # the page shows the file
        if interruption:
            return interruption
    person = case.person
    resources = selectors.resources_serving(area=person.area)
    form = ReferralForm(request.POST if "resource" in request.POST else None, resources=resources)
    if request.method == "POST":
        try:
            if "resource" in request.POST:
                if form.is_valid():
                    services.referral_send(actor=request.user, case=case, **form.cleaned_data)
                    return redirect("referrals:case", case_pk=case.pk)
            else:
                referral_id = request.POST.get("referral", "")
                referral = get_object_or_404(Referral, pk=int(referral_id) if referral_id.isdecimal() else 0, case=case)
                update = UpdateForm(request.POST)
                if update.is_valid():
                    services.referral_update(actor=request.user, referral=referral, **update.cleaned_data)
                else:
                    messages.error(request, "；".join(f"{k}: {'；'.join(v)}" for k, v in update.errors.items()))
                return redirect("referrals:case", case_pk=case.pk)
        except ValidationError as exc:
            if "resource" in request.POST:
                add_service_errors(form, exc)
            else:
                messages.error(request, "；".join(exc.messages))
                return redirect("referrals:case", case_pk=case.pk)
    referrals = list(case.referrals.select_related("resource").prefetch_related("updates__by"))
    for referral in referrals:
        referral.next_statuses = [(s, s.label) for s in NEXT_STATUSES.get(referral.status, ())]
    return render(request, "referrals/case.html", {
        "case": case, "person": person, "form": form, "referrals": referrals, "today": timezone.localdate(),
        "consent": selectors.sharing_consent(person=person)})


@login_required
@require_http_methods(["GET", "POST"])
def directory(request):
    """The resource directory of the user's area; supervisors, officers, leaders and administrators keep it."""
    user = request.user
    area = user.organisation.area if user.organisation_id else None
    areas = Area.objects.filter(path__startswith=area.path).order_by("path") if area else Area.objects.none()
    may_edit = services._manages_directory(user)
    form = ResourceForm(request.POST or None, areas=areas) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Supervisors, officers, leaders and administrators keep the directory."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = data.pop("areas")
            try:
                services.resource_save(actor=user, data=data, areas=chosen)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("referrals:directory")
    query = request.GET.get("q", "")
    return render(request, "referrals/directory.html", {
        "resources": selectors.resources_visible_to(user=user, query=query), "form": form, "query": query})
