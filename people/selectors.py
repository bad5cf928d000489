"""Reads of people that depend on who is looking. The UI and the API both go through here."""

import re

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import JUVENILE_RELATIONS, Action, IdVisibility, Relation, relations_for
from casework.models import Case
from tongxing.crypto import search_hashes

from . import idnumbers
from .models import ADULT_AGE, Assignment, Enrolment, EnrolmentStatus, Person
from .names import pinyin_keys

ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
LATIN = re.compile(r"^[a-zA-Z]+$")


def _adult_cutoff(day=None):
    """Born on or before this day: of age on the day (today by default)."""
    day = day or timezone.localdate()
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February
        return day.replace(year=day.year - ADULT_AGE, day=28)


def juvenile_filter(day=None) -> Q:
    """People under 18 on the day (today by default), and people whose age is not known: protected until it is."""
    return Q(birth_date__gt=_adult_cutoff(day)) | Q(birth_date__isnull=True)


def _relation_ids(user, relation: Relation, *, adults_only: bool, person_id: int | None = None,
                  among: list[int] | None = None, narrow: Q | None = None) -> list[QuerySet]:
    """The ids of the people in one relation to the user, as id-only queries that each use an index.

    The relations are written as sets of ids joined by UNION rather than as conditions joined by OR: PostgreSQL
    answers an OR of conditions on several tables only by reading every file, a UNION of indexed lookups at once.
    With `person_id`, each lookup is narrowed to that one file (checks on a single file, e.g. `actions_on`); with
    `among`, to those files (the few a search found). `narrow`, a condition on the person that the caller applies
    anyway (a search), is applied inside the lookups on people too: the answer is the same — A ∩ (B ∪ C) =
    A ∩ ((A ∩ B) ∪ C) — but a leader's area is then the few people the search finds there, not the tens of thousands
    it holds, gathered and hashed on every search."""
    cutoff = _adult_cutoff()
    if person_id is not None:
        among = [person_id]
    one = {"pk__one_of": among} if among is not None else {}
    one_through = {"person_id__one_of": among} if among is not None else {}

    def people(**where):
        qs = Person.objects.filter(**where, **one)
        if narrow is not None:
            qs = qs.filter(narrow)
        return (qs.filter(birth_date__lte=cutoff) if adults_only else qs).order_by().values("pk")

    def through(model, **where):
        qs = model.objects.filter(**where, **one_through)
        return (qs.filter(person__birth_date__lte=cutoff) if adults_only else qs).order_by().values("person_id")

    if relation == Relation.OWN:
        return [people(owner=user), through(Case, owner=user), through(Assignment, user=user)]
    if relation == Relation.TEAM:
        return [people(owner__team_id=user.team_id), through(Case, owner__team_id=user.team_id)] \
            if user.team_id else []
    if relation == Relation.OFFICE:
        org = user.organisation_id
        return [people(organisation_id=org), through(Enrolment, organisation_id=org, status=EnrolmentStatus.ACTIVE),
                through(Case, organisation_id=org)] if org else []
    if relation == Relation.OTHER_OFFICE:
        return [people(area__path__startswith=user.area_path)] if user.area_path else []
    raise ValueError(relation)


def any_of_ids(branches: list[QuerySet]) -> Q:
    """`pk IN` the union of these id-only queries (nobody when there are none)."""
    if not branches:
        return Q(pk__in=[])
    return Q(pk__in=branches[0].union(*branches[1:], all=True)) if len(branches) > 1 else Q(pk__in=branches[0])


def _headed_relations(user) -> set[Relation]:
    """Where an organisation head sees juveniles: their organisation's own, and for a 司法所's head its streets."""
    from orgs.models import OrganisationKind

    if user.organisation_id and user.organisation.kind == OrganisationKind.JUDICIAL_OFFICE:
        return {Relation.OFFICE, Relation.OTHER_OFFICE}
    return {Relation.OFFICE}


def _sees_juveniles(user, relation: Relation) -> bool:
    return relation in JUVENILE_RELATIONS or (user.heads_office and relation in _headed_relations(user))


def scope_filter(user, action: Action = Action.READ, *, person_id: int | None = None,
                 among: list[int] | None = None, narrow: Q | None = None) -> Q:
    """The one definition of whose files a user reaches for an action, built from the access matrix
    (accounts.roles.ACCESS). Anyone outside every relation the user has is in the 'other district' column.
    `person_id` narrows the lookups to one file, for checks on it, and `among` to a few files (the result for
    those files is the same)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return Q(pk__in=[])
    relations = relations_for(user.role, action)
    if Relation.OTHER_DISTRICT in relations:  # no role reaches this far today; kept right for one that would
        shown = [b for r in relations if r != Relation.OTHER_DISTRICT and _sees_juveniles(user, r)
                 for b in _relation_ids(user, r, adults_only=False, person_id=person_id, among=among,
                                        narrow=narrow)]
        return ~juvenile_filter() | any_of_ids(shown)
    branches = []
    for relation in relations:
        branches += _relation_ids(user, relation, adults_only=not _sees_juveniles(user, relation),
                                  person_id=person_id, among=among, narrow=narrow)
    return any_of_ids(branches)


# The area chain is short and fixed (street → district → city → province): one join beats three lookups.
_PERSON_RELATED = ("area__parent__parent__parent", "organisation", "owner")


def people_visible_to(*, user, include_inactive: bool = False, action: Action = Action.READ,
                      among: list[int] | None = None, narrow: Q | None = None) -> QuerySet[Person]:
    """With `among`, only those of these files the user reaches; with `narrow`, only those that meet it."""
    qs = Person.objects.filter(scope_filter(user, action, among=among, narrow=narrow))
    if narrow is not None:
        qs = qs.filter(narrow)
    if among is not None:
        qs = qs.filter(pk__one_of=among)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.select_related(*_PERSON_RELATED)


def _standing(user, person: Person, relations) -> tuple[set[Relation], bool] | None:
    """In which of these relations the file stands to the user (each relation's lookups narrowed to it) and whether
    the person is of age as `adults_only` counts it — in one query; None when there is no such file."""
    wanted = {}
    for relation in set(relations) - {Relation.OTHER_DISTRICT}:
        branches = _relation_ids(user, relation, adults_only=False, person_id=person.pk)
        if branches:
            wanted[relation.value] = ExpressionWrapper(any_of_ids(branches), output_field=BooleanField())
    # Born on or before the cut-off; an unknown birth date is not of age.
    wanted["of_age"] = ExpressionWrapper(Q(birth_date__lte=_adult_cutoff()), output_field=BooleanField())
    row = Person.objects.filter(pk=person.pk).annotate(**wanted).values(*wanted).first()
    if row is None:
        return None
    of_age = bool(row.pop("of_age"))
    return {Relation(r) for r, yes in row.items() if yes}, of_age


def actions_on(*, user, person: Person) -> frozenset[Action]:
    """Every action the access matrix gives the user on this file, in one query: which relations the file stands in
    to the user and whether the person is of age (`_standing`). The matrix then answers every action as
    `scope_filter` would — one lookup per relation rather than one per relation and action, which the person and
    case pages used to compile four times over."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return frozenset()
    by_action = {action: relations_for(user.role, action) for action in Action}
    standing = _standing(user, person, {r for relations in by_action.values() for r in relations})
    if standing is None:
        return frozenset()
    stands_in, of_age = standing

    def granted(relations) -> bool:
        if Relation.OTHER_DISTRICT in relations:  # as in scope_filter: every adult, and the juveniles shown
            return of_age or any(r in stands_in and _sees_juveniles(user, r) for r in relations)
        return any(r in stands_in and (of_age or _sees_juveniles(user, r)) for r in relations)

    return frozenset(action for action, relations in by_action.items() if granted(relations))


def relations_of(*, user, person: Person) -> set[Relation]:
    """Every relation in which this person stands to the user (none: the other-district column)."""
    found = (_standing(user, person, Relation) or (set(), False))[0]
    return found or {Relation.OTHER_DISTRICT}


def person_get_visible(*, user, pk: int, include_inactive: bool = True) -> Person:
    """The person, or 404 — out of reach looks exactly like not existing.

    Fetched by its key, then asked `actions_on` (which `people.rules` remembers on the instance, so the page's
    later permission checks on the file cost nothing) instead of fetched through the whole reading scope and
    asked again: the same answer (people/tests/test_selectors.py), one compiled lookup instead of two."""
    from .rules import reaches

    person = Person.objects.select_related(*_PERSON_RELATED).filter(pk=pk).first()
    if person is None or (not include_inactive and not person.is_active) or not reaches(user, person, Action.READ):
        raise Http404(Person._meta.object_name)
    return person


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
        if ID_TAIL.match(q):
            return Q(id_last4_hash__in=search_hashes(q))
        return Q(id_number_hash__in=search_hashes(normalised))
    compact = re.sub(r"\s+", "", q)
    if LATIN.match(compact):
        key = compact.lower()
        return (Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
                | Q(pseudonym_pinyin__startswith=key) | Q(pseudonym_initials__startswith=key))
    full, _initials = pinyin_keys(compact)
    # Any part of the name or pseudonym (the start of one of its fragments: indexed), or a name that sounds the same.
    return Q(name_fragments__contains=f" {compact}") | Q(name_pinyin__startswith=full)


def _reaches_widely(user) -> bool:
    """A user whose organisation serves a city or a province."""
    from orgs.models import AreaLevel

    return bool(getattr(user, "organisation_id", None)) and \
        user.organisation.area.level in (AreaLevel.PROVINCE, AreaLevel.CITY)


def person_search(*, user, query: str = "", population: str = "", action: Action = Action.READ) -> QuerySet[Person]:
    # Only roles that see whole numbers search by them: a match on a masked or hidden number would confirm a guess.
    by_id = user.is_authenticated and bool(user.role) and user.policy.id_number == IdVisibility.FULL
    match = search_filter(query, by_id_number=by_id)
    if query.strip() and _reaches_widely(user):
        # Tens of thousands of files in reach: the search goes inside the scope's lookups (`narrow`), so the area
        # is only its matches. For a district or a street, gathering its few thousand files first is faster than
        # finding a common name across the country, so there the search filters the scope.
        qs = people_visible_to(user=user, action=action, narrow=match)
    else:
        qs = people_visible_to(user=user, action=action).filter(match)
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
