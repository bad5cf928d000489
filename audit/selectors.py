from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import AuditEvent


def audit_events_for_person(*, user, person) -> QuerySet[AuditEvent]:
    """The trail of one person's file, for staff who can see that person."""
    if not user.has_perm("audit.view_person_trail", person):
        raise PermissionDenied(_("Your role cannot read this file's audit trail."))
    return AuditEvent.objects.filter(person=person).select_related("actor")


def audit_events_all(*, user) -> QuerySet[AuditEvent]:
    """Every event, for administrators."""
    if not user.policy.reads_all_audit:
        raise PermissionDenied(_("Only administrators read the whole audit trail."))
    return AuditEvent.objects.select_related("actor", "person")
