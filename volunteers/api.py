import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from accounts.models import User
from casework.selectors import case_get_visible
from orgs.models import Area
from tongxing.api_schemas import ErrorOut

from . import selectors, services

router = Router(tags=["volunteers"])


class VolunteerOut(Schema):
    id: int
    name: str
    skills: str
    availability: str
    area_id: int
    organisation_id: int
    user_id: int | None
    joined_on: dt.date
    is_active: bool
    training_hours: float = 0
    open_tasks: int = 0


class VolunteerIn(Schema):
    name: str
    phone: str = ""
    skills: str = ""
    availability: str = ""
    area_id: int
    joined_on: dt.date
    user_id: int | None = None


@router.get("", response=list[VolunteerOut], summary="The volunteer registry of the caller's area")
def registry(request, q: str = ""):
    return list(selectors.volunteers_visible_to(user=request.user, query=q)[:1000])


@router.post("", response={201: VolunteerOut, 404: ErrorOut}, summary="Register a volunteer")
def register(request, payload: VolunteerIn):
    data = payload.dict(exclude={"area_id", "user_id"})
    data["area"] = get_object_or_404(Area, pk=payload.area_id)
    data["user"] = get_object_or_404(User, pk=payload.user_id, role="volunteer") if payload.user_id else None
    volunteer = services.volunteer_save(actor=request.user, data=data)
    return Status(201, selectors.volunteers_visible_to(user=request.user).get(pk=volunteer.pk))


class TrainingIn(Schema):
    title: str
    held_on: dt.date
    hours: float
    trainer: str = ""
    volunteer_ids: list[int]


class Created(Schema):
    id: int


@router.post("/trainings", response={201: Created}, summary="Record a training and who attended")
def training(request, payload: TrainingIn):
    attendees = selectors.volunteers_visible_to(user=request.user).filter(pk__in=payload.volunteer_ids)
    return Status(201, services.training_record(actor=request.user, title=payload.title, held_on=payload.held_on,
                                                hours=payload.hours, trainer=payload.trainer, attendees=attendees))


class SupervisionIn(Schema):
    held_on: dt.date
    topic: str
    notes: str
    follow_up: str = ""
    volunteer_ids: list[int]


@router.post("/supervision", response={201: Created}, summary="Record professional supervision (督导记录)")
def supervision(request, payload: SupervisionIn):
    volunteers = selectors.volunteers_visible_to(user=request.user).filter(pk__in=payload.volunteer_ids)
    return Status(201, services.supervision_record(actor=request.user, held_on=payload.held_on, volunteers=volunteers,
                                                   topic=payload.topic, notes=payload.notes,
                                                   follow_up=payload.follow_up))


class TaskIn(Schema):
    case_id: int
    task: str
    due_on: dt.date


class TaskOut(Schema):
    id: int
    volunteer_id: int
    case_id: int
    task: str
    due_on: dt.date
    status: str
    hours: float


@router.post("/{int:volunteer_id}/tasks", response={201: TaskOut}, summary="Give a volunteer a task on a case")
def assign(request, volunteer_id: int, payload: TaskIn):
    volunteer = get_object_or_404(selectors.volunteers_visible_to(user=request.user), pk=volunteer_id)
    case = case_get_visible(user=request.user, pk=payload.case_id)
    return Status(201, services.task_assign(actor=request.user, volunteer=volunteer, case=case, task=payload.task,
                                            due_on=payload.due_on))
