"""The casework pages: a worker and a supervisor taking a case through the process."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import services
from casework.models import Case, Stage

from .conftest import contact_data


def test_a_worker_takes_on_a_case_from_the_person_page(login, resettlement_person):
    client = login("sh_social2")
    page = client.get(resettlement_person.get_absolute_url())
    assert reverse("casework:open", args=[resettlement_person.pk]) in page.text
    response = client.post(reverse("casework:open", args=[resettlement_person.pk]), {"population": "resettlement"})
    case = Case.objects.get(person=resettlement_person)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()


def test_the_case_page_shows_the_next_protocol_step_and_the_owners_actions(login, case_b):
    page = login("sh_social2").get(case_b.get_absolute_url()).text
    assert "制定初次家访计划" in page and reverse("casework:act", args=[case_b.pk, "begin_assessment"]) in page


def test_a_colleague_sees_the_case_but_not_the_owners_actions(login, case_b):
    page = login("sh_supervisor").get(case_b.get_absolute_url()).text
    assert "制定初次家访计划" in page and "begin_assessment" not in page


def test_an_out_of_scope_user_gets_404_for_the_case(login, case_b):
    assert login("bj_officer").get(case_b.get_absolute_url()).status_code == 404


def test_an_action_taken_from_the_page_moves_the_stage(login, case_b):
    response = login("sh_social2").post(reverse("casework:act", args=[case_b.pk, "begin_assessment"]),
                                        {"reason": "", "version": case_b.version})
    case_b.refresh_from_db()
    assert response.status_code == 302 and case_b.stage == Stage.ASSESSMENT


def test_a_refused_action_says_why_on_the_page(login, case_b):
    response = login("sh_social2").post(reverse("casework:act", args=[case_b.pk, "start_review"]), {"reason": ""})
    assert response.status_code == 200 and "errorlist" in response.text


def test_the_supervisor_finds_the_request_in_the_queue_and_approves_it(login, staff, case_b):
    worker = staff("sh_social2")
    services.case_act(actor=worker, case=case_b, action="begin_assessment")
    services.assessment_record(actor=worker, case=case_b, data={"main_problems": "就业", "analysis": "可开案"})
    services.supervisor_opinion_record(actor=staff("sh_supervisor"), case=case_b, opinion="同意申请")
    services.case_act(actor=worker, case=case_b, action="request_opening", reason="申请开案")
    supervisor = login("sh_supervisor")
    approval = case_b.approvals.get()
    assert reverse("casework:approval_decide", args=[approval.pk]) in supervisor.get(reverse("casework:approvals")).text
    assert "申请开案" not in login("sh_social2").get(reverse("casework:approvals")).text  # not one's own
    supervisor.post(reverse("casework:approval_decide", args=[approval.pk]), {"approve": "1", "note": "同意"})
    case_b.refresh_from_db()
    assert case_b.stage == Stage.OPEN


def test_a_long_first_interview_recorded_on_the_page_shows_the_warning(login, case_b):
    data = contact_data(minutes=45, mode="office")
    response = login("sh_social2").post(reverse("casework:contact_new", args=[case_b.pk]), {
        "mode": "office", "met": "person", "place": "司法所",
        "started_at": data["started_at"].strftime("%Y-%m-%dT%H:%M"),
        "ended_at": data["ended_at"].strftime("%Y-%m-%dT%H:%M"), "process_note": "介绍社工工作"}, follow=True)
    assert "30" in response.text and "篇二" in response.text


def test_the_booking_page_shows_the_advised_length(login, case_b):
    page = login("sh_social2").get(reverse("casework:appointment_new", args=[case_b.pk]))
    assert "30" in page.text and 'value="30"' in page.text


def test_the_plan_form_reads_tasks_with_owner_and_due_date(login, staff, case_b):
    case_b.stage = Stage.OPEN
    case_b.save()
    response = login("sh_social2").post(reverse("casework:plan", args=[case_b.pk]), {
        "goals-TOTAL_FORMS": "2", "goals-INITIAL_FORMS": "0", "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "12",
        "goals-0-text": "稳定就业", "goals-0-status": "open",
        "goals-0-tasks": "推荐职业培训 ｜ sh_social2 ｜ 2026-12-31\n每周报告求职情况 ｜ 本人",
        "goals-1-text": "", "goals-1-status": "open", "goals-1-tasks": "", "review_on": "", "note": ""})
    assert response.status_code == 302
    tasks = list(case_b.plan_versions.get().goals.get().tasks.order_by("id"))
    assert tasks[0].owner == staff("sh_social2") and str(tasks[0].due_on) == "2026-12-31"
    assert tasks[1].owner is None and tasks[1].owner_note == "本人"


def test_the_case_page_query_count_does_not_grow_with_the_history(login, staff, case_b):
    client = login("sh_social2")
    for days_ago in (30, 25, 20):  # past the second interview, whose advised length is looked up separately
        services.contact_record(actor=staff("sh_social2"), case=case_b, data=contact_data(days_ago=days_ago))
    with CaptureQueriesContext(connection) as before:
        client.get(case_b.get_absolute_url())
    for days_ago in (15, 10, 5, 2):
        services.contact_record(actor=staff("sh_social2"), case=case_b, data=contact_data(days_ago=days_ago))
    with CaptureQueriesContext(connection) as after:
        client.get(case_b.get_absolute_url())
    assert len(after) == len(before) <= 40, len(before)


def test_an_administrator_sets_a_district_value_on_the_practice_rules_page(login):
    from casework.models import PracticeRule
    from orgs.models import Area

    client = login("sh_admin")
    page = client.get(reverse("casework:practice_rules"))
    assert "初次面谈" in page.text and "社区矫正对象社工初期介入计划" in page.text
    district = Area.objects.get(code="310104")
    client.post(reverse("casework:practice_rules"), {"district": district.pk, "key": "first_interview_max_minutes",
                                                      "value": "20", "source": "区局通知"})
    assert PracticeRule.objects.get(key="first_interview_max_minutes", area=district).value == 20
