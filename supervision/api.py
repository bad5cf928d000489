import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from people.models import Enrolment
from people.selectors import people_visible_to, sees_offence
from people.services import check_in_record, person_file_opened

from . import selectors, services
from .models import LeaveApplication, MonitoringPeriod

router = Router(tags=["supervision"])


def _enrolment(request, enrolment_id: int) -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("person__area"), pk=enrolment_id,
                                  population="correction",
                                  person__in=people_visible_to(user=request.user, include_inactive=True))
    if not sees_offence(user=request.user, person=enrolment.person):
        from django.http import Http404

        raise Http404
    return enrolment


class SanctionOut(Schema):
    id: int
    kind: str
    on: dt.date
    facts: str


class LeaveOut(Schema):
    id: int
    destination: str
    reason: str
    leave_on: dt.date
    return_on: dt.date
    days: int
    approval_level: str
    status: str


class MonitoringOut(Schema):
    id: int
    reason: str
    start_on: dt.date
    end_on: dt.date
    removed_on: dt.date | None


class SuggestionOut(Schema):
    kind: str
    text: str
    source: str


class SupervisionOut(Schema):
    enrolment_id: int
    checked_in_on: dt.date | None
    suggestion: SuggestionOut | None
    sanctions: list[SanctionOut]
    leave: list[LeaveOut]
    monitoring: list[MonitoringOut]
    monitoring_in_force: int | None


@router.get("/{int:enrolment_id}", response=SupervisionOut, summary="The legal supervision of one correction record")
def summary(request, enrolment_id: int, reason: str = ""):
    enrolment = _enrolment(request, enrolment_id)
    person_file_opened(actor=request.user, person=enrolment.person, reason=reason)
    suggestion = selectors.sanction_suggestion(enrolment=enrolment)
    active = selectors.active_monitoring(enrolment=enrolment, day=dt.date.today())
    return {"enrolment_id": enrolment.pk, "checked_in_on": enrolment.checked_in_on,
            "suggestion": vars(suggestion) if suggestion else None, "sanctions": list(enrolment.sanctions.all()),
            "leave": list(enrolment.leave_applications.all()), "monitoring": list(enrolment.monitoring_periods.all()),
            "monitoring_in_force": active.pk if active else None}


class DayIn(Schema):
    on: dt.date


class WarningsOut(Schema):
    warnings: list[str]


@router.post("/{int:enrolment_id}/check-in", response=WarningsOut, summary="Record the check-in (报到); lateness warns")
def check_in(request, enrolment_id: int, payload: DayIn):
    _e, warnings = check_in_record(actor=request.user, enrolment=_enrolment(request, enrolment_id), on=payload.on)
    return {"warnings": warnings}


class SanctionIn(Schema):
    kind: str
    on: dt.date
    facts: str


@router.post("/{int:enrolment_id}/sanctions", response={201: SupervisionOut})
def add_sanction(request, enrolment_id: int, payload: SanctionIn):
    enrolment = _enrolment(request, enrolment_id)
    services.sanction_record(actor=request.user, enrolment=enrolment, **payload.dict())
    return Status(201, summary(request, enrolment_id, reason="sanction recorded"))


class LeaveIn(Schema):
    destination: str
    reason: str
    leave_on: dt.date
    return_on: dt.date


class LeaveCreated(Schema):
    leave: LeaveOut
    warnings: list[str]


@router.post("/{int:enrolment_id}/leave", response={201: LeaveCreated}, summary="Apply for leave: routed by its length")
def apply_leave(request, enrolment_id: int, payload: LeaveIn):
    leave, warnings = services.leave_apply(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                           **payload.dict())
    return Status(201, {"leave": leave, "warnings": warnings})


class DecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/{int:enrolment_id}/leave/{leave_id}/decision", response=LeaveOut)
def decide_leave(request, enrolment_id: int, leave_id: int, payload: DecisionIn):
    leave = get_object_or_404(LeaveApplication, pk=leave_id, enrolment=_enrolment(request, enrolment_id))
    return services.leave_decide(actor=request.user, leave=leave, approve=payload.approve, note=payload.note)


@router.post("/{int:enrolment_id}/leave/{leave_id}/returned", response=LeaveOut)
def leave_back(request, enrolment_id: int, leave_id: int, payload: DayIn):
    leave = get_object_or_404(LeaveApplication, pk=leave_id, enrolment=_enrolment(request, enrolment_id))
    return services.leave_returned(actor=request.user, leave=leave, on=payload.on)


class MonitoringIn(Schema):
    reason: str
    facts: str
    start_on: dt.date
    end_on: dt.date
    approved_by_name: str


@router.post("/{int:enrolment_id}/monitoring", response={201: MonitoringOut})
def start_monitoring(request, enrolment_id: int, payload: MonitoringIn):
    return Status(201, services.monitoring_start(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                                 **payload.dict()))


class RenewIn(Schema):
    end_on: dt.date
    facts: str
    approved_by_name: str


@router.post("/{int:enrolment_id}/monitoring/{period_id}/renew", response={201: MonitoringOut})
def renew_monitoring(request, enrolment_id: int, period_id: int, payload: RenewIn):
    period = get_object_or_404(MonitoringPeriod, pk=period_id, enrolment=_enrolment(request, enrolment_id))
    return Status(201, services.monitoring_renew(actor=request.user, period=period, **payload.dict()))


class RemoveIn(Schema):
    on: dt.date
    note: str


@router.post("/{int:enrolment_id}/monitoring/{period_id}/remove", response=MonitoringOut)
def remove_monitoring(request, enrolment_id: int, period_id: int, payload: RemoveIn):
    period = get_object_or_404(MonitoringPeriod, pk=period_id, enrolment=_enrolment(request, enrolment_id))
    return services.monitoring_remove(actor=request.user, period=period, **payload.dict())


class PreSentenceIn(Schema):
    person_id: int
    requested_by: str
    received_on: dt.date
    fast_track: bool = False


class PreSentenceOut(Schema):
    id: int
    person_id: int
    requested_by: str
    received_on: dt.date
    fast_track: bool
    due_on: dt.date
    completed_on: dt.date | None
    conclusion: str


@router.post("/pre-sentence-assessments", response={201: PreSentenceOut},
             summary="Record a court's request for a pre-sentence assessment (due in working days)")
def request_assessment(request, payload: PreSentenceIn):
    from people.selectors import person_get_visible

    person = person_get_visible(user=request.user, pk=payload.person_id)
    return Status(201, services.pre_sentence_assessment_request(
        actor=request.user, person=person, requested_by=payload.requested_by, received_on=payload.received_on,
        fast_track=payload.fast_track))


class CompleteIn(Schema):
    on: dt.date
    conclusion: str


@router.post("/pre-sentence-assessments/{assessment_id}/complete", response=PreSentenceOut)
def complete_assessment(request, assessment_id: int, payload: CompleteIn):
    from .models import PreSentenceAssessment

    visible = people_visible_to(user=request.user, include_inactive=True)
    assessment = get_object_or_404(PreSentenceAssessment, pk=assessment_id, person__in=visible)
    return services.pre_sentence_assessment_complete(actor=request.user, assessment=assessment, **payload.dict())
