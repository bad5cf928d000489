import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from accounts.models import User
from people.selectors import people_visible_to, person_get_visible
from people.services import person_file_opened
from tongxing.api_schemas import ErrorOut

from . import services
from .models import AnalysisDimension, Conference

router = Router(tags=["conferences"])


class DimensionOut(Schema):
    code: str
    name: str


class ExternalIn(Schema):
    name: str
    profession: str
    organisation: str = ""


class ScheduleIn(Schema):
    person_id: int
    scheduled_for: dt.datetime
    place: str
    staff_ids: list[int] = []
    externals: list[ExternalIn] = []
    incident_id: int | None = None


class ParticipantOut(Schema):
    name: str
    profession: str
    organisation: str
    user_id: int | None


class DecisionOut(Schema):
    id: int
    text: str
    owner_id: int
    due_on: dt.date


class AnalysisOut(Schema):
    dimension: str
    notes: str

    @staticmethod
    def resolve_dimension(obj) -> str:
        return obj.dimension.code


class ConferenceOut(Schema):
    id: int
    person_id: int
    incident_id: int | None
    scheduled_for: dt.datetime
    place: str
    status: str
    held_on: dt.date | None
    participants: list[ParticipantOut]
    analyses: list[AnalysisOut]
    decisions: list[DecisionOut]
    warnings: list[str] = []

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_analyses(obj) -> list:
        return list(obj.analyses.select_related("dimension"))

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.all())


def _users(ids: list[int]) -> list[User]:
    users = list(User.objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationError({"staff_ids": ["unknown user"]})
    return users


@router.get("/dimensions", response=list[DimensionOut], summary="The analysis dimensions (configuration)")
def dimensions(request):
    return list(AnalysisDimension.objects.filter(is_active=True))


@router.post("", response={201: ConferenceOut, 404: ErrorOut},
             summary="Schedule a case conference with staff and external participants")
def schedule(request, payload: ScheduleIn):
    person = person_get_visible(user=request.user, pk=payload.person_id)
    incident = None
    if payload.incident_id:
        incident = get_object_or_404(person.incidents, pk=payload.incident_id)
    conference, warnings = services.conference_schedule(
        actor=request.user, person=person, scheduled_for=payload.scheduled_for, place=payload.place,
        staff=_users(payload.staff_ids), externals=[e.dict() for e in payload.externals], incident=incident,
        case=incident.case if incident else None)
    conference.warnings = warnings
    return Status(201, conference)


def _conference(request, conference_id: int) -> Conference:
    from django.core.exceptions import PermissionDenied

    if request.user.role not in services.CONVENERS:
        raise PermissionDenied("Case conferences are convened by social workers, officers, supervisors and leaders.")
    return get_object_or_404(Conference, pk=conference_id,
                             person__in=people_visible_to(user=request.user, include_inactive=True))


@router.get("/{int:conference_id}", response=ConferenceOut, summary="A conference (an audited file read)")
def detail(request, conference_id: int, reason: str = ""):
    conference = _conference(request, conference_id)
    person_file_opened(actor=request.user, person=conference.person, reason=reason)
    return conference


class ConferenceDecisionIn(Schema):
    text: str
    owner_id: int
    due_on: dt.date


class HoldIn(Schema):
    held_on: dt.date
    background: str
    service_so_far: str
    analyses: dict[str, str]
    recommendations: str = ""
    decisions: list[ConferenceDecisionIn] = []


@router.post("/{int:conference_id}/held", response=ConferenceOut,
             summary="Record the conference: analysis by dimension, recommendations, decisions with owners")
def hold(request, conference_id: int, payload: HoldIn):
    conference = _conference(request, conference_id)
    owners = {u.pk: u for u in _users([d.owner_id for d in payload.decisions])}
    decisions = [{"text": d.text, "owner": owners[d.owner_id], "due_on": d.due_on} for d in payload.decisions]
    return services.conference_hold(actor=request.user, conference=conference, held_on=payload.held_on,
                                    background=payload.background, service_so_far=payload.service_so_far,
                                    analyses=payload.analyses, recommendations=payload.recommendations,
                                    decisions=decisions)


@router.get("/{int:conference_id}/brief", summary="The pseudonymised brief as a Word file (training=true for "
                                                  "training material)")
def brief_docx(request, conference_id: int, training: bool = False, reason: str = ""):
    conference = _conference(request, conference_id)
    person_file_opened(actor=request.user, person=conference.person, reason=reason)
    content = services.brief_generate(actor=request.user, conference=conference, training=training)
    return HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
