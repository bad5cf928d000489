"""The casework process of the seed's 篇二: stages, approvals, contacts and the practice rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from casework import selectors, services
from casework.models import ApprovalKind, ApprovalStatus, PlanStatus, PracticeRule, Stage
from casework.transitions import TRANSITIONS
from people.models import Person
from tongxing.permissions import ConflictError

from .conftest import at, contact_data


def open_to_intervention(case, worker, supervisor):
    """Drive a case from intake to intervention through the real services."""
    services.case_act(actor=worker, case=case, action="begin_assessment")
    services.assessment_record(actor=worker, case=case, data={"main_problems": "就业困难", "analysis": "家庭支持较好"})
    services.supervisor_opinion_record(actor=supervisor, case=case, opinion="同意申请开案")
    services.case_act(actor=worker, case=case, action="request_opening", reason="符合开案条件")
    approval = case.approvals.get(kind=ApprovalKind.OPENING, status=ApprovalStatus.PENDING)
    services.approval_decide(actor=supervisor, approval=approval, approve=True, note="同意开案")
    services.agreement_sign(actor=worker, case=case, signed_on=timezone.localdate(), terms="每月面谈两次")
    services.plan_draft_save(actor=worker, case=case, goals=[{"text": "稳定就业", "tasks": [{"text": "推荐职业培训"}]}])
    plan_approval = services.plan_submit(actor=worker, case=case)
    services.approval_decide(actor=supervisor, approval=plan_approval, approve=True)
    services.case_act(actor=worker, case=case, action="start_intervention")
    case.refresh_from_db()
    return case


def test_the_protocol_follows_the_population(case_b, beijing_case):
    assert case_b.protocol.code == "B" and beijing_case.protocol.code == "A"
    assert case_b.stage == Stage.INTAKE and case_b.organisation.name.endswith("新航社区矫治工作站")


def test_a_case_needs_an_active_record_for_its_population(staff, xiaoyu):
    with pytest.raises(ValidationError):
        services.case_open(actor=staff("sh_social"), person=xiaoyu, population="drug")


def test_the_beijing_model_does_not_let_a_social_worker_own_a_case(staff, beijing_case):
    person = Person.objects.filter(owner=staff("bj_officer"), enrolments__population="resettlement").exclude(
        pk=beijing_case.person_id).first()
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=staff("bj_officer"), person=person, population="resettlement",
                           owner=staff("bj_social"))
    assert "owner" in exc.value.message_dict


def test_the_whole_process_reaches_intervention_and_records_every_stage(staff, case_b):
    case = open_to_intervention(case_b, staff("sh_social2"), staff("sh_supervisor"))
    assert case.stage == Stage.INTERVENTION and case.opened_at
    assert list(case.stage_changes.values_list("to_stage", flat=True)) == [
        "intake", "assessment", "opening_requested", "open", "intervention"]
    assert all(change.by_id for change in case.stage_changes.all())
    assert AuditEvent.objects.filter(action="case.start_intervention", person=case.person).exists()


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_every_action_is_refused_from_a_stage_it_does_not_start_from(staff, case_b, action):
    worker = staff("sh_social2")
    transition = TRANSITIONS[action]
    stage = next(s for s in (Stage.INTAKE, Stage.CLOSED) if s not in transition.sources)
    if stage == Stage.CLOSED:
        case_b.stage = Stage.CLOSED
        case_b.save()
    with pytest.raises(ValidationError) as exc:
        services.case_act(actor=worker, case=case_b, action=action, reason="理由")
    assert str(transition.label) in " ".join(exc.value.messages)


def test_only_the_case_worker_takes_the_workers_actions(staff, case_b):
    with pytest.raises(PermissionDenied):
        services.case_act(actor=staff("sh_social"), case=case_b, action="begin_assessment")


def test_nobody_approves_their_own_request(staff, case_b):
    supervisor = staff("sh_supervisor")
    services.case_act(actor=staff("sh_social2"), case=case_b, action="begin_assessment")
    services.assessment_record(actor=staff("sh_social2"), case=case_b, data={"main_problems": "x", "analysis": "y"})
    services.supervisor_opinion_record(actor=staff("sh_supervisor"), case=case_b, opinion="同意")
    services.case_act(actor=staff("sh_social2"), case=case_b, action="request_opening")
    approval = case_b.approvals.get()
    approval.requested_by = supervisor  # a supervisor who applied on the worker's behalf
    approval.save()
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=supervisor, approval=approval, approve=True)


def test_a_supervisor_of_another_organisation_cannot_approve(staff, beijing_case):
    officer = staff("bj_officer")
    services.case_act(actor=officer, case=beijing_case, action="begin_assessment")
    services.assessment_record(actor=officer, case=beijing_case, data={"main_problems": "x", "analysis": "y"})
    services.case_act(actor=officer, case=beijing_case, action="request_opening")
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=staff("sh_supervisor"), approval=beijing_case.approvals.get(), approve=True)
    services.approval_decide(actor=staff("bj_supervisor"), approval=beijing_case.approvals.get(), approve=True)
    beijing_case.refresh_from_db()
    assert beijing_case.stage == Stage.OPEN


def test_a_rejected_opening_returns_to_the_assessment_with_the_comment(staff, case_b):
    worker = staff("sh_social2")
    services.case_act(actor=worker, case=case_b, action="begin_assessment")
    services.assessment_record(actor=worker, case=case_b, data={"main_problems": "x", "analysis": "y"})
    services.supervisor_opinion_record(actor=staff("sh_supervisor"), case=case_b, opinion="同意")
    services.case_act(actor=worker, case=case_b, action="request_opening")
    with pytest.raises(ValidationError):  # a rejection says why
        services.approval_decide(actor=staff("sh_supervisor"), approval=case_b.approvals.get(), approve=False)
    services.approval_decide(actor=staff("sh_supervisor"), approval=case_b.approvals.get(), approve=False,
                             note="需补充家庭情况")
    case_b.refresh_from_db()
    assert case_b.stage == Stage.ASSESSMENT
    assert case_b.stage_changes.last().reason == "需补充家庭情况"


def test_the_opening_needs_an_assessment_first(staff, case_b):
    services.case_act(actor=staff("sh_social2"), case=case_b, action="begin_assessment")
    with pytest.raises(ValidationError):
        services.case_act(actor=staff("sh_social2"), case=case_b, action="request_opening")


def test_the_intervention_needs_an_agreement_and_an_approved_plan(staff, case_b):
    worker = staff("sh_social2")
    services.case_act(actor=worker, case=case_b, action="begin_assessment")
    services.assessment_record(actor=worker, case=case_b, data={"main_problems": "x", "analysis": "y"})
    services.supervisor_opinion_record(actor=staff("sh_supervisor"), case=case_b, opinion="同意")
    services.case_act(actor=worker, case=case_b, action="request_opening")
    services.approval_decide(actor=staff("sh_supervisor"), approval=case_b.approvals.get(), approve=True)
    with pytest.raises(ValidationError):
        services.case_act(actor=worker, case=case_b, action="start_intervention")


def test_a_stale_version_is_a_conflict(staff, case_b):
    with pytest.raises(ConflictError):
        services.case_act(actor=staff("sh_social2"), case=case_b, action="begin_assessment",
                          expected_version=case_b.version - 1)


def test_a_first_interview_over_thirty_minutes_is_warned_about(staff, case_b):
    contact = services.contact_record(actor=staff("sh_social2"), case=case_b, data=contact_data(minutes=40))
    assert contact.warnings and "30" in contact.warnings[0] and "篇二" in contact.warnings[0]


def test_a_first_interview_within_thirty_minutes_is_not(staff, case_b):
    assert services.contact_record(actor=staff("sh_social2"), case=case_b, data=contact_data(minutes=25)).warnings == []


def test_a_short_second_interview_is_warned_about(staff, case_b):
    worker = staff("sh_social2")
    services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=8, minutes=25))
    second = services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=1, minutes=30))
    assert second.warnings and "45" in second.warnings[0]


def test_a_district_can_set_its_own_threshold(staff, case_b):
    district = case_b.person.area.district()
    PracticeRule.objects.create(key="first_interview_max_minutes", area=district, value=20, unit="minutes",
                                description="本区规定", source="徐汇区司法局通知")
    contact = services.contact_record(actor=staff("sh_social2"), case=case_b, data=contact_data(minutes=25))
    assert "20" in contact.warnings[0] and "徐汇区司法局通知" in contact.warnings[0]


def test_booking_shows_the_advised_length_of_the_next_interview(staff, case_b):
    worker = staff("sh_social2")
    first = services.appointment_book(actor=worker, case=case_b, planned_at=at(-3), mode="home_visit")
    assert first.planned_minutes == 30
    services.contact_record(actor=worker, case=case_b, data=contact_data(minutes=25, mode="home_visit"))
    second = services.appointment_book(actor=worker, case=case_b, planned_at=at(-10), mode="home_visit")
    assert second.planned_minutes == 60
    assert "45" in selectors.planned_minutes_for_next_interview(case_b)[1]


def test_three_home_visits_without_meeting_the_person_propose_family_work(staff, case_b):
    worker = staff("sh_social2")
    for days_ago in (20, 13, 6):
        services.contact_record(actor=worker, case=case_b, data=contact_data(
            days_ago=days_ago, mode="home_visit", met="family_only", left_card=True, left_leaflet=True,
            asked_family_to_pass_on=True))
        if days_ago != 6:
            assert selectors.family_focus_proposal(case_b) is None
    proposal = selectors.family_focus_proposal(case_b)
    assert proposal and proposal.visits == 3 and proposal.threshold == 3
    services.family_focus_decide(actor=worker, case=case_b, accept=True, note="运用社会支持系统，先与母亲建立关系")
    case_b.refresh_from_db()
    assert case_b.family_focus and selectors.family_focus_proposal(case_b) is None


def test_a_declined_proposal_returns_only_after_another_failed_visit(staff, case_b):
    worker = staff("sh_social2")
    for days_ago in (20, 13, 6):
        services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=days_ago, mode="home_visit",
                                                                             met="nobody"))
    services.family_focus_decide(actor=worker, case=case_b, accept=False, note="已约好周末见面")
    assert selectors.family_focus_proposal(case_b) is None
    services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=1, mode="home_visit", met="nobody"))
    assert selectors.family_focus_proposal(case_b).visits == 4


def test_stopping_with_a_resistant_person_needs_contacts_a_reason_and_approval_and_can_be_undone(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    with pytest.raises(ValidationError):  # not after a single contact
        services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=9))
        services.case_act(actor=worker, case=case_b, action="request_stop", reason="强烈抗拒")
    for days_ago in (5, 2):
        services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=days_ago))
    with pytest.raises(ValidationError):
        services.case_act(actor=worker, case=case_b, action="request_stop", reason="")
    services.case_act(actor=worker, case=case_b, action="request_stop", reason="多次接触仍强烈抗拒，社工不是万能的")
    services.approval_decide(actor=supervisor, approval=case_b.approvals.get(kind="stop"), approve=True)
    case_b.refresh_from_db()
    assert case_b.stage == Stage.STOPPED and not case_b.is_active
    services.case_act(actor=supervisor, case=case_b, action="reopen", reason="本人主动联系社工")
    case_b.refresh_from_db()
    assert case_b.stage == Stage.ASSESSMENT


def test_the_agreed_frequency_schedules_the_next_contact(staff, case_b):
    worker = staff("sh_social2")
    services.meeting_arrangement_set(actor=worker, case=case_b, every_days=14, mode="committee", place="居委会")
    before = timezone.now()
    services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=1))
    appointment = selectors.upcoming_appointments(case_b).get()
    # Fourteen days on, counted from now for a contact entered the day after: never a meeting in the past.
    assert before + dt.timedelta(days=14) <= appointment.planned_at <= timezone.now() + dt.timedelta(days=14)
    assert (appointment.mode, appointment.place) == ("committee", "居委会")


def test_recording_a_contact_fulfils_the_appointment_of_that_day(staff, case_b):
    worker = staff("sh_social2")
    appointment = services.appointment_book(actor=worker, case=case_b, planned_at=at(1, hour=9), mode="office")
    services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=1))
    appointment.refresh_from_db()
    assert appointment.status == "done" and appointment.contact_id


def test_protocol_b_shows_the_next_step_as_the_work_goes_on(staff, case_b):
    worker = staff("sh_social2")
    first = selectors.next_protocol_step(case_b)
    assert first.order == 1 and first.note_required
    with pytest.raises(ValidationError):
        services.step_mark_done(actor=worker, case=case_b, step=first)  # the interview outline is required
    services.step_mark_done(actor=worker, case=case_b, step=first, note="提纲：近况、困惑、家庭支持")
    assert selectors.next_protocol_step(case_b).order == 2
    services.contact_record(actor=worker, case=case_b, data=contact_data(mode="home_visit", met="family_only",
                                                                         accompanied_by=staff("sh_community")))
    assert selectors.next_protocol_step(case_b).order == 3


def test_an_approved_plan_is_never_edited_a_change_is_a_new_version(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    case = open_to_intervention(case_b, worker, supervisor)
    v1 = selectors.current_plan(case)
    services.plan_draft_save(actor=worker, case=case, goals=[
        {"text": "稳定就业", "tasks": [{"text": "推荐职业培训"}, {"text": "联系就业服务中心"}]},
        {"text": "改善家庭关系", "tasks": []}], note="复评后调整")
    v2 = selectors.draft_plan(case)
    assert v2.number == 2 and "改善家庭关系" in v2.change_summary and "联系就业服务中心" in v2.change_summary
    assert selectors.current_plan(case) == v1  # still in force until approved
    services.approval_decide(actor=supervisor, approval=services.plan_submit(actor=worker, case=case), approve=True)
    v1.refresh_from_db()
    assert v1.status == PlanStatus.SUPERSEDED and selectors.current_plan(case).number == 2
    assert list(v1.goals.values_list("text", flat=True)) == ["稳定就业"]  # the old version is kept as it was


def test_a_transfer_moves_the_case_only_when_accepted(staff, case_b):
    worker, receiver = staff("sh_social2"), staff("sh_social")
    transfer = services.transfer_request(actor=worker, case=case_b, to_owner=receiver, reason="工作量调整")
    case_b.refresh_from_db()
    assert case_b.owner == worker
    services.transfer_decide(actor=receiver, transfer=transfer, accept=True, note="接收")
    case_b.refresh_from_db()
    assert case_b.owner == receiver and case_b.transfers.get().status == "accepted"


def test_a_transfer_to_a_worker_the_model_does_not_allow_is_refused(staff, case_b):
    with pytest.raises(ValidationError):
        services.transfer_request(actor=staff("sh_social2"), case=case_b, to_owner=staff("sh_volunteer"), reason="x")


def test_only_the_receiver_decides_a_transfer(staff, case_b):
    transfer = services.transfer_request(actor=staff("sh_social2"), case=case_b, to_owner=staff("sh_social"),
                                         reason="工作量调整")
    with pytest.raises(PermissionDenied):
        services.transfer_decide(actor=staff("sh_social2"), transfer=transfer, accept=True)


def test_consent_is_checked_by_its_latest_decision(staff, xiaoyu):
    worker = staff("sh_social")
    assert not selectors.has_consent(person=xiaoyu, kind="sharing")
    consent = services.consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="监护人（母亲）",
                                      method="written", on=timezone.localdate())
    assert selectors.has_consent(person=xiaoyu, kind="sharing")
    services.consent_withdraw(actor=worker, consent=consent, on=timezone.localdate(), note="母亲撤回")
    assert not selectors.has_consent(person=xiaoyu, kind="sharing")


def test_the_new_case_worker_can_see_the_person(staff, case_b):
    from people.selectors import people_visible_to

    receiver = staff("sh_youth_social")
    assert not people_visible_to(user=receiver).filter(pk=case_b.person_id).exists()
    case_b.owner = receiver
    case_b.save()
    assert people_visible_to(user=receiver).filter(pk=case_b.person_id).exists()


def test_a_contact_ending_before_it_started_is_refused_and_nothing_is_saved(staff, case_b):
    data = contact_data()
    data["ended_at"] = data["started_at"] - dt.timedelta(minutes=5)
    with pytest.raises(ValidationError) as exc:
        services.contact_record(actor=staff("sh_social2"), case=case_b, data=data)
    assert "ended_at" in exc.value.message_dict and not case_b.contacts.exists()


def test_review_continue_close_and_reopen(staff, case_b):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")
    case = open_to_intervention(case_b, worker, supervisor)
    services.case_act(actor=worker, case=case, action="start_review")
    with pytest.raises(ValidationError):
        services.case_act(actor=worker, case=case, action="continue_intervention")  # needs a reason
    services.case_act(actor=worker, case=case, action="continue_intervention", reason="就业尚未稳定")
    services.case_act(actor=worker, case=case, action="start_review")
    services.case_act(actor=worker, case=case, action="request_closing", reason="目标达成")
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW  # waits for the supervisor
    services.approval_decide(actor=supervisor, approval=case.approvals.get(kind="closing"), approve=True)
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closed_at
    with pytest.raises(ValidationError):
        services.contact_record(actor=worker, case=case, data=contact_data())
    services.case_act(actor=worker, case=case, action="reopen", reason="再次犯错，需要跟进")
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT and case.closed_at is None


def test_an_administrator_sets_the_districts_stopping_threshold(staff, case_b):
    worker = staff("sh_social2")
    district = case_b.person.area.district()
    with pytest.raises(PermissionDenied):
        services.practice_rule_set(actor=staff("bj_admin"), district=district, key="contacts_before_stopping",
                                   value=1, source="x")
    services.practice_rule_set(actor=staff("sh_admin"), district=district, key="contacts_before_stopping", value=1,
                               source="徐汇区司法局2026年通知")
    services.contact_record(actor=worker, case=case_b, data=contact_data())
    services.case_act(actor=worker, case=case_b, action="request_stop", reason="拒绝一切联系")
    assert case_b.approvals.filter(kind="stop", status="pending").exists()


def test_an_appointment_fulfilled_gives_the_contact_its_planned_start(staff, case_b):
    worker = staff("sh_social2")
    appointment = services.appointment_book(actor=worker, case=case_b, planned_at=at(1, hour=9), mode="office")
    contact = services.contact_record(actor=worker, case=case_b, data=contact_data(days_ago=1))
    contact.refresh_from_db()
    assert contact.planned_start == appointment.planned_at and contact.planned_minutes == 30


def test_the_receiving_supervisor_sees_and_decides_a_transfer(staff, case_b):
    transfer = services.transfer_request(actor=staff("sh_social2"), case=case_b, to_owner=staff("sh_social"),
                                         reason="工作量调整")
    assert transfer in selectors.transfers_waiting_for(user=staff("sh_supervisor"))
    assert transfer not in selectors.transfers_waiting_for(user=staff("sh_social2"))
    services.transfer_decide(actor=staff("sh_supervisor"), transfer=transfer, accept=False, note="暂不调整")
    case_b.refresh_from_db()
    assert case_b.owner == staff("sh_social2")
    assert any("转介" in e.title or "Transfer" in e.title for e in selectors.case_timeline(case_b))


def test_only_approvers_the_matrix_lets_open_the_file_are_asked(staff, xiaoyu):
    """A supervisor of the same station but not of 小宇's team cannot open a juvenile's file, so is no approver."""
    from accounts.models import User
    from casework.selectors import approvers_for

    case = xiaoyu.cases.order_by("pk").first()
    team_supervisor = staff("sh_supervisor")
    other = User.objects.create(username="sh_supervisor_other", role="supervisor",
                                organisation=team_supervisor.organisation)
    approvers = set(approvers_for(case))
    assert team_supervisor in approvers and other not in approvers
