"""Thin views: read through selectors, write through services, render templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import users_visible_to
from accounts.roles import IdVisibility, Role
from audit.selectors import audit_events_for_person
from orgs.models import Area
from orgs.selectors import organisations_visible_to, streets_for_new_people
from tongxing.forms import add_service_errors
from tongxing.paging import ShortListPaginator
from tongxing.permissions import ConflictError

from . import selectors, services
from .access import open_file
from .forms import AssignmentForm, EndEnrolmentForm, EnrolmentForm, PersonForm, ReasonForm, SupportMemberForm
from .models import Enrolment, SupportMember
from .populations import Population

PAGE_SIZE = 25


def _with_populations(qs):
    return qs.prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.filter(status="active")))


@login_required
def person_list(request):
    query = request.GET.get("q", "")
    population = request.GET.get("population", "")
    people = _with_populations(selectors.person_search(user=request.user, query=query, population=population))
    page = ShortListPaginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "population": population, "populations": Population.choices,
               "can_add": request.user.has_perm("people.add_person")}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "people/_results.html", context)
    return render(request, "people/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk: int):
    person, interruption = open_file(request, pk)
    if interruption:
        return interruption
    user = request.user
    context = {
        "person": person,
        "id_number": selectors.id_number_for(user=user, person=person),
        "sees_offence": selectors.sees_offence(user=user, person=person),
        **vars(selectors.person_file(person=person)),
        "can_edit": user.has_perm("people.change_person", person),
        "can_read_trail": user.has_perm("audit.view_person_trail", person),
        "can_open_case": user.has_perm("casework.open_case", person),
        "can_assess": user.role in ("judicial_officer", "bureau_leader") and user.has_perm("people.change_person",
                                                                                          person),
    }
    return render(request, "people/detail.html", context)


def _editable_person(request, pk: int):
    """The person if the user may edit the file; 404 when out of reach, 403 when visible but read-only."""
    person = selectors.person_get_visible(user=request.user, pk=pk)
    if not request.user.has_perm("people.change_person", person):
        raise PermissionDenied(_("Your role cannot edit this file."))
    if request.method == "GET":  # an edit form shows the file, so it counts as opening it
        services.person_file_opened(actor=request.user, person=person)
    return person


def _person_form(request, user, instance=None):
    streets = streets_for_new_people(user=user)
    if instance is not None:
        streets = streets | Area.objects.filter(pk=instance.area_id).select_related("parent")  # keep the current one
    owners = users_visible_to(user=user).filter(
        organisation_id=(instance.organisation_id if instance else user.organisation_id),
        role__in=[Role.SOCIAL_WORKER, Role.JUDICIAL_OFFICER, Role.COMMUNITY_WORKER, Role.SUPERVISOR])
    initial = {"version": instance.version} if instance else {"owner": user if user.role != Role.SUPERVISOR else None}
    form = PersonForm(request.POST or None, instance=instance, initial=initial, streets=streets.distinct(),
                      owners=owners)
    if instance is not None and user.policy.id_number != IdVisibility.FULL:
        del form.fields["id_number"]  # entered once when the file opens; not shown again to this role
    return form


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    if not request.user.has_perm("people.add_person"):
        raise PermissionDenied(_("Your role cannot open files."))
    form = _person_form(request, request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            person = services.person_create(actor=request.user, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file of %(name)s was opened.") % {"name": person.full_name})
            return redirect(person)
    return render(request, "people/form.html", {"form": form, "title": _("New person")})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _editable_person(request, pk)
    form = _person_form(request, request.user, instance=person)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.person_update(actor=request.user, person=person, data=data,
                                   expected_version=form.cleaned_data["version"] or 0)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    return render(request, "people/form.html", {"form": form, "person": person, "title": _("Edit file")})


@login_required
@require_http_methods(["GET", "POST"])
def person_set_active(request, pk: int):
    """Disable (or re-enable) a file with a reason. Files are never deleted."""
    person = _editable_person(request, pk)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].label = _("Reason")
    if request.method == "POST" and form.is_valid():
        services.person_set_active(actor=request.user, person=person, active=not person.is_active,
                                   reason=form.cleaned_data["reason"])
        messages.success(request, _("The file was enabled.") if person.is_active else _("The file was disabled."))
        return redirect(person if person.is_active else "people:list")
    title = _("Enable this file") if not person.is_active else _("Disable this file")
    return render(request, "people/form.html", {"form": form, "person": person, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def support_member_edit(request, pk: int, member_pk: int | None = None):
    person = _editable_person(request, pk)
    member = get_object_or_404(SupportMember, pk=member_pk, person=person) if member_pk else None
    form = SupportMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_member_save(actor=request.user, person=person, data=form.cleaned_data, member=member)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(person)
    title = _("Edit family or support member") if member else _("Add family or support member")
    return render(request, "people/form.html", {"form": form, "person": person, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_add(request, pk: int):
    person = _editable_person(request, pk)
    organisations = organisations_visible_to(user=request.user)
    is_swap = request.headers.get("HX-Request") and request.method == "GET" and "population" in request.GET
    form = EnrolmentForm(request.POST or (request.GET if is_swap else None), organisations=organisations,
                         initial={"population": request.GET.get("population", Population.CORRECTION)})
    if is_swap:
        return render(request, "people/_enrolment_fields.html", {"form": form})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_add(actor=request.user, person=person, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(person)
    return render(request, "people/enrolment_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(request, pk: int, enrolment_pk: int):
    person = _editable_person(request, pk)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, person=person)
    form = EndEnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end(actor=request.user, enrolment=enrolment, end_date=form.cleaned_data["end_date"],
                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(person)
    return render(request, "people/form.html", {"form": form, "person": person,
                                                "title": _("End record: %(record)s") % {"record": enrolment}})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_add(request, pk: int):
    person = selectors.person_get_visible(user=request.user, pk=pk)
    if not request.user.has_perm("people.assign_person", person):
        raise PermissionDenied(_("Your role cannot assign helpers to this file."))
    helpers = users_visible_to(user=request.user).filter(
        role__in=[Role.VOLUNTEER, Role.COMMUNITY_WORKER, Role.EXTERNAL, Role.SOCIAL_WORKER])
    form = AssignmentForm(request.POST or None, users=helpers)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(person)
    return render(request, "people/form.html", {"form": form, "person": person, "title": _("Assign a helper")})


@login_required
@require_http_methods(["GET", "POST"])
def person_audit(request, pk: int):
    person, interruption = open_file(request, pk)  # the trail's changes are part of the file
    if interruption:
        return interruption
    events = audit_events_for_person(user=request.user, person=person)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "people/audit.html", {"person": person, "page": page})
