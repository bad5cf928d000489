"""Writes of the volunteer registry: each checks who may act, runs in a transaction and is audited."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from duties.services import duty_complete, duty_open
from tongxing.permissions import require

from .models import SupervisionSession, TaskStatus, Training, Volunteer, VolunteerTask
from .selectors import MANAGERS


def _require_manager(actor) -> None:
    if actor.role not in MANAGERS:
        raise PermissionDenied(_("Volunteers are managed by staff."))


def _hours(value, field: str) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError({field: [_("Give the hours as a number.")]}) from None
    if not hours.is_finite() or not Decimal("0") <= hours <= Decimal("999"):
        raise ValidationError({field: [_("Give the hours as a number.")]})
    return hours


@transaction.atomic
def volunteer_save(*, actor, data: dict, volunteer: Volunteer | None = None) -> Volunteer:
    """Register or edit a volunteer of the actor's organisation, serving in an area within it."""
    _require_manager(actor)
    area = data.get("area")
    if area is None or not area.path.startswith(actor.organisation.area.path):
        raise ValidationError({"area": [_("Choose an area within your organisation's.")]})
    volunteer = volunteer or Volunteer(organisation=actor.organisation, created_by=actor)
    if volunteer.pk and not volunteer.organisation.area.path.startswith(actor.area_path or "-"):
        raise PermissionDenied(_("This volunteer belongs to another organisation."))
    for field in ("name", "phone", "skills", "availability", "joined_on", "area", "is_active", "user"):
        if field in data:
            setattr(volunteer, field, data[field].strip() if isinstance(data[field], str) else data[field])
    if volunteer.user_id and (volunteer.user.role != "volunteer" or not volunteer.user.organisation_id
                              or not volunteer.user.organisation.area.path.startswith(actor.organisation.area.path)):
        raise ValidationError({"user": [_("Link only a volunteer account of your organisation.")]})
    volunteer.full_clean(exclude=["organisation", "created_by"])
    volunteer.save()
    audit_record(actor=actor, action="volunteer.saved", target=volunteer, changes={"name": volunteer.name})
    return volunteer


@transaction.atomic
def training_record(*, actor, title: str, held_on: dt.date, hours, trainer: str, attendees) -> Training:
    _require_manager(actor)
    if not title.strip():
        raise ValidationError({"title": [_("Name the training.")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("A training is recorded after it was held.")]})
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": [_("Choose who attended.")]})
    hours = _hours(hours, "hours")
    if hours <= 0:
        raise ValidationError({"hours": [_("Give the hours as a number.")]})
    training = Training.objects.create(organisation=actor.organisation, title=title.strip(), held_on=held_on,
                                       hours=hours, trainer=trainer.strip(), created_by=actor)
    training.attendees.set(attendees)
    audit_record(actor=actor, action="volunteer.training", target=training, changes={"attendees": len(attendees)})
    return training


@transaction.atomic
def supervision_record(*, actor, held_on: dt.date, volunteers, topic: str, notes: str,
                       follow_up: str = "") -> SupervisionSession:
    """督导记录: only supervisors record professional supervision."""
    if actor.role != "supervisor":
        raise PermissionDenied(_("Professional supervision is recorded by supervisors."))
    volunteers = list(volunteers)
    if not volunteers or not topic.strip() or not notes.strip():
        raise ValidationError({"notes": [_("Choose the volunteers and write the topic and the notes.")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("A session is recorded after it was held.")]})
    session = SupervisionSession.objects.create(organisation=actor.organisation, supervisor=actor, held_on=held_on,
                                                topic=topic.strip(), notes=notes.strip(), follow_up=follow_up.strip())
    session.volunteers.set(volunteers)
    audit_record(actor=actor, action="volunteer.supervision", target=session, changes={"volunteers": len(volunteers)})
    return session


@transaction.atomic
def task_assign(*, actor, volunteer: Volunteer, case, task: str, due_on: dt.date) -> VolunteerTask:
    """Give a volunteer a task on a case. A volunteer with an account is assigned to the person (and so sees the
    file, without offence details) and finds the task in their day list; otherwise the assigning worker follows it."""
    from people.models import Assignment
    from people.services import assignment_add

    require(actor, "casework.work_on_case", case)
    if not volunteer.is_active:
        raise ValidationError({"volunteer": [_("This volunteer is not active.")]})
    if not task.strip():
        raise ValidationError({"task": [_("Describe the task.")]})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": [_("The due date has passed.")]})
    row = VolunteerTask.objects.create(volunteer=volunteer, case=case, task=task.strip()[:200], due_on=due_on,
                                       assigned_by=actor)
    if volunteer.user_id and not Assignment.objects.filter(person=case.person, user=volunteer.user).exists():
        assignment_add(actor=actor, person=case.person, user=volunteer.user, task=row.task)
    owner = volunteer.user if volunteer.user_id else actor
    duty_open(key=f"volunteer_task:{row.pk}", kind="volunteer_task", person=case.person, case=case, owner=owner,
              organisation=owner.organisation or actor.organisation, due_on=due_on,
              title=_("Volunteer task for %(name)s: %(task)s (%(volunteer)s)") % {
                  "name": case.person.shared_name, "task": row.task, "volunteer": volunteer.name},
              rule_key="volunteer_task", source=_("assigned by %(who)s") % {"who": actor.display_name},
              url=reverse("volunteers:detail", args=[volunteer.pk]) if volunteer.user_id else case.get_absolute_url())
    audit_record(actor=actor, action="volunteer.task_assigned", target=row, person=case.person,
                 changes={"volunteer": volunteer.pk})
    return row


@transaction.atomic
def task_close(*, actor, task: VolunteerTask, done: bool, hours, note: str = "") -> VolunteerTask:
    task = VolunteerTask.objects.select_for_update(of=("self",)).select_related("volunteer", "case__person").get(
        pk=task.pk)
    if actor.pk != task.volunteer.user_id:
        require(actor, "casework.work_on_case", task.case)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is already closed."))
    task.status = TaskStatus.DONE if done else TaskStatus.CANCELLED
    task.hours, task.note = _hours(hours, "hours"), note.strip()[:300]
    task.save(update_fields=["status", "hours", "note"])
    duty_complete(key=f"volunteer_task:{task.pk}", note=task.get_status_display())
    audit_record(actor=actor, action="volunteer.task_closed", target=task, person=task.case.person,
                 changes={"status": task.status, "hours": str(task.hours)})
    return task
