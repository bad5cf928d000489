import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from casework.models import Case
from people.selectors import person_get_visible
from tongxing.api_schemas import ErrorOut

from . import services
from .models import Incident

router = Router(tags=["incidents"])


class IncidentIn(Schema):
    person_id: int
    case_id: int | None = None
    kind: str
    occurred_at: dt.datetime
    place: str
    description: str
    immediate_actions: str


class IncidentOut(Schema):
    id: int
    person_id: int
    case_id: int | None
    kind: str
    occurred_at: dt.datetime
    place: str
    description: str
    immediate_actions: str
    conference_due_on: dt.date


@router.post("", response={201: IncidentOut, 404: ErrorOut},
             summary="Record a critical incident: raises the risk flag, alerts the team, a conference falls due")
def record(request, payload: IncidentIn):
    person = person_get_visible(user=request.user, pk=payload.person_id)
    case = get_object_or_404(Case, pk=payload.case_id, person=person) if payload.case_id else None
    data = payload.dict(exclude={"person_id", "case_id"})
    return Status(201, services.incident_record(actor=request.user, person=person, case=case, **data))


@router.get("", response={200: list[IncidentOut], 404: ErrorOut},
            summary="One person's incidents, newest first (an audited file read)")
def incidents(request, person_id: int, reason: str = ""):
    from django.core.exceptions import PermissionDenied

    from people.selectors import sees_offence
    from people.services import person_file_opened

    person = person_get_visible(user=request.user, pk=person_id)
    if not sees_offence(user=request.user, person=person):
        raise PermissionDenied("Incidents are not shown to your role.")
    person_file_opened(actor=request.user, person=person, reason=reason)
    return list(Incident.objects.filter(person=person).order_by("-occurred_at")[:200])
