"""The day list and the readings of duties and time limits."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tongxing.compiled import Compiled

from .models import Duty, DutyStatus, LegalTimeLimit, Notification


def legal_time_limit(area, key: str) -> LegalTimeLimit:
    """The most local row: the area's own, else one of its ancestors', else the national default."""
    ancestors = [a.pk for a in area.ancestors_and_self()] if area is not None else []
    rows = list(LegalTimeLimit.objects.filter(Q(area__isnull=True) | Q(area_id__in=ancestors), key=key))
    if not rows:
        raise LookupError(f"Legal time limit {key!r} is missing: run the migrations.")
    depth = {pk: n for n, pk in enumerate(ancestors)}
    return max(rows, key=lambda r: depth.get(r.area_id, -1))


class LimitsByArea:
    """`legal_time_limit` for many areas at once (the periodic job): one query per key, resolved by area path."""

    def __init__(self, key: str):
        self.rows = list(LegalTimeLimit.objects.filter(key=key).select_related("area"))
        if not self.rows:
            raise LookupError(f"Legal time limit {key!r} is missing: run the migrations.")

    def for_area(self, area) -> LegalTimeLimit:
        path = area.path if area is not None else ""
        matching = [r for r in self.rows if r.area_id is None or path.startswith(r.area.path)]
        return max(matching, key=lambda r: len(r.area.path) if r.area_id else -1)


def _open_duties(user_id: int, role: str = "", organisation_id: int | None = None) -> QuerySet[Duty]:
    mine = Q(owner_id=user_id)
    if organisation_id:
        mine |= Q(owner__isnull=True, owner_role=role, organisation_id=organisation_id)
    # The day list shows the duty's own title and link; the person's file (decrypted on load) is not needed.
    return Duty.objects.filter(mine, status=DutyStatus.OPEN).order_by("due_on", "id")


def duties_of(*, user) -> QuerySet[Duty]:
    """Open duties that are the user's: their own, and those of their role in their office."""
    return _open_duties(user.pk, user.role, user.organisation_id)


# Only what the page and the API show: the day list is the most requested page, and a duty has two dozen columns.
DAY_LIST_FIELDS = ("id", "kind", "title", "person_id", "case_id", "due_on", "rule_key", "source", "url",
                   "snoozed_until", "escalated_at")


@dataclass(frozen=True, slots=True)
class DayLine:
    """An open duty as the day list shows it. Not a model instance: building a worker's twenty duties as (deferred)
    models took about as long as reading them; to act on one, fetch the Duty by `pk` (views.duty_done does)."""
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
    escalated_at: dt.datetime | None

    @property
    def pk(self) -> int:
        return self.id


# Compiled once per process (tongxing/compiled.py): one statement for a user in an office, one for a user without.
_DAY_LIST_IN_OFFICE = Compiled(lambda user_id, role, organisation_id: _open_duties(user_id, role, organisation_id)
                               .values_list(*DAY_LIST_FIELDS), user_id=int, role=str, organisation_id=int)
_DAY_LIST_OWN = Compiled(lambda user_id: _open_duties(user_id).values_list(*DAY_LIST_FIELDS), user_id=int)


def _day_list_duties(user) -> list[DayLine]:
    if user.organisation_id:
        rows = _DAY_LIST_IN_OFFICE.rows(user_id=user.pk, role=user.role, organisation_id=user.organisation_id)
    else:
        rows = _DAY_LIST_OWN.rows(user_id=user.pk)
    return [DayLine(*row) for row in rows]


@dataclass
class DayList:
    overdue: list
    today: list
    this_week: list
    later_count: int
    snoozed_count: int


def day_list(*, user, today: dt.date | None = None) -> DayList:
    """今日工作: what is overdue, due today and due this week — one query however many duties there are."""
    today = today or timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    overdue, due_today, this_week, later, snoozed = [], [], [], 0, 0
    for duty in _day_list_duties(user):
        if duty.snoozed_until and duty.snoozed_until > today:
            snoozed += 1
        elif duty.due_on < today:
            overdue.append(duty)
        elif duty.due_on == today:
            due_today.append(duty)
        elif duty.due_on <= week_end:
            this_week.append(duty)
        else:
            later += 1
    return DayList(overdue, due_today, this_week, later, snoozed)


def office_counts(*, user, today: dt.date | None = None) -> list[dict]:
    """Open and overdue duties per organisation within the user's area (supervisors and leaders)."""
    today = today or timezone.localdate()
    if not user.area_path:
        return []
    return list(Duty.objects.filter(status=DutyStatus.OPEN, organisation__area__path__startswith=user.area_path)
                .values("organisation__name")
                .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
                .order_by("-overdue", "organisation__name"))


_UNREAD = Compiled(lambda user_id: Notification.objects.filter(user_id=user_id, read_at__isnull=True)
                   .order_by("-created_at")[:20], user_id=int)


def unread_notifications(*, user) -> list[Notification]:
    """The latest twenty unread alerts (on every day list)."""
    as_read = getattr(user, "waiting_as_read", None)  # read with the signed-in user (accounts.backends)
    if as_read is not None and not as_read["alerts"]:
        return []
    return _UNREAD.objects(user_id=user.pk)
