"""Writes to cases. Each runs in one transaction, checks permission, records an audit event, and moves the
protocol on when the event completes a step."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties import obligations
from orgs.selectors import owner_roles_for, service_rule_for
from people.models import Enrolment, EnrolmentStatus, Person
from tongxing.permissions import ConflictError, require

from . import selectors
from .models import (
    Agreement, Appointment, AppointmentStatus, Approval, ApprovalKind, ApprovalStatus, Assessment, Case, Consent,
    Contact, FamilyFocusDecision, Goal, GoalStatus, Met, Mode, PlanReview, PlanStatus, PlanVersion, PracticeRule,
    Protocol, Stage, StageChange,
    StepDone, StepEvent, SupervisorOpinion, Task, Transfer, TransferStatus,
)
from .transitions import APPROVAL_TARGET, TRANSITIONS, WAITING_STAGE

STAGE_APPROVALS = (ApprovalKind.OPENING, ApprovalKind.CLOSING, ApprovalKind.STOP)


def _locked(case: Case) -> Case:
    """Re-read the case under a row lock, so two stage changes cannot interleave."""
    locked = Case.objects.select_for_update(of=("self",))  # "of": PostgreSQL locks no outer-joined rows
    return locked.select_related("person__area", "owner", "organisation").get(pk=case.pk)


def _set_stage(case: Case, *, to: str, action: str, actor, reason: str = "") -> None:
    change = StageChange.objects.create(case=case, action=action, from_stage=case.stage, to_stage=to, by=actor,
                                        reason=reason)
    case.stage, case.stage_since = to, change.at
    if to == Stage.OPEN and case.opened_at is None:
        case.opened_at = change.at
    case.closed_at = change.at if to in (Stage.CLOSED, Stage.STOPPED) else None
    case.version += 1
    case.save(update_fields=["stage", "stage_since", "opened_at", "closed_at", "version"])
    audit_record(actor=actor, action=f"case.{action}", target=case, person=case.person, reason=reason,
                 changes={"stage": [change.from_stage, to]})
    if to in (Stage.CLOSED, Stage.STOPPED):
        case.appointments.filter(status=AppointmentStatus.PLANNED).update(status=AppointmentStatus.CANCELLED)
        obligations.case_ended(case)


def _complete_steps(case: Case, event: str, actor, note: str = "") -> None:
    if case.protocol_id is None:
        return
    done = set(case.steps_done.values_list("step_id", flat=True))
    for step in case.protocol.steps.filter(completed_by=event):
        if step.pk not in done:
            StepDone.objects.create(case=case, step=step, by=actor, note=note)


def _collect(instance, errors: dict, exclude: list[str]) -> None:
    """Add a row's own field checks (choices, lengths) to the errors of a multi-row write."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(_("Someone else changed this case since you opened it. Reload it and try again."))


@transaction.atomic
def case_open(*, actor, person: Person, population: str, owner=None, reason: str = "") -> Case:
    """接案: start a service episode for one of the person's active populations, under the district's model."""
    require(actor, "casework.open_case", person)
    enrolment = Enrolment.objects.filter(person=person, population=population, status=EnrolmentStatus.ACTIVE).first()
    if enrolment is None:
        raise ValidationError({"population": [_("The person has no active record for this population.")]})
    if person.cases.filter(population=population).exclude(stage__in=[Stage.CLOSED, Stage.STOPPED]).exists():
        raise ValidationError({"population": [_("There is already an active case for this population.")]})
    owner = owner or actor
    district = person.area.district()
    if owner.role not in owner_roles_for(district=district, populations=[population]):
        raise ValidationError({"owner": [_("Under this district's organising model a %(role)s cannot own this case.")
                                         % {"role": owner.get_role_display()}]})
    if owner.organisation_id != enrolment.organisation_id:
        raise ValidationError({"owner": [_("The case worker must belong to %(org)s, which serves this population.")
                                         % {"org": enrolment.organisation.name}]})
    rule = service_rule_for(district=district, population=population)
    protocol = Protocol.objects.filter(code=rule.intake_protocol).first() if rule and rule.intake_protocol else None
    now = timezone.now()
    case = Case.objects.create(person=person, population=population, organisation=enrolment.organisation, owner=owner,
                               protocol=protocol, stage=Stage.INTAKE, stage_since=now)
    StageChange.objects.create(case=case, action="open_intake", from_stage="", to_stage=Stage.INTAKE, by=actor,
                               reason=reason)
    audit_record(actor=actor, action="case.opened_intake", target=case, person=person, reason=reason,
                 changes={"population": population, "owner": owner.pk, "protocol": protocol.code if protocol else ""})
    return case


@transaction.atomic
def case_act(*, actor, case: Case, action: str, reason: str = "", expected_version: int | None = None) -> Case:
    """Take one action of the transition table. Actions that need approval create the request instead."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action: %(action)s") % {"action": action})
    case = _locked(case)
    _check_version(case, expected_version)
    if transition.by_approver and actor.pk != case.owner_id:
        require(actor, "casework.approve", case)
    else:
        require(actor, "casework.own_case", case)
    if case.stage not in transition.sources:
        raise ValidationError(_("“%(action)s” is not possible while the case is at the stage “%(stage)s”.")
                              % {"action": transition.label, "stage": case.get_stage_display()})
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    if action == "request_opening" and not case.assessments.exists():
        raise ValidationError(_("Record the assessment before applying to open the case."))
    if (action == "request_opening" and case.protocol_id
            and case.protocol.steps.filter(completed_by=StepEvent.SUPERVISOR_OPINION).exists()
            and not case.supervisor_opinions.exists()):
        raise ValidationError(_("This protocol asks for the supervisor's opinion before the opening is applied for."))
    if action == "reopen" and Case.objects.filter(person=case.person, population=case.population).exclude(
            pk=case.pk).exclude(stage__in=[Stage.CLOSED, Stage.STOPPED]).exists():
        raise ValidationError(_("There is already an active case for this population."))
    if action == "start_intervention":
        if not Agreement.objects.filter(case=case).exists() or selectors.current_plan(case) is None:
            raise ValidationError(_("The intervention starts once the agreement is signed and the plan approved."))
    if action == "request_stop":
        rule = selectors.practice_rule(selectors.case_district(case), "contacts_before_stopping")
        if case.contacts.count() < rule.value:
            raise ValidationError(_("Stopping is proposed after at least %(n)s contacts (%(source)s).")
                                  % {"n": rule.value, "source": rule.source})
    if transition.approval:
        if case.approvals.filter(kind__in=STAGE_APPROVALS, status=ApprovalStatus.PENDING).exists():
            raise ValidationError(_("Another request about this case's stage is waiting; decide or withdraw it first."))
        _request_approval(case=case, kind=transition.approval, actor=actor, note=reason)
        if transition.approval in WAITING_STAGE:
            _set_stage(case, to=WAITING_STAGE[transition.approval], action=action, actor=actor, reason=reason)
        if transition.approval == ApprovalKind.OPENING:
            _complete_steps(case, StepEvent.OPENING_REQUESTED, actor)
        return case
    _set_stage(case, to=transition.target, action=action, actor=actor, reason=reason)
    if action == "start_intervention":
        _complete_steps(case, StepEvent.AGREEMENT_AND_PLAN, actor)
    return case


def _request_approval(*, case: Case, kind: str, actor, note: str, plan: PlanVersion | None = None) -> Approval:
    if case.approvals.filter(kind=kind, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("A request of this kind is already waiting for a decision."))
    if not selectors.approvers_for(case).exclude(pk=actor.pk).exists():
        raise ValidationError(_("Nobody in %(org)s can approve this: ask an administrator to add a supervisor.")
                              % {"org": case.organisation.name})
    approval = Approval.objects.create(case=case, kind=kind, requested_by=actor, request_note=note, plan=plan)
    audit_record(actor=actor, action=f"approval.requested.{kind}", target=approval, person=case.person, reason=note)
    return approval


@transaction.atomic
def approval_decide(*, actor, approval: Approval, approve: bool, note: str = "") -> Approval:
    """Approve or reject a request. Nobody approves their own request."""
    approval = Approval.objects.select_for_update(of=("self",)).select_related("case", "plan").get(
        pk=approval.pk)
    case = _locked(approval.case)
    require(actor, "casework.approve", case)
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own request."))
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Say why, so the worker knows what to change.")]})
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by, approval.decided_at, approval.decision_note = actor, timezone.now(), note.strip()
    approval.save()
    audit_record(actor=actor, action=f"approval.{approval.status}.{approval.kind}", target=approval,
                 person=case.person, reason=note)
    kind = approval.kind
    if approve and kind in STAGE_APPROVALS:
        transition = next(t for t in TRANSITIONS.values() if t.approval == kind)
        if case.stage not in transition.sources and case.stage != WAITING_STAGE.get(kind):
            raise ValidationError(_("The case has moved to “%(stage)s” since this was asked; the request no longer "
                                    "applies.") % {"stage": case.get_stage_display()})
    if kind == ApprovalKind.PLAN:
        _decide_plan(case=case, plan=approval.plan, approve=approve, actor=actor)
    elif approve:
        _set_stage(case, to=APPROVAL_TARGET[kind], action=f"approve_{kind}", actor=actor, reason=note)
        if kind == ApprovalKind.OPENING:
            _complete_steps(case, StepEvent.OPENING_APPROVED, actor)
    elif kind in WAITING_STAGE:
        # A rejected opening goes back to the assessment with the supervisor's comment.
        _set_stage(case, to=Stage.ASSESSMENT, action=f"reject_{kind}", actor=actor, reason=note)
    return approval


@transaction.atomic
def approval_withdraw(*, actor, approval: Approval) -> Approval:
    """The requester (or the case's current worker, after a transfer) withdraws a request still waiting."""
    approval = Approval.objects.select_for_update(of=("self",)).select_related("case").get(pk=approval.pk)
    case = _locked(approval.case)
    if actor.pk not in (approval.requested_by_id, case.owner_id):
        raise PermissionDenied(_("Only the requester or the case worker withdraws a request."))
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    approval.status = ApprovalStatus.WITHDRAWN
    approval.save(update_fields=["status"])
    audit_record(actor=actor, action=f"approval.withdrawn.{approval.kind}", target=approval, person=case.person)
    if approval.kind in WAITING_STAGE and case.stage == WAITING_STAGE[approval.kind]:
        _set_stage(case, to=Stage.ASSESSMENT, action=f"withdraw_{approval.kind}", actor=actor)
    if approval.kind == ApprovalKind.PLAN and approval.plan_id:
        PlanVersion.objects.filter(pk=approval.plan_id).update(status=PlanStatus.DRAFT)
    return approval


CONTACT_FIELDS = ("mode", "place", "planned_start", "planned_minutes", "started_at", "ended_at", "met",
                  "participants", "accompanied_by", "family_present", "agenda_covered", "left_card",
                  "left_contact_details", "left_leaflet", "asked_family_to_pass_on", "process_note", "outcome",
                  "next_step")


@transaction.atomic
def contact_record(*, actor, case: Case, data: dict) -> Contact:
    """Record one contact and move the work on: practice-rule warnings, protocol steps, the next appointment."""
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.work_on_case", case)
    if not case.is_active:
        raise ValidationError(_("The case is closed; reopen it to record contacts."))
    contact = Contact(case=case, recorded_by=actor)
    for field in CONTACT_FIELDS:
        if field in data and data[field] is not None:
            setattr(contact, field, data[field])
    errors: dict[str, list[str]] = {}
    if contact.started_at and contact.ended_at and contact.ended_at <= contact.started_at:
        errors["ended_at"] = [_("The end must be after the start.")]
    if contact.started_at and contact.started_at > timezone.now() + dt.timedelta(minutes=5):
        errors.setdefault("started_at", []).append(_("A contact is recorded after it happened."))
    if contact.met != Met.PERSON and contact.mode == Mode.PHONE and contact.met == Met.NOBODY and not contact.outcome:
        errors.setdefault("outcome", []).append(_("Say what happened when nobody answered."))
    try:
        contact.full_clean(exclude=["case", "recorded_by", "warnings", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    contact.warnings = _interview_length_warnings(case, contact)
    contact.save()
    audit_record(actor=actor, action="contact.recorded", target=contact, person=case.person,
                 changes={"mode": contact.mode, "met": contact.met, "minutes": contact.minutes})
    _after_contact(case=case, contact=contact, actor=actor, next_appointment=data.get("next_appointment"))
    return contact


def _interview_length_warnings(case: Case, contact: Contact) -> list[str]:
    if contact.met != Met.PERSON or contact.mode not in selectors.IN_PERSON:
        return []
    number = selectors.interviews_so_far(case, before=contact.started_at) + 1
    district = selectors.case_district(case)
    minutes = contact.minutes
    if number == 1:
        rule = selectors.practice_rule(district, "first_interview_max_minutes")
        if minutes > rule.value:
            return [_("The first interview lasted %(m)s minutes; the practice rule is at most %(n)s (%(source)s).")
                    % {"m": minutes, "n": rule.value, "source": rule.source}]
    if number == 2:
        low = selectors.practice_rule(district, "second_interview_min_minutes")
        high = selectors.practice_rule(district, "second_interview_max_minutes")
        if not low.value <= minutes <= high.value:
            return [_("The second interview lasted %(m)s minutes; the practice rule is %(low)s–%(high)s (%(source)s).")
                    % {"m": minutes, "low": low.value, "high": high.value, "source": low.source}]
    return []


def _after_contact(*, case: Case, contact: Contact, actor, next_appointment: dict | None) -> None:
    # The appointment this contact fulfils: one planned that day, else the oldest overdue one of the same mode.
    day = timezone.localtime(contact.started_at).date()
    planned = list(case.appointments.filter(status=AppointmentStatus.PLANNED, planned_at__date__lte=day))
    same_day = [a for a in planned if timezone.localtime(a.planned_at).date() == day]
    overdue_same_mode = [a for a in planned if a.mode == contact.mode]
    fulfilled = (min(same_day, key=lambda a: abs(a.planned_at - contact.started_at)) if same_day
                 else min(overdue_same_mode, key=lambda a: a.planned_at, default=None))
    if fulfilled:
        fulfilled.status, fulfilled.contact = AppointmentStatus.DONE, contact
        fulfilled.save(update_fields=["status", "contact"])
        obligations.appointment_fulfilled(fulfilled)
        if contact.planned_start is None:  # planned against actual, for the length rules and the supervisor
            contact.planned_start, contact.planned_minutes = fulfilled.planned_at, fulfilled.planned_minutes
            contact.save(update_fields=["planned_start", "planned_minutes"])
    if contact.met == Met.PERSON and contact.mode in selectors.IN_PERSON and selectors.interviews_so_far(case) == 1:
        _complete_steps(case, StepEvent.FIRST_INTERVIEW, actor)
    home_visits = case.contacts.filter(mode=Mode.HOME_VISIT).count()
    if contact.mode == Mode.HOME_VISIT and home_visits >= 1:
        _complete_steps(case, StepEvent.FIRST_HOME_VISIT, actor)
    if contact.mode == Mode.HOME_VISIT and home_visits >= 2:
        _complete_steps(case, StepEvent.SECOND_HOME_VISIT, actor)
    if contact.mode == Mode.HOME_VISIT and case.population == "resettlement":
        obligations.home_visit_recorded(case, contact)
    if next_appointment:
        appointment_book(actor=actor, case=case, **next_appointment)
    elif case.meeting_every_days and not selectors.upcoming_appointments(case).exists():
        # The agreed frequency becomes the next scheduled contact (seed 篇二 备注5).
        # From the later of the contact and now: a contact entered late does not book a meeting in the past.
        appointment_book(actor=actor, case=case,
                         planned_at=max(contact.started_at, timezone.now()) + dt.timedelta(days=case.meeting_every_days),
                         mode=case.meeting_mode or contact.mode, place=case.meeting_place or contact.place)


@transaction.atomic
def appointment_book(*, actor, case: Case, planned_at, mode: str, place: str = "",
                     planned_minutes: int | None = None) -> Appointment:
    """Book the next contact; its planned length defaults to what the seed advises for that interview."""
    require(actor, "casework.work_on_case", case)
    if planned_minutes is None:
        planned_minutes, _hint = selectors.planned_minutes_for_next_interview(case)
    appointment = Appointment(case=case, planned_at=planned_at, mode=mode, place=place,
                              planned_minutes=planned_minutes, created_by=actor)
    appointment.full_clean(exclude=["case", "created_by", "contact"])
    appointment.save()
    audit_record(actor=actor, action="appointment.booked", target=appointment, person=case.person)
    obligations.appointment_booked(appointment)
    return appointment


@transaction.atomic
def family_focus_decide(*, actor, case: Case, accept: bool, note: str = "") -> FamilyFocusDecision:
    """Record the worker's answer to the proposal to shift early work to the family."""
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    if selectors.family_focus_proposal(case) is None:
        raise ValidationError(_("Nothing to decide: the system has not proposed family-focused work for this case."))
    visits = selectors.home_visits_without_meeting(case)
    decision = FamilyFocusDecision.objects.create(case=case, accepted=accept, note=note.strip(),
                                                  visits_without_meeting=visits, by=actor)
    if accept and not case.family_focus:
        Case.objects.filter(pk=case.pk).update(family_focus=True)
        case.family_focus = True
    audit_record(actor=actor, action="case.family_focus_decided", target=case, person=case.person, reason=note,
                 changes={"accepted": accept, "visits_without_meeting": visits})
    return decision


@transaction.atomic
def meeting_arrangement_set(*, actor, case: Case, every_days: int | None, mode: str, place: str) -> Case:
    """Frequency and place agreed with the person (seed 篇二 备注5)."""
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    case.meeting_every_days, case.meeting_mode, case.meeting_place = every_days, mode, place.strip()
    case.full_clean(exclude=["person", "organisation", "owner", "protocol", "stage_since"])
    case.save(update_fields=["meeting_every_days", "meeting_mode", "meeting_place"])
    audit_record(actor=actor, action="case.meeting_arrangement_set", target=case, person=case.person,
                 changes={"every_days": every_days, "mode": mode, "place": place})
    return case


@transaction.atomic
def step_mark_done(*, actor, case: Case, step, note: str = "") -> StepDone:
    require(actor, "casework.team_case", case)
    if step.protocol_id != case.protocol_id:
        raise ValidationError(_("That step belongs to another protocol."))
    if step.completed_by != StepEvent.MANUAL:
        raise ValidationError(_("This step is completed by the event itself: %(event)s.")
                              % {"event": step.get_completed_by_display()})
    if step.note_required and not note.strip():
        raise ValidationError({"note": [_("This step needs a note (e.g. the interview outline).")]})
    done, created = StepDone.objects.get_or_create(case=case, step=step, defaults={"by": actor, "note": note.strip()})
    if not created:
        raise ValidationError(_("This step is already done."))
    audit_record(actor=actor, action="case.step_done", target=case, person=case.person, changes={"step": step.order})
    return done


@transaction.atomic
def assessment_record(*, actor, case: Case, data: dict) -> Assessment:
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    assessment = Assessment(case=case, by=actor, **{k: (data.get(k) or "").strip() for k in
                                                     ("main_problems", "analysis", "resources", "initial_plan")})
    assessment.full_clean(exclude=["case", "by"])
    assessment.save()
    audit_record(actor=actor, action="case.assessment_recorded", target=case, person=case.person)
    _complete_steps(case, StepEvent.ASSESSMENT, actor)
    return assessment


@transaction.atomic
def supervisor_opinion_record(*, actor, case: Case, opinion: str) -> SupervisorOpinion:
    require(actor, "casework.approve", case)
    if not opinion.strip():
        raise ValidationError({"opinion": [_("Write the opinion.")]})
    record = SupervisorOpinion.objects.create(case=case, opinion=opinion.strip(), by=actor)
    audit_record(actor=actor, action="case.supervisor_opinion", target=case, person=case.person)
    _complete_steps(case, StepEvent.SUPERVISOR_OPINION, actor)
    return record


@transaction.atomic
def agreement_sign(*, actor, case: Case, signed_on: dt.date, terms: str) -> Agreement:
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    if case.stage not in (Stage.OPEN, Stage.INTERVENTION, Stage.REVIEW):
        raise ValidationError(_("The agreement is signed once the case is open."))
    if not terms.strip():
        raise ValidationError({"terms": [_("Write the terms agreed.")]})
    agreement, created = Agreement.objects.update_or_create(
        case=case, defaults={"signed_on": signed_on, "terms": terms.strip(), "recorded_by": actor})
    audit_record(actor=actor, action="case.agreement_signed" if created else "case.agreement_updated",
                 target=case, person=case.person)
    return agreement


def _task_key(task) -> tuple:
    if isinstance(task, dict):
        owner = task.get("owner")
        return (task["text"].strip(), owner.pk if owner else None, (task.get("owner_note") or "").strip(),
                task.get("due_on"), task.get("status") or GoalStatus.OPEN)
    return (task.text, task.owner_id, task.owner_note, task.due_on, task.status)


def _plan_summary(previous: PlanVersion | None, goals: list[dict], review_on) -> str:
    """What changed since the approved version, in words a supervisor reads quickly."""
    if previous is None:
        return _("First plan: %(n)s goals.") % {"n": len(goals)}
    before = {g.text: g for g in previous.goals.prefetch_related("tasks")}
    after = {g["text"]: g for g in goals}
    parts = [_("Added goal: %(g)s") % {"g": t} for t in after if t not in before]
    parts += [_("Removed goal: %(g)s") % {"g": t} for t in before if t not in after]
    for text, goal in after.items():
        if text not in before:
            continue
        old = {_task_key(t) for t in before[text].tasks.all()}
        new = {_task_key(t) for t in goal.get("tasks", [])}
        old_texts, new_texts = {k[0] for k in old}, {k[0] for k in new}
        parts += [_("Added task: %(t)s") % {"t": t} for t in sorted(new_texts - old_texts)]
        parts += [_("Removed task: %(t)s") % {"t": t} for t in sorted(old_texts - new_texts)]
        changed = {k[0] for k in new ^ old} & old_texts & new_texts
        parts += [_("Changed task: %(t)s") % {"t": t} for t in sorted(changed)]
        if goal.get("status", GoalStatus.OPEN) != before[text].status:
            parts.append(_("Goal “%(g)s” is now %(s)s") % {"g": text, "s": GoalStatus(goal["status"]).label})
    if review_on != previous.review_on:
        parts.append(_("Next review: %(d)s") % {"d": review_on or "—"})
    return "；".join(parts) or _("No change to goals or tasks.")


@transaction.atomic
def plan_draft_save(*, actor, case: Case, goals: list[dict], review_on: dt.date | None = None,
                    note: str = "") -> PlanVersion:
    """Write the draft of the next plan version. Goals: [{text, status, tasks: [{text, owner, owner_note, due_on,
    status}]}]. An approved version is never changed."""
    case = _locked(case)
    require(actor, "casework.own_case", case)
    if not case.is_active:
        raise ValidationError(_("The case is closed."))
    goals = [{**g, "text": g["text"].strip()} for g in goals if (g.get("text") or "").strip()]
    if not goals:
        raise ValidationError({"goals": [_("A plan has at least one goal.")]})
    if len({g["text"] for g in goals}) != len(goals):
        raise ValidationError({"goals": [_("Two goals have the same text.")]})
    errors: dict[str, list[str]] = {}
    rows = []
    for order, goal in enumerate(goals, start=1):
        g = Goal(order=order, text=goal["text"], status=goal.get("status") or GoalStatus.OPEN)
        _collect(g, errors, exclude=["plan"])
        tasks = [Task(text=task["text"].strip(), owner=task.get("owner"),
                      owner_note=(task.get("owner_note") or "").strip(), due_on=task.get("due_on"),
                      status=task.get("status") or GoalStatus.OPEN)
                 for task in goal.get("tasks", []) if (task.get("text") or "").strip()]
        for t in tasks:
            _collect(t, errors, exclude=["goal", "owner"])
        rows.append((g, tasks))
    if errors:
        raise ValidationError(errors)
    draft = selectors.draft_plan(case)
    if draft and draft.status == PlanStatus.PENDING:
        raise ValidationError(_("This plan is waiting for approval; withdraw the request to change it."))
    if draft is None:
        last = case.plan_versions.order_by("-number").first()  # after a rejection too: a new number
        draft = PlanVersion.objects.create(case=case, number=(last.number + 1) if last else 1, created_by=actor)
    else:
        draft.goals.all().delete()
    summary = _plan_summary(selectors.current_plan(case), goals, review_on)
    draft.change_summary = f"{summary}{'；' + note.strip() if note.strip() else ''}"
    draft.review_on = review_on
    draft.save(update_fields=["change_summary", "review_on"])
    for g, tasks in rows:
        g.plan = draft
        g.save()
        for t in tasks:
            t.goal = g
        Task.objects.bulk_create(tasks)
    audit_record(actor=actor, action="plan.draft_saved", target=draft, person=case.person,
                 changes={"version": draft.number})
    return draft


@transaction.atomic
def plan_submit(*, actor, case: Case, note: str = "") -> Approval:
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    draft = selectors.draft_plan(case)
    if draft is None or draft.status != PlanStatus.DRAFT:
        raise ValidationError(_("There is no draft plan to submit."))
    if case.stage not in (Stage.OPEN, Stage.INTERVENTION, Stage.REVIEW):
        raise ValidationError(_("The service plan is approved once the case is open."))
    approval = _request_approval(case=case, kind=ApprovalKind.PLAN, actor=actor, note=note, plan=draft)
    draft.status = PlanStatus.PENDING
    draft.save(update_fields=["status"])
    return approval


def _decide_plan(*, case: Case, plan: PlanVersion, approve: bool, actor) -> None:
    if not approve:
        plan.status = PlanStatus.REJECTED  # kept as the supervisor saw it; the next draft is a new version
        plan.save(update_fields=["status"])
        return
    previous = selectors.current_plan(case)
    case.plan_versions.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.SUPERSEDED)
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    obligations.plan_in_force(case, plan, previous)
    if case.population == "correction":
        obligations.correction_plan_approved(case)
    if Agreement.objects.filter(case=case).exists() and case.stage == Stage.OPEN:
        _complete_steps(case, StepEvent.AGREEMENT_AND_PLAN, actor)


@transaction.atomic
def plan_review_record(*, actor, case: Case, reviewed_on: dt.date, note: str,
                       next_review_on: dt.date | None = None) -> PlanReview:
    require(actor, "casework.own_case", case)
    plan = selectors.current_plan(case)
    if plan is None:
        raise ValidationError(_("There is no approved plan to review."))
    if not note.strip():
        raise ValidationError({"note": [_("Write what the review found.")]})
    review = PlanReview.objects.create(plan=plan, reviewed_on=reviewed_on, note=note.strip(),
                                       next_review_on=next_review_on, by=actor)
    reviewed_for = plan.review_on
    if next_review_on:
        plan.review_on = next_review_on
        plan.save(update_fields=["review_on"])
    obligations.plan_reviewed(case, plan, reviewed_for)
    audit_record(actor=actor, action="plan.reviewed", target=plan, person=case.person)
    return review


@transaction.atomic
def transfer_request(*, actor, case: Case, to_owner, reason: str) -> Transfer:
    """Hand the case to another worker or office; it moves only when they accept."""
    case = _locked(case)  # decide on the current state, not the caller's copy
    require(actor, "casework.own_case", case)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    if to_owner.pk == case.owner_id:
        raise ValidationError({"to_owner": [_("The case already belongs to this worker.")]})
    allowed = owner_roles_for(district=selectors.case_district(case), populations=[case.population])
    if to_owner.role not in allowed or not to_owner.is_active:
        raise ValidationError({"to_owner": [_("Under this district's model that person cannot own this case.")]})
    org = to_owner.organisation
    if org is None or (org.populations and case.population not in org.populations):
        raise ValidationError({"to_owner": [_("That worker's organisation does not serve this population.")]})
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this case is already waiting."))
    transfer = Transfer.objects.create(case=case, from_owner=case.owner, to_owner=to_owner,
                                       from_organisation=case.organisation, to_organisation=org, reason=reason.strip(),
                                       requested_by=actor)
    audit_record(actor=actor, action="case.transfer_requested", target=transfer, person=case.person, reason=reason)
    return transfer


@transaction.atomic
def transfer_decide(*, actor, transfer: Transfer, accept: bool, note: str = "") -> Transfer:
    """The receiving worker, or a supervisor of the receiving organisation, accepts or declines."""
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related("case", "to_owner").get(
        pk=transfer.pk)
    case = _locked(transfer.case)
    receiving_approvers = selectors.approvers_in(organisation=transfer.to_organisation,
                                                 role=selectors.approver_role_for(case))
    if actor.pk != transfer.to_owner_id and not receiving_approvers.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the receiving worker or their supervisor decides on a transfer."))
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer was already decided."))
    if accept and (not transfer.to_owner.is_active or transfer.to_owner.organisation_id != transfer.to_organisation_id):
        raise ValidationError(_("The receiving worker has left or moved; ask for a new transfer."))
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by, transfer.decided_at, transfer.decision_note = actor, timezone.now(), note.strip()
    transfer.save()
    if accept:
        old_owner = case.owner
        case.owner, case.organisation = transfer.to_owner, transfer.to_organisation
        case.version += 1
        case.save(update_fields=["owner", "organisation", "version"])
        obligations.case_transferred(case, old_owner)
    audit_record(actor=actor, action=f"case.transfer_{transfer.status}", target=transfer, person=case.person,
                 reason=note)
    return transfer


@transaction.atomic
def consent_record(*, actor, person: Person, kind: str, given: bool, given_by: str, method: str, on: dt.date,
                   case: Case | None = None, note: str = "") -> Consent:
    require(actor, "people.change_person", person)
    consent = Consent(person=person, case=case, kind=kind, given=given, given_by=given_by.strip(), method=method,
                      on=on, note=note.strip(), recorded_by=actor)
    consent.full_clean(exclude=["person", "case", "recorded_by"])
    consent.save()
    audit_record(actor=actor, action=f"consent.{kind}.{'given' if given else 'refused'}", target=consent,
                 person=person)
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, on: dt.date, note: str = "") -> Consent:
    require(actor, "people.change_person", consent.person)
    if consent.withdrawn_on:
        raise ValidationError(_("This consent was already withdrawn."))
    consent.withdrawn_on, consent.note = on, "；".join(filter(None, [consent.note, note.strip()]))
    consent.save(update_fields=["withdrawn_on", "note"])
    audit_record(actor=actor, action=f"consent.{consent.kind}.withdrawn", target=consent, person=consent.person)
    return consent



@transaction.atomic
def practice_rule_set(*, actor, district, key: str, value: int, source: str) -> PracticeRule:
    """A district's own value for a practice rule (an administrator of that district); the source is required."""
    if not actor.policy.manages_orgs or not (actor.area_path and district.path.startswith(actor.area_path)):
        raise PermissionDenied(_("Only an administrator of this district sets its practice rules."))
    default = PracticeRule.objects.filter(key=key, area__isnull=True).first()
    if default is None:
        raise ValidationError({"key": [_("No such practice rule.")]})
    if value < 0 or not source.strip():
        raise ValidationError({"value": [_("Give a value of zero or more and the document that sets it.")]})
    rule, _created = PracticeRule.objects.update_or_create(key=key, area=district, defaults={
        "value": value, "unit": default.unit, "description": default.description, "source": source.strip()})
    audit_record(actor=actor, action="practice_rule.set", target=rule, changes={"key": key, "value": value,
                                                                                 "district": district.pk})
    return rule
