"""Reads of people that depend on who is looking. The UI and the API both go through here."""

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import JUVENILE_RELATIONS, Action, IdVisibility, Relation, relations_for
from casework.models import Case
from conferences.models import Conference
from incidents.models import Incident
from tongxing.compiled import PREFIX, Compiled
from tongxing.crypto import search_hashes

from . import idnumbers
from .models import ADULT_AGE, Assignment, Enrolment, EnrolmentStatus, Person, SupportMember
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
    if not _relation_applies(user, relation):
        return []
    cutoff = _adult_cutoff()
    if person_id is not None:  # one file: a plain key, which a compiled statement can bind (`_standing`)
        one, one_through = {"pk": person_id}, {"person_id": person_id}
    elif among is not None:
        one, one_through = {"pk__one_of": among}, {"person_id__one_of": among}
    else:
        one = one_through = {}

    def people(**where):
        qs = Person.objects.filter(**where, **one)
        if narrow is not None:
            qs = qs.filter(narrow)
        return (qs.filter(birth_date__lte=cutoff) if adults_only else qs).order_by().values("pk")

    def through(model, **where):
        qs = model.objects.filter(**where, **one_through)
        return (qs.filter(person__birth_date__lte=cutoff) if adults_only else qs).order_by().values("person_id")

    if relation == Relation.OWN:
        return [people(owner_id=user.pk), through(Case, owner_id=user.pk), through(Assignment, user_id=user.pk)]
    if relation == Relation.TEAM:
        return [people(owner__team_id=user.team_id), through(Case, owner__team_id=user.team_id)]
    if relation == Relation.OFFICE:
        org = user.organisation_id
        return [people(organisation_id=org), through(Enrolment, organisation_id=org, status=EnrolmentStatus.ACTIVE),
                through(Case, organisation_id=org)]
    return [people(area__path__startswith=user.area_path)]  # OTHER_OFFICE


# What each relation is bound by: the user's id, team, office, area (a worker without a team has no team's files).
_RELATION_SLOTS = {Relation.OWN: ("user_id", "pk", int), Relation.TEAM: ("team_id", "team_id", int),
                   Relation.OFFICE: ("organisation_id", "organisation_id", int),
                   Relation.OTHER_OFFICE: ("area_path", "area_path", PREFIX)}


def _relation_applies(user, relation: Relation) -> bool:
    if relation not in _RELATION_SLOTS:
        raise ValueError(relation)
    return bool(getattr(user, _RELATION_SLOTS[relation][1]))


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
_LISTED_RELATED = ("area", "organisation", "owner")  # a list shows the street's name, not its chain


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
    the person is of age as `adults_only` counts it — in one query, compiled once for each set of relations asked;
    None when there is no such file."""
    asked = tuple(sorted((r for r in set(relations) - {Relation.OTHER_DISTRICT} if _relation_applies(user, r)),
                         key=lambda r: r.value))
    if type(person.pk) is not int:
        return None
    values = {"person_id": person.pk, "cutoff": _adult_cutoff()}
    for relation in asked:
        slot, attribute, _kind = _RELATION_SLOTS[relation]
        values[slot] = getattr(user, attribute)
    rows = _standing_statement(asked).rows(**values)
    if not rows:
        return None
    *answers, of_age = rows[0]
    return {relation for relation, yes in zip(asked, answers) if yes}, bool(of_age)


_STANDINGS: dict[tuple, Compiled] = {}


def _standing_statement(asked: tuple[Relation, ...]) -> Compiled:
    if asked not in _STANDINGS:
        def build(person_id, cutoff, **slots):
            user = SimpleNamespace(**{attribute: slots.get(slot)
                                      for slot, attribute, _kind in _RELATION_SLOTS.values()})
            wanted = {relation.value: ExpressionWrapper(any_of_ids(_relation_ids(
                user, relation, adults_only=False, person_id=person_id)), output_field=BooleanField())
                for relation in asked}
            # Born on or before the cut-off; an unknown birth date is not of age.
            wanted["of_age"] = ExpressionWrapper(Q(birth_date__lte=cutoff), output_field=BooleanField())
            return Person.objects.filter(pk=person_id).annotate(**wanted).order_by().values_list(*wanted)

        slots = {slot: kind for slot, _attribute, kind in (_RELATION_SLOTS[r] for r in asked)}
        _STANDINGS[asked] = Compiled(build, person_id=int, cutoff=dt.date, **slots)
    return _STANDINGS[asked]


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

    if type(pk) is int:
        person = next(iter(_PERSON_BY_PK.objects(pk=pk)), None)
    else:  # a key as text, say: the ORM converts it
        person = Person.objects.select_related(*_PERSON_RELATED).filter(pk=pk).first()
    if person is None or (not include_inactive and not person.is_active) or not reaches(user, person, Action.READ):
        raise Http404(Person._meta.object_name)
    return person


# The most opened file page reads the file and its lists with statements compiled once (tongxing/compiled.py).
_PERSON_BY_PK = Compiled(lambda pk: Person.objects.select_related(*_PERSON_RELATED).filter(pk=pk), pk=int)


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
    # A page's area, office and owner by their keys rather than joined: beside the scope's lookups, the joins made
    # PostgreSQL spend about 3 ms of a 4 ms plan choosing their order (at 1 M people), on every page of results.
    return qs.select_related(None).prefetch_related(*_LISTED_RELATED)


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


def _enrolments(person_id: int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(person_id=person_id).select_related("organisation")


def enrolments_of(*, person: Person) -> QuerySet[Enrolment]:
    return _enrolments(person.pk)


@dataclass
class PersonFile:
    """What the person's page shows besides the file itself, read as lists."""
    enrolments: list
    supporters: list
    assignments: list
    cases: list
    incidents: list
    conferences: list


# One statement each, compiled once (tongxing/compiled.py).
_FILE_LISTS = {
    "enrolments": Compiled(_enrolments, person_id=int),
    "supporters": Compiled(lambda person_id: SupportMember.objects.filter(person_id=person_id, is_active=True),
                           person_id=int),
    "assignments": Compiled(lambda person_id: Assignment.objects.filter(person_id=person_id).select_related(
        "user__organisation").order_by("id"), person_id=int),
    "cases": Compiled(lambda person_id: Case.objects.filter(person_id=person_id).select_related(
        "owner", "organisation"), person_id=int),
    "incidents": Compiled(lambda person_id: Incident.objects.filter(person_id=person_id)[:10], person_id=int),
    "conferences": Compiled(lambda person_id: Conference.objects.filter(person_id=person_id)[:10], person_id=int),
}


def person_file(*, person: Person) -> PersonFile:
    """The lists of the person's page (its populations, family, helpers, cases, latest crises and conferences): one
    compiled statement each, evaluated here rather than as the template reaches them."""
    return PersonFile(**{name: query.objects(person_id=person.pk) for name, query in _FILE_LISTS.items()})


def active_populations(*, person: Person) -> list[str]:
    return [e.population for e in person.enrolments.all() if e.status == EnrolmentStatus.ACTIVE]
