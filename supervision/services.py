"""Legal supervision writes: the sanctions ladder, leave with approval by length, electronic monitoring.

The 司法所 acts (judicial officers), the county agency decides what exceeds the office's delegation (bureau
leaders here); every number is a `LegalTimeLimit` row with its source.
"""

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from audit.services import audit_record
from duties import workdays
from duties.selectors import legal_time_limit
from duties.models import Duty
from duties.services import duty_cancel, duty_complete, duty_open
from people.models import ADULT_AGE, Enrolment, EnrolmentStatus
from people.populations import Population
from tongxing.permissions import require

from . import selectors
from .models import (
    ActivityRecord, Level, LevelChange, LeaveApplication, LeaveLevel, LeaveStatus, MonitoringPeriod,
    MonitoringReason, PreSentenceAssessment, Relocation, RelocationStatus, Report, Revocation, RevocationKind,
    RevocationOutcome, RulingNotice, Sanction, SanctionKind, TeamMember, TerminationReason,
)

LEGAL_ACTORS = {Role.JUDICIAL_OFFICER, Role.BUREAU_LEADER}
# Measures 35, 46: the county agency decides warnings and the proposals above them.
BUREAU_DECIDES = {SanctionKind.WARNING, SanctionKind.POLICE_PENALTY, SanctionKind.REVOCATION}


def _check_day(enrolment: Enrolment, day: dt.date, field: str) -> None:
    """Dates within the correction (a year's margin either side): a typo is an input error, not a record."""
    first = enrolment.start_date - dt.timedelta(days=366)
    last = (enrolment.end_date or enrolment.start_date) + dt.timedelta(days=366)
    if not first <= day <= last:
        raise ValidationError({field: [_("%(day)s lies far outside this correction (%(start)s – %(end)s).") % {
            "day": day, "start": enrolment.start_date, "end": enrolment.end_date or "…"}]})


def _require_legal_actor(actor, enrolment: Enrolment) -> None:
    require(actor, "people.view_person", enrolment.person)
    if actor.role not in LEGAL_ACTORS:
        raise PermissionDenied(_("Legal supervision decisions are taken by the judicial office or the bureau."))
    if enrolment.population != Population.CORRECTION or enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(_("This is done on an active community-correction record."))


@transaction.atomic
def sanction_record(*, actor, enrolment: Enrolment, kind: str, on: dt.date, facts: str) -> Sanction:
    """Record a reward or sanction of the ladder; the view then shows what the rules suggest next."""
    _require_legal_actor(actor, enrolment)
    if kind in BUREAU_DECIDES and actor.role != Role.BUREAU_LEADER:
        raise PermissionDenied(_("A %(kind)s is decided by the county agency; the judicial office proposes it.")
                               % {"kind": SanctionKind(kind).label})
    if kind == SanctionKind.REVOCATION:
        raise ValidationError({"kind": [_("A revocation proposal is recorded with its court and evidence in the "
                                          "revocation section.")]})
    if not facts.strip():
        raise ValidationError({"facts": [_("Write the facts and reasons.")]})
    _check_day(enrolment, on, "on")
    sanction = Sanction(enrolment=enrolment, kind=kind, on=on, facts=facts.strip(), decided_by=actor)
    sanction.full_clean(exclude=["enrolment", "decided_by"])
    sanction.save()
    audit_record(actor=actor, action=f"sanction.{kind}", target=sanction, person=enrolment.person, reason=facts)
    return sanction


def _leave_decision_duty(leave: LeaveApplication) -> None:
    """The application waits in the day list of whoever decides it: the office's officers, or the bureau's leaders
    for county-level and higher leave."""
    person = leave.enrolment.person
    office = selectors.office_of(person)
    deciding_org, role = (office, Role.JUDICIAL_OFFICER) if leave.approval_level == LeaveLevel.OFFICE else (
        _county_of(person), Role.BUREAU_LEADER)
    duty_open(key=f"leave_decision:{leave.pk}", kind="leave_decision", person=person, organisation=deciding_org,
              owner_role=role, due_on=max(timezone.localdate(), leave.leave_on - dt.timedelta(days=1)),
              title=_("Decide the leave application of %(name)s (%(days)s days)") % {
                  "name": person.shared_name, "days": leave.days},
              rule_key="leave_office_max_days", source="社区矫正法第27条", url=person.get_absolute_url())


def leave_level_for(*, enrolment: Enrolment, leave_on: dt.date, return_on: dt.date) -> str:
    """Who approves a leave of this length (L11): the office up to 7 days when delegated, the county up to 30 per
    approval, the next level up beyond that or beyond 30 days within two months."""
    area = enrolment.person.area
    days = (return_on - leave_on).days + 1
    office_max = legal_time_limit(area, "leave_office_max_days").value
    county_max = legal_time_limit(area, "leave_county_max_days").value
    two_month_total = legal_time_limit(area, "leave_two_month_total_days").value
    busiest = selectors.most_days_away_in_two_months(enrolment=enrolment, leave_on=leave_on, return_on=return_on)
    if days > county_max or busiest > two_month_total:
        return LeaveLevel.HIGHER
    return LeaveLevel.OFFICE if days <= office_max else LeaveLevel.COUNTY


@transaction.atomic
def leave_apply(*, actor, enrolment: Enrolment, destination: str, reason: str, leave_on: dt.date,
                return_on: dt.date) -> tuple[LeaveApplication, list[str]]:
    _require_legal_actor(actor, enrolment)
    if return_on < leave_on:
        raise ValidationError({"return_on": [_("The return is before the departure.")]})
    if not destination.strip() or not reason.strip():
        raise ValidationError({"destination": [_("Give the destination and the reason.")]})
    _check_day(enrolment, leave_on, "leave_on")
    _check_day(enrolment, return_on, "return_on")
    leave = LeaveApplication(enrolment=enrolment, destination=destination.strip(), reason=reason.strip(),
                             leave_on=leave_on, return_on=return_on, recorded_by=actor,
                             approval_level=leave_level_for(enrolment=enrolment, leave_on=leave_on,
                                                            return_on=return_on))
    leave.save()
    audit_record(actor=actor, action="leave.applied", target=leave, person=enrolment.person,
                 changes={"days": leave.days, "level": leave.approval_level})
    _leave_decision_duty(leave)
    warnings = []
    ahead = legal_time_limit(enrolment.person.area, "leave_apply_days_ahead")
    if (leave_on - timezone.localdate()).days < ahead.value:
        warnings.append(_("Applied less than %(n)s days ahead (%(source)s).") % {"n": ahead.value,
                                                                                 "source": ahead.source})
    return leave, warnings


@transaction.atomic
def leave_decide(*, actor, leave: LeaveApplication, approve: bool, note: str = "") -> LeaveApplication:
    """The office decides what it may; the bureau decides county-level leave and records the higher level's
    decision for longer ones."""
    leave = LeaveApplication.objects.select_for_update(of=("self",)).select_related("enrolment__person").get(
        pk=leave.pk)
    _require_legal_actor(actor, leave.enrolment)
    if leave.status != LeaveStatus.PENDING:
        raise ValidationError(_("This application was already decided."))
    if leave.recorded_by_id == actor.pk:
        raise PermissionDenied(_("The officer who recorded the application does not decide it."))
    if leave.approval_level != LeaveLevel.OFFICE and actor.role != Role.BUREAU_LEADER:
        raise PermissionDenied(_("A leave of %(days)s days is decided by %(level)s.") % {
            "days": leave.days, "level": leave.get_approval_level_display()})
    if leave.approval_level == LeaveLevel.HIGHER and not note.strip():
        raise ValidationError({"note": [_("Name the higher agency's decision (document number).")]})
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave.decided_by, leave.decision_note = actor, note.strip()
    leave.save(update_fields=["status", "decided_by", "decision_note"])
    audit_record(actor=actor, action=f"leave.{leave.status}", target=leave, person=leave.enrolment.person,
                 reason=note)
    duty_complete(key=f"leave_decision:{leave.pk}", note=leave.get_status_display())
    if leave.approval_level != LeaveLevel.OFFICE:
        _tell_office_of_leave_decision(leave)
    if approve:
        person = leave.enrolment.person
        duty_open(key=f"leave_return:{leave.pk}", kind="leave_return", person=person,
                  organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER,
                  due_on=leave.return_on + dt.timedelta(days=1),
                  title=_("Back-report after leave: %(name)s") % {"name": person.shared_name},
                  rule_key="leave_return", source="社区矫正法实施办法（销假）", url=person.get_absolute_url())
    return leave


def _tell_office_of_leave_decision(leave: LeaveApplication) -> None:
    """Leave decided above the office comes back to the office that recorded it: the officers must tell the person
    and, if approved, expect the back-report."""
    from accounts.models import User
    from duties.services import notify

    person = leave.enrolment.person
    office = selectors.office_of(person)
    recipients = {u.pk: u for u in User.objects.filter(organisation=office, role=Role.JUDICIAL_OFFICER,
                                                       is_active=True)}
    recipients.setdefault(leave.recorded_by_id, leave.recorded_by)
    text = _("Leave of %(name)s (%(days)s days) %(status)s by %(level)s") % {
        "name": person.shared_name, "days": leave.days, "status": leave.get_status_display(),
        "level": leave.get_approval_level_display()}
    for user in recipients.values():
        if user.pk != leave.decided_by_id:
            notify(user=user, text=text, url=person.get_absolute_url())


@transaction.atomic
def leave_returned(*, actor, leave: LeaveApplication, on: dt.date) -> LeaveApplication:
    leave = LeaveApplication.objects.select_for_update(of=("self",)).select_related("enrolment__person").get(
        pk=leave.pk)
    _require_legal_actor(actor, leave.enrolment)
    if leave.status != LeaveStatus.APPROVED:
        raise ValidationError(_("Only an approved leave is reported back."))
    leave.status, leave.returned_on = LeaveStatus.RETURNED, on
    leave.save(update_fields=["status", "returned_on"])
    audit_record(actor=actor, action="leave.returned", target=leave, person=leave.enrolment.person)
    duty_complete(key=f"leave_return:{leave.pk}", note=_("Reported back on %(day)s") % {"day": on})
    return leave


def _monitoring_review_duty(period: MonitoringPeriod) -> None:
    person = period.enrolment.person
    before = legal_time_limit(person.area, "monitoring_review_days_before_end").value
    duty_open(key=f"monitoring_review:{period.pk}", kind="monitoring_review", person=person,
              organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER,
              due_on=period.end_on - dt.timedelta(days=before),
              title=_("Electronic monitoring ends %(day)s: remove or renew for %(name)s") % {
                  "day": period.end_on, "name": person.shared_name},
              rule_key="monitoring_max_months", source="社区矫正法第29条", url=person.get_absolute_url())


def _check_period(enrolment: Enrolment, start_on: dt.date, end_on: dt.date) -> None:
    months = legal_time_limit(enrolment.person.area, "monitoring_max_months")
    if end_on < start_on:
        raise ValidationError({"end_on": [_("The end is before the start.")]})
    if end_on >= workdays.add_months(start_on, months.value):  # both ends count: 1 Jan–31 Mar is three months
        raise ValidationError({"end_on": [_("Electronic monitoring lasts at most %(n)s months at a time (%(source)s).")
                                          % {"n": months.value, "source": months.source}]})


@transaction.atomic
def monitoring_start(*, actor, enrolment: Enrolment, reason: str, facts: str, start_on: dt.date, end_on: dt.date,
                     approved_by_name: str) -> MonitoringPeriod:
    """Only in the five cases of CCL 29, with the county bureau head's approval, for at most three months."""
    _require_legal_actor(actor, enrolment)
    if reason not in MonitoringReason.values:
        raise ValidationError({"reason": [_("Electronic monitoring is lawful only in the five cases of CCL 29.")]})
    if not facts.strip() or not approved_by_name.strip():
        raise ValidationError({"facts": [_("Give the facts and who approved it.")]})
    if selectors.active_monitoring(enrolment=enrolment, day=start_on):
        raise ValidationError(_("A monitoring period is already running; renew it instead."))
    _check_day(enrolment, start_on, "start_on")
    _check_period(enrolment, start_on, end_on)
    period = MonitoringPeriod.objects.create(enrolment=enrolment, reason=reason, facts=facts.strip(),
                                             start_on=start_on, end_on=end_on,
                                             approved_by_name=approved_by_name.strip(), recorded_by=actor)
    audit_record(actor=actor, action="monitoring.started", target=period, person=enrolment.person,
                 changes={"reason": reason, "until": end_on.isoformat()})
    _monitoring_review_duty(period)
    return period


@transaction.atomic
def monitoring_renew(*, actor, period: MonitoringPeriod, end_on: dt.date, facts: str,
                     approved_by_name: str) -> MonitoringPeriod:
    """A renewal after review: a new period of at most three months from the day after the old one ends."""
    period = MonitoringPeriod.objects.select_for_update(of=("self",)).select_related("enrolment__person").get(
        pk=period.pk)
    _require_legal_actor(actor, period.enrolment)
    if period.removed_on or hasattr(period, "renewal"):
        raise ValidationError(_("This period was already removed or renewed."))
    if not facts.strip() or not approved_by_name.strip():
        raise ValidationError({"facts": [_("Say why it is still needed and who approved the extension.")]})
    if timezone.localdate() > period.end_on:
        raise ValidationError(_("The period has ended; a new period needs a new decision."))
    start_on = period.end_on + dt.timedelta(days=1)
    _check_period(period.enrolment, start_on, end_on)
    renewal = MonitoringPeriod.objects.create(enrolment=period.enrolment, reason=period.reason, facts=facts.strip(),
                                              start_on=start_on, end_on=end_on, renews=period,
                                              approved_by_name=approved_by_name.strip(), recorded_by=actor)
    duty_complete(key=f"monitoring_review:{period.pk}", note=_("Renewed"))
    audit_record(actor=actor, action="monitoring.renewed", target=renewal, person=period.enrolment.person)
    _monitoring_review_duty(renewal)
    return renewal


@transaction.atomic
def monitoring_remove(*, actor, period: MonitoringPeriod, on: dt.date, note: str) -> MonitoringPeriod:
    """Removed as soon as it is no longer needed (CCL 29)."""
    _require_legal_actor(actor, period.enrolment)
    if period.removed_on:
        raise ValidationError(_("Already removed."))
    period.removed_on = on
    period.save(update_fields=["removed_on"])
    duty_cancel(key=f"monitoring_review:{period.pk}", note=_("Removed"))
    audit_record(actor=actor, action="monitoring.removed", target=period, person=period.enrolment.person,
                 reason=note)
    return period


def report_duty_spec(enrolment: Enrolment, *, office, interval, occurrence: int, after: dt.date, url: str = "") -> dict:
    """The next periodic report, at the interval of the current level (L8), as `duty_open` arguments. One key per
    occurrence (reports and level changes so far), so a second report the same day opens a new duty."""
    person = enrolment.person
    due = after + dt.timedelta(days=interval.value)
    return dict(key=f"report:{enrolment.pk}:{occurrence}:{due}", kind="report", person=person, organisation=office,
                owner_role=Role.JUDICIAL_OFFICER, due_on=due,
                title=_("Periodic report of %(name)s") % {"name": person.shared_name}, rule_key=interval.key,
                source=interval.source, url=url or person.get_absolute_url())


def _report_duty(enrolment: Enrolment, after: dt.date) -> None:
    person = enrolment.person
    level = selectors.current_level(enrolment=enrolment)
    interval = legal_time_limit(person.area, f"report_interval_days_{level.level if level else 'strict'}")
    duty_cancel(key_prefix=f"report:{enrolment.pk}:", note=_("Replaced by the next report date"))
    occurrence = enrolment.reports.count() + LevelChange.objects.filter(enrolment=enrolment).count()
    duty_open(**report_duty_spec(enrolment, office=selectors.office_of(person), interval=interval,
                                 occurrence=occurrence, after=after))


def correction_level_plan(enrolment: Enrolment, *, office, limit, today: dt.date,
                          url: str = "") -> tuple[LevelChange, list[dict]]:
    """At the intake of a new correction record: strict supervision for the first months (L8), the intake duties,
    the first report and the level review. Returned unsaved, so one person (`duties.obligations.correction_started`)
    and an imported list (`people.services.Intake`) follow the same rule; `limit(key)` is the area's time limit."""
    person = enrolment.person
    months = limit("initial_strict_months")
    level = LevelChange(enrolment=enrolment, level=Level.STRICT, since=enrolment.start_date,
                        reason=_("First months of correction (%(source)s)") % {"source": months.source})
    url = url or person.get_absolute_url()
    specs = correction_intake_specs(enrolment, office=office, limit=limit, today=today, reports=0, url=url)
    specs.append(report_duty_spec(enrolment, office=office, interval=limit(f"report_interval_days_{level.level}"),
                                  occurrence=1, after=max(enrolment.start_date, today - dt.timedelta(days=1)), url=url))
    specs.append(dict(key=f"level_review:{enrolment.pk}:1", kind="level_review", person=person, organisation=office,
                      owner_role=Role.JUDICIAL_OFFICER, due_on=workdays.add_months(enrolment.start_date, months.value),
                      title=_("Review the supervision level of %(name)s") % {"name": person.shared_name},
                      rule_key=months.key, source=months.source, url=url))
    return level, specs


@transaction.atomic
def level_set(*, actor, enrolment: Enrolment, level: str, since: dt.date, reason: str) -> LevelChange:
    _require_legal_actor(actor, enrolment)
    if level not in Level.values:
        raise ValidationError({"level": [_("Choose a supervision level.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    current = selectors.current_level(enrolment=enrolment)
    if current and current.level == level:
        raise ValidationError({"level": [_("The person is already at this level.")]})
    change = LevelChange.objects.create(enrolment=enrolment, level=level, since=since, reason=reason.strip(), by=actor)
    audit_record(actor=actor, action="supervision.level_set", target=change, person=enrolment.person, reason=reason,
                 changes={"level": [current.level if current else "", level]})
    duty_complete(key=f"level_review:{enrolment.pk}:1", note=_("Level reviewed"))
    activity_month_check(enrolment, _month_start(max(since, timezone.localdate())))
    last = enrolment.reports.order_by("-on").values_list("on", flat=True).first()
    _report_duty(enrolment, after=max(filter(None, [last, since])))
    return change


@transaction.atomic
def report_record(*, actor, enrolment: Enrolment, on: dt.date, kind: str, note: str = "") -> Report:
    _require_legal_actor(actor, enrolment)
    if on > dt.date.today():
        raise ValidationError({"on": [_("A report is recorded after it was made.")]})
    report = Report(enrolment=enrolment, on=on, kind=kind, note=note.strip(), recorded_by=actor)
    report.full_clean(exclude=["enrolment", "recorded_by"])
    report.save()
    audit_record(actor=actor, action="supervision.report", target=report, person=enrolment.person)
    for duty in Duty.objects.filter(dedupe_key__startswith=f"report:{enrolment.pk}:", status="open"):
        duty_complete(key=duty.dedupe_key, note=_("Reported on %(day)s") % {"day": on})
    _report_duty(enrolment, after=on)
    return report


@transaction.atomic
def correction_conclude(*, actor, enrolment: Enrolment, on: dt.date, evaluation: str) -> Enrolment:
    """解除社区矫正 at the end of the term (L17): end the record (its legal duties lapse), open the duty to notify the
    court, procuratorate and police, and hand the person over to resettlement assistance (R1 sets its period)."""
    from people.services import enrolment_add, enrolment_end

    _require_legal_actor(actor, enrolment)
    if enrolment.end_date and on < enrolment.end_date:
        raise ValidationError({"on": [_("The term ends on %(day)s; ending earlier is a termination, not this.")
                                      % {"day": enrolment.end_date}]})
    if not evaluation.strip():
        raise ValidationError({"evaluation": [_("Write the evaluation of the correction.")]})
    if enrolment.revocations.filter(outcome="pending").exists():
        raise ValidationError(_("A revocation proposal is waiting for its ruling."))
    enrolment_end(actor=actor, enrolment=enrolment, end_date=on, reason=_("Term served; correction ended by law"),
                  term_served=True)
    audit_record(actor=actor, action="correction.concluded", target=enrolment, person=enrolment.person,
                 reason=evaluation.strip())
    person = enrolment.person
    duty_open(key=f"end_notifications:{enrolment.pk}", kind="end_notifications", person=person,
              organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER, due_on=on,
              title=_("Send the end-of-correction certificate and notify the court, procuratorate and police: "
                      "%(name)s") % {"name": person.shared_name},
              rule_key="correction_end", source="社区矫正法第44条", url=person.get_absolute_url())
    if not person.enrolments.filter(population=Population.RESETTLEMENT, status=EnrolmentStatus.ACTIVE).exists():
        enrolment_add(actor=actor, person=person, data={
            "population": Population.RESETTLEMENT, "release_source": "correction", "release_date": on,
            "release_institution": enrolment.deciding_body})
    return enrolment


@transaction.atomic
def team_member_add(*, actor, enrolment: Enrolment, name: str, role: str, is_woman: bool = False,
                    knows_minors: bool = False, user=None) -> TeamMember:
    """Add to the correction team (L6); the team duty is done once the composition rules are met."""
    _require_legal_actor(actor, enrolment)
    member = TeamMember(enrolment=enrolment, name=name.strip(), role=role, is_woman=is_woman,
                        knows_minors=knows_minors, user=user, added_by=actor)
    member.full_clean(exclude=["enrolment", "user", "added_by"])
    member.save()
    audit_record(actor=actor, action="correction_team.member_added", target=member, person=enrolment.person)
    if not selectors.team_problems(enrolment=enrolment):
        duty_complete(key=f"correction_team:{enrolment.pk}", note=_("Team composed"))
    return member


def correction_intake_specs(enrolment: Enrolment, *, office, limit, today: dt.date, reports: int,
                            documents_on_file: bool = False, url: str = "") -> list[dict]:
    """At intake: the ruling's documents (CCL 20), the correction team (L6); for 暂予监外执行, the hospital
    re-examination and the monthly health report (L10); for a person under 18, the sealing of the record at the end
    (L18) — as `duty_open` arguments."""
    person = enrolment.person
    url = url or person.get_absolute_url()
    specs = [] if documents_on_file else [ruling_documents_spec(enrolment, office=office, limit=limit, url=url)]
    plan = limit("correction_plan_months")
    specs.append(dict(key=f"correction_team:{enrolment.pk}", kind="correction_team", person=person,
                      organisation=office, owner_role=Role.JUDICIAL_OFFICER,
                      due_on=workdays.add_months(enrolment.start_date, plan.value),
                      title=_("Form the correction team of %(name)s") % {"name": person.shared_name},
                      rule_key="correction_team", source="社区矫正法第25条", url=url))
    if enrolment.correction_category == "medical":
        after = max(enrolment.start_date, today)
        exam, report = limit("medical_reexam_months"), limit("medical_health_report_months")
        specs.append(dict(key=f"medical_reexam:{enrolment.pk}:{reports}", kind="medical_reexam", person=person,
                          organisation=office, owner_role=Role.JUDICIAL_OFFICER,
                          due_on=workdays.add_months(after, exam.value),
                          title=_("Hospital re-examination of %(name)s (暂予监外执行)") % {"name": person.shared_name},
                          rule_key=exam.key, source=exam.source, url=url))
        specs.append(dict(key=f"medical_report:{enrolment.pk}:{reports}", kind="medical_report", person=person,
                          organisation=office, owner_role=Role.JUDICIAL_OFFICER,
                          due_on=workdays.add_months(after, report.value),
                          title=_("Monthly health report of %(name)s") % {"name": person.shared_name},
                          rule_key=report.key, source=report.source, url=url))
    if enrolment.end_date and person.age_on(enrolment.start_date) is not None and person.age_on(
            enrolment.start_date) < ADULT_AGE:
        seal = limit("juvenile_record_seal_days")
        specs.append(dict(key=f"seal_record:{enrolment.pk}", kind="seal_record", person=person, organisation=office,
                          owner_role=Role.JUDICIAL_OFFICER, due_on=enrolment.end_date + dt.timedelta(days=seal.value),
                          title=_("Seal the juvenile record of %(name)s (if the sentence was five years or less)")
                          % {"name": person.shared_name}, rule_key=seal.key, source=seal.source, url=url))
    return specs


def correction_intake_duties(enrolment: Enrolment) -> None:
    """Open (or move) the intake duties of a record from its current data."""
    person = enrolment.person
    specs = correction_intake_specs(
        enrolment, office=selectors.office_of(person), limit=partial(legal_time_limit, person.area),
        today=dt.date.today(), reports=enrolment.reports.count(),
        documents_on_file=RulingNotice.objects.filter(enrolment=enrolment, documents_received_on__isnull=False).exists())
    for spec in specs:
        duty_open(**spec)


@transaction.atomic
def pre_sentence_assessment_request(*, actor, person, requested_by: str, received_on: dt.date,
                                    fast_track: bool = False) -> PreSentenceAssessment:
    """Record a court's request for a pre-sentence assessment; its answer is due in working days (L5)."""
    require(actor, "people.change_person", person)
    if actor.role not in LEGAL_ACTORS:
        raise PermissionDenied(_("Legal supervision decisions are taken by the judicial office or the bureau."))
    if not requested_by.strip():
        raise ValidationError({"requested_by": [_("Name the court or body that asked.")]})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("A request is recorded after it arrived.")]})
    key = "pre_sentence_assessment_fast_track_working_days" if fast_track else "pre_sentence_assessment_working_days"
    limit = legal_time_limit(person.area, key)
    try:
        due = workdays.add_working_days(received_on, limit.value)
    except workdays.CalendarMissing as exc:
        raise ValidationError(str(exc)) from exc
    assessment = PreSentenceAssessment.objects.create(person=person, requested_by=requested_by.strip(),
                                                      received_on=received_on, fast_track=fast_track, due_on=due,
                                                      recorded_by=actor)
    audit_record(actor=actor, action="pre_sentence_assessment.requested", target=assessment, person=person)
    duty_open(key=f"pre_sentence_assessment:{assessment.pk}", kind="pre_sentence_assessment", person=person,
              organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER, due_on=due,
              title=_("Pre-sentence assessment of %(name)s for %(court)s") % {
                  "name": person.shared_name, "court": assessment.requested_by},
              rule_key=limit.key, source=limit.source, url=person.get_absolute_url())
    return assessment


@transaction.atomic
def pre_sentence_assessment_complete(*, actor, assessment: PreSentenceAssessment, on: dt.date,
                                     conclusion: str) -> PreSentenceAssessment:
    require(actor, "people.change_person", assessment.person)
    if actor.role not in LEGAL_ACTORS:
        raise PermissionDenied(_("Legal supervision decisions are taken by the judicial office or the bureau."))
    if assessment.completed_on:
        raise ValidationError(_("This assessment is already complete."))
    if not conclusion.strip():
        raise ValidationError({"conclusion": [_("Write the conclusion sent to the court.")]})
    assessment.completed_on, assessment.conclusion = on, conclusion.strip()
    assessment.save(update_fields=["completed_on", "conclusion"])
    audit_record(actor=actor, action="pre_sentence_assessment.completed", target=assessment, person=assessment.person)
    duty_complete(key=f"pre_sentence_assessment:{assessment.pk}", note=_("Sent on %(day)s") % {"day": on})
    return assessment


# --- L1: the deciding body's notice and documents ---------------------------------------------------------------

def ruling_documents_spec(enrolment: Enrolment, *, office, limit, url: str = "") -> dict:
    """At intake, until the ruling's legal documents are on file: chase them from the deciding body (CCL 20)."""
    person = enrolment.person
    days = limit("ruling_documents_days")
    return dict(key=f"ruling_documents:{enrolment.pk}", kind="ruling_documents", person=person, organisation=office,
                owner_role=Role.JUDICIAL_OFFICER, due_on=enrolment.start_date + dt.timedelta(days=days.value),
                title=_("Legal documents of the ruling for %(name)s: on file or chased") % {"name": person.shared_name},
                rule_key=days.key, source=days.source, url=url or person.get_absolute_url())


@transaction.atomic
def ruling_notice_record(*, actor, enrolment: Enrolment, notice_received_on: dt.date,
                         documents_received_on: dt.date | None = None, note: str = "",
                         ruling_effective_on: dt.date | None = None) -> tuple[RulingNotice, list[str]]:
    """When the notice and the documents arrived (L1). Late arrivals are the deciding body's, not the person's:
    they are returned as warnings for the officer to raise with the procuratorate if needed."""
    _require_legal_actor(actor, enrolment)
    today = timezone.localdate()
    effective = ruling_effective_on or enrolment.start_date
    if not enrolment.start_date - dt.timedelta(days=3660) <= effective <= enrolment.start_date:
        raise ValidationError({"ruling_effective_on": [_("The ruling takes effect on or before the start of the "
                                                         "correction.")]})
    for field, day in (("notice_received_on", notice_received_on), ("documents_received_on", documents_received_on)):
        if day is not None and not effective <= day <= today:
            raise ValidationError({field: [_("The day lies between the ruling and today.")]})
    notice, _created = RulingNotice.objects.update_or_create(enrolment=enrolment, defaults={
        "ruling_effective_on": ruling_effective_on, "notice_received_on": notice_received_on,
        "documents_received_on": documents_received_on, "note": note.strip()[:300], "recorded_by": actor})
    audit_record(actor=actor, action="correction.ruling_notice", target=notice, person=enrolment.person,
                 changes={"notice": notice_received_on.isoformat(),
                          "documents": documents_received_on.isoformat() if documents_received_on else None})
    warnings = []
    area = enrolment.person.area
    for day, key, what in ((notice_received_on, "ruling_notice_days", _("The notice")),
                           (documents_received_on, "ruling_documents_days", _("The legal documents"))):
        limit = legal_time_limit(area, key)
        if day is not None and (day - effective).days > limit.value:
            warnings.append(_("%(what)s arrived %(n)s days after the ruling took effect; the limit is %(limit)s days "
                              "(%(source)s).") % {"what": what, "n": (day - effective).days,
                                                  "limit": limit.value, "source": limit.source})
    if documents_received_on:
        duty_complete(key=f"ruling_documents:{enrolment.pk}",
                      note=_("Received on %(day)s") % {"day": documents_received_on})
    return notice, warnings


# --- L12: change of the place of execution ---------------------------------------------------------------------

# The steps of 变更执行地 in order: which status each step leaves, from which statuses it may be taken.
RELOCATION_STEPS = {
    "request": (RelocationStatus.REQUESTED, {RelocationStatus.APPLIED}),
    "agree": (RelocationStatus.AGREED, {RelocationStatus.REQUESTED}),
    "refuse": (RelocationStatus.REFUSED, {RelocationStatus.REQUESTED}),
    "send_files": (RelocationStatus.FILES_SENT, {RelocationStatus.AGREED}),
    "reported": (RelocationStatus.REPORTED, {RelocationStatus.FILES_SENT}),
    "withdraw": (RelocationStatus.WITHDRAWN, {RelocationStatus.APPLIED, RelocationStatus.REQUESTED,
                                              RelocationStatus.AGREED, RelocationStatus.FILES_SENT}),
}


def _county_of(person):
    """The county community-corrections agency: the bureau above the person's 司法所."""
    office = selectors.office_of(person)
    return office.parent or office


def _relocation_duty(relocation: Relocation, step: str, due_on: dt.date, title: str, limit, *, county: bool) -> None:
    person = relocation.enrolment.person
    duty_open(key=f"relocation:{relocation.pk}:{step}", kind=f"relocation_{step}", person=person,
              organisation=_county_of(person) if county else selectors.office_of(person),
              owner_role=Role.BUREAU_LEADER if county else Role.JUDICIAL_OFFICER, due_on=due_on,
              title=title % {"name": person.shared_name, "agency": relocation.new_agency}, rule_key=limit.key,
              source=limit.source, url=reverse("supervision:enrolment", args=[relocation.enrolment_id]))


@transaction.atomic
def relocation_apply(*, actor, enrolment: Enrolment, new_residence: str, new_agency: str, reason: str,
                     applied_on: dt.date, move_on: dt.date) -> tuple[Relocation, list[str]]:
    """A written application to change the place of execution (L12); the county asks the new county within days."""
    _require_legal_actor(actor, enrolment)
    if not (new_residence.strip() and new_agency.strip() and reason.strip()):
        raise ValidationError({"new_residence": [_("Give the new residence, the new county's agency and the reason.")]})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": [_("An application is recorded after it was made.")]})
    if move_on < applied_on:
        raise ValidationError({"move_on": [_("The move is before the application.")]})
    if enrolment.relocations.exclude(status__in=[RelocationStatus.REFUSED, RelocationStatus.WITHDRAWN,
                                                 RelocationStatus.REPORTED]).exists():
        raise ValidationError(_("A relocation is already under way."))
    _check_day(enrolment, applied_on, "applied_on")
    relocation = Relocation.objects.create(enrolment=enrolment, new_residence=new_residence.strip(),
                                           new_agency=new_agency.strip(), reason=reason.strip(),
                                           applied_on=applied_on, move_on=move_on, recorded_by=actor)
    audit_record(actor=actor, action="relocation.applied", target=relocation, person=enrolment.person,
                 changes={"to": relocation.new_agency})
    area = enrolment.person.area
    request = legal_time_limit(area, "relocation_request_days")
    _relocation_duty(relocation, "request", applied_on + dt.timedelta(days=request.value),
                     _("Ask %(agency)s in writing about receiving %(name)s"), request, county=True)
    warnings = []
    ahead = legal_time_limit(area, "relocation_apply_months_ahead")
    if move_on < workdays.add_months(applied_on, ahead.value):
        warnings.append(_("Applied less than %(n)s month(s) before the move (%(source)s).") % {
            "n": ahead.value, "source": ahead.source})
    return relocation, warnings


@transaction.atomic
def relocation_step(*, actor, relocation: Relocation, step: str, on: dt.date, note: str = "") -> Relocation:
    """Take the next step; each step closes its duty and opens the next one with the law's time limit."""
    relocation = Relocation.objects.select_for_update(of=("self",)).select_related("enrolment__person__area").get(
        pk=relocation.pk)
    enrolment = relocation.enrolment
    _require_legal_actor(actor, enrolment)
    if step not in RELOCATION_STEPS:
        raise ValidationError({"step": [_("Unknown step.")]})
    new_status, allowed_from = RELOCATION_STEPS[step]
    if relocation.status not in allowed_from:
        raise ValidationError(_("This step does not follow “%(status)s”.") % {
            "status": relocation.get_status_display()})
    last = max(filter(None, [relocation.applied_on, relocation.requested_on, relocation.replied_on,
                             relocation.files_sent_on]))
    if not last <= on <= timezone.localdate():
        raise ValidationError({"on": [_("The day lies between the previous step (%(day)s) and today.")
                                      % {"day": last}]})
    if step in {"request", "agree", "refuse", "send_files"} and actor.role != Role.BUREAU_LEADER:
        raise PermissionDenied(_("The county community-corrections agency takes this step."))
    if step == "reported" and enrolment.revocations.filter(outcome=RevocationOutcome.PENDING).exists():
        raise ValidationError(_("A revocation proposal is waiting for its ruling."))
    area = enrolment.person.area
    done = _("%(step)s on %(day)s") % {"step": RelocationStatus(new_status).label, "day": on}
    relocation.status = new_status
    relocation.note = note.strip()[:300] or relocation.note
    if step == "request":
        relocation.requested_on = on
        duty_complete(key=f"relocation:{relocation.pk}:request", note=done)
        reply = legal_time_limit(area, "relocation_reply_days")
        _relocation_duty(relocation, "reply", on + dt.timedelta(days=reply.value),
                         _("Reply of %(agency)s about %(name)s: chase it if late"), reply, county=True)
    elif step in ("agree", "refuse"):
        relocation.replied_on = on
        duty_complete(key=f"relocation:{relocation.pk}:reply", note=done)
        if step == "agree":
            files = legal_time_limit(area, "relocation_files_days")
            report = legal_time_limit(area, "relocation_report_days")
            _relocation_duty(relocation, "files", on + dt.timedelta(days=files.value),
                             _("Send the documents and file of %(name)s to %(agency)s"), files, county=True)
            _relocation_duty(relocation, "report", on + dt.timedelta(days=report.value),
                             _("Confirm %(name)s reported to %(agency)s"), report, county=False)
    elif step == "send_files":
        relocation.files_sent_on = on
        duty_complete(key=f"relocation:{relocation.pk}:files", note=done)
    elif step == "reported":
        relocation.reported_on = on
        duty_complete(key=f"relocation:{relocation.pk}:report", note=done)
    else:
        duty_cancel(key_prefix=f"relocation:{relocation.pk}:", note=done)
    relocation.save()
    audit_record(actor=actor, action=f"relocation.{step}", target=relocation, person=enrolment.person, reason=note)
    if step == "reported":
        # The correction continues in the new county; here the record ends, with no hand-over and no certificate.
        from people.services import enrolment_close

        enrolment_close(actor=actor, enrolment=enrolment, end_date=on,
                        reason=_("Place of execution changed to %(agency)s") % {"agency": relocation.new_agency})
    return relocation


# --- L15 and L17: revocation, custody and termination ----------------------------------------------------------

COPY_RULE = type("Rule", (), {"key": "revocation_copy", "source": "社区矫正法第46条（建议书抄送同级人民检察院）"})

REVOCATION_FOR_CATEGORY = {"probation": RevocationKind.PROBATION, "parole": RevocationKind.PAROLE,
                           "medical": RevocationKind.PRISON}


def _revocation_duty(revocation: Revocation, step: str, due_on: dt.date, title: str, limit) -> None:
    person = revocation.enrolment.person
    duty_open(key=f"revocation:{revocation.pk}:{step}", kind=f"revocation_{step}", person=person,
              organisation=_county_of(person), owner_role=Role.BUREAU_LEADER, due_on=due_on,
              title=title % {"name": person.shared_name, "court": revocation.court}, rule_key=limit.key,
              source=limit.source, url=reverse("supervision:enrolment", args=[revocation.enrolment_id]))


@transaction.atomic
def revocation_propose(*, actor, enrolment: Enrolment, on: dt.date, court: str, evidence: str,
                       arrest_requested: bool = False, procuratorate_copied_on: dt.date | None = None) -> Revocation:
    """提请撤销缓刑、假释 or 收监执行 (CCL 46–49): the county agency proposes with evidence and copies the
    procuratorate; the court's answers become duties with their limits. 管制 cannot be revoked."""
    _require_legal_actor(actor, enrolment)
    if actor.role != Role.BUREAU_LEADER:
        raise PermissionDenied(_("A revocation is proposed by the county agency; the judicial office prepares it."))
    kind = REVOCATION_FOR_CATEGORY.get(enrolment.correction_category)
    if kind is None:
        raise ValidationError(_("管制 cannot be revoked; propose a public-security penalty instead."))
    if not court.strip() or not evidence.strip():
        raise ValidationError({"evidence": [_("Name the court or body and give the facts and evidence.")]})
    if on > timezone.localdate():
        raise ValidationError({"on": [_("A proposal is recorded after it was made.")]})
    if procuratorate_copied_on is not None and not on <= procuratorate_copied_on <= timezone.localdate():
        raise ValidationError({"procuratorate_copied_on": [_("The day lies between the proposal and today.")]})
    _check_day(enrolment, on, "on")
    if enrolment.revocations.filter(outcome=RevocationOutcome.PENDING).exists():
        raise ValidationError(_("A proposal is already waiting for its ruling."))
    sanction = Sanction.objects.create(enrolment=enrolment, kind=SanctionKind.REVOCATION, on=on,
                                       facts=evidence.strip(), decided_by=actor)
    revocation = Revocation.objects.create(
        enrolment=enrolment, sanction=sanction, kind=kind, proposed_on=on, court=court.strip(),
        evidence=evidence.strip(), procuratorate_copied_on=procuratorate_copied_on,
        arrest_requested=arrest_requested and kind != RevocationKind.PRISON, recorded_by=actor)
    audit_record(actor=actor, action="revocation.proposed", target=revocation, person=enrolment.person,
                 reason=evidence, changes={"kind": kind, "arrest": revocation.arrest_requested})
    area = enrolment.person.area
    ruling = legal_time_limit(area, "revocation_ruling_days")
    _revocation_duty(revocation, "ruling", on + dt.timedelta(days=ruling.value),
                     _("Ruling of %(court)s on the revocation for %(name)s"), ruling)
    if procuratorate_copied_on is None:
        _revocation_duty(revocation, "copy", on, _("Copy the revocation proposal for %(name)s to the procuratorate"),
                         COPY_RULE)
    if revocation.arrest_requested:
        arrest = legal_time_limit(area, "revocation_arrest_decision_hours")
        _revocation_duty(revocation, "arrest", on + dt.timedelta(days=-(-arrest.value // 24)),
                         _("Arrest decision of %(court)s for %(name)s (within 48 hours)"), arrest)
    return revocation


@transaction.atomic
def revocation_record(*, actor, revocation: Revocation, step: str, on: dt.date,
                      custody: bool = False, revoked: bool | None = None, note: str = "") -> Revocation:
    """Record what happened next: the copy to the procuratorate, the arrest decision (with custody), the ruling.
    A ruling that revokes terminates the correction (CCL 45)."""
    revocation = Revocation.objects.select_for_update(of=("self",)).select_related("enrolment__person__area").get(
        pk=revocation.pk)
    enrolment = revocation.enrolment
    require(actor, "people.view_person", enrolment.person)
    if actor.role not in LEGAL_ACTORS:
        raise PermissionDenied(_("Legal supervision decisions are taken by the judicial office or the bureau."))
    if step in ("arrest", "ruling") and actor.role != Role.BUREAU_LEADER:
        raise PermissionDenied(_("The county community-corrections agency records the court's decisions."))
    if revocation.outcome != RevocationOutcome.PENDING:
        raise ValidationError(_("The ruling is already recorded."))
    if not revocation.proposed_on <= on <= timezone.localdate():
        raise ValidationError({"on": [_("The day lies between the proposal and today.")]})
    if step == "copy":
        revocation.procuratorate_copied_on = on
        duty_complete(key=f"revocation:{revocation.pk}:copy", note=_("Sent on %(day)s") % {"day": on})
    elif step == "arrest":
        if not revocation.arrest_requested:
            raise ValidationError(_("No arrest was requested."))
        revocation.arrest_decided_on = on
        revocation.custody_from = on if custody else None
        duty_complete(key=f"revocation:{revocation.pk}:arrest", note=_("Decided on %(day)s") % {"day": on})
        if custody:
            # Custody lasts at most 30 days: the ruling is chased by whichever limit comes first.
            limit = legal_time_limit(enrolment.person.area, "revocation_custody_max_days")
            ruling_due = Duty.objects.get(dedupe_key=f"revocation:{revocation.pk}:ruling").due_on
            _revocation_duty(revocation, "ruling", min(on + dt.timedelta(days=limit.value), ruling_due),
                             _("Ruling of %(court)s on the revocation for %(name)s (in custody)"), limit)
    elif step == "ruling":
        if revoked is None:
            raise ValidationError({"revoked": [_("Say whether the court revoked.")]})
        revocation.ruled_on = on
        revocation.outcome = RevocationOutcome.REVOKED if revoked else RevocationOutcome.REJECTED
        duty_complete(key=f"revocation:{revocation.pk}:ruling", note=_("Ruled on %(day)s") % {"day": on})
        duty_cancel(key_prefix=f"revocation:{revocation.pk}:", note=_("Ruled on %(day)s") % {"day": on})
    else:
        raise ValidationError({"step": [_("Unknown step.")]})
    revocation.save()
    audit_record(actor=actor, action=f"revocation.{step}", target=revocation, person=enrolment.person, reason=note,
                 changes={"outcome": revocation.outcome, "custody": bool(revocation.custody_from)})
    if revocation.outcome == RevocationOutcome.REVOKED:
        _terminate(actor=actor, enrolment=enrolment, on=on, note=note or revocation.court,
                   reason=TerminationReason.PRISON if revocation.kind == RevocationKind.PRISON
                   else TerminationReason.REVOKED)
    return revocation


@transaction.atomic
def correction_terminate(*, actor, enrolment: Enrolment, on: dt.date, reason: str, note: str = "") -> Enrolment:
    """终止 (CCL 45) recorded directly: only a death. A revocation or a return to prison terminates the correction
    through its recorded ruling (`revocation_record`), never by a direct entry."""
    _require_legal_actor(actor, enrolment)
    if reason != TerminationReason.DEATH:
        raise ValidationError({"reason": [_("A revocation or return to prison is recorded with the court's ruling "
                                            "in the revocation section; it terminates the correction there.")]})
    if on > timezone.localdate():
        raise ValidationError({"on": [_("A termination is recorded after it happened.")]})
    _check_day(enrolment, on, "on")
    return _terminate(actor=actor, enrolment=enrolment, on=on, reason=reason, note=note)


def _terminate(*, actor, enrolment: Enrolment, on: dt.date, reason: str, note: str) -> Enrolment:
    """No certificate and no hand-over to resettlement assistance; the court, procuratorate and police are told;
    sealing lapses (L18 needs a term served)."""
    from people.services import enrolment_close

    label = TerminationReason(reason).label
    enrolment_close(actor=actor, enrolment=enrolment, end_date=on,
                    reason=_("Terminated: %(reason)s") % {"reason": label} + (f"（{note.strip()}）" if note.strip() else ""))
    audit_record(actor=actor, action="correction.terminated", target=enrolment, person=enrolment.person,
                 reason=note, changes={"reason": reason})
    person = enrolment.person
    duty_open(key=f"end_notifications:{enrolment.pk}", kind="end_notifications", person=person,
              organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER, due_on=on,
              title=_("Notify the court, procuratorate and police of the termination: %(name)s") % {
                  "name": person.shared_name}, rule_key="correction_termination", source="社区矫正法第45条",
              url=person.get_absolute_url())
    return enrolment


# --- L16: education, community service and skills ---------------------------------------------------------------

def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def activity_month_duty(enrolment: Enrolment, month: dt.date) -> None:
    """The month's hours owed at the person's level, due on the month's last day (opened by the periodic job)."""
    month = _month_start(month)
    owed = selectors.activity_hours(enrolment=enrolment, month=month)
    if not any(row["required"] for row in owed) or all(row["done"] >= row["required"] for row in owed):
        return
    person = enrolment.person
    rule = legal_time_limit(person.area, owed[0]["rule_key"])
    duty_open(key=f"activity_hours:{enrolment.pk}:{month:%Y-%m}", kind="activity_hours", person=person,
              organisation=selectors.office_of(person), owner_role=Role.JUDICIAL_OFFICER,
              due_on=workdays.add_months(month, 1) - dt.timedelta(days=1),
              title=_("Education and community service in %(month)s: %(name)s (%(hours)s)") % {
                  "month": f"{month.year}年{month.month}月", "name": person.shared_name,
                  "hours": " + ".join(f"{row['required']} h" for row in owed if row["required"])},
              rule_key=rule.key, source=rule.source, url=reverse("supervision:enrolment", args=[enrolment.pk]),
              announce=False)


@transaction.atomic
def activity_record(*, actor, enrolment: Enrolment, kind: str, on: dt.date, hours, topic: str) -> ActivityRecord:
    """Hours of education, community service or skills training (L16); the month's duty is done when every kind
    owed at the person's level reaches its hours."""
    from decimal import Decimal, InvalidOperation

    _require_legal_actor(actor, enrolment)
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError({"hours": [_("Give the hours as a number.")]}) from None
    if not hours.is_finite() or not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": [_("More than 0 and at most 24 hours.")]})
    if on > timezone.localdate():
        raise ValidationError({"on": [_("Hours are recorded after they were done.")]})
    _check_day(enrolment, on, "on")
    from django.db.models import Sum

    that_day = enrolment.activities.filter(on=on).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if that_day + hours > Decimal("24"):
        raise ValidationError({"hours": [_("%(day)s already has %(n)s hours recorded; a day has 24.")
                                         % {"day": on, "n": that_day}]})
    record = ActivityRecord(enrolment=enrolment, kind=kind, on=on, hours=hours, topic=topic.strip(),
                            recorded_by=actor)
    record.full_clean(exclude=["enrolment", "recorded_by"])
    record.save()
    audit_record(actor=actor, action="correction.activity", target=record, person=enrolment.person,
                 changes={"kind": kind, "hours": str(hours)})
    activity_month_check(enrolment, _month_start(on))
    return record


def activity_month_check(enrolment: Enrolment, month: dt.date) -> None:
    """Close the month's duty once every kind owed reaches its hours (after new hours or a level change)."""
    owed = selectors.activity_hours(enrolment=enrolment, month=month)
    if all(row["done"] >= row["required"] for row in owed):
        duty_complete(key=f"activity_hours:{enrolment.pk}:{month:%Y-%m}",
                      note=_("Hours done: %(hours)s") % {"hours": "，".join(
                          f"{row['label']} {row['done']}" for row in owed)})


def activity_duties_for_month(month: dt.date) -> int:
    """For the periodic job: open this month's hours duty for every checked-in correction that lacks one."""
    from django.db.models import CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    month = _month_start(month)
    # The month's duty, looked up by its unique key (an index probe per enrolment, not a scan of all duties).
    has_duty = Exists(Duty.objects.filter(dedupe_key=Concat(
        Value("activity_hours:"), Cast(OuterRef("pk"), CharField()), Value(f":{month:%Y-%m}"),
        output_field=CharField())))
    count = 0
    for enrolment in (Enrolment.objects.filter(population=Population.CORRECTION, status=EnrolmentStatus.ACTIVE,
                                               checked_in_on__isnull=False, checked_in_on__lt=month)
                      .exclude(has_duty).select_related("person__area").iterator(chunk_size=2000)):
        with transaction.atomic():
            activity_month_duty(enrolment, month)
        count += 1
    return count
