"""Writes of case conferences: schedule with staff and external participants, hold with the analysis and the
decisions. Holding fulfils the conference duty of the incident that called it; each decision becomes a duty."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties.services import duty_complete, duty_open, notify
from tongxing.permissions import require

from .models import Analysis, AnalysisDimension, Conference, ConferenceStatus, Decision, Participant

CONVENERS = {"social_worker", "supervisor", "judicial_officer", "bureau_leader"}


def _require_convener(actor, person) -> None:
    require(actor, "people.view_person", person)
    if actor.role not in CONVENERS or not actor.policy.sees_offence:
        raise PermissionDenied(_("Case conferences are convened by social workers, officers, supervisors and "
                                 "leaders."))


def _check_staff(person, users) -> None:
    for user in users:
        if not user.is_active or not user.organisation_id or not user.has_perm("people.view_person", person):
            raise ValidationError({"staff": [_("%(user)s cannot see this person's file.") % {
                "user": user.display_name}]})


@transaction.atomic
def conference_schedule(*, actor, person, scheduled_for: dt.datetime, place: str, staff=(), externals=(),
                        incident=None, case=None) -> tuple[Conference, list[str]]:
    """Staff are users and are notified; externals (doctor, psychologist, teacher…) are names with their
    profession and organisation. The responsible worker presents the case."""
    _require_convener(actor, person)
    if not place.strip():
        raise ValidationError({"place": [_("Say where the conference meets.")]})
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    for source, field in ((incident, "incident"), (case, "case")):
        if source is not None and source.person_id != person.pk:
            raise ValidationError({field: [_("It is not this person's.")]})
    externals = [e for e in externals if any(str(v).strip() for v in e.values())]
    for external in externals:
        if not str(external.get("name", "")).strip() or not str(external.get("profession", "")).strip():
            raise ValidationError({"externals": [_("Give each external participant's name and profession.")]})
    presenter = person.owner if person.owner_id and person.owner.is_active else actor
    staff = {u.pk: u for u in [presenter, actor, *staff]}
    _check_staff(person, staff.values())
    conference = Conference.objects.create(person=person, case=case, incident=incident, scheduled_for=scheduled_for,
                                           place=place.strip(), presenter=presenter, created_by=actor)
    Participant.objects.bulk_create(
        [Participant(conference=conference, user=u, name=u.display_name, profession=u.get_role_display(),
                     organisation=u.organisation.name if u.organisation_id else "") for u in staff.values()]
        + [Participant(conference=conference, name=str(e["name"]).strip()[:50],
                       profession=str(e["profession"]).strip()[:50],
                       organisation=str(e.get("organisation", "")).strip()[:100]) for e in externals])
    audit_record(actor=actor, action="conference.scheduled", target=conference, person=person,
                 changes={"staff": len(staff), "externals": len(externals)})
    when = timezone.localtime(scheduled_for)
    for user in staff.values():
        if user.pk != actor.pk:
            notify(user=user, url=conference.get_absolute_url(),
                   text=_("Case conference about %(name)s on %(when)s at %(place)s") % {
                       "name": person.shared_name, "when": f"{when:%Y-%m-%d %H:%M}", "place": conference.place})
    warnings = []
    if incident is not None and when.date() > incident.conference_due_on:
        warnings.append(_("The conference after the incident is due by %(due)s.") % {
            "due": incident.conference_due_on})
    return conference, warnings


@transaction.atomic
def conference_hold(*, actor, conference: Conference, held_on: dt.date, background: str, service_so_far: str,
                    analyses: dict, recommendations: str, decisions=()) -> Conference:
    """Record the conference as held. `analyses` is {dimension code: notes}; `decisions` are dicts with text,
    owner (a user) and due_on. Each decision opens a duty for its owner."""
    conference = Conference.objects.select_for_update(of=("self",)).select_related("person", "incident").get(
        pk=conference.pk)
    person = conference.person
    _require_convener(actor, person)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError(_("This conference was already held or cancelled."))
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = [_("A conference is recorded after it was held.")]
    if not background.strip() or not service_so_far.strip():
        errors["background"] = [_("Record the background and the service so far that were presented.")]
    dimensions = {d.code: d for d in AnalysisDimension.objects.filter(is_active=True)}
    notes = {code: text.strip() for code, text in analyses.items() if text and text.strip()}
    if set(notes) - set(dimensions):
        errors["analyses"] = [_("Unknown dimension: %(codes)s") % {"codes": ", ".join(sorted(set(notes) - set(
            dimensions)))}]
    elif not notes:
        errors["analyses"] = [_("Record the analysis along at least one dimension.")]
    decisions = [d for d in decisions if str(d.get("text", "")).strip()]
    for decision in decisions:
        owner, due = decision.get("owner"), decision.get("due_on")
        if owner is None or due is None:
            errors["decisions"] = [_("Each decision has an owner and a due date.")]
        elif due < held_on:
            errors["decisions"] = [_("A decision is due on or after the conference.")]
    if errors:
        raise ValidationError(errors)
    _check_staff(person, [d["owner"] for d in decisions])
    conference.status, conference.held_on = ConferenceStatus.HELD, held_on
    conference.background, conference.service_so_far = background.strip(), service_so_far.strip()
    conference.recommendations = recommendations.strip()
    conference.save()
    Analysis.objects.bulk_create([Analysis(conference=conference, dimension=dimensions[code], notes=text)
                                  for code, text in notes.items()])
    for decision in decisions:
        row = Decision.objects.create(conference=conference, text=str(decision["text"]).strip()[:300],
                                      owner=decision["owner"], due_on=decision["due_on"])
        duty_open(key=row.duty_key, kind="conference_decision", person=person, case=conference.case,
                  owner=row.owner, organisation=row.owner.organisation, due_on=row.due_on,
                  title=_("Conference decision for %(name)s: %(text)s") % {"name": person.shared_name,
                                                                          "text": row.text},
                  rule_key="case_conference", source=_("Case conference of %(day)s") % {"day": held_on},
                  url=conference.get_absolute_url())
    # One conference answers every incident waiting for one (a second crisis before the meeting included).
    for key in person.duties.filter(kind="case_conference", status="open").values_list("dedupe_key", flat=True):
        duty_complete(key=key, note=_("Held on %(day)s") % {"day": held_on})
    audit_record(actor=actor, action="conference.held", target=conference, person=person,
                 changes={"analyses": len(notes), "decisions": len(decisions)})
    return conference


@transaction.atomic
def dimension_save(*, actor, code: str, name: str, order: int, is_active: bool = True) -> AnalysisDimension:
    """Add, rename, reorder or retire an analysis dimension (the seed's twelve are the defaults)."""
    if not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators change the dimensions."))
    dimension = AnalysisDimension.objects.filter(code=code).first() or AnalysisDimension(code=code)
    dimension.name, dimension.order, dimension.is_active = name.strip(), order, is_active
    dimension.full_clean()
    dimension.save()
    audit_record(actor=actor, action="conference.dimension_saved", target=dimension,
                 changes={"name": dimension.name, "active": is_active})
    return dimension


def brief_generate(*, actor, conference: Conference, training: bool = False) -> bytes:
    """The pseudonymised brief (or training material) as Word, for conveners only; every generation is audited.
    The caller has opened the file (with the reason a leader gives) first."""
    from . import brief

    _require_convener(actor, conference.person)
    content = brief.conference_brief(conference, training=training)
    audit_record(actor=actor, action="document.conference_training" if training else "document.conference_brief",
                 target=conference, person=conference.person)
    return content
