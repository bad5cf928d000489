"""The lists of people and of a file's parts run as many queries with many rows as with a few (the person list,
and the file page with a growing family, have their own tests in test_views.py)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from audit.services import audit_record
from conferences.services import conference_schedule
from demo.builder import DEMO_PASSWORD
from incidents.services import incident_record
from people.models import Enrolment
from people.services import assignment_add, enrolment_add, enrolment_end, person_create, support_member_save


def test_the_people_api_list(login, staff, xiaoyu, flat_queries):
    worker = staff("sh_social")

    def person(n):
        created = person_create(actor=worker, data={"full_name": f"查询{n}", "sex": "M", "area": xiaoyu.area,
                                                     "birth_date": dt.date(1990, 1, n + 1), "owner": worker})
        enrolment_add(actor=worker, person=created, data={"population": "resettlement", "release_source": "prison",
                                                          "release_date": dt.date(2026, 6, n + 1)})

    person(0)
    before, after = flat_queries(login("sh_social"), "/api/people?q=查询", lambda: [person(n) for n in range(1, 6)])
    assert (before.json()["count"], after.json()["count"]) == (1, 6)
    assert after.json()["items"][0]["populations"] == ["resettlement"]


def test_the_audit_trail_of_a_file(login, staff, xiaoyu, flat_queries):
    worker = staff("sh_social")
    url = reverse("people:audit", args=[xiaoyu.pk])

    def grow():
        for n in range(5):
            audit_record(actor=worker, action=f"test.step{n}", target=xiaoyu, person=xiaoyu)

    before, after = flat_queries(login("sh_social"), url, grow)
    assert "test.step4" in after.text and "test.step4" not in before.text


def test_the_family_and_support_members_in_the_api(login, staff, xiaoyu, flat_queries):
    def grow():
        for n in range(5):
            support_member_save(actor=staff("sh_social"), person=xiaoyu, data={"name": f"亲属{n}", "relation": "舅舅"})

    before, after = flat_queries(login("sh_social"), f"/api/people/{xiaoyu.pk}/support-members", grow)
    assert len(after.json()) == len(before.json()) + 5


def youth_records(worker, person, n: int) -> None:
    """n more youth records of the person: the active one ended, a new one started, n times."""
    youth = Enrolment.objects.get(person=person, population="youth", status="active")
    for _ in range(n):
        enrolment_end(actor=worker, enrolment=youth, end_date=youth.start_date, reason="转介")
        youth = enrolment_add(actor=worker, person=person, data={
            "population": "youth", "start_date": youth.start_date + dt.timedelta(days=1)})


def helpers(worker, person, n: int) -> None:
    """n more volunteers of the worker's organisation, each given access to the file."""
    for _ in range(n):
        k = User.objects.count()
        user = user_create(actor=None, username=f"helper{k}", password=DEMO_PASSWORD, role="volunteer",
                           organisation=worker.organisation, full_name=f"志愿者{k}")
        assignment_add(actor=worker, person=person, user=user, task="陪同")


def test_the_population_records_in_the_api(login, staff, xiaoyu, flat_queries):
    before, after = flat_queries(login("sh_social"), f"/api/people/{xiaoyu.pk}/enrolments",
                                 lambda: youth_records(staff("sh_social"), xiaoyu, 4))
    assert len(after.json()) == len(before.json()) + 4


def test_the_helpers_of_a_file_in_the_api(login, staff, xiaoyu, flat_queries):
    helpers(staff("sh_social"), xiaoyu, 1)
    before, after = flat_queries(login("sh_social"), f"/api/people/{xiaoyu.pk}/assignments",
                                 lambda: helpers(staff("sh_social"), xiaoyu, 5))
    assert len(after.json()) == len(before.json()) + 5


def test_the_file_page_with_more_records_of_every_kind(login, staff, xiaoyu, flat_queries):
    """Population records, helpers, incidents and conferences (the family: test_views.py)."""
    worker = staff("sh_social")

    def grow(n):
        youth_records(worker, xiaoyu, n)
        helpers(worker, xiaoyu, n)
        for k in range(n):
            incident_record(actor=worker, person=xiaoyu, kind="lost_contact", place="住所", description="联系不上",
                            immediate_actions="联系家属", occurred_at=timezone.now() - dt.timedelta(hours=k + 1))
            conference_schedule(actor=worker, person=xiaoyu, place="司法所",
                                scheduled_for=timezone.now() + dt.timedelta(days=k + 1))

    grow(1)
    before, after = flat_queries(login("sh_social"), xiaoyu.get_absolute_url(), lambda: grow(4))
    for marker in ('class="record ended"', "志愿者", "/incidents/", "/conferences/"):
        assert after.text.count(marker) > before.text.count(marker), marker
