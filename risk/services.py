"""Writes of the risk app: a structured screen with its rationale per item, and the risk flag with its review.

A screen never lowers a flag by itself: lowering is a reviewed professional decision (`flag_review`)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties import workdays
from duties.services import duty_cancel, duty_complete, duty_open, notify
from tongxing.permissions import require

from . import selectors
from .models import FlagOrigin, Level, RiskBand, RiskFlag, Screening, ScreeningAnswer, ScreeningItem


def people_to_alert(person) -> list:
    """Who hears at once about a crisis: the responsible worker, their supervisor, and the 司法所 of the street
    (its officers, or whoever stands in for them) — each once."""
    from accounts.models import User
    from casework.selectors import approvers_in

    from duties.obligations import office_of

    alerted = {}
    owner = person.owner if person.owner_id and person.owner.is_active else None
    if owner:
        alerted[owner.pk] = owner
    supervisor = None
    if owner and owner.team_id:
        supervisor = User.objects.filter(role="supervisor", team_id=owner.team_id, is_active=True).exclude(
            pk=owner.pk).order_by("pk").first()
    supervisor = supervisor or approvers_in(organisation=person.organisation, role="supervisor").order_by("pk").first()
    if supervisor:
        alerted.setdefault(supervisor.pk, supervisor)
    # The 司法所 of the street; where it has no officer of its own, the nearest organisation above that has one.
    for officer in approvers_in(organisation=office_of(person), role="judicial_officer").order_by("pk"):
        alerted.setdefault(officer.pk, officer)
    return list(alerted.values())


def duty_owner(person) -> dict:
    """owner/owner_role for a duty about the person: the responsible worker, or the office's social workers."""
    owner = person.owner if person.owner_id and person.owner.is_active else None
    return {"owner": owner, "owner_role": "" if owner else "social_worker"}


@transaction.atomic
def flag_raise(*, actor, person, level: str, reason: str, origin: str = FlagOrigin.MANUAL,
               review_on: dt.date | None = None) -> RiskFlag:
    """Set the person's current risk; the open flag it replaces is closed. Its review becomes a duty."""
    require(actor, "people.change_person", person)
    if level not in Level.values:
        raise ValidationError({"level": [_("Choose a risk level.")]})
    from people.models import Person

    Person.objects.select_for_update().filter(pk=person.pk).first()  # two incidents at once queue here
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the risk level.")]})
    today = timezone.localdate()
    review_on = review_on or today + dt.timedelta(days=selectors.band_for(level).flag_review_days)
    if review_on <= today:
        raise ValidationError({"review_on": [_("The review lies in the future.")]})
    current = selectors.current_flag(person=person)
    if current is not None:
        current.ended_at, current.end_note = timezone.now(), _("Replaced by a new flag")
        current.save(update_fields=["ended_at", "end_note"])
        duty_cancel(key_prefix=f"risk_review:{current.pk}:", note=_("Replaced by a new flag"))
    flag = RiskFlag.objects.create(person=person, level=level, reason=reason.strip()[:300], origin=origin,
                                   review_on=review_on, raised_by=actor)
    audit_record(actor=actor, action="risk.flag_raised", target=flag, person=person, reason=reason,
                 changes={"level": [current.level if current else "", level]})
    _review_duty(flag)
    return flag


def _review_duty(flag: RiskFlag) -> None:
    person = flag.person
    band = selectors.band_for(flag.level)
    duty_open(key=f"risk_review:{flag.pk}:{flag.review_on}", kind="risk_review", person=person,
              organisation=person.organisation, due_on=flag.review_on, **duty_owner(person),
              title=_("Review the %(level)s risk flag of %(name)s") % {"level": flag.get_level_display(),
                                                                       "name": person.shared_name},
              rule_key=f"risk_band_{flag.level}", source=band.source, url=person.get_absolute_url())


@transaction.atomic
def flag_review(*, actor, flag: RiskFlag, note: str, level: str | None = None,
                review_on: dt.date | None = None, end: bool = False) -> RiskFlag | None:
    """Review a flag: keep it to a new date, change its level (a new flag), or end it. Returns the open flag."""
    flag = RiskFlag.objects.select_for_update().select_related("person").get(pk=flag.pk)
    require(actor, "people.change_person", flag.person)
    if flag.ended_at:
        raise ValidationError(_("This flag was already reviewed and closed."))
    if not note.strip():
        raise ValidationError({"note": [_("Say what the review found.")]})
    duty_complete(key=f"risk_review:{flag.pk}:{flag.review_on}", note=note.strip())
    if end:
        flag.ended_at, flag.end_note = timezone.now(), note.strip()[:300]
        flag.save(update_fields=["ended_at", "end_note"])
        audit_record(actor=actor, action="risk.flag_ended", target=flag, person=flag.person, reason=note)
        return None
    if level and level != flag.level:
        return flag_raise(actor=actor, person=flag.person, level=level, reason=note, review_on=review_on)
    today = timezone.localdate()
    review_on = review_on or today + dt.timedelta(days=selectors.band_for(flag.level).flag_review_days)
    if review_on <= today:
        raise ValidationError({"review_on": [_("The review lies in the future.")]})
    flag.review_on = review_on
    flag.save(update_fields=["review_on"])
    audit_record(actor=actor, action="risk.flag_kept", target=flag, person=flag.person, reason=note,
                 changes={"review_on": review_on.isoformat()})
    _review_duty(flag)
    return flag


@transaction.atomic
def screening_record(*, actor, person, answers: dict, done_on: dt.date, note: str = "", case=None) -> Screening:
    """A screen of every active item: {code: (score, rationale)}. A concern (score above 0) needs its rationale.
    The total sets the level by the configured bands; any positive suicide item makes it high and alerts at once.
    The next screen is a duty at the band's interval; a level above the current flag raises the flag."""
    require(actor, "people.change_person", person)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("A screen is recorded after it was done.")]})
    items = list(selectors.active_items())
    errors, rows = {}, []
    for item in items:
        score, rationale = answers.get(item.code, (None, ""))
        try:
            score = int(score)
        except (TypeError, ValueError):
            errors[item.code] = [_("Score this item.")]
            continue
        if not 0 <= score <= item.max_score:
            errors[item.code] = [_("A score from 0 to %(n)s.") % {"n": item.max_score}]
        elif score > 0 and not (rationale or "").strip():
            errors[item.code] = [_("Give the rationale for this concern.")]
        rows.append((item, score, (rationale or "").strip()[:300]))
    unknown = set(answers) - {item.code for item in items}
    if unknown:
        errors["answers"] = [_("Unknown items: %(codes)s") % {"codes": ", ".join(sorted(unknown))}]
    if errors:
        raise ValidationError(errors)
    total = sum(score for item, score, _r in rows if not item.is_suicide_screen)
    suicide = any(score for item, score, _r in rows if item.is_suicide_screen)
    level = Level.HIGH if suicide else selectors.level_for_total(total)
    screening = Screening.objects.create(person=person, case=case, done_on=done_on, total=total, level=level,
                                         suicide_positive=suicide, note=note.strip(), by=actor)
    ScreeningAnswer.objects.bulk_create([ScreeningAnswer(screening=screening, item=item, score=score,
                                                         rationale=rationale) for item, score, rationale in rows])
    audit_record(actor=actor, action="risk.screened", target=screening, person=person,
                 changes={"total": total, "level": level, "suicide": suicide})
    for key in person.duties.filter(kind="rescreen", status="open").values_list("dedupe_key", flat=True):
        duty_complete(key=key, note=_("Screened on %(day)s") % {"day": done_on})
    band = selectors.band_for(level)
    duty_open(key=f"rescreen:{person.pk}:{screening.pk}", kind="rescreen", person=person,
              organisation=person.organisation, due_on=workdays.add_months(done_on, band.reassess_months),
              **duty_owner(person),
              title=_("Screen the needs and risk of %(name)s again") % {"name": person.shared_name},
              rule_key=f"risk_band_{level}", source=band.source, url=person.get_absolute_url())
    current = selectors.current_flag(person=person)
    if level != Level.LOW and selectors.higher(level, current.level if current else None):
        flag_raise(actor=actor, person=person, level=level, origin=FlagOrigin.SCREENING,
                   reason=_("Screen of %(day)s: total %(total)s%(suicide)s") % {
                       "day": done_on, "total": total, "suicide": _(", suicide screen positive") if suicide else ""})
    if suicide:
        for user in people_to_alert(person):
            if user.pk != actor.pk:
                notify(user=user, url=person.get_absolute_url(),
                       text=_("Suicide screen positive: %(name)s — see the file today") % {"name": person.shared_name})
    return screening


def _require_administrator(actor) -> None:
    if not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators change the screen."))


@transaction.atomic
def band_set(*, actor, level: str, min_total: int, reassess_months: int, flag_review_days: int,
             source: str) -> RiskBand:
    """Change a result band; thresholds stay in order (low from 0, each higher band from a higher total)."""
    _require_administrator(actor)
    band = RiskBand.objects.select_for_update().filter(level=level).first()
    if band is None:
        raise ValidationError({"level": [_("Choose a risk level.")]})
    if not source.strip():
        raise ValidationError({"source": [_("Name the document that sets it.")]})
    if reassess_months < 1 or flag_review_days < 1 or min_total < 0:
        raise ValidationError({"min_total": [_("Give positive numbers.")]})
    old = {"min_total": band.min_total, "reassess_months": band.reassess_months,
           "flag_review_days": band.flag_review_days}
    band.min_total, band.reassess_months, band.flag_review_days = min_total, reassess_months, flag_review_days
    band.source = source.strip()[:200]
    thresholds = {b.level: b.min_total for b in RiskBand.objects.exclude(pk=band.pk)} | {level: min_total}
    order = [thresholds.get(Level.LOW, 0), thresholds.get(Level.MEDIUM, 0), thresholds.get(Level.HIGH, 0)]
    if order[0] != 0 or not order[0] < order[1] < order[2]:
        raise ValidationError({"min_total": [_("Low starts at 0, and medium and high each start higher.")]})
    band.save()
    audit_record(actor=actor, action="risk.band_set", target=band, reason=source,
                 changes={k: [v, getattr(band, k)] for k, v in old.items()})
    return band


@transaction.atomic
def item_save(*, actor, code: str, domain: str, text: str, guidance: str = "", max_score: int = 2,
              is_suicide_screen: bool = False, is_active: bool = True) -> ScreeningItem:
    """Add or edit an item. Past screens keep their answers; an item is retired (is_active) rather than deleted."""
    _require_administrator(actor)
    item = ScreeningItem.objects.filter(code=code).first() or ScreeningItem(
        code=code, order=(ScreeningItem.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 10)
    item.domain, item.text, item.guidance = domain, text.strip(), guidance.strip()
    item.max_score, item.is_suicide_screen, item.is_active = max_score, is_suicide_screen, is_active
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="risk.item_saved", target=item, changes={"code": code, "active": is_active})
    return item
