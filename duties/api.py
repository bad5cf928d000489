import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from . import selectors, services, workdays
from .models import CalendarException, CalendarYear

router = Router(tags=["duties"])


class DutyOut(Schema):
    id: int
    kind: str
    title: str
    person_id: int | None
    case_id: int | None
    due_on: dt.date
    rule_key: str
    source: str
    url: str
    snoozed_until: dt.date | None
    escalated: bool

    @staticmethod
    def resolve_escalated(obj) -> bool:
        return obj.escalated_at is not None


class DayListOut(Schema):
    overdue: list[DutyOut]
    today: list[DutyOut]
    this_week: list[DutyOut]
    later_count: int
    snoozed_count: int


@router.get("/today", response=DayListOut, summary="The caller's day list (今日工作)")
def today(request):
    return vars(selectors.day_list(user=request.user))


@router.get("", response=list[DutyOut], summary="All the caller's open duties")
def open_duties(request):
    return list(selectors.duties_of(user=request.user))


class SnoozeIn(Schema):
    until: dt.date
    reason: str


@router.post("/{duty_id}/snooze", response=DutyOut)
def snooze(request, duty_id: int, payload: SnoozeIn):
    duty = get_object_or_404(selectors.duties_of(user=request.user), pk=duty_id)
    return services.duty_snooze(actor=request.user, duty=duty, until=payload.until, reason=payload.reason)


class DutyNoteIn(Schema):
    note: str


@router.post("/{duty_id}/done", response=DutyOut, summary="Mark done a duty no recorded event fulfils")
def done(request, duty_id: int, payload: DutyNoteIn):
    duty = get_object_or_404(selectors.duties_of(user=request.user), pk=duty_id)
    return services.duty_mark_done(actor=request.user, duty=duty, note=payload.note)


calendar_router = Router(tags=["calendar"])


class YearOut(Schema):
    year: int
    source: str


class ExceptionOut(Schema):
    day: dt.date
    is_workday: bool
    name: str


@calendar_router.get("/years", response=list[YearOut])
def years(request):
    return list(CalendarYear.objects.all())


@calendar_router.get("/exceptions", response=list[ExceptionOut], summary="Holidays on weekdays, worked weekend days")
def exceptions(request, year: int):
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Give a year between 2000 and 2100.")]})
    return list(CalendarException.objects.filter(day__year=year))


class WorkingDayOut(Schema):
    start: dt.date
    working_days: int
    due: dt.date


@calendar_router.get("/add-working-days", response=WorkingDayOut)
def add(request, start: dt.date, n: int):
    if not 0 <= n <= 366:
        raise ValidationError({"n": [_("Count between 0 and 366 working days.")]})
    try:
        return {"start": start, "working_days": n, "due": workdays.add_working_days(start, n)}
    except workdays.CalendarMissing as exc:
        raise ValidationError(str(exc)) from exc


class HolidayIn(Schema):
    start: dt.date
    end: dt.date
    name: str


class WorkdayIn(Schema):
    day: dt.date
    name: str = ""


class YearIn(Schema):
    year: int
    holidays: list[HolidayIn]
    workdays_on_weekends: list[WorkdayIn] = []
    source: str


@calendar_router.post("/years", response={201: YearOut}, summary="Enter a year's official schedule (administrators)")
def enter_year(request, payload: YearIn):
    year = services.calendar_year_enter(
        actor=request.user, year=payload.year, source=payload.source,
        holidays=[(h.start, h.end, h.name) for h in payload.holidays],
        workdays_on_weekends=[(w.day, w.name) for w in payload.workdays_on_weekends])
    return Status(201, year)
