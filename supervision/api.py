import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from people.models import Enrolment
from people.selectors import people_visible_to, sees_offence
from people.services import check_in_record, person_file_opened
from tongxing.api_schemas import ErrorOut

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
    relocations: list["RelocationOut"]
    revocations: list["RevocationOut"]


@router.get("/{int:enrolment_id}", response=SupervisionOut, summary="The legal supervision of one correction record")
def summary(request, enrolment_id: int, reason: str = ""):
    enrolment = _enrolment(request, enrolment_id)
    person_file_opened(actor=request.user, person=enrolment.person, reason=reason)
    suggestion = selectors.sanction_suggestion(enrolment=enrolment)
    active = selectors.active_monitoring(enrolment=enrolment, day=dt.date.today())
    return {"enrolment_id": enrolment.pk, "checked_in_on": enrolment.checked_in_on,
            "suggestion": vars(suggestion) if suggestion else None, "sanctions": list(enrolment.sanctions.all()),
            "leave": list(enrolment.leave_applications.all()), "monitoring": list(enrolment.monitoring_periods.all()),
            "monitoring_in_force": active.pk if active else None,
            "relocations": list(enrolment.relocations.all()), "revocations": list(enrolment.revocations.all())}


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


class LeaveDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/{int:enrolment_id}/leave/{leave_id}/decision", response=LeaveOut)
def decide_leave(request, enrolment_id: int, leave_id: int, payload: LeaveDecisionIn):
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


@router.post("/pre-sentence-assessments", response={201: PreSentenceOut, 404: ErrorOut},
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


class RulingNoticeIn(Schema):
    notice_received_on: dt.date
    documents_received_on: dt.date | None = None
    ruling_effective_on: dt.date | None = None
    note: str = ""


class RulingNoticeOut(Schema):
    notice_received_on: dt.date
    documents_received_on: dt.date | None
    warnings: list[str]


@router.post("/{int:enrolment_id}/ruling-notice", response=RulingNoticeOut,
             summary="When the ruling's notice and legal documents arrived (CCL 20); late arrivals warn")
def ruling_notice(request, enrolment_id: int, payload: RulingNoticeIn):
    notice, warnings = services.ruling_notice_record(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                                     **payload.dict())
    return {"notice_received_on": notice.notice_received_on,
            "documents_received_on": notice.documents_received_on, "warnings": warnings}


class ActivityIn(Schema):
    kind: str
    on: dt.date
    hours: float
    topic: str


class ActivityRowOut(Schema):
    kind: str
    done: float
    required: int
    source: str


@router.post("/{int:enrolment_id}/activities", response={201: list[ActivityRowOut]},
             summary="Hours of education, community service or skills training; returns the month's hours owed")
def add_activity(request, enrolment_id: int, payload: ActivityIn):
    enrolment = _enrolment(request, enrolment_id)
    services.activity_record(actor=request.user, enrolment=enrolment, **payload.dict())
    return Status(201, selectors.activity_hours(enrolment=enrolment, month=payload.on))


@router.get("/{int:enrolment_id}/activities/{int:year}/{int:month}", response=list[ActivityRowOut],
            summary="Hours done and owed in one month at the person's level")
def activity_month(request, enrolment_id: int, year: int, month: int):
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        first = dt.date(year, month, 1)
    except (ValueError, OverflowError):  # a number too big for a C int overflows rather than being out of range
        raise ValidationError({"month": [_("No such month.")]}) from None
    return selectors.activity_hours(enrolment=_enrolment(request, enrolment_id), month=first)


class RelocationIn(Schema):
    new_residence: str
    new_agency: str
    reason: str
    applied_on: dt.date
    move_on: dt.date


class RelocationOut(Schema):
    id: int
    new_residence: str
    new_agency: str
    applied_on: dt.date
    move_on: dt.date
    status: str
    requested_on: dt.date | None
    replied_on: dt.date | None
    files_sent_on: dt.date | None
    reported_on: dt.date | None


class RelocationCreated(Schema):
    relocation: RelocationOut
    warnings: list[str]


@router.post("/{int:enrolment_id}/relocations", response={201: RelocationCreated},
             summary="Apply to change the place of execution (变更执行地)")
def apply_relocation(request, enrolment_id: int, payload: RelocationIn):
    relocation, warnings = services.relocation_apply(actor=request.user,
                                                     enrolment=_enrolment(request, enrolment_id), **payload.dict())
    return Status(201, {"relocation": relocation, "warnings": warnings})


class StepIn(Schema):
    step: str
    on: dt.date
    note: str = ""


@router.post("/{int:enrolment_id}/relocations/{int:relocation_id}/steps", response=RelocationOut,
             summary="Next step: request, agree, refuse, send_files, reported, withdraw")
def relocation_step(request, enrolment_id: int, relocation_id: int, payload: StepIn):
    from .models import Relocation

    relocation = get_object_or_404(Relocation, pk=relocation_id, enrolment=_enrolment(request, enrolment_id))
    return services.relocation_step(actor=request.user, relocation=relocation, **payload.dict())


class RevocationIn(Schema):
    on: dt.date
    court: str
    evidence: str
    arrest_requested: bool = False
    procuratorate_copied_on: dt.date | None = None


class RevocationOut(Schema):
    id: int
    kind: str
    proposed_on: dt.date
    court: str
    procuratorate_copied_on: dt.date | None
    arrest_requested: bool
    arrest_decided_on: dt.date | None
    custody_from: dt.date | None
    ruled_on: dt.date | None
    outcome: str


@router.post("/{int:enrolment_id}/revocations", response={201: RevocationOut},
             summary="Propose revocation or return to prison (CCL 46–49)")
def propose_revocation(request, enrolment_id: int, payload: RevocationIn):
    return Status(201, services.revocation_propose(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                                   **payload.dict()))


class RevocationStepIn(Schema):
    step: str
    on: dt.date
    custody: bool = False
    revoked: bool | None = None
    note: str = ""


@router.post("/{int:enrolment_id}/revocations/{int:revocation_id}/steps", response=RevocationOut,
             summary="Record the copy to the procuratorate, the arrest decision or the ruling")
def revocation_step(request, enrolment_id: int, revocation_id: int, payload: RevocationStepIn):
    from .models import Revocation

    revocation = get_object_or_404(Revocation, pk=revocation_id, enrolment=_enrolment(request, enrolment_id))
    return services.revocation_record(actor=request.user, revocation=revocation, **payload.dict())


class TerminateIn(Schema):
    on: dt.date
    reason: str = "death"  # revocation and return to prison terminate through the recorded ruling
    note: str = ""


class EndedOut(Schema):
    enrolment_id: int
    status: str
    end_date: dt.date | None
    end_reason: str


@router.post("/{int:enrolment_id}/termination", response=EndedOut,
             summary="Terminate the correction on a death (CCL 45); revocations terminate through their ruling")
def terminate(request, enrolment_id: int, payload: TerminateIn):
    return _ended(services.correction_terminate(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                                **payload.dict()))


def _ended(enrolment) -> dict:
    return {"enrolment_id": enrolment.pk, "status": enrolment.status, "end_date": enrolment.end_date,
            "end_reason": enrolment.end_reason}


class ConcludeIn(Schema):
    on: dt.date
    evaluation: str


@router.post("/{int:enrolment_id}/conclusion", response=EndedOut,
             summary="End the correction at the end of the term and hand over to resettlement assistance (CCL 44)")
def conclude(request, enrolment_id: int, payload: ConcludeIn):
    return _ended(services.correction_conclude(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                               **payload.dict()))


class LevelIn(Schema):
    level: str
    since: dt.date
    reason: str


class LevelOut(Schema):
    level: str
    since: dt.date
    reason: str
    eligible_level: str | None
    eligibility: str


@router.post("/{int:enrolment_id}/level", response=LevelOut, summary="Change the supervision level (严管/普管/宽管)")
def set_level(request, enrolment_id: int, payload: LevelIn):
    enrolment = _enrolment(request, enrolment_id)
    return _level(enrolment, services.level_set(actor=request.user, enrolment=enrolment, **payload.dict()))


def _level(enrolment, change) -> dict:
    eligible, text = selectors.level_eligibility(enrolment=enrolment, today=dt.date.today())
    return {"level": change.level, "since": change.since, "reason": change.reason, "eligible_level": eligible,
            "eligibility": text}


@router.get("/{int:enrolment_id}/level", response=LevelOut | None,
            summary="The current level and whether a lighter one is open")
def get_level(request, enrolment_id: int):
    enrolment = _enrolment(request, enrolment_id)
    change = selectors.current_level(enrolment=enrolment)
    return _level(enrolment, change) if change else None


class ReportIn(Schema):
    on: dt.date
    kind: str
    note: str = ""


class ReportOut(Schema):
    id: int
    on: dt.date
    kind: str
    note: str


@router.post("/{int:enrolment_id}/reports", response={201: ReportOut}, summary="Record a periodic report")
def add_report(request, enrolment_id: int, payload: ReportIn):
    return Status(201, services.report_record(actor=request.user, enrolment=_enrolment(request, enrolment_id),
                                              **payload.dict()))


class TeamMemberIn(Schema):
    name: str
    role: str
    is_woman: bool = False
    knows_minors: bool = False


class TeamOut(Schema):
    members: list[TeamMemberIn]
    problems: list[str]


@router.post("/{int:enrolment_id}/team", response={201: TeamOut}, summary="Add a correction-team member (CCL 25)")
def add_team_member(request, enrolment_id: int, payload: TeamMemberIn):
    enrolment = _enrolment(request, enrolment_id)
    services.team_member_add(actor=request.user, enrolment=enrolment, **payload.dict())
    return Status(201, {"members": list(enrolment.team_members.all()),
                        "problems": selectors.team_problems(enrolment=enrolment)})
