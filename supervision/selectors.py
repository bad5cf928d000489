import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from duties.obligations import office_of  # noqa: F401 — one definition of "the person's office"
from duties.selectors import legal_time_limit

from duties import workdays

from .models import Level, LevelChange, LeaveApplication, LeaveStatus, MonitoringPeriod, Sanction, SanctionKind


@dataclass(frozen=True)
class Suggestion:
    kind: str
    text: str
    source: str


def sanction_suggestion(*, enrolment) -> Suggestion | None:
    """What the ladder suggests next (L14): two reprimands without change → a warning; two warnings → a proposal
    to revoke. A suggestion only: the officer decides."""
    area = enrolment.person.area
    kinds = list(Sanction.objects.filter(enrolment=enrolment).order_by("on", "id").values_list("kind", flat=True))
    if SanctionKind.REVOCATION in kinds:
        return None
    warnings_rule = legal_time_limit(area, "warnings_before_revocation")
    warnings = kinds.count(SanctionKind.WARNING)
    if warnings >= warnings_rule.value:
        # What "the next step" is depends on the kind of correction (CCL 46–49).
        if enrolment.correction_category == "control":
            return Suggestion(SanctionKind.POLICE_PENALTY, _("%(n)s warnings without change: 管制 cannot be revoked; "
                                                             "consider proposing a public-security penalty.")
                              % {"n": warnings}, warnings_rule.source)
        if enrolment.correction_category == "medical":
            return Suggestion(SanctionKind.REVOCATION, _("%(n)s warnings without change: consider proposing "
                                                         "收监执行 (return to prison).") % {"n": warnings},
                              warnings_rule.source)
        return Suggestion(SanctionKind.REVOCATION, _("%(n)s warnings without change: consider proposing to revoke "
                                                     "probation or parole.") % {"n": warnings},
                          warnings_rule.source)
    last_warning = max((i for i, k in enumerate(kinds) if k == SanctionKind.WARNING), default=-1)
    reprimands = kinds[last_warning + 1:].count(SanctionKind.REPRIMAND)
    reprimand_rule = legal_time_limit(area, "reprimands_before_warning")
    if reprimands >= reprimand_rule.value:
        return Suggestion(SanctionKind.WARNING, _("%(n)s reprimands without change: consider a warning.")
                          % {"n": reprimands}, reprimand_rule.source)
    return None


def most_days_away_in_two_months(*, enrolment, leave_on: dt.date, return_on: dt.date) -> int:
    """The most days away, counting this leave and the others approved or waiting, within any two-month window
    that contains this leave (L11: more than 30 days within two months goes a level up)."""
    others = list(LeaveApplication.objects.filter(
        enrolment=enrolment, status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED, LeaveStatus.RETURNED],
        return_on__gte=workdays.add_months(leave_on, -2), leave_on__lte=workdays.add_months(return_on, 2)))
    spans = [(leave_on, return_on)] + [(o.leave_on, o.return_on) for o in others]
    best = 0
    # Windows starting at each span's start or ending at each span's end are enough to find the maximum.
    starts = {a for a, _b in spans} | {workdays.add_months(b, -2) + dt.timedelta(days=1) for _a, b in spans}
    for start in starts:
        end = workdays.add_months(start, 2) - dt.timedelta(days=1)
        if end < leave_on or start > return_on:
            continue  # the window must contain (part of) this leave
        days = sum(max(0, (min(b, end) - max(a, start)).days + 1) for a, b in spans)
        best = max(best, days)
    return best


def active_monitoring(*, enrolment, day: dt.date) -> MonitoringPeriod | None:
    """The period in force on `day`: started, not past its end, not removed. Expired periods simply stop."""
    return (MonitoringPeriod.objects.filter(enrolment=enrolment, start_on__lte=day, end_on__gte=day)
            .exclude(removed_on__lte=day).first())


def current_level(*, enrolment) -> LevelChange | None:
    return LevelChange.objects.filter(enrolment=enrolment).order_by("-since", "-id").first()


LIGHTER = {Level.STRICT: Level.NORMAL, Level.NORMAL: Level.LENIENT}


def level_eligibility(*, enrolment, today: dt.date) -> tuple[str | None, str]:
    """(the level the person may move to, why) — shown to the officer, who decides (L8)."""
    area = enrolment.person.area
    level = current_level(enrolment=enrolment)
    if level is None:
        return None, ""
    reprimands = Sanction.objects.filter(enrolment=enrolment, kind=SanctionKind.REPRIMAND).count()
    strict_rule = legal_time_limit(area, "strict_after_reprimands")
    if reprimands >= strict_rule.value:
        if level.level != Level.STRICT:
            return Level.STRICT, _("%(n)s reprimands: strict supervision applies (%(source)s).") % {
                "n": reprimands, "source": strict_rule.source}
        return None, _("Stays strict: %(n)s reprimands.") % {"n": reprimands}
    if level.level not in LIGHTER:
        return None, ""
    months = legal_time_limit(area, "months_at_level_before_lighter")
    ready_on = workdays.add_months(level.since, months.value)
    recent = Sanction.objects.filter(enrolment=enrolment, on__gte=level.since,
                                     kind__in=[SanctionKind.REPRIMAND, SanctionKind.WARNING]).exists()
    if today >= ready_on and not recent:
        return LIGHTER[level.level], _("%(n)s months at this level without a reprimand or warning (%(source)s).") % {
            "n": months.value, "source": months.source}
    return None, _("Eligible for a lighter level from %(day)s if no reprimand or warning.") % {"day": ready_on} \
        if not recent else _("A reprimand or warning at this level: not yet eligible.")


def team_problems(*, enrolment) -> list[str]:
    """What the correction team still lacks under CCL 25 and 52 (empty when it is properly composed)."""
    from .models import TeamMember, TeamRole

    members = list(TeamMember.objects.filter(enrolment=enrolment))
    person = enrolment.person
    problems = []
    if not any(m.role == TeamRole.OFFICE for m in members):
        problems.append(_("The team needs a member of the judicial office (CCL 25)."))
    if person.sex == "F" and not any(m.is_woman for m in members):
        problems.append(_("A woman under correction has a woman on her team (CCL 25)."))
    if person.is_juvenile and not any(m.knows_minors for m in members):
        problems.append(_("A minor's team includes someone who knows minors' physical and mental traits (CCL 52)."))
    return problems


def activity_hours(*, enrolment, month: dt.date) -> list[dict]:
    """Per kind owed at the person's level (L16): hours done in `month` and hours required. Community service is
    not owed by people on medical parole: CCL 42 matches it to ability."""
    from decimal import Decimal

    from django.db.models import Sum

    from .models import ActivityKind, ActivityRecord

    month = month.replace(day=1)
    month_end = workdays.add_months(month, 1) - dt.timedelta(days=1)
    # The level in force at the month's end (a lighter level that month lightens the month's hours).
    level = (LevelChange.objects.filter(enrolment=enrolment, since__lte=month_end).order_by("-since", "-id").first()
             or current_level(enrolment=enrolment))
    level_key = level.level if level else Level.STRICT
    done = dict(ActivityRecord.objects.filter(enrolment=enrolment, on__gte=month,
                                              on__lt=workdays.add_months(month, 1))
                .values_list("kind").annotate(total=Sum("hours")).values_list("kind", "total"))
    rows = []
    for kind, prefix in ((ActivityKind.EDUCATION, "education"), (ActivityKind.COMMUNITY_SERVICE, "community_service")):
        rule = legal_time_limit(enrolment.person.area, f"{prefix}_hours_month_{level_key}")
        required = 0 if (kind == ActivityKind.COMMUNITY_SERVICE and enrolment.correction_category == "medical") \
            else rule.value
        rows.append({"kind": kind, "label": kind.label, "done": done.get(kind) or Decimal("0"), "required": required,
                     "rule_key": rule.key, "source": rule.source})
    return rows
