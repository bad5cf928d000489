"""The remaining community-correction procedures: the ruling's notice (L1), relocation (L12), revocation and
custody (L15), education and service hours (L16), termination (L17) and the office returns of resettlement (R4)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from accounts.models import User
from duties.models import Duty, DutyStatus, Notification
from duties.services import duties_tick, duty_mark_done
from orgs.models import Organisation
from people.models import Enrolment
from supervision import selectors, services
from supervision.models import LeaveLevel, RevocationKind


@pytest.fixture
def enrolment(db):
    """An active probation record in the Beijing-model district (司法所-led)."""
    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").select_related("person__area").first()
    enrolment.correction_category = "probation"
    enrolment.save(update_fields=["correction_category"])
    return enrolment


def duty(key: str) -> Duty | None:
    return Duty.objects.filter(dedupe_key=key).first()


def test_the_ruling_documents_are_chased_until_they_arrive_and_late_arrivals_are_noted(staff, beijing_person):
    from people.services import enrolment_add

    Enrolment.objects.filter(person=beijing_person, population="correction").update(status="ended")
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    enrolment = enrolment_add(actor=staff("bj_officer"), person=beijing_person, data={
        "population": "correction", "correction_category": "probation", "offence": "盗窃罪",
        "sentence": "有期徒刑1年，缓刑1年", "deciding_body": "某区人民法院", "start_date": start,
        "end_date": start + dt.timedelta(days=365)})
    chase = duty(f"ruling_documents:{enrolment.pk}")
    assert chase.status == DutyStatus.OPEN and chase.due_on == start + dt.timedelta(days=10)
    assert "20" in chase.source
    notice, warnings = services.ruling_notice_record(actor=staff("bj_officer"), enrolment=enrolment,
                                                     notice_received_on=start + dt.timedelta(days=8))
    assert len(warnings) == 1 and "5" in warnings[0]  # the notice is due within 5 days
    assert duty(chase.dedupe_key).status == DutyStatus.OPEN  # the documents are still missing
    _notice, warnings = services.ruling_notice_record(actor=staff("bj_officer"), enrolment=enrolment,
                                                      notice_received_on=start + dt.timedelta(days=8),
                                                      documents_received_on=start + dt.timedelta(days=9))
    assert len(warnings) == 1  # documents within 10 days: only the notice was late
    assert duty(chase.dedupe_key).status == DutyStatus.DONE


def test_relocation_runs_through_its_steps_each_with_its_duty_and_ends_the_record_here(staff, enrolment):
    officer, leader = staff("bj_officer"), staff("bj_leader")
    today = timezone.localdate()
    relocation, warnings = services.relocation_apply(
        actor=officer, enrolment=enrolment, new_residence="河北省廊坊市某街道", new_agency="廊坊市某区社区矫正机构",
        reason="随家人迁居", applied_on=today - dt.timedelta(days=12), move_on=today)
    assert warnings and "1" in warnings[0]  # applied less than a month ahead
    request = duty(f"relocation:{relocation.pk}:request")
    assert request.owner_role == "bureau_leader" and request.due_on == today - dt.timedelta(days=7)
    with pytest.raises(ValidationError):  # not in order
        services.relocation_step(actor=leader, relocation=relocation, step="agree", on=today)
    with pytest.raises(PermissionDenied):  # the county asks the new county
        services.relocation_step(actor=officer, relocation=relocation, step="request", on=today - dt.timedelta(days=10))
    services.relocation_step(actor=leader, relocation=relocation, step="request", on=today - dt.timedelta(days=10))
    assert duty(request.dedupe_key).status == DutyStatus.DONE
    assert duty(f"relocation:{relocation.pk}:reply").due_on == today - dt.timedelta(days=5)
    with pytest.raises(PermissionDenied):  # the county agency decides
        services.relocation_step(actor=officer, relocation=relocation, step="agree", on=today - dt.timedelta(days=6))
    services.relocation_step(actor=leader, relocation=relocation, step="agree", on=today - dt.timedelta(days=6))
    assert duty(f"relocation:{relocation.pk}:files").due_on == today - dt.timedelta(days=1)
    report = duty(f"relocation:{relocation.pk}:report")
    assert report.owner_role == "judicial_officer" and report.due_on == today + dt.timedelta(days=1)
    services.relocation_step(actor=leader, relocation=relocation, step="send_files", on=today - dt.timedelta(days=3))
    services.relocation_step(actor=officer, relocation=relocation, step="reported", on=today)
    enrolment.refresh_from_db()
    assert enrolment.status == "ended" and "廊坊" in enrolment.end_reason
    assert not enrolment.person.enrolments.filter(population="resettlement", start_date=today).exists()
    assert not Duty.objects.filter(dedupe_key__startswith=f"report:{enrolment.pk}:", status="open").exists()


def test_a_revocation_proposal_opens_the_courts_deadlines_and_a_revoking_ruling_terminates(staff, enrolment):
    officer, leader = staff("bj_officer"), staff("bj_leader")
    today = timezone.localdate()
    on = today - dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):  # the office prepares it; the county agency proposes
        services.revocation_propose(actor=officer, enrolment=enrolment, on=on, court="某区人民法院", evidence="多次脱管")
    with pytest.raises(ValidationError):  # it is not a plain sanction
        services.sanction_record(actor=leader, enrolment=enrolment, kind="revocation", on=on, facts="多次脱管")
    revocation = services.revocation_propose(actor=leader, enrolment=enrolment, on=on, court="某区人民法院",
                                             evidence="两次警告后仍不报告，脱管15日", arrest_requested=True)
    assert revocation.kind == RevocationKind.PROBATION and revocation.sanction.kind == "revocation"
    assert selectors.sanction_suggestion(enrolment=enrolment) is None
    assert duty(f"revocation:{revocation.pk}:ruling").due_on == on + dt.timedelta(days=30)
    assert duty(f"revocation:{revocation.pk}:copy").due_on == on
    assert duty(f"revocation:{revocation.pk}:arrest").due_on == on + dt.timedelta(days=2)  # 48 hours
    services.revocation_record(actor=officer, revocation=revocation, step="copy", on=on)
    with pytest.raises(PermissionDenied):  # the court's decisions are recorded by the county agency
        services.revocation_record(actor=officer, revocation=revocation, step="arrest", on=on + dt.timedelta(days=1),
                                   custody=True)
    services.revocation_record(actor=leader, revocation=revocation, step="arrest", on=on + dt.timedelta(days=1),
                               custody=True)
    assert duty(f"revocation:{revocation.pk}:arrest").status == DutyStatus.DONE
    assert duty(f"revocation:{revocation.pk}:ruling").due_on == on + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.revocation_record(actor=leader, revocation=revocation, step="ruling", on=today)  # outcome missing
    services.revocation_record(actor=leader, revocation=revocation, step="ruling", on=today, revoked=True)
    enrolment.refresh_from_db()
    assert enrolment.status == "ended" and "撤销" in enrolment.end_reason or "revoked" in enrolment.end_reason
    assert duty(f"revocation:{revocation.pk}:ruling").status == DutyStatus.DONE
    assert duty(f"end_notifications:{enrolment.pk}").status == DutyStatus.OPEN
    assert not enrolment.person.enrolments.filter(population="resettlement", start_date=today).exists()


def test_control_cannot_be_revoked(staff, enrolment):
    enrolment.correction_category = "control"
    enrolment.save()
    with pytest.raises(ValidationError):
        services.revocation_propose(actor=staff("bj_leader"), enrolment=enrolment, on=timezone.localdate(),
                                    court="某区人民法院", evidence="x")


def test_a_rejected_revocation_leaves_the_correction_running(staff, enrolment):
    leader = staff("bj_leader")
    revocation = services.revocation_propose(actor=leader, enrolment=enrolment, on=timezone.localdate(),
                                             court="某区人民法院", evidence="x", procuratorate_copied_on=timezone.localdate())
    assert duty(f"revocation:{revocation.pk}:copy") is None
    services.revocation_record(actor=leader, revocation=revocation, step="ruling", on=timezone.localdate(),
                               revoked=False)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def _juvenile(enrolment):
    person = enrolment.person
    person.birth_date = enrolment.start_date.replace(year=enrolment.start_date.year - 16)
    person.save(update_fields=["birth_date"])
    services.correction_intake_duties(enrolment)
    assert duty(f"seal_record:{enrolment.pk}").status == DutyStatus.OPEN


def test_termination_by_death_ends_without_hand_over_and_sealing_lapses(staff, enrolment):
    _juvenile(enrolment)
    today = timezone.localdate()
    services.correction_terminate(actor=staff("bj_officer"), enrolment=enrolment, on=today, reason="death")
    enrolment.refresh_from_db()
    assert enrolment.status == "ended"
    assert duty(f"seal_record:{enrolment.pk}").status == DutyStatus.CANCELLED
    assert duty(f"end_notifications:{enrolment.pk}").status == DutyStatus.OPEN
    assert not enrolment.person.enrolments.filter(population="resettlement", start_date=today).exists()
    with pytest.raises(ValidationError):
        services.correction_terminate(actor=staff("bj_officer"), enrolment=enrolment, on=today, reason="bored")


def test_revocation_terminates_only_through_a_recorded_ruling(staff, enrolment):
    with pytest.raises(ValidationError):
        services.correction_terminate(actor=staff("bj_leader"), enrolment=enrolment, on=timezone.localdate(),
                                      reason="revoked")
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_a_death_lapses_a_waiting_revocation_and_its_deadlines(staff, enrolment):
    today = timezone.localdate()
    revocation = services.revocation_propose(actor=staff("bj_leader"), enrolment=enrolment, on=today,
                                             court="某区人民法院", evidence="脱管")
    enrolment.end_date = today
    enrolment.save(update_fields=["end_date"])
    with pytest.raises(ValidationError):  # no certificate while the court has not ruled
        services.correction_conclude(actor=staff("bj_officer"), enrolment=enrolment, on=today, evaluation="x")
    services.correction_terminate(actor=staff("bj_officer"), enrolment=enrolment, on=today, reason="death")
    revocation.refresh_from_db()
    assert revocation.outcome == "lapsed"
    assert not Duty.objects.filter(dedupe_key__startswith=f"revocation:{revocation.pk}:", status="open").exists()


def test_a_relocation_agreed_can_still_be_withdrawn(staff, enrolment):
    leader, today = staff("bj_leader"), timezone.localdate()
    relocation, _w = services.relocation_apply(actor=staff("bj_officer"), enrolment=enrolment, new_residence="x",
                                               new_agency="某县社区矫正机构", reason="y", applied_on=today,
                                               move_on=today + dt.timedelta(days=40))
    services.relocation_step(actor=leader, relocation=relocation, step="request", on=today)
    services.relocation_step(actor=leader, relocation=relocation, step="agree", on=today)
    services.relocation_step(actor=staff("bj_officer"), relocation=relocation, step="withdraw", on=today)
    assert not Duty.objects.filter(dedupe_key__startswith=f"relocation:{relocation.pk}:", status="open").exists()


@pytest.mark.parametrize("hours", ["NaN", "inf", "0", "-1", "x"])
def test_impossible_hours_are_refused(staff, enrolment, hours):
    with pytest.raises(ValidationError):
        services.activity_record(actor=staff("bj_officer"), enrolment=enrolment, kind="education",
                                 on=timezone.localdate(), hours=hours, topic="x")


def test_a_day_holds_at_most_24_hours(staff, enrolment):
    officer, day = staff("bj_officer"), timezone.localdate()
    services.activity_record(actor=officer, enrolment=enrolment, kind="education", on=day, hours=20, topic="x")
    with pytest.raises(ValidationError):
        services.activity_record(actor=officer, enrolment=enrolment, kind="community_service", on=day, hours=5,
                                 topic="y")


def test_a_term_served_keeps_the_sealing_duty(staff, enrolment):
    _juvenile(enrolment)
    enrolment.end_date = timezone.localdate()
    enrolment.save(update_fields=["end_date"])
    services.correction_conclude(actor=staff("bj_officer"), enrolment=enrolment, on=enrolment.end_date,
                                 evaluation="表现良好")
    assert duty(f"seal_record:{enrolment.pk}").status == DutyStatus.OPEN


def test_the_monthly_hours_duty_follows_the_level_and_is_done_when_every_kind_is_met(staff, enrolment):
    officer = staff("bj_officer")
    month = timezone.localdate().replace(day=1)
    key = f"activity_hours:{enrolment.pk}:{month:%Y-%m}"
    Duty.objects.filter(dedupe_key=key).delete()
    duties_tick()
    owed = {row["kind"]: row["required"] for row in selectors.activity_hours(enrolment=enrolment, month=month)}
    level = selectors.current_level(enrolment=enrolment).level
    assert owed["education"] == {"strict": 10, "normal": 8, "lenient": 6}[level]
    hours = duty(key)
    assert hours.status == DutyStatus.OPEN and hours.due_on.month == month.month and hours.due_on.day >= 28
    services.activity_record(actor=officer, enrolment=enrolment, kind="education", on=month, hours=owed["education"],
                             topic="法治教育")
    assert duty(key).status == DutyStatus.OPEN  # community service still owed
    services.activity_record(actor=officer, enrolment=enrolment, kind="community_service", on=month,
                             hours=owed["community_service"], topic="社区清洁")
    assert duty(key).status == DutyStatus.DONE
    with pytest.raises(ValidationError):
        services.activity_record(actor=officer, enrolment=enrolment, kind="education", on=month, hours=30, topic="x")


def test_medical_parole_owes_no_community_service_and_lenient_owes_fewer_hours(staff, enrolment):
    enrolment.correction_category = "medical"
    enrolment.save()
    services.level_set(actor=staff("bj_officer"), enrolment=enrolment, level="lenient" if selectors.current_level(
        enrolment=enrolment).level != "lenient" else "normal", since=timezone.localdate(), reason="表现良好")
    rows = {row["kind"]: row for row in selectors.activity_hours(enrolment=enrolment, month=timezone.localdate())}
    assert rows["community_service"]["required"] == 0
    assert rows["education"]["required"] in (6, 8)


def test_office_returns_of_resettlement_are_due_on_2_july_and_2_february(staff):
    offices = Organisation.objects.filter(kind="judicial_office", is_active=True).count()
    Duty.objects.filter(kind="resettlement_return").delete()
    assert duties_tick(today=dt.date(2026, 6, 10))["opened"] >= 0
    assert not Duty.objects.filter(kind="resettlement_return").exists()  # not yet: the period is running
    duties_tick(today=dt.date(2026, 6, 27))
    returns = Duty.objects.filter(kind="resettlement_return")
    assert returns.count() == offices and {d.due_on for d in returns} == {dt.date(2026, 7, 2)}
    duties_tick(today=dt.date(2026, 6, 28))
    assert Duty.objects.filter(kind="resettlement_return").count() == offices  # idempotent
    duties_tick(today=dt.date(2027, 1, 5))
    annual = Duty.objects.filter(kind="resettlement_return", due_on=dt.date(2027, 2, 2))
    assert annual.count() == offices and annual.first().person is None
    office_duty = annual.get(organisation=staff("bj_officer").organisation)
    duty_mark_done(actor=staff("bj_officer"), duty=office_duty, note="已报区司法局")
    assert duty(office_duty.dedupe_key).status == DutyStatus.DONE


def test_leave_decided_above_the_office_is_told_to_the_office(staff, enrolment):
    officer, leader = staff("bj_officer"), staff("bj_leader")
    today = timezone.localdate()
    leave, _w = services.leave_apply(actor=officer, enrolment=enrolment, destination="广州", reason="就医",
                                     leave_on=today + dt.timedelta(days=5), return_on=today + dt.timedelta(days=40))
    assert leave.approval_level == LeaveLevel.HIGHER
    Notification.objects.filter(user=officer).delete()
    services.leave_decide(actor=leader, leave=leave, approve=True, note="市社区矫正管理局批复〔2026〕12号")
    told = Notification.objects.filter(text__contains=f"{leave.days}", user__organisation=officer.organisation)
    officers = User.objects.filter(organisation=officer.organisation, role="judicial_officer", is_active=True)
    assert told.filter(user=officer).exists() and told.filter(user__in=officers).count() == officers.count()


def test_the_revocation_proposal_and_team_record_are_word_documents(staff, login, enrolment):
    leader = staff("bj_leader")
    services.team_member_add(actor=staff("bj_officer"), enrolment=enrolment, name="王某某", role="office")
    revocation = services.revocation_propose(actor=leader, enrolment=enrolment, on=timezone.localdate(),
                                             court="北京市某区人民法院", evidence="脱管15日，经教育仍不报告")
    client = login("bj_leader")
    response = client.get(f"/supervision/{enrolment.pk}/documents/revocation/{revocation.pk}/")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "撤销缓刑" in text and "北京市某区人民法院" in text and "脱管15日" in text and "人民检察院" in text
    response = login("bj_officer").get(f"/supervision/{enrolment.pk}/documents/team/")
    doc = Document(io.BytesIO(response.content))
    assert "王某某" in [cell.text for row in doc.tables[0].rows for cell in row.cells]


def test_the_supervision_page_records_relocation_hours_and_notice(login, enrolment):
    client = login("bj_officer")
    page = client.get(f"/supervision/{enrolment.pk}/", {"reason": "日常监管"})
    assert page.status_code == 200
    for heading in ("变更执行地", "终止", "公益活动"):
        assert heading in page.content.decode()
    today = timezone.localdate()
    client.post(f"/supervision/{enrolment.pk}/", {"action": "activity", "kind": "education",
                                                 "on": today.isoformat(), "hours": "2.5", "topic": "法治讲座"})
    assert enrolment.activities.get().hours == 2.5
    client.post(f"/supervision/{enrolment.pk}/", {"action": "relocation", "new_residence": "天津市某街道",
                                                 "new_agency": "天津市某区社区矫正机构", "reason": "工作调动",
                                                 "applied_on": today.isoformat(),
                                                 "move_on": (today + dt.timedelta(days=40)).isoformat()})
    assert enrolment.relocations.get().status == "applied"
    client.post(f"/supervision/{enrolment.pk}/", {"action": "activity", "kind": "education", "on": "x", "hours": "2"})
    assert enrolment.activities.count() == 1  # a bad date changes nothing


def test_pre_sentence_assessments_have_a_page(login, beijing_person):
    client = login("bj_officer")
    url = f"/supervision/people/{beijing_person.pk}/assessments/"
    assert client.get(url, {"reason": "调查评估"}).status_code == 200
    client.post(url, {"action": "request", "requested_by": "某区人民法院", "received_on": "2026-09-25"})
    assessment = beijing_person.pre_sentence_assessments.get()
    assert assessment.due_on == dt.date(2026, 10, 15)  # 10 working days: 1–7 October off, Saturday 10th worked
    client.post(url, {"action": "complete", "assessment": assessment.pk, "on": "2026-10-15",
                      "conclusion": "建议适用社区矫正"})
    assessment.refresh_from_db()
    assert assessment.completed_on == dt.date(2026, 10, 15)
    assert login("bj_social").post(url, {"action": "request", "requested_by": "x", "received_on": "2026-09-25"}) \
        and beijing_person.pre_sentence_assessments.count() == 1


def test_the_calendar_command_loads_library_years_once(db):
    out = io.StringIO()
    call_command("calendar_load_library", stdout=out)
    assert "none" in out.getvalue()  # the migration already loaded every year the library knows
