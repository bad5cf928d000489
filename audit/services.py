"""The one way anything is written to the audit trail."""

from django.db import models

from .context import current_origin
from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    person=None,
    reason: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Record one event. Called inside the caller's transaction, so a rolled-back write leaves no event."""
    origin = current_origin()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=(actor_obj.display_name if actor_obj else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        person=person,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        channel=origin.channel,
        reason=reason,
        changes=changes or {},
    )
