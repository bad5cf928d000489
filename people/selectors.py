"""Reads of people that depend on who is looking. The UI and the API both go through here."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import IdVisibility, Scope
from casework.models import Case
from tongxing.crypto import keyed_hash

from . import idnumbers
from .models import Assignment, Enrolment, EnrolmentStatus, Person
from .names import pinyin_keys

ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
LATIN = re.compile(r"^[a-zA-Z]+$")


def scope_filter(user) -> Q:
    """The one definition of whose files a user reaches (accounts.roles.ROLE_POLICIES says which scope)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return Q(pk__in=[])
    reach = Q(Exists(Assignment.objects.filter(person=OuterRef("pk"), user=user)))
    scope = user.policy.person_scope
    if scope == Scope.OWN_AND_TEAM:
        # The people I (or my team) am responsible for, or whose case I (or my team) own.
        reach |= Q(owner=user) | Q(Exists(Case.objects.filter(person=OuterRef("pk"), owner=user)))
        if user.team_id:
            reach |= Q(owner__team_id=user.team_id)
            reach |= Q(Exists(Case.objects.filter(person=OuterRef("pk"), owner__team_id=user.team_id)))
    if scope in (Scope.ORGANISATION, Scope.OFFICE_AREA) and user.organisation_id:
        reach |= Q(organisation_id=user.organisation_id)
        reach |= Q(Exists(Enrolment.objects.filter(person=OuterRef("pk"), organisation_id=user.organisation_id,
                                                   status=EnrolmentStatus.ACTIVE)))
        reach |= Q(Exists(Case.objects.filter(person=OuterRef("pk"), organisation_id=user.organisation_id)))
    if scope in (Scope.OFFICE_AREA, Scope.AREA) and user.area_path:
        reach |= Q(area__path__startswith=user.area_path)
    return reach


def people_visible_to(*, user, include_inactive: bool = False) -> QuerySet[Person]:
    qs = Person.objects.filter(scope_filter(user))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    # The area chain is short and fixed (street → district → city → province): one join beats three lookups.
    return qs.select_related("area__parent__parent__parent", "organisation", "owner")


def person_get_visible(*, user, pk: int, include_inactive: bool = True) -> Person:
    """The person, or 404 — out of reach looks exactly like not existing."""
    return get_object_or_404(people_visible_to(user=user, include_inactive=include_inactive), pk=pk)


def search_filter(query: str, *, by_id_number: bool = True) -> Q:
    """Name, pseudonym, pinyin (full or initials), the last four of the ID number, or a whole ID number.

    Roles that may not see ID numbers cannot search by them either (a match would confirm a guess).
    """
    q = query.strip()
    if not q:
        return Q()
    normalised = idnumbers.normalise(q)
    if ID_TAIL.match(q) or idnumbers.FORMAT.match(normalised):
        if not by_id_number:
            return Q(pk__in=[])
        return Q(id_last4=q.upper()) if ID_TAIL.match(q) else Q(id_number_hash=keyed_hash(normalised))
    compact = re.sub(r"\s+", "", q)
    if LATIN.match(compact):
        key = compact.lower()
        return (Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
                | Q(pseudonym_pinyin__startswith=key) | Q(pseudonym_initials__startswith=key))
    full, _initials = pinyin_keys(q)
    return Q(full_name__contains=q) | Q(pseudonym__contains=q) | Q(name_pinyin__startswith=full)


def person_search(*, user, query: str = "", population: str = "") -> QuerySet[Person]:
    by_id = user.is_authenticated and bool(user.role) and user.policy.id_number != IdVisibility.NONE
    qs = people_visible_to(user=user).filter(search_filter(query, by_id_number=by_id))
    if population:
        qs = qs.filter(Exists(Enrolment.objects.filter(person=OuterRef("pk"), population=population,
                                                       status=EnrolmentStatus.ACTIVE)))
    return qs


def _assignment(user, person) -> Assignment | None:
    cache = getattr(person, "_assignment_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Assignment.objects.filter(person=person, user=user).first()
        person._assignment_cache = cache
    return cache[user.pk]


def id_number_for(*, user, person: Person) -> str | None:
    """The ID number as this user may see it: whole, masked, or not at all (None)."""
    visibility = user.policy.id_number
    if not person.id_number or visibility == IdVisibility.NONE:
        return None
    if visibility == IdVisibility.FULL:
        return person.id_number
    return idnumbers.masked(person.id_number)


def sees_offence(*, user, person: Person) -> bool:
    if user.policy.sees_offence:
        return True
    assignment = _assignment(user, person)
    return bool(assignment and assignment.may_see_offence)


def enrolments_of(*, person: Person) -> QuerySet[Enrolment]:
    return person.enrolments.select_related("organisation").all()


def active_populations(*, person: Person) -> list[str]:
    return [e.population for e in person.enrolments.all() if e.status == EnrolmentStatus.ACTIVE]
