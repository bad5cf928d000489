import datetime as dt

from ninja import Router, Schema, Status

from django.core.exceptions import PermissionDenied

from people.selectors import person_get_visible, sees_offence
from people.services import person_file_opened

from . import selectors, services
from .models import RiskFlag, Screening

router = Router(tags=["risk"])


class FlagOut(Schema):
    id: int
    level: str
    reason: str
    origin: str
    review_on: dt.date


class ItemOut(Schema):
    code: str
    domain: str
    text: str
    guidance: str
    max_score: int
    is_suicide_screen: bool


class AnswerIn(Schema):
    code: str
    score: int
    rationale: str = ""


class ScreeningIn(Schema):
    done_on: dt.date
    answers: list[AnswerIn]
    note: str = ""


class ScreeningOut(Schema):
    id: int
    done_on: dt.date
    total: int
    level: str
    suicide_positive: bool


class RiskOut(Schema):
    flag: FlagOut | None
    screenings: list[ScreeningOut]


@router.get("/items", response=list[ItemOut], summary="The items of the needs and risk screen (configuration)")
def items(request):
    return list(selectors.active_items())


def _require_risk_details(request, person) -> None:
    if not sees_offence(user=request.user, person=person):
        raise PermissionDenied("Risk details are not shown to your role.")


@router.get("/people/{int:person_id}", response=RiskOut, summary="A person's risk flag and screens")
def person_risk(request, person_id: int, reason: str = ""):
    person = person_get_visible(user=request.user, pk=person_id)
    _require_risk_details(request, person)
    person_file_opened(actor=request.user, person=person, reason=reason)
    return {"flag": selectors.current_flag(person=person),
            "screenings": list(Screening.objects.filter(person=person)[:20])}


@router.post("/people/{int:person_id}/screenings", response={201: ScreeningOut},
             summary="Record a screen: every active item scored, with a rationale for each concern")
def screen(request, person_id: int, payload: ScreeningIn):
    person = person_get_visible(user=request.user, pk=person_id)
    answers = {a.code: (a.score, a.rationale) for a in payload.answers}
    return Status(201, services.screening_record(actor=request.user, person=person, answers=answers,
                                                 done_on=payload.done_on, note=payload.note))


class FlagIn(Schema):
    level: str
    reason: str
    review_on: dt.date | None = None


@router.post("/people/{int:person_id}/flag", response={201: FlagOut}, summary="Set the person's risk flag")
def raise_flag(request, person_id: int, payload: FlagIn):
    person = person_get_visible(user=request.user, pk=person_id)
    return Status(201, services.flag_raise(actor=request.user, person=person, **payload.dict()))


class FlagReviewIn(Schema):
    note: str
    level: str | None = None
    review_on: dt.date | None = None
    end: bool = False


@router.post("/flags/{int:flag_id}/review", response=FlagOut | None,
             summary="Review a flag: keep it to a new date, change its level, or end it")
def review_flag(request, flag_id: int, payload: FlagReviewIn):
    from django.shortcuts import get_object_or_404

    from people.selectors import people_visible_to

    flag = get_object_or_404(RiskFlag, pk=flag_id, person__in=people_visible_to(user=request.user))
    _require_risk_details(request, flag.person)
    return services.flag_review(actor=request.user, flag=flag, **payload.dict())
