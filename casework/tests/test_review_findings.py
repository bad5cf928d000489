"""Holes a review found in the casework, kept closed."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.services import api_token_create
from audit.models import AuditEvent
from casework import selectors, services
from casework.models import ApprovalKind, PlanStatus, Stage

from .conftest import contact_data
from .test_services import open_to_intervention


def to_assessment(case, worker, supervisor):
    services.case_act(actor=worker, case=case, action="begin_assessment")
    services.assessment_record(actor=worker, case=case, data={"main_problems": "x", "analysis": "y"})
    services.supervisor_opinion_record(actor=supervisor, case=case, opinion="同意")


def test_owning_one_of_a_persons_cases_does_not_open_their_other_cases(staff, xiaoyu):
    youth_worker = staff("sh_youth_social")  # of the 阳光 centre, which serves youth in the Shanghai model
    youth_case = services.case_open(actor=staff("sh_social"), person=xiaoyu, population="youth", owner=youth_worker)
    visible = selectors.cases_visible_to(user=youth_worker)
    assert youth_case in visible and not visible.filter(population="correction").exists()


def test_only_approvers_see_the_approval_queue(staff, case_b):
    to_assessment(case_b, staff("sh_social2"), staff("sh_supervisor"))
    services.case_act(actor=staff("sh_social2"), case=case_b, action="request_opening")
    assert selectors.approvals_waiting_for(user=staff("sh_supervisor")).filter(case=case_b).exists()
    assert not selectors.approvals_waiting_for(user=staff("sh_social")).exists()
    assert not selectors.approvals_waiting_for(user=staff("sh_volunteer")).exists()


def test_a_second_stage_request_waits_for_the_first(staff, case_b):
    worker = staff("sh_social2")
    to_assessment(case_b, worker, staff("sh_supervisor"))
    for days_ago in (9, 6, 3):
        services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=days_ago))
    services.case_act(actor=worker, case=case_b, action="request_stop", reason="抗拒")
    with pytest.raises(ValidationError):
        services.case_act(actor=worker, case=case_b, action="request_opening")


def test_an_approval_that_no_longer_fits_the_stage_is_refused(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    case = open_to_intervention(case_b, worker, supervisor)
    services.case_act(actor=worker, case=case, action="start_review")
    services.case_act(actor=worker, case=case, action="request_closing", reason="目标达成")
    services.case_act(actor=worker, case=case, action="continue_intervention", reason="又出现新问题")
    with pytest.raises(ValidationError):
        services.approval_decide(actor=supervisor, approval=case.approvals.get(kind="closing"), approve=True)
    case.refresh_from_db()
    assert case.stage == Stage.INTERVENTION


def test_a_reopen_does_not_make_a_second_active_case(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    for days_ago in (9, 6, 3):
        services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=days_ago))
    services.case_act(actor=worker, case=case_b, action="request_stop", reason="抗拒")
    services.approval_decide(actor=supervisor, approval=case_b.approvals.get(kind="stop"), approve=True)
    services.case_open(actor=worker, person=case_b.person, population="resettlement")
    with pytest.raises(ValidationError):
        services.case_act(actor=worker, case=case_b, action="reopen", reason="再联系")


def test_a_rejected_plan_is_kept_as_it_was_and_the_next_draft_is_a_new_version(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    case = open_to_intervention(case_b, worker, supervisor)
    services.plan_draft_save(actor=worker, case=case, goals=[{"text": "A"}])
    rejected = services.plan_submit(actor=worker, case=case)
    services.approval_decide(actor=supervisor, approval=rejected, approve=False, note="目标太笼统")
    services.plan_draft_save(actor=worker, case=case, goals=[{"text": "B"}])
    v2, v3 = case.plan_versions.get(number=2), case.plan_versions.get(number=3)
    assert v2.status == PlanStatus.REJECTED and list(v2.goals.values_list("text", flat=True)) == ["A"]
    assert v3.status == PlanStatus.DRAFT


def test_what_changed_notices_a_task_change_and_the_review_date(staff, case_b):
    import datetime as dt

    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    case = open_to_intervention(case_b, worker, supervisor)
    draft = services.plan_draft_save(actor=worker, case=case, review_on=dt.date(2027, 3, 1), goals=[
        {"text": " 稳定就业 ", "tasks": [{"text": "推荐职业培训", "status": "done"}]}])
    assert "推荐职业培训" in draft.change_summary and "2027-03-01" in draft.change_summary
    assert "稳定就业" not in draft.change_summary  # same goal, only padded


def test_a_phone_call_is_not_the_first_interview(staff, beijing_case):
    services.contact_record(actor=staff("bj_officer"), case=beijing_case,
                            data=contact_data(mode="phone", minutes=40, place=""))
    assert selectors.next_protocol_step(beijing_case).order == 1
    assert selectors.interviews_so_far(beijing_case) == 0


def test_family_focus_is_decided_only_when_proposed(staff, case_b):
    with pytest.raises(ValidationError):
        services.family_focus_decide(actor=staff("sh_social2"), case=case_b, accept=True)


def test_an_assigned_volunteer_records_contacts_but_cannot_mark_protocol_steps(staff, case_b):
    from people.services import assignment_add

    worker, volunteer = staff("sh_social2"), staff("sh_volunteer")
    assignment_add(actor=worker, person=case_b.person, user=volunteer, task="陪同就业咨询")
    services.contact_record(actor=volunteer, case=case_b, data=contact_data(mode="phone", place=""))
    with pytest.raises(PermissionDenied):
        services.step_mark_done(actor=volunteer, case=case_b, step=selectors.next_protocol_step(case_b), note="x")
    texts = [e.title for e in selectors.case_timeline(case_b, full=False)]
    assert "预估" not in texts and "Assessment" not in texts


def test_a_case_of_a_shared_office_without_its_own_supervisor_is_approved_for_above(staff):
    from casework.selectors import approvers_in
    from orgs.models import Organisation

    office = Organisation.objects.get(name="景山街道司法所")
    assert approvers_in(organisation=office, role="supervisor").filter(username="bj_supervisor2").exists()


def test_the_requester_withdraws_a_waiting_request_and_the_case_returns(staff, case_b, login):
    worker = staff("sh_social2")
    to_assessment(case_b, worker, staff("sh_supervisor"))
    services.case_act(actor=worker, case=case_b, action="request_opening")
    approval = case_b.approvals.get(kind=ApprovalKind.OPENING)
    login("sh_social2").post(reverse("casework:approval_withdraw", args=[approval.pk]))
    approval.refresh_from_db()
    case_b.refresh_from_db()
    assert approval.status == "withdrawn" and case_b.stage == Stage.ASSESSMENT


def test_a_leader_reads_plans_and_consents_through_the_api_only_with_a_reason(client, staff, case_b):
    _t, raw = api_token_create(actor=staff("sh_leader"), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    for path in ("plan/versions", "consents", "appointments", "agreement", "plan/reviews"):
        assert client.get(f"/api/cases/{case_b.pk}/{path}").status_code == 422, path
        assert client.get(f"/api/cases/{case_b.pk}/{path}", {"reason": "督查"}).status_code == 200, path
    assert AuditEvent.objects.filter(action="person.viewed", person=case_b.person, reason="督查").count() == 5


def test_a_leader_cannot_open_the_plan_editor(login, case_b):
    assert login("sh_leader").get(reverse("casework:plan", args=[case_b.pk])).status_code == 403


def test_bad_plan_values_are_a_422_not_a_500(client, staff, case_b):
    case_b.stage = Stage.OPEN
    case_b.save()
    _t, raw = api_token_create(actor=staff("sh_social2"), name="t")
    response = client.put(f"/api/cases/{case_b.pk}/plan", json.dumps(
        {"goals": [{"text": "稳定就业", "status": "bogus", "tasks": [{"text": "很" * 400}]}]}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and {"status", "text"} <= set(response.json()["errors"])
    assert not case_b.plan_versions.exists()


def test_an_absurd_meeting_interval_is_refused(staff, case_b):
    with pytest.raises(ValidationError):
        services.meeting_arrangement_set(actor=staff("sh_social2"), case=case_b, every_days=10_000_000, mode="office",
                                         place="")


def test_the_configuration_is_readable_in_the_api(client, staff):
    _t, raw = api_token_create(actor=staff("sh_social"), name="t")
    rules = client.get("/api/cases/config/practice-rules", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert any(r["key"] == "first_interview_max_minutes" and r["value"] == 30 for r in rules)
    protocols = client.get("/api/cases/config/protocols", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert {p["code"]: len(p["steps"]) for p in protocols} == {"A": 6, "B": 8}
