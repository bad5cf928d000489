"""Whose files each role reaches, and how search finds people."""

import pytest
from django.db import connection

from accounts.roles import Action
from people.models import Person
from people.selectors import juvenile_filter, people_visible_to, person_search


def test_a_social_worker_sees_own_and_team_people_only(staff):
    worker = staff("sh_social")
    visible = people_visible_to(user=worker)
    assert visible.exists()
    team_ids = set(worker.team.members.values_list("pk", flat=True))
    assert all(p.owner_id in team_ids for p in visible)
    assert not visible.filter(area__path__startswith="110000/").exists()


def test_a_judicial_officer_sees_everyone_living_in_the_office_street(staff):
    officer = staff("sh_officer")
    street = officer.organisation.area
    residents = Person.objects.filter(area=street, is_active=True).count()
    assert residents > 0
    assert people_visible_to(user=officer).filter(area=street).count() == residents


def test_a_bureau_leader_sees_the_whole_district_and_nothing_beyond(staff):
    leader = staff("bj_leader")
    visible = people_visible_to(user=leader)
    assert visible.count() == Person.objects.filter(area__path__startswith="110000/110100/110101/").count()


def test_a_volunteer_sees_only_assigned_people(staff):
    volunteer = staff("sh_volunteer")
    visible = set(people_visible_to(user=volunteer).values_list("pk", flat=True))
    assigned = set(volunteer.assignments.values_list("person_id", flat=True))
    assert visible == assigned and visible


def test_a_supervisor_sees_the_organisations_people_but_a_worker_of_another_centre_does_not(staff, xiaoyu):
    assert people_visible_to(user=staff("sh_supervisor")).filter(pk=xiaoyu.pk).exists()
    # 小宇 is also enrolled as youth (served by the 阳光 centre), but its worker is not on his case.
    assert not people_visible_to(user=staff("sh_youth_social")).filter(pk=xiaoyu.pk).exists()


def test_pinyin_initials_find_xiaoyu(staff, xiaoyu):
    assert xiaoyu in person_search(user=staff("sh_social"), query="xy")


def test_full_pinyin_and_upper_case_find_xiaoyu(staff, xiaoyu):
    assert xiaoyu in person_search(user=staff("sh_social"), query="XiaoYu")


def test_the_pseudonym_in_characters_finds_xiaoyu(staff, xiaoyu):
    assert list(person_search(user=staff("sh_social"), query="小宇")) == [xiaoyu]


def test_the_real_name_and_its_initials_find_the_person(staff, xiaoyu):
    worker = staff("sh_social")
    assert xiaoyu in person_search(user=worker, query=xiaoyu.full_name)
    assert xiaoyu in person_search(user=worker, query=xiaoyu.name_initials)


def test_any_part_of_the_name_finds_the_person_even_two_characters(staff, xiaoyu):
    worker = staff("sh_social")
    name = xiaoyu.full_name
    for part in {name[-2:], name[:2], name[-1:], name, f" {name[:1]} {name[1:]} "}:
        assert xiaoyu in person_search(user=worker, query=part), part
    assert xiaoyu not in person_search(user=worker, query=name[::-1] + "甲")


def test_the_name_fragments_follow_an_edit_of_the_name(staff, xiaoyu):
    from people.services import person_update

    worker = staff("sh_social")
    old_name = xiaoyu.full_name
    person_update(actor=worker, person=xiaoyu, data={"full_name": "欧阳曹帅"}, expected_version=xiaoyu.version)
    assert xiaoyu in person_search(user=worker, query="曹帅")
    assert xiaoyu in person_search(user=worker, query="阳曹")
    assert xiaoyu not in person_search(user=worker, query=old_name)


def test_the_last_four_characters_of_the_id_number_find_the_person(staff, xiaoyu):
    assert xiaoyu in person_search(user=staff("sh_social"), query=xiaoyu.id_number[-4:])


def test_a_whole_id_number_finds_the_person_by_its_keyed_hash(staff, xiaoyu):
    assert list(person_search(user=staff("sh_social"), query=xiaoyu.id_number.lower())) == [xiaoyu]


def test_search_never_reaches_beyond_scope(staff, xiaoyu):
    assert not person_search(user=staff("bj_officer"), query="xy").filter(pk=xiaoyu.pk).exists()


def test_a_population_filter_keeps_only_active_members(staff):
    youth = person_search(user=staff("hz_leader"), population="youth")
    assert youth.exists()
    assert all(any(e.population == "youth" and e.status == "active" for e in p.enrolments.all()) for p in youth)


USERS = ["sh_social", "sh_youth_social", "sh_supervisor", "sh_officer", "sh_leader", "sh_volunteer", "sh_admin",
         "bj_officer", "bj_leader", "bj_social", "hz_community", "hz_supervisor", "hz_leader"]


def test_the_scope_asked_about_a_few_files_answers_as_the_whole_scope(staff):
    """`among` (an import asks about the thousand files it opens) narrows every lookup, never the answer."""
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for username in USERS:
        user = staff(username)
        for action in Action:
            whole = set(people_visible_to(user=user, include_inactive=True, action=action).values_list("pk", flat=True))
            for part in (ids[::3], ids[1::3], ids[2::3]):
                narrowed = people_visible_to(user=user, include_inactive=True, action=action, among=part)
                assert set(narrowed.values_list("pk", flat=True)) == whole & set(part), (username, action)


def test_the_actions_on_one_file_are_those_of_the_whole_scope(staff):
    """`actions_on` (every permission on a file) derives the actions from the file's relations to the user and its
    age; it must answer as the scope of each action does — juveniles, unknown ages and heads of office included."""
    from people.selectors import actions_on

    people = list(Person.objects.order_by("pk"))
    assert any(p.birth_date is None for p in people) or Person.objects.filter(juvenile_filter()).exists()
    for username in USERS:
        user = staff(username)
        scopes = {action: set(people_visible_to(user=user, include_inactive=True, action=action)
                              .values_list("pk", flat=True)) for action in Action}
        for person in people:
            expected = {action for action, ids in scopes.items() if person.pk in ids}
            assert actions_on(user=user, person=person) == expected, (username, person.full_name)


def test_a_search_inside_the_scope_answers_as_the_scope_then_the_search(staff):
    """A search applied inside the scope's lookups (for leaders over a city or a province, whose area is then only
    its matches) answers as the scope then the search."""
    from accounts.roles import IdVisibility
    from people.selectors import search_filter

    names = list(Person.objects.order_by("pk").values_list("full_name", flat=True))
    queries = {names[0][:1], names[1], names[2][-1], "x", "zh", "1234", "某"}
    for username in USERS:
        user = staff(username)
        for action in (Action.READ, Action.WRITE):
            whole = people_visible_to(user=user, action=action)
            for query in queries:
                match = search_filter(query, by_id_number=user.policy.id_number == IdVisibility.FULL)
                expected = set(whole.filter(match).values_list("pk", flat=True))
                found = set(person_search(user=user, query=query, action=action).values_list("pk", flat=True))
                inside = set(people_visible_to(user=user, action=action, narrow=match).values_list("pk", flat=True))
                assert found == inside == expected, (username, action, query)


def test_the_person_pages_lists_are_the_files_own_in_their_order(xiaoyu, staff):
    from people.selectors import person_file

    found = person_file(person=xiaoyu)
    expected = {
        "enrolments": xiaoyu.enrolments.all(), "supporters": xiaoyu.supporters.filter(is_active=True),
        "assignments": xiaoyu.assignments.order_by("id"), "cases": xiaoyu.cases.all(),
        "incidents": xiaoyu.incidents.all()[:10], "conferences": xiaoyu.conferences.all()[:10],
    }
    for name, queryset in expected.items():
        assert [r.pk for r in getattr(found, name)] == [r.pk for r in queryset], name
    assert found.enrolments and found.cases and found.supporters  # the seed's file has each of these
    assert found.cases[0].owner.display_name and found.enrolments[0].organisation.name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_searched_columns_keep_finer_statistics_for_the_planner(db):
    # Without them PostgreSQL misjudges a common name's matches and reads every one in the country (migration 0008).
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = 'people_person'::regclass "
                       "AND attstattarget > 0")
        targets = dict(cursor.fetchall())
    assert targets == {column: 1000 for column in ("name_pinyin", "name_fragments", "name_initials",
                                                    "pseudonym_pinyin", "pseudonym_initials")}
