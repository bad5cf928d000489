from accounts.models import User

from .services import CONVENERS


def staff_choices(*, person) -> list[User]:
    """Staff of the person's district who may sit in the conference or own a decision (one query; whether each
    chosen one can see the file is checked when the choice is saved)."""
    district = person.area.district()
    return list(User.objects.filter(is_active=True, role__in=CONVENERS, organisation__isnull=False,
                                    organisation__area__path__startswith=district.path if district
                                    else person.area.path)
                .select_related("organisation").order_by("organisation__name", "username"))
