import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from people.selectors import person_get_visible
from people.services import person_file_opened
from tongxing.api_schemas import ErrorOut, Pagination

from .selectors import audit_events_all, audit_events_for_person

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    person_id: int | None
    ip_address: str | None
    channel: str
    reason: str
    changes: dict


@router.get("/events", response={200: list[AuditEventOut], 404: ErrorOut},
            summary="Audit events: of one person (staff who can see them) or all (administrators)")
@paginate(Pagination)
def list_events(request, person: int | None = None, action: str | None = None, reason: str = ""):
    """A person's trail is part of their file: reading it is audited, and leaders pass `reason`."""
    if person is not None:
        subject = person_get_visible(user=request.user, pk=person)
        qs = audit_events_for_person(user=request.user, person=subject)
        person_file_opened(actor=request.user, person=subject, reason=reason)
    else:
        qs = audit_events_all(user=request.user)
    return qs.filter(action=action) if action else qs
