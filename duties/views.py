import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from casework.selectors import approvals_on_day_list, transfers_waiting_for

from . import selectors, services, workdays
from .models import CalendarException, CalendarYear, Duty

LEADING_ROLES = {Role.SUPERVISOR, Role.BUREAU_LEADER, Role.ADMINISTRATOR}


@login_required
def day_list(request):
    """今日工作: the landing page."""
    user = request.user
    today = timezone.localdate()
    context = {
        "today": today, "days": selectors.day_list(user=user, today=today),
        "approvals": approvals_on_day_list(user=user), "transfers": transfers_waiting_for(user=user),
        "alerts": selectors.unread_notifications(user=user),
        "office_counts": selectors.office_counts(user=user, today=today) if user.role in LEADING_ROLES else [],
        "calendar_missing": workdays.missing_years(today) if user.role == Role.ADMINISTRATOR else [],
    }
    return render(request, "duties/day_list.html", context)


def _own_duty(request, pk: int) -> Duty:
    return get_object_or_404(selectors.duties_of(user=request.user), pk=pk)


@login_required
@require_POST
def duty_snooze(request, pk: int):
    duty = _own_duty(request, pk)
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
        services.duty_snooze(actor=request.user, duty=duty, until=until, reason=request.POST.get("reason", ""))
    except ValueError:
        messages.error(request, _("Give the date to snooze until."))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("duties:day_list")


@login_required
@require_POST
def duty_done(request, pk: int):
    duty = _own_duty(request, pk)
    try:
        services.duty_mark_done(actor=request.user, duty=duty, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("duties:day_list")


@login_required
@require_POST
def notifications_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("duties:day_list")


def _parse_holidays(text: str, year: int) -> list:
    """Lines of `start,end,name` (dates as 2027-01-01)."""
    rows = []
    for n, line in enumerate(filter(None, (line.strip() for line in text.splitlines())), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        try:
            rows.append((dt.date.fromisoformat(parts[0]), dt.date.fromisoformat(parts[1]), parts[2]))
        except (ValueError, IndexError):
            raise ValidationError(_("Line %(n)s: write start,end,name, e.g. %(year)s-10-01,%(year)s-10-07,国庆节")
                                  % {"n": n, "year": year}) from None
    return rows


def _parse_workdays(text: str, year: int) -> list:
    rows = []
    for n, line in enumerate(filter(None, (line.strip() for line in text.splitlines())), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        try:
            rows.append((dt.date.fromisoformat(parts[0]), parts[1] if len(parts) > 1 else ""))
        except ValueError:
            raise ValidationError(_("Line %(n)s: write day,name, e.g. %(year)s-09-26,国庆节调休")
                                  % {"n": n, "year": year}) from None
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The working-day calendar: the years loaded, their exceptions, and entering the next year's notice."""
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Only administrators manage the calendar."))
    today = timezone.localdate()
    error = None
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", "0"))  # the service bounds it
            services.calendar_year_enter(actor=request.user, year=year,
                                         holidays=_parse_holidays(request.POST.get("holidays", ""), year),
                                         workdays_on_weekends=_parse_workdays(request.POST.get("workdays", ""), year),
                                         source=request.POST.get("source", ""))
        except ValueError:
            error = _("Give the year as a number.")
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, _("The calendar of %(year)s was entered.") % {"year": year})
            return redirect("duties:calendar")
    return render(request, "duties/calendar.html", {
        "years": CalendarYear.objects.all(), "missing": workdays.missing_years(today), "error": error,
        "exceptions": CalendarException.objects.filter(day__year__gte=today.year - 1),
        "next_year": today.year + 1})
