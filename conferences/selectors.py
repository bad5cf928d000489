from accounts.models import User

from .services import CONVENERS


def staff_choices(*, person) -> list[User]:
    """Staff of the person's district who may sit in the conference or own a decision: those who can see the file
    (a social worker's station, the 司法所, the supervisors and the bureau)."""
    district = person.area.district()
    users = User.objects.filter(is_active=True, role__in=CONVENERS | {"community_worker"},
                                organisation__area__path__startswith=district.path if district else person.area.path
                                ).select_related("organisation", "team").order_by("organisation__name", "username")
    return [u for u in users if u.has_perm("people.view_person", person)]
