from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .selectors import users_visible_to

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    organisation_id: int | None
    organisation_name: str | None
    team_id: int | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_organisation_name(obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None


@router.get("/me", response=UserOut, summary="The signed-in user")
def me(request):
    return request.user


@router.get("", response=list[UserOut], summary="Staff within the caller's reach (read only)")
def list_users(request, role: str | None = None):
    qs = users_visible_to(user=request.user)
    return list(qs.filter(role=role) if role else qs)


@router.get("/{int:user_id}", response=UserOut)
def get_user(request, user_id: int):
    return get_object_or_404(users_visible_to(user=request.user), pk=user_id)
