import pytest
from django.http import Http404
from django.utils import timezone

from casework.models import Case
from casework.selectors import case_get_visible, cases_visible_to
from people.selectors import person_get_visible, people_visible_to
from people.models import Person

USERS = ["sh_social", "sh_social2", "sh_youth_social", "sh_supervisor", "sh_officer", "sh_leader", "sh_volunteer",
         "sh_admin", "bj_officer", "bj_leader", "bj_social", "hz_community", "hz_supervisor", "hz_leader"]


def _found(get, **kwargs) -> bool:
    try:
        get(**kwargs)
    except Http404:
        return False
    return True


def test_one_case_is_found_exactly_when_the_list_of_reachable_cases_holds_it(staff):
    """The case pages fetch their case by its key and check it (`case_get_visible`); the answer must be the
    case list's — juveniles, other offices and assignments included."""
    cases = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    assert cases
    for username in USERS:
        user = staff(username)
        reachable = set(cases_visible_to(user=user).values_list("pk", flat=True))
        found = {pk for pk in cases if _found(case_get_visible, user=user, pk=pk)}
        assert found == reachable, username
    with pytest.raises(Http404):
        case_get_visible(user=staff("sh_social"), pk=max(cases) + 1)


def test_a_file_in_reach_does_not_open_its_cases_out_of_reach(staff):
    """A worker who holds one of a person's cases reads the file, not the person's other cases."""
    own = Case.objects.filter(owner=staff("sh_social")).select_related("person").first()
    other = Case.objects.create(person=own.person, population=own.population, owner=staff("bj_social"),
                                organisation=staff("bj_social").organisation, stage="closed",
                                stage_since=timezone.now())  # an earlier episode, held elsewhere
    worker = staff("sh_social")
    assert _found(person_get_visible, user=worker, pk=own.person_id)
    assert _found(case_get_visible, user=worker, pk=own.pk)
    assert not _found(case_get_visible, user=worker, pk=other.pk)
    assert not cases_visible_to(user=worker).filter(pk=other.pk).exists()


def test_one_file_is_found_exactly_when_the_readable_files_hold_it(staff):
    """`person_get_visible` as the list of readable files answers (every file's actions are tested against the
    scopes in people/tests/test_selectors.py; here a sample, and a closed file)."""
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))[::5]
    for username in USERS:
        user = staff(username)
        readable = set(people_visible_to(user=user, include_inactive=True).values_list("pk", flat=True))
        assert {pk for pk in people if _found(person_get_visible, user=user, pk=pk)} == readable & set(people)
    worker = staff("sh_social")
    closed = people_visible_to(user=worker).first()
    Person.objects.filter(pk=closed.pk).update(is_active=False)
    assert _found(person_get_visible, user=worker, pk=closed.pk)
    assert not _found(person_get_visible, user=worker, pk=closed.pk, include_inactive=False)


def test_a_file_handed_to_the_opening_is_checked_all_the_same(staff, rf):
    """`open_file(person=…)` takes a file already fetched; one out of the user's reach is still a 404."""
    from people.access import open_file

    outsider = staff("bj_social")
    person = Person.objects.exclude(pk__in=people_visible_to(user=outsider, include_inactive=True).values("pk")).first()
    request = rf.get("/")
    request.user, request.session = outsider, {}
    with pytest.raises(Http404):
        open_file(request, person.pk, person=person)


@pytest.mark.parametrize("username", ["sh_supervisor", "sh_social", "sh_leader"])
def test_a_list_of_cases_joins_only_what_it_shows(staff, username):
    """Beside the two scopes' lookups, each table joined counts against the joins PostgreSQL will reorder
    (join_collapse_limit, 8). With the person's four-level area chain and the protocol joined too, a supervisor's
    list ordered by date joined every case in the country before keeping the team's (3 s at 1 M people)."""
    page = cases_visible_to(user=staff(username)).order_by("-stage_since", "-id")[:25]
    compiler = page.query.get_compiler(using=page.db)
    compiler.as_sql()
    read_from = {column.alias for column, _sql, _alias in compiler.select}
    assert read_from == {"casework_case", "people_person", "accounts_user", "orgs_organisation"}
    assert list(page)  # and the list still reads
