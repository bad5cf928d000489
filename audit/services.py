"""The one way anything is written to the audit trail."""

from django.db import models

from tongxing.bulk import Prepared, insert_rows, prepare_dicts

from .context import current_origin
from .models import AuditEvent


def audit_values(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    person=None,
    reason: str = "",
    changes: dict | None = None,
) -> dict:
    """An event's fields: `audit_record` saves one, `audit_record_many` a batch."""
    origin = current_origin()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return dict(
        actor_id=getattr(actor_obj, "pk", None),
        actor_label=(actor_obj.display_name if actor_obj else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        person_id=getattr(person, "pk", None),
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        channel=origin.channel,
        reason=reason,
        changes=changes or {},
    )


def audit_record(**kwargs) -> AuditEvent:
    """Record one event. Called inside the caller's transaction, so a rolled-back write leaves no event."""
    event = AuditEvent(**audit_values(**kwargs))
    event.save()
    return event


def audit_record_many(events: list[dict]) -> None:
    """Record many events given by `audit_values` (an imported list), without a model instance for each."""
    insert_rows(AuditEvent, events)


def audit_prepare_many(events: list[dict]) -> Prepared:
    """The rows of many events for COPY, to be written by `tongxing.bulk.write` in the caller's transaction."""
    return prepare_dicts(AuditEvent, events)
