"""Every list of the casework pages and API runs as many queries with many rows as with a few (the case page with
more contacts has its own test in test_views.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case, PracticeRule
from orgs.models import Area

from .conftest import cases_taken_on, contact_data, opening_requested


@pytest.fixture
def xiaoyu_case(xiaoyu) -> Case:
    """小宇's case, in intervention with an approved plan."""
    return Case.objects.select_related("person__area", "owner", "organisation").get(person=xiaoyu)


@pytest.fixture
def new_cases(staff):
    return lambda n: cases_taken_on(staff("sh_social2"), n)


def requested(staff, cases) -> None:
    opening_requested(cases, worker=staff("sh_social2"), supervisor=staff("sh_supervisor"))


def transferred(staff, cases) -> None:
    for case in cases:
        services.transfer_request(actor=staff("sh_social2"), case=case, to_owner=staff("sh_social"), reason="工作量调整")


def test_the_case_list(login, new_cases, flat_queries):
    new_cases(1)
    before, after = flat_queries(login("sh_social2"), reverse("casework:list"), lambda: new_cases(4))
    assert after.text.count('class="person-row"') == before.text.count('class="person-row"') + 4


def test_the_cases_in_the_api(login, new_cases, flat_queries):
    new_cases(1)
    before, after = flat_queries(login("sh_social2"), "/api/cases?mine=true", lambda: new_cases(4))
    assert after.json()["count"] == before.json()["count"] + 4


@pytest.mark.parametrize("url", [reverse("casework:approvals"), "/api/cases/approvals/waiting"])
def test_the_approval_queue(login, staff, new_cases, flat_queries, url):
    requested(staff, new_cases(1))
    before, after = flat_queries(login("sh_supervisor"), url, lambda: requested(staff, new_cases(4)))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("申请开案") == before.text.count("申请开案") + 4


@pytest.mark.parametrize("url", [reverse("casework:approvals"), "/api/cases/transfers/waiting"])
def test_the_transfers_waiting(login, staff, new_cases, flat_queries, url):
    transferred(staff, new_cases(1))
    before, after = flat_queries(login("sh_social"), url, lambda: transferred(staff, new_cases(4)))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("工作量调整") == before.text.count("工作量调整") + 4


@pytest.mark.parametrize("url", [reverse("casework:practice_rules"), "/api/cases/config/practice-rules"])
def test_the_practice_rules_with_district_values(login, staff, flat_queries, url):
    admin, district = staff("sh_admin"), Area.objects.get(code="310104")
    keys = iter(PracticeRule.objects.filter(area__isnull=True).order_by("key").values_list("key", flat=True))

    def set_rules(n):
        for _ in range(n):
            services.practice_rule_set(actor=admin, district=district, key=next(keys), value=9, source="区文件")

    set_rules(1)
    before, after = flat_queries(login("sh_admin"), url, lambda: set_rules(4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("区文件") == before.text.count("区文件") + 4


@pytest.mark.parametrize("part", ["timeline", "contacts"])
def test_the_timeline_and_the_contacts_of_a_case(login, staff, xiaoyu_case, flat_queries, part):
    def grow():
        for days_ago in (9, 7, 5, 3):
            services.contact_record(actor=staff("sh_social"), case=xiaoyu_case, data=contact_data(days_ago=days_ago))

    before, after = flat_queries(login("sh_social"), f"/api/cases/{xiaoyu_case.pk}/{part}", grow)
    assert len(after.json()) == len(before.json()) + 4


def test_the_appointments_of_a_case(login, staff, xiaoyu_case, flat_queries):
    def book(n):
        for day in range(n):
            services.appointment_book(actor=staff("sh_social"), case=xiaoyu_case, mode="office",
                                      planned_at=timezone.now() + dt.timedelta(days=10 + day))

    book(1)
    before, after = flat_queries(login("sh_social"), f"/api/cases/{xiaoyu_case.pk}/appointments", lambda: book(4))
    assert len(after.json()) == len(before.json()) + 4


def test_the_plan_versions_with_their_goals_and_tasks(login, staff, xiaoyu_case, flat_queries):
    worker, supervisor = staff("sh_social"), staff("sh_supervisor")

    def new_version(n):
        goals = [{"text": f"目标{n}-{g}", "tasks": [{"text": f"任务{n}-{g}-{t}", "owner": worker} for t in range(2)]}
                 for g in range(2)]
        services.plan_draft_save(actor=worker, case=xiaoyu_case, goals=goals)
        approval = services.plan_submit(actor=worker, case=xiaoyu_case)
        services.approval_decide(actor=supervisor, approval=approval, approve=True)

    def grow():
        for n in range(3):
            new_version(n)

    before, after = flat_queries(login("sh_social"), f"/api/cases/{xiaoyu_case.pk}/plan/versions", grow)
    assert len(after.json()) == len(before.json()) + 3
    assert [len(g["tasks"]) for g in after.json()[0]["goals"]] == [2, 2]


def test_the_plan_reviews_of_a_case(login, staff, xiaoyu_case, flat_queries):
    def review(n):
        for day in range(n):
            services.plan_review_record(actor=staff("sh_social"), case=xiaoyu_case, note="按计划推进",
                                        reviewed_on=timezone.localdate() - dt.timedelta(days=day))

    review(1)
    before, after = flat_queries(login("sh_social"), f"/api/cases/{xiaoyu_case.pk}/plan/reviews", lambda: review(4))
    assert len(after.json()) == len(before.json()) + 4


def test_the_consents_of_a_case(login, staff, xiaoyu_case, flat_queries):
    def consent(n):
        for day in range(n):
            services.consent_record(actor=staff("sh_social"), person=xiaoyu_case.person, case=xiaoyu_case,
                                    kind="sharing", given=True, given_by="本人", method="written",
                                    on=timezone.localdate() - dt.timedelta(days=day))

    consent(1)
    before, after = flat_queries(login("sh_social"), f"/api/cases/{xiaoyu_case.pk}/consents", lambda: consent(4))
    assert len(after.json()) == len(before.json()) + 4


def test_the_case_page_with_more_appointments_consents_and_reviews(login, staff, xiaoyu_case, flat_queries):
    worker = staff("sh_social")

    def grow(n):
        for k in range(n):
            services.appointment_book(actor=worker, case=xiaoyu_case, mode="office",
                                      planned_at=timezone.now() + dt.timedelta(days=10 + k))
            services.consent_record(actor=worker, person=xiaoyu_case.person, case=xiaoyu_case, kind="sharing",
                                    given=True, given_by="本人", method="written", on=timezone.localdate())
            services.plan_review_record(actor=worker, case=xiaoyu_case, note="按计划推进",
                                        reviewed_on=timezone.localdate())

    grow(1)
    before, after = flat_queries(login("sh_social"), xiaoyu_case.get_absolute_url(), lambda: grow(4))
    assert after.text.count("按计划推进") == before.text.count("按计划推进") + 4


def test_the_case_page_shows_a_plan_of_any_length_in_the_same_queries(login, staff, xiaoyu_case, flat_queries):
    """The plan's goals, their tasks and the tasks' owners are read together, not one query per goal or task."""
    from casework.models import Goal, Task
    from casework.selectors import current_plan

    plan = current_plan(xiaoyu_case)
    assert plan is not None

    def grow():
        for n in range(3):
            goal = Goal.objects.create(plan=plan, order=50 + n, text=f"新目标{n}")
            Task.objects.create(goal=goal, text=f"新任务{n}", owner=staff("sh_social2"))

    before, after = flat_queries(login("sh_social"), xiaoyu_case.get_absolute_url(), grow)
    assert after.text.count("新任务") == before.text.count("新任务") + 3
