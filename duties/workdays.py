"""Working days by the official holiday calendar, kept as data: a year is usable once its schedule is loaded."""

import datetime as dt
from calendar import monthrange

from django.utils.translation import gettext as _

from .models import CalendarException, CalendarYear


class CalendarMissing(Exception):
    """A deadline would fall in a year whose official schedule nobody has entered yet."""


def _check_years(first: dt.date, last: dt.date) -> None:
    wanted = set(range(first.year, last.year + 1))
    have = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    if wanted - have:
        raise CalendarMissing(_("The official holiday schedule for %(years)s has not been entered; an administrator "
                                "enters it under Working-day calendar.") % {
            "years": "、".join(str(y) for y in sorted(wanted - have))})


def _exceptions_of(year: int) -> dict[dt.date, bool]:
    _check_years(dt.date(year, 1, 1), dt.date(year, 1, 1))
    return dict(CalendarException.objects.filter(day__year=year).values_list("day", "is_workday"))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day `n` working days after `start` (the start day itself is not counted). A year is read only when
    the count reaches it, so a deadline that stays in a loaded year works even if the next year is missing."""
    day, counted, years = start, 0, {}
    while counted < n:
        day += dt.timedelta(days=1)
        if day.year not in years:
            years[day.year] = _exceptions_of(day.year)
        if years[day.year].get(day, day.weekday() < 5):
            counted += 1
    return day


def is_workday(day: dt.date) -> bool:
    _check_years(day, day)
    exception = CalendarException.objects.filter(day=day).values_list("is_workday", flat=True).first()
    return exception if exception is not None else day.weekday() < 5


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day of the month, or the month's last day (1 month after 31 January is 28/29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, monthrange(year, month)[1]))


def missing_years(today: dt.date) -> list[int]:
    """This year and the next, if not loaded: administrators are warned before deadlines reach into them."""
    wanted = {today.year, today.year + 1}
    return sorted(wanted - set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True)))
