"""Writes to duties, the calendar and notifications. Other apps' services call `duty_open` / `duty_complete` when
their events happen; the periodic job (`manage.py duties_tick`) handles what time alone brings."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tongxing.bulk import insert_rows

from . import workdays
from .channels import deliver
from .models import CalendarException, CalendarYear, Duty, DutyStatus, Notification
from .selectors import legal_time_limit


def notify(*, user, text: str, url: str = "", duty: Duty | None = None) -> Notification:
    """An in-app notification, also sent by e-mail and SMS where configured."""
    notification = Notification.objects.create(user=user, text=text[:300], url=url, duty=duty)
    deliver(notification)
    return notification


MANUAL_KINDS = {"self_summary", "correction_plan", "level_review", "handover_check", "collect_at_release",
                "end_notifications", "medical_reexam", "medical_report", "seal_record", "announcement",
                "resettlement_return", "conference_decision", "case_conference",
                "activity_hours"}  # e.g. a month in custody or hospital: closed by hand, with the reason  # no recorded event fulfils these by itself


def _holders(duty: Duty):
    """Who sees the duty: its owner, or the holders of its role in its office — and if nobody holds that role
    there, the office's supervisors (or the district's bureau leaders), so no duty goes unseen."""
    from accounts.models import User
    from accounts.roles import Role
    from casework.selectors import approvers_in

    if duty.owner_id:
        return [duty.owner]
    holders = list(User.objects.filter(organisation_id=duty.organisation_id, role=duty.owner_role, is_active=True))
    if holders:
        return holders
    fallback = list(approvers_in(organisation=duty.organisation, role=Role.SUPERVISOR).order_by("pk"))
    if not fallback:
        district = duty.organisation.area.district()
        fallback = list(User.objects.filter(role=Role.BUREAU_LEADER, is_active=True,
                                            organisation__area__path__startswith=district.path if district else "-"))
    return fallback


@transaction.atomic
def duty_open(*, key: str, kind: str, title: str, person, organisation, due_on: dt.date, rule_key: str,
              source: str, owner=None, owner_role: str = "", case=None, url: str = "",
              window_start: dt.date | None = None, announce: bool = True) -> Duty:
    """Create the duty for an obligation, or move the open one's due date. Idempotent by `key`."""
    duty = Duty.objects.select_for_update().filter(dedupe_key=key).first()
    if duty is not None:
        if duty.status == DutyStatus.OPEN and (duty.due_on != due_on or duty.owner_id != getattr(owner, "pk", None)):
            # A moved deadline is a new deadline: snooze and escalation start again.
            duty.due_on, duty.owner, duty.window_start = due_on, owner, window_start
            duty.owner_role, duty.organisation = owner_role, organisation
            duty.snoozed_until, duty.snooze_reason, duty.escalated_at, duty.escalated_to = None, "", None, None
            duty.save()
        return duty
    duty = Duty.objects.create(dedupe_key=key, kind=kind, title=title[:200], person=person, case=case, owner=owner,
                               owner_role=owner_role, organisation=organisation, due_on=due_on,
                               window_start=window_start, rule_key=rule_key, source=source, url=url)
    if announce:  # routine monthly duties are not announced one by one; the day list and reminders show them
        for user in _holders(duty):
            notify(user=user, text=_("New: %(title)s (due %(due)s)") % {"title": duty.title, "due": due_on},
                   url=url, duty=duty)
    return duty


def duties_open_new(specs: list[dict]) -> dict:
    """Open the duties of records created in the same transaction (an imported list), a thousand per insert. Their
    keys name those new records, so none exists yet: a clash is the unique key's error, not a silent merge.

    Announcing each duty would give an officer thousands of notifications for one list, so the holders are
    returned instead — {user: number of new duties} — and told once (`imported_duties_announce`)."""
    insert_rows(Duty, new_duty_rows(specs))
    return duty_holders_count(new_duty_groups(specs))


def new_duty_rows(specs: list[dict]) -> list[dict]:
    """The rows of new duties, as `insert_rows` takes them."""
    return [dict(dedupe_key=spec["key"], kind=spec["kind"], title=spec["title"][:200], person_id=spec["person"].pk,
                 case_id=getattr(spec.get("case"), "pk", None), owner_id=getattr(spec.get("owner"), "pk", None),
                 owner_role=spec.get("owner_role", ""), organisation_id=spec["organisation"].pk,
                 due_on=spec["due_on"], window_start=spec.get("window_start"), rule_key=spec["rule_key"],
                 source=spec["source"], url=spec.get("url", "")) for spec in specs]


def new_duty_groups(specs: list[dict], groups: dict | None = None) -> dict:
    """The new duties counted by who holds them — {(owner id, office id, role): number}: a list's duties fall into a
    handful of such groups, so their holders are looked up once a group, not once a duty."""
    groups = {} if groups is None else groups
    for spec in specs:
        group = (getattr(spec.get("owner"), "pk", None), spec["organisation"].pk, spec.get("owner_role", ""))
        groups[group] = groups.get(group, 0) + 1
    return groups


def duty_holders_count(groups: dict) -> dict:
    """{user: number of new duties} for the groups of `new_duty_groups`."""
    from accounts.models import User
    from orgs.models import Organisation

    owners = User.objects.in_bulk({owner_id for owner_id, _office, _role in groups if owner_id})
    offices = Organisation.objects.select_related("area").in_bulk({office for _owner, office, _role in groups})
    counts = {}
    for (owner_id, office_id, role), number in groups.items():
        duty = Duty(owner=owners.get(owner_id), organisation=offices[office_id], owner_role=role)
        for user in _holders(duty):
            counts[user] = counts.get(user, 0) + number
    return counts


def imported_duties_announce(counts: dict) -> None:
    for user, count in counts.items():
        notify(user=user, text=_("An imported list opened %(n)s new duties for you; they are in your day list.")
               % {"n": count}, url=reverse("duties:day_list"))


@transaction.atomic
def duty_complete(*, key: str, note: str) -> Duty | None:
    """The event that fulfils the obligation happened."""
    duty = Duty.objects.select_for_update().filter(dedupe_key=key, status=DutyStatus.OPEN).first()
    if duty is None:
        return None
    duty.status, duty.done_at, duty.done_note = DutyStatus.DONE, timezone.now(), note[:200]
    duty.save(update_fields=["status", "done_at", "done_note"])
    return duty


@transaction.atomic
def duty_cancel(*, note: str, key: str = "", key_prefix: str = "") -> None:
    """The obligation lapsed (the correction ended, the plan was replaced)."""
    duties = Duty.objects.filter(status=DutyStatus.OPEN)
    duties = duties.filter(dedupe_key__startswith=key_prefix) if key_prefix else duties.filter(dedupe_key=key)
    duties.update(status=DutyStatus.CANCELLED, done_at=timezone.now(), done_note=note[:200])


def _may_handle(actor, duty: Duty) -> bool:
    return duty.owner_id == actor.pk or (
        duty.owner_id is None and duty.owner_role == actor.role and duty.organisation_id == actor.organisation_id)


@transaction.atomic
def duty_snooze(*, actor, duty: Duty, until: dt.date, reason: str) -> Duty:
    """Put a duty out of the day list until a date; the reason is required and recorded."""
    if not _may_handle(actor, duty):
        raise PermissionDenied(_("This duty is not yours."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    if until <= timezone.localdate():
        raise ValidationError({"until": [_("Snooze until a later day.")]})
    longest = legal_time_limit(duty.organisation.area, "duty_max_snooze_days").value
    if until > timezone.localdate() + dt.timedelta(days=longest):
        raise ValidationError({"until": [_("Snooze for at most %(n)s days.") % {"n": longest}]})
    duty.snoozed_until, duty.snooze_reason = until, reason.strip()
    duty.save(update_fields=["snoozed_until", "snooze_reason"])
    audit_record(actor=actor, action="duty.snoozed", target=duty, person=duty.person, reason=reason,
                 changes={"until": until.isoformat()})
    return duty


@transaction.atomic
def duty_mark_done(*, actor, duty: Duty, note: str) -> Duty:
    """For duties no recorded event fulfils (e.g. a document received on paper)."""
    if not _may_handle(actor, duty):
        raise PermissionDenied(_("This duty is not yours."))
    if duty.kind not in MANUAL_KINDS:
        raise ValidationError(_("This duty is done by recording what it asks for (e.g. the contact or the check-in)."))
    if not note.strip():
        raise ValidationError({"note": [_("Say how it was done.")]})
    duty_complete(key=duty.dedupe_key, note=note.strip())
    audit_record(actor=actor, action="duty.done", target=duty, person=duty.person, reason=note)
    duty.refresh_from_db()
    return duty


def duties_tick(*, today: dt.date | None = None) -> dict:
    """The periodic job: escalate duties overdue past the grace period to the owner's supervisor, once.

    Idempotent: running it twice the same day changes nothing the second time. Each duty is its own transaction,
    so a national run neither holds one huge transaction nor loses finished work if it stops halfway.
    """
    from casework.selectors import approvers_in

    from accounts.models import User

    today = today or timezone.localdate()
    escalated, skipped = 0, 0
    # A snooze hides a duty from its owner's list; a missed deadline still reaches the supervisor.
    for duty in (Duty.objects.filter(status=DutyStatus.OPEN, due_on__lt=today, escalated_at__isnull=True)
                 .select_related("organisation__area", "owner", "person")):
        grace = legal_time_limit(duty.organisation.area, "duty_escalation_grace_working_days").value
        try:
            if workdays.add_working_days(duty.due_on, grace) >= today:
                continue
        except workdays.CalendarMissing:
            skipped += 1  # never escalate on a guessed calendar; administrators are warned on their day list
            continue
        team_supervisors = User.objects.filter(role="supervisor", is_active=True, team_id=duty.owner.team_id) \
            if duty.owner_id and duty.owner.team_id else User.objects.none()
        supervisor = (team_supervisors.exclude(pk=duty.owner_id).order_by("pk").first()
                      or approvers_in(organisation=duty.organisation, role="supervisor").exclude(
                          pk=duty.owner_id).order_by("pk").first())
        if supervisor is None:
            skipped += 1
            continue
        with transaction.atomic():
            duty.escalated_to, duty.escalated_at = supervisor, timezone.now()
            duty.save(update_fields=["escalated_to", "escalated_at"])
            notify(user=supervisor, duty=duty, url=duty.url, text=_("Overdue since %(due)s: %(title)s (%(owner)s)")
                   % {"due": duty.due_on, "title": duty.title,
                      "owner": duty.owner.display_name if duty.owner_id else duty.organisation.name})
            audit_record(actor=None, action="duty.escalated", target=duty, person=duty.person,
                         changes={"to": supervisor.pk})
        escalated += 1
    from supervision.services import activity_duties_for_month

    from .obligations import resettlement_return_duties

    # Time alone opens these: the month's education and service hours (L16) and the office returns (R4).
    opened = activity_duties_for_month(today) + resettlement_return_duties(today)
    from imports.services import purge_old_files

    purge_old_files()  # uploaded lists hold ID numbers in clear: none outlives a day
    from jobs.services import jobs_abandoned_fail

    abandoned = jobs_abandoned_fail()
    from audit.chain import seal

    seal()  # and the day's audit events join the tamper-evident chain (audit_seal does it more often)
    reminded = _remind(today)
    return {"escalated": escalated, "skipped": skipped, "reminded": reminded, "opened": opened,
            "jobs_abandoned": abandoned}


def _remind(today: dt.date) -> int:
    """Once when a duty falls due, once when it becomes overdue (new duties are announced when opened)."""
    now, count = timezone.now(), 0
    due = Duty.objects.filter(status=DutyStatus.OPEN, due_on=today, reminded_due_at__isnull=True)
    overdue = Duty.objects.filter(status=DutyStatus.OPEN, due_on__lt=today, reminded_overdue_at__isnull=True)
    for duty, field, text in ([(d, "reminded_due_at", _("Due today: %(title)s")) for d in due.select_related(
            "owner", "organisation__area")] + [(d, "reminded_overdue_at", _("Overdue: %(title)s (due %(due)s)"))
                                               for d in overdue.select_related("owner", "organisation__area")]):
        with transaction.atomic():
            for user in _holders(duty):
                notify(user=user, text=text % {"title": duty.title, "due": duty.due_on}, url=duty.url, duty=duty)
            Duty.objects.filter(pk=duty.pk).update(**{field: now})
        count += 1
    return count


@transaction.atomic
def calendar_year_enter(*, actor, year: int, holidays: list[tuple[dt.date, dt.date, str]],
                        workdays_on_weekends: list[tuple[dt.date, str]], source: str) -> CalendarYear:
    """An administrator enters the official schedule of a year the library does not know yet."""
    if actor is not None and not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators enter the calendar."))
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Give a year between 2000 and 2100.")]})
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError({"year": [_("This year is already entered.")]})
    if not source.strip():
        raise ValidationError({"source": [_("Name the official notice.")]})
    for start, end, name in holidays:
        if start.year != year or end.year != year or end < start:
            raise ValidationError({"holidays": [_("%(name)s: the dates must lie in %(year)s, end after start.")
                                                % {"name": name, "year": year}]})
        day = start
        while day <= end:
            if day.weekday() < 5:
                CalendarException.objects.update_or_create(day=day, defaults={"is_workday": False, "name": name})
            day += dt.timedelta(days=1)
    for day, name in workdays_on_weekends:
        if day.year != year or day.weekday() < 5:
            raise ValidationError({"workdays": [_("%(day)s is not a weekend day of %(year)s.")
                                                % {"day": day, "year": year}]})
        CalendarException.objects.update_or_create(day=day, defaults={"is_workday": True, "name": name})
    entered = CalendarYear.objects.create(year=year, source=source.strip())
    audit_record(actor=actor, action="calendar.year_entered", target=entered, changes={"year": year})
    return entered
