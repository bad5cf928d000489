from django.db.models import QuerySet

from .models import ApiToken, User
from .roles import Role

# Roles that coordinate across an area and so need to see its staff, not only their own organisation's.
AREA_STAFF_READERS = {Role.ADMINISTRATOR, Role.BUREAU_LEADER, Role.SUPERVISOR, Role.JUDICIAL_OFFICER}


def users_visible_to(*, user) -> QuerySet[User]:
    if not getattr(user, "is_authenticated", False) or not user.area_path:
        return User.objects.none()
    qs = User.objects.filter(organisation__area__path__startswith=user.area_path, is_active=True)
    if user.role not in AREA_STAFF_READERS:
        qs = qs.filter(organisation_id=user.organisation_id)
    return qs.select_related("organisation", "team").order_by("organisation__name", "username")


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
