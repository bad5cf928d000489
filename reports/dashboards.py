"""The figures behind each role's dashboard. Every chart carries, per bar or slice, the link to the list that shows
the same records, and its number is that list's count (tests hold them equal)."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxing.dbrouters import reading_reports


def _chart(key: str, title: str, kind: str, points: list[tuple[str, int, str]]) -> dict:
    """points: (label, value, link or '')."""
    return {"id": key, "title": str(title), "type": kind, "labels": [str(p[0]) for p in points],
            "values": [p[1] for p in points], "links": [p[2] for p in points],
            "rows": [(str(p[0]), p[1], p[2]) for p in points]}


@reading_reports()
def worker_dashboard(*, user, today: dt.date) -> list[dict]:
    from casework.models import Contact, Stage
    from casework.selectors import cases_visible_to
    from duties.selectors import day_list

    mine = cases_visible_to(user=user).filter(owner=user)
    by_stage = dict(mine.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    cases_url = reverse("casework:list")
    stages = [(label, by_stage.get(value, 0), f"{cases_url}?mine=1&stage={value}") for value, label in Stage.choices
              if by_stage.get(value)]
    days = day_list(user=user, today=today)
    today_url = reverse("duties:day_list")
    duties = [(_("overdue"), len(days.overdue), today_url), (_("due today"), len(days.today), today_url),
              (_("this week"), len(days.this_week), today_url)]
    month_start = today.replace(day=1)
    contacts = dict(Contact.objects.filter(case__in=mine, started_at__date__gte=month_start,
                                           started_at__date__lte=today)
                    .values_list("mode").annotate(n=Count("pk")).values_list("mode", "n"))
    from casework.models import Mode

    return [_chart("caseload", _("My caseload by stage"), "bar", stages),
            _chart("duties", _("My duties"), "bar", duties),
            _chart("contacts", _("My contacts this month"), "pie",
                   [(label, contacts[value], "") for value, label in Mode.choices if contacts.get(value)])]


@reading_reports()
def supervisor_dashboard(*, user, today: dt.date, period_start: dt.date) -> list[dict]:
    from accounts.models import User
    from casework.selectors import approvals_waiting_for, cases_visible_to
    from duties.models import Duty
    from incidents.models import Incident
    from people.selectors import people_visible_to

    team = User.objects.filter(is_active=True, organisation=user.organisation,
                               role__in=("social_worker", "judicial_officer", "community_worker"))
    if user.team_id:
        team = team.filter(team_id=user.team_id) | User.objects.filter(
            team_id=user.team_id, is_active=True, role__in=("social_worker", "judicial_officer", "community_worker"))
    team = list(team.distinct().order_by("username"))
    open_cases = dict(cases_visible_to(user=user).filter(owner__in=team).exclude(stage__in=("closed", "stopped"))
                      .values_list("owner").annotate(n=Count("pk")).values_list("owner", "n"))
    overdue = dict(Duty.objects.filter(owner__in=team, status="open", due_on__lt=today)
                   .values_list("owner").annotate(n=Count("pk")).values_list("owner", "n"))
    incidents = Incident.objects.filter(person__in=people_visible_to(user=user),
                                        occurred_at__date__gte=period_start).count()
    approvals = approvals_waiting_for(user=user).count()
    return [_chart("team_caseloads", _("Open cases per worker"), "bar",
                   [(u.display_name, open_cases.get(u.pk, 0), "") for u in team]),
            _chart("overdue", _("Overdue duties per worker"), "bar",
                   [(u.display_name, overdue.get(u.pk, 0), "") for u in team]),
            _chart("waiting", _("Waiting for me"), "bar",
                   [(_("approvals"), approvals, reverse("casework:approvals")),
                    (_("critical incidents"), incidents, "")])]


@reading_reports()
def leader_dashboard(*, user, area, today: dt.date, period_start: dt.date) -> list[dict]:
    from incidents.models import Incident
    from orgs.models import Area
    from people.models import Enrolment
    from people.populations import Population
    from risk.models import Level, RiskFlag
    from supervision.models import Sanction

    from people.selectors import people_visible_to

    in_area = Q(person__area__path__startswith=area.path)
    # The people the leader's lists show (active files in reach), so each slice equals its linked list.
    active = Enrolment.objects.filter(in_area, status="active", person__in=people_visible_to(user=user))
    people_url = reverse("people:list")
    own_area = area.path == user.area_path
    by_population = dict(active.values_list("population").annotate(n=Count("person", distinct=True))
                         .values_list("population", "n"))
    populations = [(label, by_population.get(value, 0), f"{people_url}?population={value}" if own_area else "")
                   for value, label in Population.choices]
    # One grouped count over the streets, each folded into its district's model: however many districts there are.
    districts = list(Area.objects.filter(path__startswith=area.path, level="district")) or [area.district()]
    by_path = {d.path: d for d in districts if d is not None}
    models = {d.get_work_model_display() or "—": 0 for d in by_path.values()}
    for path, n in active.values_list("person__area__path").annotate(n=Count("person", distinct=True)):
        district = next((by_path[path[:k]] for k in {len(p) for p in by_path} if path[:k] in by_path), None)
        if district is not None:
            label = district.get_work_model_display() or "—"
            models[label] += n
    by_office = list(active.values_list("organisation__name").annotate(n=Count("person", distinct=True))
                     .order_by("-n").values_list("organisation__name", "n")[:12])
    new = Enrolment.objects.filter(in_area, start_date__gte=period_start, start_date__lte=today).count()
    ended = Enrolment.objects.filter(in_area, status="ended", end_date__gte=period_start, end_date__lte=today).count()
    incidents = Incident.objects.filter(in_area, occurred_at__date__gte=period_start).count()
    sanctions = Sanction.objects.filter(enrolment__person__area__path__startswith=area.path,
                                        on__gte=period_start).count()
    risk = dict(RiskFlag.objects.filter(in_area, ended_at__isnull=True).values_list("level")
                .annotate(n=Count("pk")).values_list("level", "n"))
    year_ago = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    received = dict(Enrolment.objects.filter(in_area, start_date__gte=year_ago).annotate(m=TruncMonth("start_date"))
                    .values_list("m").annotate(n=Count("pk")).values_list("m", "n"))
    months, month = [], year_ago
    while month <= today:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return [_chart("populations", _("People by population"), "pie", populations),
            _chart("models", _("People by organising model"), "pie", [(k, v, "") for k, v in models.items()]),
            _chart("offices", _("People by serving organisation"), "bar", [(k, v, "") for k, v in by_office]),
            _chart("movement", _("This period"), "bar",
                   [(_("new"), new, ""), (_("ended"), ended, ""), (_("critical incidents"), incidents, ""),
                    (_("sanctions"), sanctions, "")]),
            _chart("risk", _("Open risk flags"), "pie", [(label, risk.get(value, 0), "")
                                                          for value, label in Level.choices]),
            _chart("trend", _("New records per month (12 months)"), "line",
                   [(f"{m:%Y-%m}", received.get(m, 0), "") for m in months])]
