from django.db.models import QuerySet

from orgs.models import Area
from orgs.selectors import areas_visible_to

READERS = {"judicial_officer", "supervisor", "bureau_leader", "administrator"}


def report_areas(*, user) -> QuerySet[Area]:
    """The areas a user may run returns for: their organisation's area first, then everything below it."""
    if user.role not in READERS:
        return Area.objects.none()
    return areas_visible_to(user=user).select_related("parent__parent__parent").order_by("path")
