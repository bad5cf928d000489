"""Referrals follow the case until they close: each one waits in the worker's day list as a follow-up duty, renewed
at every piece of news, so no referral is forgotten after it is sent (Primero leaves this manual; we do not)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties.selectors import legal_time_limit
from duties.services import duty_complete, duty_open
from tongxing.permissions import require

from . import selectors
from .models import CLOSED, NEXT_STATUSES, Referral, ReferralStatus, ReferralUpdate, Resource, ResourceKind


def _manages_directory(user) -> bool:
    return user.role in ("supervisor", "bureau_leader", "administrator", "judicial_officer")


@transaction.atomic
def resource_save(*, actor, data: dict, areas, resource: Resource | None = None) -> Resource:
    """Add or edit a directory entry; the areas must lie within what the actor's organisation covers."""
    if not _manages_directory(actor):
        raise PermissionDenied(_("Supervisors, officers, leaders and administrators keep the directory."))
    areas = list(areas)
    if not data.get("name", "").strip() or data.get("kind") not in ResourceKind.values:
        raise ValidationError({"name": [_("Give the name and the kind.")]})
    if not areas:
        raise ValidationError({"areas": [_("Choose at least one area served.")]})
    mine = actor.organisation.area.path if actor.organisation_id else "-"
    if any(not a.path.startswith(mine) for a in areas):
        raise PermissionDenied(_("An area outside your organisation's."))
    resource = resource or Resource(created_by=actor)
    for field in ("name", "kind", "services", "contact_name", "phone", "address"):
        setattr(resource, field, str(data.get(field, "")).strip())
    resource.full_clean(exclude=["created_by"])
    resource.save()
    resource.areas.set(areas)
    audit_record(actor=actor, action="resource.saved", target=resource, changes={"name": resource.name})
    return resource


def _follow_up(referral: Referral, after: dt.date) -> None:
    """One open follow-up per referral: the previous one is done by the news that came in."""
    case, person = referral.case, referral.case.person
    limit = legal_time_limit(person.area, "referral_follow_up_days")
    for key in case.duties.filter(kind="referral_follow_up", status="open",
                                  dedupe_key__startswith=f"referral:{referral.pk}:").values_list("dedupe_key",
                                                                                                 flat=True):
        duty_complete(key=key, note=referral.get_status_display())
    if referral.status in CLOSED:
        return
    count = referral.updates.count()
    owner = case.owner if case.owner.is_active else None  # else the office's social workers see it
    duty_open(key=f"referral:{referral.pk}:{count}", kind="referral_follow_up", person=person, case=case,
              owner=owner, owner_role="" if owner else "social_worker", organisation=case.organisation,
              due_on=after + dt.timedelta(days=limit.value),
              title=_("Follow up the referral of %(name)s to %(to)s (%(status)s)") % {
                  "name": person.shared_name, "to": referral.resource.name, "status": referral.get_status_display()},
              rule_key=limit.key, source=limit.source, url=case.get_absolute_url())


@transaction.atomic
def referral_send(*, actor, case, resource: Resource, reason: str, sent_on: dt.date | None = None,
                  incident=None) -> Referral:
    """Refer from a case: only with the person's recorded consent to share information (or their guardian's)."""
    require(actor, "casework.work_on_case", case)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the person is referred.")]})
    sent_on = sent_on or timezone.localdate()
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": [_("A referral is recorded after it was sent.")]})
    if not resource.is_active:
        raise ValidationError({"resource": [_("This resource is no longer in the directory.")]})
    consent = selectors.sharing_consent(person=case.person)
    if consent is None:
        raise ValidationError({"resource": [_("Record the person's (or guardian's) consent to share information "
                                              "with other agencies before referring.")]})
    if consent.on > sent_on:
        raise ValidationError({"sent_on": [_("The consent relied on (%(day)s) came after this referral.")
                                           % {"day": consent.on}]})
    if not selectors.resources_serving(area=case.person.area).filter(pk=resource.pk).exists():
        raise ValidationError({"resource": [_("This resource does not serve the person's area.")]})
    if incident is not None and incident.person_id != case.person_id:
        raise ValidationError({"incident": [_("The incident is not this person's.")]})
    referral = Referral.objects.create(case=case, resource=resource, reason=reason.strip(), consent=consent,
                                       sent_on=sent_on, incident=incident, created_by=actor)
    ReferralUpdate.objects.create(referral=referral, status=ReferralStatus.SENT, on=sent_on, by=actor)
    audit_record(actor=actor, action="referral.sent", target=referral, person=case.person,
                 changes={"to": resource.name, "consent": consent.pk})
    _follow_up(referral, sent_on)
    return referral


@transaction.atomic
def referral_update(*, actor, referral: Referral, on: dt.date, note: str = "", status: str = "",
                    from_agency: bool = False) -> Referral:
    """Record news: a new status (from the table of allowed moves) and/or feedback. Every update renews the
    follow-up; a closing status ends it."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "case__person__area", "case__owner", "resource").get(pk=referral.pk)
    require(actor, "casework.work_on_case", referral.case)
    if referral.is_closed:
        raise ValidationError(_("This referral is closed."))
    status = status or referral.status
    if status != referral.status and status not in NEXT_STATUSES.get(referral.status, set()):
        raise ValidationError({"status": [_("From “%(from)s” a referral cannot go to “%(to)s”.") % {
            "from": referral.get_status_display(), "to": ReferralStatus(status).label
            if status in ReferralStatus.values else status}]})
    if status == referral.status and not note.strip():
        raise ValidationError({"note": [_("Give the feedback or choose a new status.")]})
    if not referral.sent_on <= on <= timezone.localdate():
        raise ValidationError({"on": [_("The day lies between the referral and today.")]})
    ReferralUpdate.objects.create(referral=referral, status=status, on=on, note=note.strip(),
                                  from_agency=from_agency, by=actor)
    changed = status != referral.status
    referral.status = status
    if status in CLOSED:
        referral.closed_on = on
    referral.save(update_fields=["status", "closed_on"])
    audit_record(actor=actor, action="referral.updated", target=referral, person=referral.case.person,
                 changes={"status": status, "from_agency": from_agency} if changed else {"feedback": True})
    _follow_up(referral, on)
    return referral


