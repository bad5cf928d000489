"""The casework API: the same selectors and services as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from accounts.selectors import users_visible_to
from people.api import Ref, api_field_names
from people.selectors import person_get_visible
from people.services import person_file_opened
from tongxing.permissions import require
from tongxing.api_schemas import ErrorOut, PageOf, Pagination

from . import selectors, services
from .models import Approval, ProtocolStep

router = Router(tags=["casework"])


class CaseOut(Schema):
    id: int
    person: Ref
    population: str
    stage: str
    stage_label: str
    stage_since: dt.datetime
    owner: Ref
    organisation: Ref
    protocol: str | None
    family_focus: bool
    meeting_every_days: int | None
    meeting_mode: str
    meeting_place: str
    version: int


class StepOut(Schema):
    id: int
    order: int
    title: str
    completed_by: str
    agenda: list[str]
    done: bool


class CaseDetailOut(CaseOut):
    steps: list[StepOut]
    next_step: StepOut | None
    family_focus_proposed: bool
    advised_next_interview: str


def _ref(obj, label=None):
    return {"id": obj.pk, "name": label if label is not None else str(obj)}


def _case_out(case) -> dict:
    return {
        "id": case.pk, "person": _ref(case.person, case.person.shared_name), "population": case.population,
        "stage": case.stage, "stage_label": str(case.get_stage_display()), "stage_since": case.stage_since,
        "owner": _ref(case.owner, case.owner.display_name), "organisation": _ref(case.organisation),
        "protocol": case.protocol.code if case.protocol_id else None, "family_focus": case.family_focus,
        "meeting_every_days": case.meeting_every_days, "meeting_mode": case.meeting_mode,
        "meeting_place": case.meeting_place, "version": case.version,
    }


def _case_detail(case) -> dict:
    steps, done, next_step = selectors.protocol_progress(case)
    step_out = [{"id": s.pk, "order": s.order, "title": s.title, "completed_by": s.completed_by, "agenda": s.agenda,
                 "done": s.pk in done} for s in steps]
    return {**_case_out(case), "steps": step_out,
            "next_step": next((s for s in step_out if next_step and s["id"] == next_step.pk), None),
            "family_focus_proposed": selectors.family_focus_proposal(case) is not None,
            "advised_next_interview": selectors.planned_minutes_for_next_interview(case)[1]}


def _case(request, case_id: int):
    return selectors.case_get_visible(user=request.user, pk=case_id)


class CaseIn(Schema):
    person_id: int
    population: str
    owner_id: int | None = None
    reason: str = ""


@router.get("", response=list[CaseOut], summary="Cases visible to the caller")
@paginate(Pagination)
def list_cases(request, stage: str = "", mine: bool = False, person: int | None = None):
    cases = selectors.cases_visible_to(user=request.user)
    if stage:
        cases = cases.filter(stage=stage)
    if mine:
        cases = cases.filter(owner=request.user)
    if person:
        cases = cases.filter(person_id=person)
    return PageOf(cases.select_related("protocol").order_by("-stage_since", "-id"), _case_out)


@router.post("", response={201: CaseDetailOut, 404: ErrorOut}, summary="Take on a case (接案)")
def open_case(request, payload: CaseIn):
    person = person_get_visible(user=request.user, pk=payload.person_id)
    owner = None
    if payload.owner_id is not None:
        owner = users_visible_to(user=request.user).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [_("No such active user within your reach.")]})
    with api_field_names():
        case = services.case_open(actor=request.user, person=person, population=payload.population, owner=owner,
                                  reason=payload.reason)
    return Status(201, _case_detail(case))


@router.get("/{int:case_id}", response=CaseDetailOut, summary="One case; reading it is audited like the file")
def get_case(request, case_id: int, reason: str = ""):
    case = _case(request, case_id)
    person_file_opened(actor=request.user, person=case.person, reason=reason)
    return _case_detail(case)


class ActionIn(Schema):
    reason: str = ""
    expected_version: int | None = None


@router.post("/{int:case_id}/actions/{action}", response={200: CaseOut, 409: ErrorOut},
             summary="Take an action of the stage table (begin_assessment, request_opening, start_intervention, "
                     "start_review, continue_intervention, request_closing, request_stop, reopen)")
def act(request, case_id: int, action: str, payload: ActionIn):
    case = services.case_act(actor=request.user, case=_case(request, case_id), action=action, reason=payload.reason,
                             expected_version=payload.expected_version)
    return _case_out(case)


class TimelineOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    by: str
    warnings: list[str]


@router.get("/{int:case_id}/timeline", response=list[TimelineOut])
def timeline(request, case_id: int, reason: str = ""):
    case = _case(request, case_id)
    person_file_opened(actor=request.user, person=case.person, reason=reason)
    return [vars(e) for e in selectors.case_timeline(case, full=request.user.policy.sees_offence)]


class AppointmentIn(Schema):
    planned_at: dt.datetime
    mode: str
    place: str = ""
    planned_minutes: int | None = None


class AppointmentOut(AppointmentIn):
    id: int
    status: str


class ContactIn(Schema):
    mode: str
    place: str = ""
    planned_start: dt.datetime | None = None
    planned_minutes: int | None = None
    started_at: dt.datetime
    ended_at: dt.datetime
    met: str = "person"
    participants: str = ""
    accompanied_by_id: int | None = None
    family_present: bool = False
    agenda_covered: list[str] = []
    left_card: bool = False
    left_contact_details: bool = False
    left_leaflet: bool = False
    asked_family_to_pass_on: bool = False
    process_note: str = ""
    outcome: str = ""
    next_step: str = ""
    next_appointment: AppointmentIn | None = None


class ContactOut(Schema):
    id: int
    mode: str
    place: str
    started_at: dt.datetime
    ended_at: dt.datetime
    minutes: int
    met: str
    participants: str
    agenda_covered: list[str]
    left_card: bool
    left_contact_details: bool
    left_leaflet: bool
    asked_family_to_pass_on: bool
    process_note: str
    outcome: str
    next_step: str
    warnings: list[str]


@router.get("/{int:case_id}/contacts", response=list[ContactOut])
def list_contacts(request, case_id: int, reason: str = ""):
    case = _case(request, case_id)
    person_file_opened(actor=request.user, person=case.person, reason=reason)
    return list(selectors.contacts_of(case))


@router.post("/{int:case_id}/contacts", response={201: ContactOut},
             summary="Record a contact; the response carries any practice-rule warnings")
def record_contact(request, case_id: int, payload: ContactIn):
    case = _case(request, case_id)
    data = payload.dict()
    companion_id = data.pop("accompanied_by_id")
    if companion_id is not None:
        data["accompanied_by"] = users_visible_to(user=request.user).filter(pk=companion_id).first()
        if data["accompanied_by"] is None:
            raise ValidationError({"accompanied_by_id": [_("No such active user within your reach.")]})
    return Status(201, services.contact_record(actor=request.user, case=case, data=data))


def _read(request, case_id: int, reason: str):
    """A read of part of the file: audited, with the reason leaders and administrators must give."""
    case = _case(request, case_id)
    person_file_opened(actor=request.user, person=case.person, reason=reason)
    return case


@router.get("/{int:case_id}/appointments", response=list[AppointmentOut])
def list_appointments(request, case_id: int, reason: str = ""):
    return list(selectors.upcoming_appointments(_read(request, case_id, reason)))


@router.post("/{int:case_id}/appointments", response={201: AppointmentOut},
             summary="Book the next contact; without planned_minutes, the length the seed advises")
def book(request, case_id: int, payload: AppointmentIn):
    return Status(201, services.appointment_book(actor=request.user, case=_case(request, case_id), **payload.dict()))


class AssessmentIn(Schema):
    main_problems: str
    analysis: str
    resources: str = ""
    initial_plan: str = ""


@router.post("/{int:case_id}/assessment", response={201: CaseOut})
def record_assessment(request, case_id: int, payload: AssessmentIn):
    case = _case(request, case_id)
    services.assessment_record(actor=request.user, case=case, data=payload.dict())
    return Status(201, _case_out(case))


class OpinionIn(Schema):
    opinion: str


@router.post("/{int:case_id}/opinion", response={201: CaseOut}, summary="The supervisor's opinion")
def record_opinion(request, case_id: int, payload: OpinionIn):
    case = _case(request, case_id)
    services.supervisor_opinion_record(actor=request.user, case=case, opinion=payload.opinion)
    return Status(201, _case_out(case))


class AgreementIn(Schema):
    signed_on: dt.date
    terms: str


@router.put("/{int:case_id}/agreement", response=AgreementIn, summary="Sign or amend the service agreement")
def sign_agreement(request, case_id: int, payload: AgreementIn):
    return services.agreement_sign(actor=request.user, case=_case(request, case_id), **payload.dict())


class MeetingsIn(Schema):
    every_days: int | None = None
    mode: str = ""
    place: str = ""


@router.put("/{int:case_id}/meetings", response=CaseOut, summary="Frequency and place agreed with the person")
def set_meetings(request, case_id: int, payload: MeetingsIn):
    return _case_out(services.meeting_arrangement_set(actor=request.user, case=_case(request, case_id),
                                                      **payload.dict()))


class TaskIO(Schema):
    text: str
    owner_id: int | None = None
    owner_note: str = ""
    due_on: dt.date | None = None
    status: str = "open"


class GoalIO(Schema):
    text: str
    status: str = "open"
    tasks: list[TaskIO] = []


class PlanIn(Schema):
    goals: list[GoalIO]
    review_on: dt.date | None = None
    note: str = ""


class PlanOut(Schema):
    id: int
    number: int
    status: str
    change_summary: str
    review_on: dt.date | None
    approved_by: str | None
    approved_at: dt.datetime | None
    goals: list[GoalIO]


def _plan_out(plan) -> dict:
    """One version with its goals and tasks (two queries, none when the caller prefetched them for many versions)."""
    prefetch_related_objects([plan], "goals__tasks")
    return {"id": plan.pk, "number": plan.number, "status": plan.status, "change_summary": plan.change_summary,
            "review_on": plan.review_on, "approved_by": plan.approved_by.display_name if plan.approved_by_id else None,
            "approved_at": plan.approved_at,
            "goals": [{"text": g.text, "status": g.status,
                       "tasks": [{"text": t.text, "owner_id": t.owner_id, "owner_note": t.owner_note,
                                  "due_on": t.due_on, "status": t.status} for t in g.tasks.all()]}
                      for g in plan.goals.all()]}


@router.get("/{int:case_id}/plan/versions", response=list[PlanOut], summary="Every version of the service plan")
def plan_versions(request, case_id: int, reason: str = ""):
    case = _read(request, case_id, reason)
    versions = case.plan_versions.select_related("approved_by").prefetch_related("goals__tasks").order_by("-number")
    return [_plan_out(p) for p in versions]


@router.put("/{int:case_id}/plan", response=PlanOut, summary="Write the draft of the next plan version")
def save_plan(request, case_id: int, payload: PlanIn):
    case = _case(request, case_id)
    staff = users_visible_to(user=request.user).in_bulk([t.owner_id for g in payload.goals for t in g.tasks
                                                          if t.owner_id])
    goals = [{"text": g.text, "status": g.status,
              "tasks": [{**t.dict(exclude={"owner_id"}), "owner": staff.get(t.owner_id)} for t in g.tasks]}
             for g in payload.goals]
    return _plan_out(services.plan_draft_save(actor=request.user, case=case, goals=goals, review_on=payload.review_on,
                                              note=payload.note))


class CaseNoteIn(Schema):
    note: str = ""


@router.post("/{int:case_id}/plan/submit", response={201: dict}, summary="Submit the draft plan for approval")
def submit_plan(request, case_id: int, payload: CaseNoteIn):
    approval = services.plan_submit(actor=request.user, case=_case(request, case_id), note=payload.note)
    return Status(201, {"approval_id": approval.pk})


class PlanReviewIn(Schema):
    reviewed_on: dt.date
    note: str
    next_review_on: dt.date | None = None


@router.post("/{int:case_id}/plan/reviews", response={201: dict})
def review_plan(request, case_id: int, payload: PlanReviewIn):
    review = services.plan_review_record(actor=request.user, case=_case(request, case_id), **payload.dict())
    return Status(201, {"review_id": review.pk})


class FamilyFocusIn(Schema):
    accept: bool
    note: str = ""


@router.post("/{int:case_id}/family-focus", response=CaseOut, summary="Answer the proposal to work with the family")
def decide_family_focus(request, case_id: int, payload: FamilyFocusIn):
    case = _case(request, case_id)
    services.family_focus_decide(actor=request.user, case=case, accept=payload.accept, note=payload.note)
    return _case_out(_case(request, case_id))


@router.post("/{int:case_id}/steps/{int:step_id}/done", response=CaseDetailOut, summary="Mark a manual protocol step done")
def step_done(request, case_id: int, step_id: int, payload: CaseNoteIn):
    case = _case(request, case_id)
    step = get_object_or_404(ProtocolStep, pk=step_id, protocol_id=case.protocol_id)
    services.step_mark_done(actor=request.user, case=case, step=step, note=payload.note)
    return _case_detail(case)


class TransferIn(Schema):
    to_owner_id: int
    reason: str


class ApprovalDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/{int:case_id}/transfers", response={201: dict})
def request_transfer(request, case_id: int, payload: TransferIn):
    case = _case(request, case_id)
    require(request.user, "casework.own_case", case)  # refused before the payload is looked into
    to_owner = users_visible_to(user=request.user).filter(pk=payload.to_owner_id).first()
    if to_owner is None:
        raise ValidationError({"to_owner_id": [_("No such active user within your reach.")]})
    with api_field_names():
        transfer = services.transfer_request(actor=request.user, case=case, to_owner=to_owner,
                                             reason=payload.reason)
    return Status(201, {"transfer_id": transfer.pk})


@router.post("/transfers/{int:transfer_id}/decision", response=dict, summary="Accept (approve=true) or decline")
def decide_transfer(request, transfer_id: int, payload: ApprovalDecisionIn):
    transfer = get_object_or_404(selectors.transfers_decided_by(user=request.user), pk=transfer_id)
    transfer = services.transfer_decide(actor=request.user, transfer=transfer, accept=payload.approve,
                                        note=payload.note)
    return {"status": transfer.status}


class ApprovalOut(Schema):
    id: int
    case_id: int
    kind: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    request_note: str


def _approval_out(a) -> dict:
    return {"id": a.pk, "case_id": a.case_id, "kind": a.kind, "status": a.status,
            "requested_by": a.requested_by.display_name, "requested_at": a.requested_at,
            "request_note": a.request_note}


@router.get("/approvals/waiting", response=list[ApprovalOut], summary="Requests waiting for the caller's decision")
def approval_queue(request):
    return [_approval_out(a) for a in selectors.approvals_waiting_for(user=request.user)]


@router.post("/approvals/{int:approval_id}/decision", response=ApprovalOut)
def decide_approval(request, approval_id: int, payload: ApprovalDecisionIn):
    visible = selectors.cases_visible_to(user=request.user).values("pk")
    approval = get_object_or_404(Approval.objects.select_related("requested_by"), pk=approval_id, case__in=visible)
    return _approval_out(services.approval_decide(actor=request.user, approval=approval, approve=payload.approve,
                                                  note=payload.note))


class ConsentIn(Schema):
    kind: str
    given: bool
    given_by: str
    method: str
    on: dt.date
    note: str = ""


class ConsentOut(ConsentIn):
    id: int
    withdrawn_on: dt.date | None


@router.get("/{int:case_id}/consents", response=list[ConsentOut])
def list_consents(request, case_id: int, reason: str = ""):
    return list(_read(request, case_id, reason).person.consents.all())



@router.post("/{int:case_id}/consents", response={201: ConsentOut})
def record_consent(request, case_id: int, payload: ConsentIn):
    case = _case(request, case_id)
    return Status(201, services.consent_record(actor=request.user, person=case.person, case=case, **payload.dict()))

class WithdrawIn(Schema):
    on: dt.date
    note: str = ""


@router.post("/{int:case_id}/consents/{int:consent_id}/withdraw", response=ConsentOut)
def withdraw_consent(request, case_id: int, consent_id: int, payload: WithdrawIn):
    case = _case(request, case_id)
    consent = get_object_or_404(case.person.consents, pk=consent_id)
    return services.consent_withdraw(actor=request.user, consent=consent, on=payload.on, note=payload.note)


@router.post("/approvals/{int:approval_id}/withdraw", response=ApprovalOut)
def withdraw_approval(request, approval_id: int):
    visible = selectors.cases_visible_to(user=request.user).values("pk")
    approval = get_object_or_404(Approval.objects.select_related("requested_by"), pk=approval_id, case__in=visible)
    services.approval_withdraw(actor=request.user, approval=approval)
    approval.refresh_from_db()
    return _approval_out(approval)


@router.get("/{int:case_id}/agreement", response=AgreementIn | None)
def get_agreement(request, case_id: int, reason: str = ""):
    from .models import Agreement

    return Agreement.objects.filter(case=_read(request, case_id, reason)).first()


class ReviewOut(PlanReviewIn):
    id: int
    plan_version: int
    by: str


@router.get("/{int:case_id}/plan/reviews", response=list[ReviewOut])
def list_reviews(request, case_id: int, reason: str = ""):
    from .models import PlanReview

    case = _read(request, case_id, reason)
    return [{"id": r.pk, "reviewed_on": r.reviewed_on, "note": r.note, "next_review_on": r.next_review_on,
             "plan_version": r.plan.number, "by": r.by.display_name}
            for r in PlanReview.objects.filter(plan__case=case).select_related("plan", "by").order_by("-reviewed_on")]


class TransferOut(Schema):
    id: int
    case_id: int
    to_owner: str
    from_owner: str
    reason: str
    status: str


@router.get("/transfers/waiting", response=list[TransferOut], summary="Transfers waiting for the caller's decision")
def transfers_waiting(request):
    mine = selectors.transfers_waiting_for(user=request.user)
    return [{"id": t.pk, "case_id": t.case_id, "to_owner": t.to_owner.display_name,
             "from_owner": t.from_owner.display_name, "reason": t.reason, "status": t.status} for t in mine]


class PracticeRuleOut(Schema):
    key: str
    district_id: int | None
    value: int
    unit: str
    description: str
    source: str


@router.get("/config/practice-rules", response=list[PracticeRuleOut], summary="Practice rules with their sources")
def practice_rules(request):
    from .models import PracticeRule

    return [{"key": r.key, "district_id": r.area_id, "value": r.value, "unit": r.unit, "description": r.description,
             "source": r.source} for r in PracticeRule.objects.order_by("key", "area_id")]


class ProtocolOut(Schema):
    code: str
    name: str
    first_meeting_place: str
    source: str
    steps: list[StepOut]


@router.get("/config/protocols", response=list[ProtocolOut], summary="The intake protocols and their steps")
def protocols(request):
    from .models import Protocol

    return [{"code": p.code, "name": p.name, "first_meeting_place": p.first_meeting_place, "source": p.source,
             "steps": [{"id": st.pk, "order": st.order, "title": st.title, "completed_by": st.completed_by,
                        "agenda": st.agenda, "done": False} for st in p.steps.all()]}
            for p in Protocol.objects.prefetch_related("steps")]
