import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts.selectors import users_visible_to
from orgs.selectors import areas_visible_to, organisations_visible_to
from tongxing.permissions import require
from tongxing.api_schemas import ErrorOut, PageOf, Pagination

from . import selectors, services
from .models import Enrolment, EnrolmentStatus, Person

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
    out_of_school: bool
    out_of_work: bool
    out_of_care: bool
    # Criminal and drug details are null for roles that may not see them.
    end_reason: str | None = None
    correction_category: str | None = None
    offence: str | None = None
    sentence: str | None = None
    deciding_body: str | None = None
    release_source: str | None = None
    release_date: dt.date | None = None
    release_institution: str | None = None
    drug_order_kind: str | None = None


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


# Criminal and drug details: null for roles that may not see them (DOMAIN §1: volunteers see none).
SENSITIVE_ENROLMENT_FIELDS = ("correction_category", "offence", "sentence", "deciding_body", "release_source",
                              "release_date", "release_institution", "drug_order_kind", "end_reason")


def _enrolment_out(enrolment: Enrolment, *, offence_visible: bool) -> dict:
    out = {
        "id": enrolment.pk, "population": enrolment.population,
        "population_label": str(enrolment.get_population_display()), "status": enrolment.status,
        "organisation": _ref(enrolment.organisation), "start_date": enrolment.start_date,
        "end_date": enrolment.end_date, "out_of_school": enrolment.out_of_school,
        "out_of_work": enrolment.out_of_work, "out_of_care": enrolment.out_of_care,
    }
    for field in SENSITIVE_ENROLMENT_FIELDS:
        out[field] = getattr(enrolment, field) if offence_visible else None
    return out


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


API_FIELD_NAMES = {"area": "area_id", "owner": "owner_id", "organisation": "organisation_id", "user": "user_id"}


@contextmanager
def api_field_names():
    """Report a service's errors under the names the API caller sent (area_id, not area)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({API_FIELD_NAMES.get(f, f): m for f, m in exc.message_dict.items()}) from exc


def _resolve_refs(request, payload: dict) -> dict:
    """Turn *_id fields into objects within the caller's reach; anything else is an input error, not a 500,
    and says nothing about whether the id exists elsewhere."""
    data = dict(payload)
    lookups = {
        "area_id": ("area", lambda: areas_visible_to(user=request.user), _("No such area within your reach.")),
        "owner_id": ("owner", lambda: users_visible_to(user=request.user), _("No such active user within your reach.")),
        "organisation_id": ("organisation", lambda: organisations_visible_to(user=request.user),
                            _("No such organisation within your reach.")),
    }
    for key, (field, queryset, message) in lookups.items():
        if key not in data:
            continue
        ref_id = data.pop(key)
        data[field] = None
        if ref_id is not None:
            data[field] = queryset().filter(pk=ref_id).first()
            if data[field] is None:
                raise ValidationError({key: [message]})
    return data


def _fresh(person_id: int):
    """Re-read a file just written by the caller, for the response (it may have left their scope)."""
    return _with_enrolments(Person.objects.select_related("area", "organisation", "owner")).get(pk=person_id)


@router.get("", response=list[PersonSummary], summary="People visible to the caller, searchable")
@paginate(Pagination)
def list_people(request, q: str = "", population: str = ""):
    """`q` matches name, pseudonym, pinyin (full or initials), the last four characters or the whole ID number."""
    people = _with_enrolments(selectors.person_search(user=request.user, query=q, population=population))
    return PageOf(people, _summary)


@router.post("", response={201: PersonOut}, summary="Open a new file")
def create_person(request, payload: PersonIn):
    """Without owner_id, the caller is responsible when their role may be under the district's model."""
    data = payload.dict(exclude_unset=True)
    with api_field_names():
        person = services.person_create(actor=request.user, data=_resolve_refs(request, data))
    return Status(201, _detail(request.user, _fresh(person.pk)))


@router.get("/{int:person_id}", response=PersonOut, summary="One file; the opening is recorded in the audit trail")
def get_person(request, person_id: int, reason: str = ""):
    """Leaders and administrators must pass `reason`."""
    person = get_object_or_404(_with_enrolments(selectors.people_visible_to(user=request.user, include_inactive=True)),
                               pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    return _detail(request.user, person)


@router.patch("/{int:person_id}", response={200: PersonOut, 409: ErrorOut},
              summary="Edit a file (optimistic locking by version)")
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    with api_field_names():
        data = _resolve_refs(request, payload.dict(exclude_unset=True))
        expected = data.pop("expected_version")
        services.person_update(actor=request.user, person=person, data=data, expected_version=expected)
    return _detail(request.user, _fresh(person_id))


@router.get("/{int:person_id}/support-members", response=list[SupportMemberOut], summary="Family and support system")
def list_support_members(request, person_id: int, reason: str = ""):
    """Part of the file: the read is audited like the file itself (leaders and administrators pass `reason`)."""
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    return list(person.supporters.filter(is_active=True))


@router.post("/{int:person_id}/support-members", response={201: SupportMemberOut})
def add_support_member(request, person_id: int, payload: SupportMemberIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    return Status(201, services.support_member_save(actor=request.user, person=person, data=payload.dict()))


@router.get("/{int:person_id}/enrolments", response=list[EnrolmentOut], summary="Population records over time")
def list_enrolments(request, person_id: int, reason: str = ""):
    """Part of the file: the read is audited like the file itself (leaders and administrators pass `reason`)."""
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    visible = selectors.sees_offence(user=request.user, person=person)
    return [_enrolment_out(e, offence_visible=visible) for e in selectors.enrolments_of(person=person)]


@router.post("/{int:person_id}/enrolments", response={201: EnrolmentOut})
def add_enrolment(request, person_id: int, payload: EnrolmentIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    with api_field_names():
        enrolment = services.enrolment_add(actor=request.user, person=person,
                                           data=_resolve_refs(request, payload.dict()))
    return Status(201, _enrolment_out(enrolment, offence_visible=selectors.sees_offence(user=request.user, person=person)))


class ActiveIn(Schema):
    active: bool
    reason: str


@router.post("/{int:person_id}/active", response=PersonSummary, summary="Disable or enable a file (never deleted)")
def set_active(request, person_id: int, payload: ActiveIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    services.person_set_active(actor=request.user, person=person, active=payload.active, reason=payload.reason)
    return _summary(_fresh(person_id))


class SupportMemberPatch(Schema):
    kind: str | None = None
    name: str | None = None
    relation: str | None = None
    phone: str | None = None
    attitude: str | None = None
    lives_with: bool | None = None
    is_guardian: bool | None = None
    note: str | None = None


@router.patch("/{int:person_id}/support-members/{int:member_id}", response=SupportMemberOut)
def update_support_member(request, person_id: int, member_id: int, payload: SupportMemberPatch):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    member = get_object_or_404(person.supporters, pk=member_id)
    data = {k: ("" if v is None else v) for k, v in payload.dict(exclude_unset=True).items()}
    return services.support_member_save(actor=request.user, person=person, data=data, member=member)


class EnrolmentEndIn(Schema):
    end_date: dt.date
    reason: str


@router.post("/{int:person_id}/enrolments/{int:enrolment_id}/end", response=EnrolmentOut, summary="End a population record")
def end_enrolment(request, person_id: int, enrolment_id: int, payload: EnrolmentEndIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    enrolment = get_object_or_404(person.enrolments.select_related("organisation"), pk=enrolment_id)
    with api_field_names():
        services.enrolment_end(actor=request.user, enrolment=enrolment, end_date=payload.end_date,
                               reason=payload.reason)
    return _enrolment_out(enrolment, offence_visible=selectors.sees_offence(user=request.user, person=person))


class AssignmentIn(Schema):
    user_id: int
    task: str = ""
    may_see_offence: bool = False


class AssignmentOut(Schema):
    id: int
    user: Ref
    role: str
    task: str
    may_see_offence: bool


def _assignment_out(assignment) -> dict:
    return {"id": assignment.pk, "user": _ref(assignment.user, assignment.user.display_name),
            "role": assignment.user.role, "task": assignment.task, "may_see_offence": assignment.may_see_offence}


@router.get("/{int:person_id}/assignments", response=list[AssignmentOut], summary="Helpers given access to this file")
def list_assignments(request, person_id: int):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    return [_assignment_out(a) for a in person.assignments.select_related("user")]


@router.post("/{int:person_id}/assignments", response={201: AssignmentOut})
def add_assignment(request, person_id: int, payload: AssignmentIn):
    person = selectors.person_get_visible(user=request.user, pk=person_id)
    require(request.user, "people.assign_person", person)  # refused before the payload is looked into
    helper = users_visible_to(user=request.user).filter(pk=payload.user_id).first()
    if helper is None:
        raise ValidationError({"user_id": [_("No such active user within your reach.")]})
    with api_field_names():
        assignment = services.assignment_add(actor=request.user, person=person, user=helper, task=payload.task,
                                             may_see_offence=payload.may_see_offence)
    return Status(201, _assignment_out(assignment))
