"""Which events open and close which duties: the law's time limits (LAW.md) and the seed's practice.

Called by the services of people and casework inside their transactions, so a duty exists exactly when its
obligation does.
"""

import datetime as dt
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organisation, OrganisationKind

from . import workdays
from .selectors import legal_time_limit
from .services import duty_cancel, duty_complete, duty_open


def office_of(person) -> Organisation:
    """The 司法所 of the person's street (legal supervision is its work whoever owns the case)."""
    office = Organisation.objects.filter(area_id=person.area_id, kind=OrganisationKind.JUDICIAL_OFFICE,
                                         is_active=True).first()
    return office or person.organisation


def correction_intake_plan(enrolment, *, office, limit, today: dt.date) -> tuple[object, list[dict]]:
    """What a new community-correction record opens: check-in (L2), the correction plan (L7), the supervision level
    and its duties (`supervision.services.correction_level_plan`) and, before the end, the self-summary (L17).
    Returned unsaved — the first level and `duty_open` arguments — so the form and an imported list follow one rule."""
    from supervision.services import correction_level_plan

    person = enrolment.person
    url = person.get_absolute_url()
    specs = []
    if enrolment.checked_in_on is None:
        check_in = limit("check_in_days")
        specs.append(dict(key=f"check_in:{enrolment.pk}", kind="check_in", person=person, organisation=office,
                          owner_role="judicial_officer", due_on=enrolment.start_date + dt.timedelta(days=check_in.value),
                          title=_("Check-in (报到) of %(name)s") % {"name": person.shared_name}, rule_key=check_in.key,
                          source=check_in.source, url=url))
    plan = limit("correction_plan_months")
    specs.append(dict(key=f"correction_plan:{enrolment.pk}", kind="correction_plan", person=person, organisation=office,
                      owner=person.owner if person.owner_id and person.owner.organisation_id == office.pk else None,
                      owner_role="judicial_officer", due_on=workdays.add_months(enrolment.start_date, plan.value),
                      title=_("Correction plan for %(name)s") % {"name": person.shared_name}, rule_key=plan.key,
                      source=plan.source, url=url))
    level, level_specs = correction_level_plan(enrolment, office=office, limit=limit, today=today, url=url)
    specs.extend(level_specs)
    if enrolment.end_date:
        summary = limit("self_summary_days_before_end")
        due = enrolment.end_date - dt.timedelta(days=summary.value)
        specs.append(dict(key=f"self_summary:{enrolment.pk}", kind="self_summary", person=person, organisation=office,
                          owner_role="judicial_officer", due_on=due, window_start=due - dt.timedelta(days=14),
                          title=_("Self-summary before the end of correction: %(name)s") % {"name": person.shared_name},
                          rule_key=summary.key, source=summary.source, url=url))
    return level, specs


def correction_started(enrolment) -> None:
    person = enrolment.person
    level, specs = correction_intake_plan(enrolment, office=office_of(person),
                                          limit=partial(legal_time_limit, person.area), today=dt.date.today())
    level.save()
    for spec in specs:
        duty_open(**spec)


def correction_ended(enrolment, *, term_served: bool = False) -> None:
    """Every legal duty of this correction record lapses with it (reports, reviews, leave, monitoring included).
    Sealing a juvenile record follows only a term served in full (L18): after a revocation or a death it lapses."""
    note = _("The correction ended.")
    for prefix in ("check_in", "correction_plan", "self_summary", "announcement", "ruling_documents"):
        duty_cancel(key=f"{prefix}:{enrolment.pk}", note=note)
    if not term_served:
        duty_cancel(key=f"seal_record:{enrolment.pk}", note=note)
    for prefix in ("report", "level_review", "medical_reexam", "medical_report", "activity_hours"):
        duty_cancel(key_prefix=f"{prefix}:{enrolment.pk}:", note=note)
    for relocation_id in enrolment.relocations.values_list("pk", flat=True):
        duty_cancel(key_prefix=f"relocation:{relocation_id}:", note=note)
    # A proposal still waiting when the correction ends otherwise (a death) lapses with its deadlines.
    for revocation in enrolment.revocations.filter(outcome="pending"):
        duty_cancel(key_prefix=f"revocation:{revocation.pk}:", note=note)
        revocation.outcome = "lapsed"
        revocation.save(update_fields=["outcome"])
    duty_cancel(key=f"correction_team:{enrolment.pk}", note=note)
    for leave_id in enrolment.leave_applications.values_list("pk", flat=True):
        duty_cancel(key=f"leave_return:{leave_id}", note=note)
        duty_cancel(key=f"leave_decision:{leave_id}", note=note)
    for period_id in enrolment.monitoring_periods.values_list("pk", flat=True):
        duty_cancel(key=f"monitoring_review:{period_id}", note=note)


def checked_in(enrolment, late_days: int) -> None:
    """Check-in done: the intake announcement (入矫宣告, L3) is due that day; the correction plan's month runs from
    intake (L7), so its deadline moves to match."""
    duty_complete(key=f"check_in:{enrolment.pk}", note=_("Checked in on %(day)s") % {"day": enrolment.checked_in_on})
    person = enrolment.person
    duty_open(key=f"announcement:{enrolment.pk}", kind="announcement", person=person, organisation=office_of(person),
              owner_role="judicial_officer", due_on=enrolment.checked_in_on,
              title=_("Intake registration and announcement (入矫宣告) of %(name)s") % {"name": person.shared_name},
              rule_key="intake_announcement", source="社区矫正法第22条", url=reverse("people:detail", args=[person.pk]))
    from .models import Duty

    plan = Duty.objects.filter(dedupe_key=f"correction_plan:{enrolment.pk}", status="open").first()
    if plan is not None:
        months = legal_time_limit(enrolment.person.area, "correction_plan_months")
        duty_open(key=plan.dedupe_key, kind=plan.kind, title=plan.title, person=plan.person,
                  organisation=plan.organisation, owner=plan.owner, owner_role=plan.owner_role,
                  due_on=workdays.add_months(enrolment.checked_in_on, months.value), rule_key=plan.rule_key,
                  source=plan.source, url=plan.url)


def correction_plan_approved(case) -> None:
    """The 矫正方案 is the 司法所's: only a plan approved in a case the office itself keeps fulfils the duty;
    otherwise the officer marks it done when the office's own plan is made."""
    from people.models import Enrolment

    if case.organisation_id != office_of(case.person).pk:
        return
    for enrolment in Enrolment.objects.filter(person=case.person, population="correction", status="active"):
        duty_complete(key=f"correction_plan:{enrolment.pk}", note=_("Plan approved in the case"))


def case_ended(case) -> None:
    """A closed or stopped case owes no more contacts or plan reviews."""
    from .models import Duty

    for key in Duty.objects.filter(case=case, status="open").values_list("dedupe_key", flat=True):
        duty_cancel(key=key, note=_("The case ended."))


def person_disabled(person) -> None:
    from .models import Duty

    for key in Duty.objects.filter(person=person, status="open").values_list("dedupe_key", flat=True):
        duty_cancel(key=key, note=_("The file was disabled."))


def case_transferred(case, old_owner) -> None:
    from .models import Duty

    Duty.objects.filter(case=case, status="open", owner=old_owner).update(owner=case.owner,
                                                                         organisation=case.organisation)


def appointment_booked(appointment) -> None:
    case = appointment.case
    duty_open(key=f"appointment:{appointment.pk}", kind="contact", person=case.person, case=case, owner=case.owner,
              organisation=case.organisation, due_on=timezone.localtime(appointment.planned_at).date(),
              title=f"{appointment.get_mode_display()} · {case.person.shared_name}",
              rule_key="meeting_agreed", source="seed 篇二 三、备注5", url=case.get_absolute_url())


def appointment_fulfilled(appointment) -> None:
    duty_complete(key=f"appointment:{appointment.pk}", note=_("Contact recorded"))


def _open_plan_review(case, plan) -> None:
    if plan.review_on:
        duty_open(key=f"plan_review:{plan.pk}:{plan.review_on}", kind="plan_review", person=case.person, case=case,
                  owner=case.owner, organisation=case.organisation, due_on=plan.review_on,
                  title=_("Review the service plan of %(name)s") % {"name": case.person.shared_name},
                  rule_key="plan_review", source=_("the plan's own review date"), url=case.get_absolute_url())


def plan_in_force(case, plan, previous=None) -> None:
    if previous is not None:
        duty_cancel(key_prefix=f"plan_review:{previous.pk}:", note=_("Superseded by a new version"))
    _open_plan_review(case, plan)


def plan_reviewed(case, plan, reviewed_for) -> None:
    """The review due on `reviewed_for` is done; the next review date, if any, opens the next duty."""
    duty_complete(key=f"plan_review:{plan.pk}:{reviewed_for}", note=_("Plan reviewed"))
    _open_plan_review(case, plan)


def resettlement_intake_plan(enrolment, *, office, limit, today: dt.date) -> list[dict]:
    """R2: a release notice received before release — check the hand-over data; R3: a high-priority person is
    collected at the gate and visited at home within the limit. As `duty_open` arguments."""
    person = enrolment.person
    url = person.get_absolute_url()
    release, specs = enrolment.release_date, []
    if release and release > today:
        notice = limit("release_notice_check_days")
        specs.append(dict(key=f"handover_check:{enrolment.pk}", kind="handover_check", person=person,
                          organisation=office, owner_role="judicial_officer", due_on=release - dt.timedelta(days=1),
                          window_start=release - dt.timedelta(days=notice.value),
                          title=_("Check the hand-over data before %(name)s is released") % {"name": person.shared_name},
                          rule_key=notice.key, source=notice.source, url=url))
    if enrolment.high_priority and release:
        visit = limit("resettlement_home_visit_days")
        if release >= today:
            specs.append(dict(key=f"collect_at_release:{enrolment.pk}", kind="collect_at_release", person=person,
                              organisation=office, owner_role="judicial_officer", due_on=release,
                              title=_("Collect %(name)s at release (必接必送)") % {"name": person.shared_name},
                              rule_key="high_priority", source=visit.source, url=url))
        specs.append(dict(key=f"resettlement_home_visit:{enrolment.pk}", kind="resettlement_home_visit", person=person,
                          organisation=office, owner_role="judicial_officer",
                          due_on=release + dt.timedelta(days=visit.value),
                          title=_("Home visit after release: %(name)s") % {"name": person.shared_name},
                          rule_key=visit.key, source=visit.source, url=url))
    return specs


def resettlement_started(enrolment) -> None:
    person = enrolment.person
    for spec in resettlement_intake_plan(enrolment, office=office_of(person),
                                         limit=partial(legal_time_limit, person.area), today=dt.date.today()):
        duty_open(**spec)


def home_visit_recorded(case, contact) -> None:
    """A home visit in a resettlement case fulfils the R3 visit (met the person or not: the visit was made)."""
    from people.models import Enrolment

    for enrolment in Enrolment.objects.filter(person=case.person, population="resettlement", status="active"):
        duty_complete(key=f"resettlement_home_visit:{enrolment.pk}",
                      note=_("Home visit on %(day)s") % {"day": timezone.localtime(contact.started_at).date()})


def _return_periods(today: dt.date) -> list[tuple[str, dt.date, str]]:
    """(label, last day, rule key) of the half-year and annual periods that ended most recently or end soon."""
    half = dt.date(today.year, 6, 30)
    year_end = dt.date(today.year - 1, 12, 31) if today < dt.date(today.year, 12, 25) else dt.date(today.year, 12, 31)
    return [(f"{half.year}年上半年", half, "resettlement_half_year_return_days"),
            (f"{year_end.year}年度", year_end, "resettlement_annual_return_days")]


def resettlement_return_duties(today: dt.date) -> int:
    """R4: each 司法所 sends its half-year and annual resettlement returns by the configured day (2 July and
    2 February by default). The duty appears in the officers' list in the last days of the period and lasts until
    the return is sent; it is not created for periods whose deadline has passed before the job first ran."""
    from .selectors import LimitsByArea

    opened = 0
    offices = Organisation.objects.filter(kind=OrganisationKind.JUDICIAL_OFFICE, is_active=True).select_related("area")
    for label, last_day, key in _return_periods(today):
        window = last_day - dt.timedelta(days=5)
        if today < window:
            continue
        limits = LimitsByArea(key)
        for office in offices:
            limit = limits.for_area(office.area)
            due = last_day + dt.timedelta(days=limit.value)
            if today > due:
                continue
            duty_open(key=f"resettlement_return:{office.pk}:{last_day:%Y-%m}", kind="resettlement_return",
                      person=None, organisation=office, owner_role="judicial_officer", due_on=due,
                      window_start=window, title=_("Resettlement return for %(period)s (安置帮教报表)") % {
                          "period": label}, rule_key=limit.key, source=limit.source, url="")
            opened += 1
    return opened
