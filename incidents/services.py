"""Recording a critical incident sets everything in motion at once, in one transaction: the risk flag goes up,
the owner, the supervisor and the 司法所 are told, and a case conference is due within the configured working
days (default 3)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties import workdays
from duties.selectors import legal_time_limit
from duties.services import duty_open, notify
from risk.models import FlagOrigin, Level
from risk.selectors import current_flag, higher
from risk.services import duty_owner, flag_raise, people_to_alert
from tongxing.permissions import require

from .models import Incident, IncidentKind


@transaction.atomic
def incident_record(*, actor, person, kind: str, occurred_at: dt.datetime, place: str, description: str,
                    immediate_actions: str, case=None) -> Incident:
    require(actor, "people.change_person", person)
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": [_("Choose the kind of incident.")]})
    errors = {}
    for field, value, message in (("place", place, _("Say where it happened.")),
                                  ("description", description, _("Describe what happened.")),
                                  ("immediate_actions", immediate_actions, _("Say what was done at once."))):
        if not value.strip():
            errors[field] = [message]
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("An incident is recorded after it happened.")]
    if case is not None and case.person_id != person.pk:
        errors["case"] = [_("The case is not this person's.")]
    if errors:
        raise ValidationError(errors)
    limit = legal_time_limit(person.area, "incident_conference_working_days")
    day = timezone.localtime(occurred_at).date()
    try:
        due = workdays.add_working_days(day, limit.value)
    except workdays.CalendarMissing as exc:
        raise ValidationError(str(exc)) from exc
    incident = Incident.objects.create(person=person, case=case, kind=kind, occurred_at=occurred_at,
                                       place=place.strip(), description=description.strip(),
                                       immediate_actions=immediate_actions.strip(), conference_due_on=due,
                                       recorded_by=actor)
    audit_record(actor=actor, action=f"incident.{kind}", target=incident, person=person)
    label = incident.get_kind_display()
    level = Level.MEDIUM if kind == IncidentKind.OTHER else Level.HIGH
    current = current_flag(person=person)
    if higher(level, current.level if current else None):  # an incident never lowers a flag
        flag_raise(actor=actor, person=person, level=level, origin=FlagOrigin.INCIDENT,
                   reason=_("%(kind)s on %(day)s") % {"kind": label, "day": day})
    url = incident.get_absolute_url()
    for user in people_to_alert(person):
        notify(user=user, url=url, text=_("Critical incident: %(kind)s — %(name)s, %(day)s. Case conference by "
                                          "%(due)s.") % {"kind": label, "name": person.shared_name, "day": day,
                                                         "due": due})
    duty_open(key=f"conference:{incident.pk}", kind="case_conference", person=person,
              organisation=person.organisation, due_on=due, **duty_owner(person),
              title=_("Hold a case conference after the %(kind)s of %(name)s") % {"kind": label,
                                                                                   "name": person.shared_name},
              rule_key=limit.key, source=limit.source, url=url)
    return incident
