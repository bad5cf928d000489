"""Legal supervision: the sanctions ladder, leave routed by length, electronic monitoring within its limits."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duties.models import Duty, DutyStatus
from people.models import Enrolment, Person
from supervision import selectors, services
from supervision.models import LeaveLevel

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def enrolment(db):
    """An active community-correction record in the Beijing-model district (司法所-led)."""
    return Enrolment.objects.filter(population="correction", status="active",
                                    person__owner__username="bj_officer").select_related("person__area").first()


def sanction(staff, enrolment, kind, day):
    actor = staff("bj_leader") if kind in services.BUREAU_DECIDES else staff("bj_officer")
    return services.sanction_record(actor=actor, enrolment=enrolment, kind=kind, on=day, facts="未按时报告")


def test_two_reprimands_without_change_suggest_a_warning(staff, enrolment):
    sanction(staff, enrolment, "reprimand", dt.date(2026, 9, 1))
    assert selectors.sanction_suggestion(enrolment=enrolment) is None
    sanction(staff, enrolment, "reprimand", dt.date(2026, 10, 1))
    suggestion = selectors.sanction_suggestion(enrolment=enrolment)
    assert suggestion.kind == "warning" and "34" in suggestion.source


def test_a_warning_resets_the_reprimand_count_and_two_warnings_suggest_revocation(staff, enrolment):
    for kind, month in [("reprimand", 6), ("reprimand", 7), ("warning", 8)]:
        sanction(staff, enrolment, kind, dt.date(2026, month, 1))
    assert selectors.sanction_suggestion(enrolment=enrolment) is None
    sanction(staff, enrolment, "warning", dt.date(2026, 10, 1))
    assert selectors.sanction_suggestion(enrolment=enrolment).kind == "revocation"


def test_only_the_office_or_bureau_decides_sanctions(staff, enrolment):
    with pytest.raises(PermissionDenied):
        services.sanction_record(actor=staff("bj_social"), enrolment=enrolment, kind="reprimand", on=TODAY, facts="x")
    with pytest.raises(PermissionDenied):  # the office proposes a warning; the county agency decides it
        services.sanction_record(actor=staff("bj_officer"), enrolment=enrolment, kind="warning", on=TODAY, facts="x")


def test_for_control_the_ladder_ends_in_a_police_penalty_not_revocation(staff, enrolment):
    enrolment.correction_category = "control"
    enrolment.save()
    sanction(staff, enrolment, "warning", dt.date(2026, 8, 1))
    sanction(staff, enrolment, "warning", dt.date(2026, 9, 1))
    assert selectors.sanction_suggestion(enrolment=enrolment).kind == "police_penalty"


def test_two_waiting_applications_together_over_thirty_days_go_up_a_level(staff, enrolment):
    officer = staff("bj_officer")
    first, _w = services.leave_apply(actor=officer, enrolment=enrolment, destination="天津", reason="务工",
                                     leave_on=dt.date(2026, 12, 1), return_on=dt.date(2026, 12, 20))
    second, _w = services.leave_apply(actor=officer, enrolment=enrolment, destination="天津", reason="务工",
                                      leave_on=dt.date(2026, 12, 25), return_on=dt.date(2027, 1, 13))
    assert first.approval_level == LeaveLevel.COUNTY and second.approval_level == LeaveLevel.HIGHER


def test_the_recorder_of_a_leave_does_not_approve_it(staff, enrolment):
    start = timezone.localdate() + dt.timedelta(days=5)
    leave, _w = services.leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="廊坊", reason="探亲",
                                     leave_on=start, return_on=start + dt.timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=staff("bj_officer"), leave=leave, approve=True)


@pytest.mark.parametrize("days,level", [(3, LeaveLevel.OFFICE), (7, LeaveLevel.OFFICE), (8, LeaveLevel.COUNTY),
                                        (30, LeaveLevel.COUNTY), (31, LeaveLevel.HIGHER)])
def test_leave_is_routed_by_its_length(staff, enrolment, days, level):
    start = timezone.localdate() + dt.timedelta(days=5)
    leave, _warnings = services.leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="河北省保定市",
                                            reason="探亲", leave_on=start, return_on=start + dt.timedelta(days=days - 1))
    assert leave.approval_level == level


def test_more_than_thirty_days_away_within_two_months_goes_up_a_level(staff, enrolment):
    officer, leader = staff("bj_officer"), staff("bj_leader")
    first, _w = services.leave_apply(actor=officer, enrolment=enrolment, destination="天津", reason="务工",
                                     leave_on=dt.date(2026, 12, 1), return_on=dt.date(2026, 12, 20))
    services.leave_decide(actor=leader, leave=first, approve=True)
    second, _w = services.leave_apply(actor=officer, enrolment=enrolment, destination="天津", reason="务工",
                                      leave_on=dt.date(2027, 1, 5), return_on=dt.date(2027, 1, 16))
    assert second.days == 12 and second.approval_level == LeaveLevel.HIGHER


def test_the_office_cannot_approve_a_county_level_leave_and_approval_opens_the_back_report(staff, enrolment):
    start = timezone.localdate() + dt.timedelta(days=5)
    leave, _w = services.leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="上海", reason="就医",
                                     leave_on=start, return_on=start + dt.timedelta(days=14))
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=staff("bj_officer"), leave=leave, approve=True)
    services.leave_decide(actor=staff("bj_leader"), leave=leave, approve=True)
    duty = Duty.objects.get(dedupe_key=f"leave_return:{leave.pk}")
    assert duty.due_on == leave.return_on + dt.timedelta(days=1)
    services.leave_returned(actor=staff("bj_officer"), leave=leave, on=leave.return_on)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DONE


def test_a_late_application_is_warned_about(staff, enrolment):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _leave, warnings = services.leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="廊坊",
                                            reason="奔丧", leave_on=tomorrow, return_on=tomorrow)
    assert warnings and "3" in warnings[0]


def test_monitoring_is_lawful_only_for_the_five_cases_and_three_months(staff, enrolment):
    officer = staff("bj_officer")
    with pytest.raises(ValidationError):
        services.monitoring_start(actor=officer, enrolment=enrolment, reason="convenience", facts="x",
                                  start_on=TODAY, end_on=TODAY + dt.timedelta(days=30), approved_by_name="局长")
    with pytest.raises(ValidationError):  # 16 Nov – 16 Feb counts both ends: one day over three months
        services.monitoring_start(actor=officer, enrolment=enrolment, reason="left_without_approval", facts="擅自离京",
                                  start_on=TODAY, end_on=dt.date(2027, 2, 16), approved_by_name="局长")


def test_a_monitoring_period_expires_and_its_review_comes_first(staff, enrolment):
    officer = staff("bj_officer")
    period = services.monitoring_start(actor=officer, enrolment=enrolment, reason="left_without_approval",
                                       facts="擅自离京三日", start_on=TODAY, end_on=dt.date(2027, 2, 15),
                                       approved_by_name="东城区司法局局长")
    review = Duty.objects.get(dedupe_key=f"monitoring_review:{period.pk}")
    assert review.due_on == dt.date(2027, 2, 8) and review.source == "社区矫正法第29条"
    assert selectors.active_monitoring(enrolment=enrolment, day=dt.date(2027, 2, 15)) == period
    assert selectors.active_monitoring(enrolment=enrolment, day=dt.date(2027, 2, 16)) is None  # expired
    renewal = services.monitoring_renew(actor=officer, period=period, end_on=dt.date(2027, 5, 15), facts="仍未稳定",
                                        approved_by_name="东城区司法局局长（延长）")
    assert renewal.start_on == dt.date(2027, 2, 16)
    assert selectors.active_monitoring(enrolment=enrolment, day=dt.date(2027, 3, 1)) == renewal
    review.refresh_from_db()
    assert review.status == DutyStatus.DONE
    services.monitoring_remove(actor=officer, period=renewal, on=dt.date(2027, 3, 10), note="表现良好，提前解除")
    assert selectors.active_monitoring(enrolment=enrolment, day=dt.date(2027, 3, 11)) is None


def new_correction(staff, start):
    from people.services import enrolment_add

    officer = staff("bj_officer")
    person = Person.objects.filter(owner=officer, enrolments__population="resettlement").exclude(
        enrolments__population="correction").first()
    return enrolment_add(actor=officer, person=person, data={
        "population": "correction", "correction_category": "probation", "offence": "盗窃罪", "sentence": "缓刑1年",
        "deciding_body": "北京市东城区人民法院", "start_date": start, "end_date": start + dt.timedelta(days=365)})


def test_intake_starts_strict_supervision_with_weekly_reports(staff):
    start = timezone.localdate() - dt.timedelta(days=1)
    enrolment = new_correction(staff, start)
    assert selectors.current_level(enrolment=enrolment).level == "strict"
    report = Duty.objects.get(kind="report", person=enrolment.person, status="open")
    assert report.due_on == timezone.localdate() + dt.timedelta(days=6)  # weekly, counted from yesterday
    review = Duty.objects.get(kind="level_review", person=enrolment.person)
    from duties.workdays import add_months

    assert review.due_on == add_months(start, 2)


def test_a_report_moves_the_next_one_and_a_lighter_level_spaces_them_out(staff):
    officer = staff("bj_officer")
    enrolment = new_correction(staff, timezone.localdate() - dt.timedelta(days=70))
    services.report_record(actor=officer, enrolment=enrolment, on=timezone.localdate(), kind="in_person")
    due = Duty.objects.get(kind="report", person=enrolment.person, status="open").due_on
    assert due == timezone.localdate() + dt.timedelta(days=7)
    level, why = selectors.level_eligibility(enrolment=enrolment, today=timezone.localdate())
    assert level == "normal" and "2" in why
    services.level_set(actor=officer, enrolment=enrolment, level="normal", since=timezone.localdate(),
                       reason="表现良好，调整为普管")
    due = Duty.objects.get(kind="report", person=enrolment.person, status="open").due_on
    assert due == timezone.localdate() + dt.timedelta(days=30)


def test_two_reprimands_put_a_person_back_to_strict(staff):
    officer = staff("bj_officer")
    enrolment = new_correction(staff, timezone.localdate() - dt.timedelta(days=100))
    services.level_set(actor=officer, enrolment=enrolment, level="normal", since=timezone.localdate() - dt.timedelta(
        days=30), reason="调整")
    for days in (20, 10):
        services.sanction_record(actor=officer, enrolment=enrolment, kind="reprimand",
                                 on=timezone.localdate() - dt.timedelta(days=days), facts="未按时报告")
    assert selectors.level_eligibility(enrolment=enrolment, today=timezone.localdate())[0] == "strict"


def test_ending_the_correction_cancels_its_legal_duties(staff):
    from people.services import enrolment_end

    enrolment = new_correction(staff, timezone.localdate() - dt.timedelta(days=5))
    enrolment_end(actor=staff("bj_officer"), enrolment=enrolment, end_date=timezone.localdate(), reason="死亡")
    assert not Duty.objects.filter(person=enrolment.person, status="open",
                                   kind__in=["check_in", "report", "level_review", "correction_plan"]).exists()


def test_ending_the_correction_hands_the_person_over_to_resettlement(staff):
    from people.services import enrolment_end

    officer = staff("bj_officer")
    enrolment = new_correction(staff, dt.date(2025, 11, 1))
    for other in enrolment.person.enrolments.filter(population="resettlement", status="active"):
        enrolment_end(actor=officer, enrolment=other, end_date=dt.date(2025, 11, 1), reason="转入社区矫正")
    with pytest.raises(ValidationError):
        services.correction_conclude(actor=officer, enrolment=enrolment, on=dt.date(2026, 6, 1), evaluation="良好")
    services.correction_conclude(actor=officer, enrolment=enrolment, on=enrolment.end_date, evaluation="遵规守纪，表现良好")
    enrolment.refresh_from_db()
    assert enrolment.status == "ended"
    resettlement = enrolment.person.enrolments.get(population="resettlement", status="active")
    assert resettlement.release_source == "correction" and resettlement.release_date == enrolment.end_date
    assert Duty.objects.get(dedupe_key=f"end_notifications:{enrolment.pk}").status == "open"
    assert not Duty.objects.filter(person=enrolment.person, status="open", kind="report").exists()


def test_a_womans_team_needs_a_woman_and_the_duty_closes_when_it_is_composed(staff):
    officer = staff("bj_officer")
    enrolment = new_correction(staff, timezone.localdate() - dt.timedelta(days=3))
    person = enrolment.person
    person.sex = "F"
    person.save()
    services.team_member_add(actor=officer, enrolment=enrolment, name="王所长", role="office")
    assert any("woman" in p or "女" in p for p in selectors.team_problems(enrolment=enrolment))
    assert Duty.objects.get(dedupe_key=f"correction_team:{enrolment.pk}").status == "open"
    services.team_member_add(actor=officer, enrolment=enrolment, name="李主任", role="committee", is_woman=True)
    assert selectors.team_problems(enrolment=enrolment) == []
    assert Duty.objects.get(dedupe_key=f"correction_team:{enrolment.pk}").status == "done"


def test_xiaoyus_team_needs_someone_who_knows_minors_and_his_record_is_to_be_sealed(xiaoyu):
    enrolment = xiaoyu.enrolments.get(population="correction")
    assert any("52" in p for p in selectors.team_problems(enrolment=enrolment))
    seal = Duty.objects.get(dedupe_key=f"seal_record:{enrolment.pk}")
    assert seal.due_on == enrolment.end_date + dt.timedelta(days=3) and "286" in seal.source


def test_temporary_execution_outside_prison_brings_re_examinations_and_health_reports(staff):
    from people.services import enrolment_add

    officer = staff("bj_officer")
    person = Person.objects.filter(owner=officer, enrolments__population="resettlement").exclude(
        enrolments__population="correction").first()
    start = timezone.localdate() - dt.timedelta(days=2)
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "correction", "correction_category": "medical", "offence": "诈骗罪", "sentence": "有期徒刑3年，暂予监外执行",
        "deciding_body": "北京市监狱管理局", "start_date": start, "end_date": start + dt.timedelta(days=400)})
    kinds = set(Duty.objects.filter(person=person, status="open").values_list("kind", flat=True))
    assert {"medical_reexam", "medical_report", "correction_team"} <= kinds
    assert enrolment.correction_category == "medical"


def test_a_pre_sentence_assessment_is_due_in_working_days_across_national_day(staff):
    officer = staff("bj_officer")
    person = Person.objects.filter(owner=officer).first()
    normal = services.pre_sentence_assessment_request(actor=officer, person=person, requested_by="北京市东城区人民法院",
                                                      received_on=dt.date(2026, 9, 28))
    # 29, 30 Sep; 1–7 Oct holiday; 8, 9, 10 (a Saturday worked), 12, 13, 14, 15, 16 Oct → the 10th working day.
    assert normal.due_on == dt.date(2026, 10, 16)
    fast = services.pre_sentence_assessment_request(actor=officer, person=person, requested_by="北京市东城区人民法院",
                                                    received_on=dt.date(2026, 9, 28), fast_track=True)
    assert fast.due_on == dt.date(2026, 10, 10)  # the 5th: the make-up Saturday
    duty = Duty.objects.get(dedupe_key=f"pre_sentence_assessment:{normal.pk}")
    services.pre_sentence_assessment_complete(actor=officer, assessment=normal, on=dt.date(2026, 10, 12),
                                              conclusion="建议适用社区矫正")
    duty.refresh_from_db()
    assert duty.status == "done"


def test_check_in_opens_the_intake_announcement(staff):
    from people.services import check_in_record

    enrolment = new_correction(staff, timezone.localdate() - dt.timedelta(days=2))
    check_in_record(actor=staff("bj_officer"), enrolment=enrolment, on=timezone.localdate())
    duty = Duty.objects.get(dedupe_key=f"announcement:{enrolment.pk}")
    assert duty.due_on == timezone.localdate() and duty.source == "社区矫正法第22条"
