import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from casework.selectors import case_get_visible, cases_visible_to
from orgs.models import Area
from tongxing.api_schemas import ErrorOut

from . import selectors, services
from .models import Referral, Resource

router = Router(tags=["referrals"])


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    services: str
    contact_name: str
    phone: str
    address: str
    area_ids: list[int]

    @staticmethod
    def resolve_area_ids(obj) -> list[int]:
        return [a.pk for a in obj.areas.all()]


class ResourceIn(Schema):
    name: str
    kind: str
    services: str = ""
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    area_ids: list[int]


@router.get("/resources", response=list[ResourceOut], summary="The resource directory of the caller's area")
def resources(request, q: str = ""):
    return list(selectors.resources_visible_to(user=request.user, query=q)[:500])


@router.post("/resources", response={201: ResourceOut}, summary="Add a resource to the directory")
def add_resource(request, payload: ResourceIn):
    areas = list(Area.objects.filter(pk__in=payload.area_ids))
    if len(areas) != len(set(payload.area_ids)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"area_ids": ["unknown area"]})
    return Status(201, services.resource_save(actor=request.user, data=payload.dict(exclude={"area_ids"}),
                                              areas=areas))


class UpdateOut(Schema):
    status: str
    on: dt.date
    note: str
    from_agency: bool


class ReferralOut(Schema):
    id: int
    case_id: int
    resource_id: int
    reason: str
    status: str
    sent_on: dt.date
    closed_on: dt.date | None
    updates: list[UpdateOut]

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())


class ReferralIn(Schema):
    case_id: int
    resource_id: int
    reason: str
    sent_on: dt.date | None = None
    incident_id: int | None = None


@router.post("", response={201: ReferralOut, 404: ErrorOut},
             summary="Refer from a case to a resource (needs consent to share)")
def send(request, payload: ReferralIn):
    case = case_get_visible(user=request.user, pk=payload.case_id)
    resource = get_object_or_404(Resource, pk=payload.resource_id)
    incident = None
    if payload.incident_id:
        from incidents.models import Incident

        incident = get_object_or_404(Incident, pk=payload.incident_id, person=case.person)
    return Status(201, services.referral_send(actor=request.user, case=case, resource=resource,
                                              reason=payload.reason, sent_on=payload.sent_on, incident=incident))


class ReferralUpdateIn(Schema):
    on: dt.date
    status: str = ""
    note: str = ""
    from_agency: bool = False


@router.post("/{int:referral_id}/updates", response=ReferralOut,
             summary="News of a referral: a new status and/or feedback from the receiving agency")
def update(request, referral_id: int, payload: ReferralUpdateIn):
    referral = get_object_or_404(Referral, pk=referral_id, case__in=cases_visible_to(user=request.user))
    return services.referral_update(actor=request.user, referral=referral, **payload.dict())


@router.get("", response={200: list[ReferralOut], 404: ErrorOut},
            summary="Referrals of one case (an audited file read)")
def of_case(request, case_id: int, reason: str = ""):
    from people.services import person_file_opened

    case = case_get_visible(user=request.user, pk=case_id)
    person_file_opened(actor=request.user, person=case.person, reason=reason)
    return list(case.referrals.prefetch_related("updates"))
