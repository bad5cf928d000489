"""Permission checks for services: one call that raises a clear, translatable refusal."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class ConflictError(Exception):
    """Someone else changed the record since it was read; the edit is refused rather than overwriting theirs."""


def require(actor, perm: str, obj=None) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please sign in first."))
    if not actor.is_active or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Your role does not allow this action (%(perm)s).") % {"perm": perm})
