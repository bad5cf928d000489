import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.models import User
from orgs.models import Area, Organisation

from . import selectors, services
from .models import Enrolment, EnrolmentStatus

router = Router(tags=["people"])


class Ref(Schema):
    id: int
    name: str


class EnrolmentOut(Schema):
    id: int
    population: str
    population_label: str
    status: str
    organisation: Ref
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str
    # Offence details are null for roles that may not see them.
    correction_category: str | None = None
    offence: str | None = None
    sentence: str | None = None
    deciding_body: str | None = None
    release_source: str
    release_date: dt.date | None
    release_institution: str | None = None
    out_of_school: bool
    out_of_work: bool
    out_of_care: bool
    drug_order_kind: str


class PersonSummary(Schema):
    id: int
    full_name: str
    pseudonym: str
    sex: str
    age: int | None
    is_juvenile: bool
    area: Ref
    organisation: Ref
    owner: Ref | None
    populations: list[str]
    is_active: bool


class PersonOut(PersonSummary):
    birth_date: dt.date | None
    ethnicity: str
    id_number: str | None = Field(None, description="Whole, masked, or null, by the caller's role")
    phone: str
    household_address: str
    residence_address: str
    education: str
    employment: str
    employer: str
    marital_status: str
    support_notes: str
    note: str
    version: int = Field(description="Send back as expected_version when editing")
    enrolments: list[EnrolmentOut]


class PersonIn(Schema):
    full_name: str
    pseudonym: str = ""
    sex: str = ""
    birth_date: dt.date | None = None
    ethnicity: str = "汉族"
    id_number: str = ""
    phone: str = ""
    household_address: str = ""
    residence_address: str = ""
    area_id: int
    education: str = ""
    employment: str = ""
    employer: str = ""
    marital_status: str = ""
    support_notes: str = ""
    note: str = ""
    owner_id: int | None = None


class PersonPatch(Schema):
    expected_version: int
    full_name: str | None = None
    pseudonym: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    phone: str | None = None
    household_address: str | None = None
    residence_address: str | None = None
    area_id: int | None = None
    education: str | None = None
    employment: str | None = None
    employer: str | None = None
    marital_status: str | None = None
    support_notes: str | None = None
    note: str | None = None
    owner_id: int | None = None


class SupportMemberIn(Schema):
    kind: str = "family"
    name: str
    relation: str
    phone: str = ""
    attitude: str = "unknown"
    lives_with: bool = False
    is_guardian: bool = False
    note: str = ""


class SupportMemberOut(SupportMemberIn):
    id: int


class EnrolmentIn(Schema):
    population: str
    organisation_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    correction_category: str = ""
    offence: str = ""
    sentence: str = ""
    deciding_body: str = ""
    release_source: str = ""
    release_date: dt.date | None = None
    release_institution: str = ""
    out_of_school: bool = False
    out_of_work: bool = False
    out_of_care: bool = False
    drug_order_kind: str = ""


def _ref(obj, label: str | None = None) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": label if label is not None else str(obj)}


def _enrolment_out(enrolment: Enrolment, *, offence_visible: bool) -> dict:
    return {
        "id": enrolment.pk, "population": enrolment.population,
        "population_label": str(enrolment.get_population_display()), "status": enrolment.status,
        "organisation": _ref(enrolment.organisation), "start_date": enrolment.start_date,
        "end_date": enrolment.end_date, "end_reason": enrolment.end_reason,
        "correction_category": enrolment.correction_category if offence_visible else None,
        "offence": enrolment.offence if offence_visible else None,
        "sentence": enrolment.sentence if offence_visible else None,
        "deciding_body": enrolment.deciding_body if offence_visible else None,
        "release_source": enrolment.release_source, "release_date": enrolment.release_date,
        "release_institution": enrolment.release_institution if offence_visible else None,
        "out_of_school": enrolment.out_of_school, "out_of_work": enrolment.out_of_work,
        "out_of_care": enrolment.out_of_care, "drug_order_kind": enrolment.drug_order_kind,
    }


def _summary(person) -> dict:
    return {
        "id": person.pk, "full_name": person.full_name, "pseudonym": person.pseudonym, "sex": person.sex,
        "age": person.age, "is_juvenile": person.is_juvenile, "area": _ref(person.area),
        "organisation": _ref(person.organisation),
        "owner": _ref(person.owner, person.owner.display_name if person.owner_id else None),
        "populations": [e.population for e in person.enrolments.all() if e.status == EnrolmentStatus.ACTIVE],
        "is_active": person.is_active,
    }


def _detail(user, person) -> dict:
    offence_visible = selectors.sees_offence(user=user, person=person)
    fields = ("birth_date", "ethnicity", "phone", "household_address", "residence_address", "education", "employment",
              "employer", "marital_status", "support_notes", "note", "version")
    return {
        **_summary(person), **{f: getattr(person, f) for f in fields},
        "id_number": selectors.id_number_for(user=user, person=person),
        "enrolments": [_enrolment_out(e, offence_visible=offence_visible) for e in person.enrolments.all()],
    }


def _with_enrolments(qs):
    return qs.prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.select_related("organisation")))


def _resolve_refs(request, payload: dict) -> dict:
    """Turn *_id fields into objects the caller may reference; unknown ids are input errors, not 500s."""
    data = dict(payload)
    if "area_id" in data:
        area_id = data.pop("area_id")
        if area_id is not None:
            area = Area.objects.filter(pk=area_id).first()
            if area is None:
                raise ValidationError({"area_id": [_("No such area.")]})
            data["area"] = area
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = None
        if owner_id is not None:
            data["owner"] = User.objects.filter(pk=owner_id, is_active=True).first()
            if data["owner"] is None:
                raise ValidationError({"owner_id": [_("No such active user.")]})
    if "organisation_id" in data:
        org_id = data.pop("organisation_id")
        data["organisation"] = None
        if org_id is not None:
            data["organisation"] = Organisation.objects.filter(pk=org_id).first()
            if data["organisation"] is None:
                raise ValidationError({"organisation_id": [_("No such organisation.")]})
    return data


@router.get("", response=list[PersonSummary], summary="People visible to the caller, searchable")
@paginate(LimitOffsetPagination)
def list_people(request, q: str = "", population: str = ""):
    """`q` matches name, pseudonym, pinyin (full or initials), the last four characters or the whole ID number."""
    people = _with_enrolments(selectors.person_search(user=request.user, query=q, population=population))
    return _LazySummaries(people)


class _LazySummaries:
    """Lets the paginator slice the queryset first, then builds summaries only for the page."""

    def __init__(self, qs):
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [_summary(p) for p in self.qs[item]]


@router.post("", response={201: PersonOut}, summary="Open a new file")
def create_person(request, payload: PersonIn):
    person = services.person_create(actor=request.user, data=_resolve_refs(request, payload.dict()))
    person = _with_enrolments(selectors.people_visible_to(user=request.user)).get(pk=person.pk)
    return Status(201, _detail(request.user, person))


@router.get("/{person_id}", response=PersonOut, summary="One file; the opening is recorded in the audit trail")
def get_person(request, person_id: int, reason: str = ""):
    """Leaders and administrators must pass `reason`."""
    person = get_object_or_404(_with_enrolments(selectors.people_visible_to(user=request.user, include_inactive=True)),
                               pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    return _detail(request.user, person)


@router.patch("/{person_id}", response=PersonOut, summary="Edit a file (optimistic locking by version)")
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    data = _resolve_refs(request, payload.dict(exclude_unset=True))
    expected = data.pop("expected_version")
    services.person_update(actor=request.user, person=person, data=data, expected_version=expected)
    person = _with_enrolments(selectors.people_visible_to(user=request.user, include_inactive=True)).get(pk=person_id)
    return _detail(request.user, person)


@router.get("/{person_id}/support-members", response=list[SupportMemberOut], summary="Family and support system")
def list_support_members(request, person_id: int, reason: str = ""):
    """Part of the file: the read is audited like the file itself (leaders and administrators pass `reason`)."""
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    return list(person.supporters.filter(is_active=True))


@router.post("/{person_id}/support-members", response={201: SupportMemberOut})
def add_support_member(request, person_id: int, payload: SupportMemberIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    return Status(201, services.support_member_save(actor=request.user, person=person, data=payload.dict()))


@router.get("/{person_id}/enrolments", response=list[EnrolmentOut], summary="Population records over time")
def list_enrolments(request, person_id: int, reason: str = ""):
    """Part of the file: the read is audited like the file itself (leaders and administrators pass `reason`)."""
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    visible = selectors.sees_offence(user=request.user, person=person)
    return [_enrolment_out(e, offence_visible=visible) for e in selectors.enrolments_of(person=person)]


@router.post("/{person_id}/enrolments", response={201: EnrolmentOut})
def add_enrolment(request, person_id: int, payload: EnrolmentIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    enrolment = services.enrolment_add(actor=request.user, person=person,
                                       data=_resolve_refs(request, payload.dict()))
    return Status(201, _enrolment_out(enrolment, offence_visible=selectors.sees_offence(user=request.user, person=person)))
