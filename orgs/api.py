from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .selectors import areas_visible_to, organisations_visible_to

router = Router(tags=["organisations"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    work_model: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area: AreaOut
    parent_id: int | None
    populations: list[str]
    phone: str
    address: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


@router.get("/areas", response=list[AreaOut], summary="Areas within the caller's reach")
def list_areas(request, level: str | None = None):
    return list(areas_visible_to(user=request.user, level=level))


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations within the caller's reach")
def list_organisations(request, kind: str | None = None):
    qs = organisations_visible_to(user=request.user)
    return list(qs.filter(kind=kind) if kind else qs)


@router.get("/organisations/{int:org_id}", response=OrganisationOut)
def get_organisation(request, org_id: int):
    return get_object_or_404(organisations_visible_to(user=request.user), pk=org_id)
