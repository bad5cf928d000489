"""Thin views over the casework selectors and services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import users_visible_to
from orgs.selectors import owner_roles_for
from people.access import open_file
from people.models import EnrolmentStatus
from people.selectors import person_get_visible
from tongxing.forms import add_service_errors
from tongxing.permissions import ConflictError

from . import selectors, services
from .forms import (
    AgreementForm, AppointmentForm, AssessmentForm, CaseOpenForm, ConsentForm, ContactForm, DecisionForm,
    GoalFormSet, MeetingArrangementForm, OpinionForm, PlanMetaForm, PlanReviewForm, ReasonForm, StepDoneForm,
    TransferForm,
)
from .models import Approval, Mode, ProtocolStep, Stage
from .transitions import TRANSITIONS


def _case(request, pk: int, perm: str | None = None):
    """The case, or 404 out of reach; with `perm`, refused before any form is shown to someone who may not use it."""
    case = selectors.case_get_visible(user=request.user, pk=pk)
    if perm and not request.user.has_perm(perm, case if perm.startswith("casework.") else case.person):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    return case


def _form_page(request, form, case, title, *, extra=None):
    return render(request, "casework/form.html", {"form": form, "case": case, "title": title, **(extra or {})})


@login_required
def case_list(request):
    stage = request.GET.get("stage", "")
    mine = request.GET.get("mine", "1" if request.user.role in ("social_worker", "judicial_officer",
                                                                  "community_worker") else "")
    cases = selectors.cases_visible_to(user=request.user)
    if mine:
        cases = cases.filter(owner=request.user)
    if stage:
        cases = cases.filter(stage=stage)
    page = Paginator(cases.order_by("-stage_since", "-id"), 25).get_page(request.GET.get("page"))
    waiting = selectors.approvals_waiting_for(user=request.user).count()
    return render(request, "casework/list.html", {"page": page, "stage": stage, "mine": mine,
                                                  "stages": Stage.choices, "approvals_waiting": waiting})


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    case = _case(request, pk)
    # The case page shows the file: audited. Its person was checked with the case, and the answer is kept on it.
    _person, interruption = open_file(request, case.person_id, person=case.person)
    if interruption:
        return interruption
    user = request.user
    is_owner = user.has_perm("casework.own_case", case)
    is_approver = user.has_perm("casework.approve", case)
    actions = [t for t in TRANSITIONS.values() if case.stage in t.sources and (is_owner or (t.by_approver and is_approver))]
    steps, steps_done, next_step = selectors.protocol_progress(case)
    records = selectors.case_records(case)
    if records.current_plan:  # its goals, their tasks and owners: three queries however many
        prefetch_related_objects([records.current_plan], "goals__tasks__owner")
    context = {
        "case": case, "person": case.person, "actions": actions, "is_owner": is_owner, "is_approver": is_approver,
        "can_work": user.has_perm("casework.work_on_case", case), "pending": records.pending_approvals,
        "next_step": next_step, "steps": steps, "steps_done": steps_done,
        "proposal": selectors.family_focus_proposal(case),
        "appointments": selectors.upcoming_appointments(case),
        "plan": records.current_plan, "draft": records.draft_plan, "agreement": records.agreement,
        "timeline": selectors.case_timeline(case, full=user.policy.sees_offence, records=records),
        "consents": case.person.consents.all(),
        "transfer": records.pending_transfer,
        "next_length_hint": selectors.planned_minutes_for_next_interview(case)[1],
    }
    return render(request, "casework/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request, person_pk: int):
    person = person_get_visible(user=request.user, pk=person_pk)
    if not request.user.has_perm("casework.open_case", person):
        raise PermissionDenied(_("Your role cannot open cases."))
    populations = [e.population for e in person.enrolments.filter(status=EnrolmentStatus.ACTIVE)]
    allowed = owner_roles_for(district=person.area.district(), populations=populations)
    owners = users_visible_to(user=request.user).filter(role__in=allowed)
    form = CaseOpenForm(request.POST or None, populations=populations, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, person=person, population=form.cleaned_data["population"],
                                      owner=form.cleaned_data["owner"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(case)
    return render(request, "casework/form.html", {"form": form, "person": person, "title": _("Take on a case")})


@login_required
@require_http_methods(["GET", "POST"])
def case_act(request, pk: int, action: str):
    case = _case(request, pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise PermissionDenied(_("Unknown action."))
    # The same rule as the service: the case worker acts; an approver takes the approver's actions.
    by_approver = transition.by_approver and request.user.pk != case.owner_id
    if not request.user.has_perm("casework.approve" if by_approver else "casework.own_case", case):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        try:
            services.case_act(actor=request.user, case=case, action=action, reason=form.cleaned_data["reason"],
                              expected_version=int(version) if version.isdecimal() else None)
        except (ValidationError, ConflictError) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Done: %(action)s") % {"action": transition.label})
            return redirect(case)
    return _form_page(request, form, case, transition.label, extra={"version": case.version})


@login_required
def approval_queue(request):
    return render(request, "casework/approvals.html",
                  {"approvals": selectors.approvals_waiting_for(user=request.user),
                   "transfers": selectors.transfers_waiting_for(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def approval_decide(request, pk: int):
    approval = get_object_or_404(Approval.objects.select_related("case", "plan"), pk=pk,
                                 case__in=selectors.cases_visible_to(user=request.user).values("pk"))
    if not request.user.has_perm("casework.approve", approval.case):
        raise PermissionDenied(_("Only the approvers for this case decide its requests."))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_decide(actor=request.user, approval=approval, approve=request.POST.get("approve") == "1",
                                     note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(approval.case)
    return _form_page(request, form, approval.case, str(approval), extra={"approval": approval, "decide": True})


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request, pk: int):
    case = _case(request, pk)
    if not request.user.has_perm("casework.work_on_case", case):
        raise PermissionDenied(_("You do not work on this case."))
    step = selectors.next_protocol_step(case)
    agenda = step.agenda if step and step.agenda else []
    companions = users_visible_to(user=request.user).filter(role="community_worker")
    now = dt.datetime.now().replace(second=0, microsecond=0)
    initial = {"mode": case.meeting_mode or Mode.HOME_VISIT, "met": "person", "place": case.meeting_place,
               "started_at": now - dt.timedelta(minutes=30), "ended_at": now}
    form = ContactForm(request.POST or None, initial=initial, agenda=agenda, companions=companions)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, case=case, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for warning in contact.warnings:
                messages.warning(request, warning)
            messages.success(request, _("The contact was recorded."))
            return redirect(case)
    return _form_page(request, form, case, _("Record a contact"), extra={"contact_form": True, "step": step})


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request, pk: int):
    case = _case(request, pk, "casework.work_on_case")
    minutes, hint = selectors.planned_minutes_for_next_interview(case)
    form = AppointmentForm(request.POST or None, initial={"planned_minutes": minutes, "mode": case.meeting_mode,
                                                          "place": case.meeting_place})
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_book(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(case)
    return _form_page(request, form, case, _("Book the next contact"), extra={"hint": hint})


def _simple_form_view(form_class, service, title, *, perm, initial=None, fields_to_kwargs=None):
    """A case form whose cleaned data goes straight to one service as keyword arguments; `perm` is the one the
    service requires, asked before the form is shown."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        case = _case(request, pk, perm)
        form = form_class(request.POST or None, initial=initial(case) if initial else None)
        if request.method == "POST" and form.is_valid():
            kwargs = fields_to_kwargs(form.cleaned_data) if fields_to_kwargs else form.cleaned_data
            try:
                service(actor=request.user, case=case, **kwargs)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(case)
        return _form_page(request, form, case, title)

    return view


assessment_new = _simple_form_view(AssessmentForm, services.assessment_record, gettext_lazy("Assessment"),
                                   perm="casework.own_case", fields_to_kwargs=lambda data: {"data": data})
opinion_new = _simple_form_view(OpinionForm, services.supervisor_opinion_record,
                                gettext_lazy("Supervisor's opinion"), perm="casework.approve")
agreement_edit = _simple_form_view(AgreementForm, services.agreement_sign, gettext_lazy("Service agreement"),
                                   perm="casework.own_case", initial=lambda case: {"signed_on": dt.date.today()})
meetings_edit = _simple_form_view(
    MeetingArrangementForm, services.meeting_arrangement_set, gettext_lazy("Agreed frequency and place"),
    perm="casework.own_case",
    initial=lambda case: {"every_days": case.meeting_every_days, "mode": case.meeting_mode,
                          "place": case.meeting_place})
plan_review_new = _simple_form_view(PlanReviewForm, services.plan_review_record, gettext_lazy("Review the plan"),
                                    perm="casework.own_case", initial=lambda case: {"reviewed_on": dt.date.today()})


def _goals_from(formset, case, user) -> list[dict]:
    """Read the goal rows; each task line is `task ｜ who ｜ due`. Who is a colleague's login or full name, or any
    other name (the person, a family member)."""
    staff = {u.username: u for u in users_visible_to(user=user)}
    staff.update({u.full_name: u for u in staff.values() if u.full_name})
    goals = []
    for form in formset:
        text = (form.cleaned_data.get("text") or "").strip()
        if not text:
            continue
        tasks = []
        for line in (form.cleaned_data.get("tasks") or "").splitlines():
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if not parts[0]:
                continue
            who = parts[1] if len(parts) > 1 else ""
            due = None
            if len(parts) > 2 and parts[2]:
                try:
                    due = dt.date.fromisoformat(parts[2])
                except ValueError:
                    raise ValidationError(_("“%(date)s” is not a date like 2026-12-31.") % {"date": parts[2]}) from None
            tasks.append({"text": parts[0], "owner": staff.get(who), "owner_note": "" if who in staff else who,
                          "due_on": due})
        goals.append({"text": text, "status": form.cleaned_data.get("status") or "open", "tasks": tasks})
    return goals


def _goal_rows(plan) -> list[dict]:
    rows = []
    for goal in plan.goals.prefetch_related("tasks__owner"):
        lines = [" ｜ ".join(filter(None, [t.text, t.owner.username if t.owner else t.owner_note,
                                          t.due_on.isoformat() if t.due_on else ""])) for t in goal.tasks.all()]
        rows.append({"text": goal.text, "status": goal.status, "tasks": "\n".join(lines)})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    case = _case(request, pk)
    if not request.user.has_perm("casework.own_case", case):
        raise PermissionDenied(_("Only the case worker edits the plan."))
    source = selectors.draft_plan(case) or selectors.current_plan(case)
    formset = GoalFormSet(request.POST or None, initial=_goal_rows(source) if source else None, prefix="goals")
    meta = PlanMetaForm(request.POST or None, initial={"review_on": source.review_on if source else None})
    if request.method == "POST" and formset.is_valid() and meta.is_valid():
        try:
            services.plan_draft_save(actor=request.user, case=case, goals=_goals_from(formset, case, request.user),
                                     review_on=meta.cleaned_data["review_on"], note=meta.cleaned_data["note"])
            if request.POST.get("submit"):
                services.plan_submit(actor=request.user, case=case)
        except ValidationError as exc:
            add_service_errors(meta, exc)
        else:
            return redirect(case)
    return render(request, "casework/plan_form.html", {"case": case, "formset": formset, "meta": meta,
                                                       "current": selectors.current_plan(case)})


@login_required
@require_POST
def family_focus_decide(request, pk: int):
    case = _case(request, pk)
    services.family_focus_decide(actor=request.user, case=case, accept=request.POST.get("accept") == "1",
                                 note=request.POST.get("note", ""))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def step_done(request, pk: int, step_pk: int):
    case = _case(request, pk)
    step = get_object_or_404(ProtocolStep, pk=step_pk, protocol_id=case.protocol_id)
    if not request.user.has_perm("casework.team_case", case):
        raise PermissionDenied(_("You do not work on this case."))
    form = StepDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_mark_done(actor=request.user, case=case, step=step, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(case)
    return _form_page(request, form, case, str(step), extra={"step": step})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_new(request, pk: int):
    case = _case(request, pk, "casework.own_case")
    allowed = owner_roles_for(district=selectors.case_district(case), populations=[case.population])
    workers = users_visible_to(user=request.user).filter(role__in=allowed).exclude(pk=case.owner_id)
    form = TransferForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(case)
    return _form_page(request, form, case, _("Transfer the case"))


@login_required
@require_POST
def transfer_decide(request, pk: int):
    transfer = get_object_or_404(selectors.transfers_decided_by(user=request.user), pk=pk)  # others: 404
    try:
        services.transfer_decide(actor=request.user, transfer=transfer, accept=request.POST.get("accept") == "1",
                                 note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("casework:approvals")
    return redirect("casework:approvals" if request.POST.get("accept") != "1" else transfer.case)


@login_required
@require_POST
def approval_withdraw(request, pk: int):
    approval = get_object_or_404(Approval, pk=pk, case__in=selectors.cases_visible_to(user=request.user).values("pk"))
    try:
        services.approval_withdraw(actor=request.user, approval=approval)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(approval.case)


@login_required
@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    case = _case(request, pk)
    consent = get_object_or_404(case.person.consents, pk=consent_pk)
    try:
        services.consent_withdraw(actor=request.user, consent=consent, on=dt.date.today(),
                                  note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request, pk: int):
    case = _case(request, pk, "people.change_person")
    form = ConsentForm(request.POST or None, initial={"on": dt.date.today(), "given": True, "method": "written"})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, person=case.person, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(case)
    return _form_page(request, form, case, _("Record consent"))


@login_required
@require_http_methods(["GET", "POST"])
def practice_rules(request):
    """The seed's practice rules and intake protocols as configured; administrators set their district's values."""
    from orgs.models import AreaLevel
    from orgs.selectors import areas_visible_to

    from .models import PracticeRule, Protocol

    districts = list(areas_visible_to(user=request.user, level=AreaLevel.DISTRICT))
    error = None
    if request.method == "POST":
        district = next((d for d in districts if str(d.pk) == request.POST.get("district")), None)
        try:
            if district is None:
                raise ValidationError(_("Choose a district."))
            services.practice_rule_set(actor=request.user, district=district, key=request.POST.get("key", ""),
                                       value=int(request.POST.get("value") or -1),
                                       source=request.POST.get("source", ""))
        except (ValidationError, ValueError) as exc:
            error = "；".join(exc.messages) if isinstance(exc, ValidationError) else _("Give a whole number.")
        else:
            return redirect("casework:practice_rules")
    rules = PracticeRule.objects.filter(area__isnull=True).order_by("key")
    overrides = PracticeRule.objects.filter(area__in=districts).select_related("area").order_by("area__name", "key")
    return render(request, "casework/practice_rules.html", {
        "rules": rules, "overrides": overrides, "districts": districts, "error": error,
        "can_set": request.user.policy.manages_orgs,
        "protocols": Protocol.objects.prefetch_related("steps")})
