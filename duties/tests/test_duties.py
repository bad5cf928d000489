"""The duty engine, the working-day calendar and the day list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import services as casework
from casework.services import case_open
from duties import services, workdays
from duties.models import CalendarYear, Duty, DutyStatus, LegalTimeLimit
from duties.selectors import day_list, legal_time_limit
from people.models import Person
from people.services import check_in_record, enrolment_add



@pytest.mark.django_db
def test_five_working_days_from_a_friday_end_the_next_friday():
    assert workdays.add_working_days(dt.date(2026, 11, 20), 5) == dt.date(2026, 11, 27)


@pytest.mark.django_db
def test_the_2026_national_day_holiday_and_its_make_up_saturday_are_followed():
    # 30 September 2026 (Wed) + 3 working days: 1–7 October are holidays, Saturday 10 October is a working day.
    assert workdays.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert workdays.is_workday(dt.date(2026, 9, 20))  # a Sunday worked in exchange


@pytest.mark.django_db
def test_a_deadline_in_2027_is_refused_until_its_calendar_is_entered():
    with pytest.raises(workdays.CalendarMissing) as exc:
        workdays.add_working_days(dt.date(2026, 12, 28), 10)
    assert "2027" in str(exc.value)
    assert 2027 in workdays.missing_years(dt.date(2026, 11, 29))


def test_an_administrator_enters_2027_and_deadlines_work_again(staff):
    services.calendar_year_enter(actor=staff("sh_admin"), year=2027,
                                 holidays=[(dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦")],
                                 workdays_on_weekends=[], source="国务院办公厅2027年节假日安排通知")
    assert workdays.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert workdays.missing_years(dt.date(2026, 11, 29)) == []


def test_only_administrators_enter_the_calendar(staff):
    with pytest.raises(PermissionDenied):
        services.calendar_year_enter(actor=staff("sh_leader"), year=2027, holidays=[], workdays_on_weekends=[],
                                     source="x")


def test_the_day_list_warns_administrators_about_a_missing_year(login):
    page = login("sh_admin").get(reverse("duties:day_list"))
    year = timezone.localdate().year + 1
    if not CalendarYear.objects.filter(year=year).exists():
        assert str(year) in page.text and reverse("duties:calendar") in page.text


@pytest.mark.django_db
def test_months_keep_the_day_or_take_the_last_day_of_a_short_month():
    assert workdays.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert workdays.add_months(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)


def correction_person(staff, username="bj_officer"):
    officer = staff(username)
    return Person.objects.filter(owner=officer, enrolments__population="resettlement").first(), officer


def test_a_correction_record_creates_check_in_plan_and_summary_duties_with_their_sources(staff):
    person, officer = correction_person(staff)
    start = timezone.localdate() - dt.timedelta(days=3)
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "correction", "correction_category": "probation", "offence": "盗窃罪", "sentence": "有期徒刑1年，缓刑1年",
        "deciding_body": "北京市东城区人民法院", "start_date": start, "end_date": start + dt.timedelta(days=365)})
    duties = {d.kind: d for d in Duty.objects.filter(person=person, status=DutyStatus.OPEN)}
    assert duties["check_in"].due_on == start + dt.timedelta(days=10) and duties["check_in"].source == "社区矫正法第21条"
    assert duties["correction_plan"].due_on == workdays.add_months(start, 1)
    assert duties["self_summary"].due_on == start + dt.timedelta(days=365 - 30)
    assert duties["check_in"].owner_role == "judicial_officer"
    _enrolment, warnings = check_in_record(actor=officer, enrolment=enrolment, on=timezone.localdate())
    assert warnings == [] and Duty.objects.get(dedupe_key=f"check_in:{enrolment.pk}").status == DutyStatus.DONE


def test_a_late_check_in_proposes_the_sanction_the_rules_give(staff):
    person, officer = correction_person(staff)
    start = timezone.localdate() - dt.timedelta(days=25)
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "correction", "correction_category": "probation", "offence": "盗窃罪", "sentence": "缓刑1年",
        "deciding_body": "法院", "start_date": start, "end_date": start + dt.timedelta(days=365)})
    _e, warnings = check_in_record(actor=officer, enrolment=enrolment, on=timezone.localdate())
    assert "15" in warnings[0] and "警告" in warnings[0]


def test_a_district_may_set_its_own_limit(staff):
    from orgs.models import Area

    beijing = Area.objects.get(code="110000")
    LegalTimeLimit.objects.create(key="check_in_days", area=beijing, value=7, unit="days", description="北京规定",
                                  source="北京市实施细则")
    assert legal_time_limit(Area.objects.get(code="110101001"), "check_in_days").value == 7
    assert legal_time_limit(Area.objects.get(code="310104001"), "check_in_days").value == 10


def test_a_booked_home_visit_is_a_duty_and_recording_it_completes_the_duty(staff, login):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker, enrolments__population="resettlement",
                                   cases__isnull=True).first()
    case = case_open(actor=worker, person=person, population="resettlement")
    yesterday = timezone.now() - dt.timedelta(days=1)
    appointment = casework.appointment_book(actor=worker, case=case, planned_at=yesterday, mode="home_visit")
    client = login("sh_social2")
    assert person.shared_name in client.get(reverse("duties:day_list")).text.split('data-testid="due-today"')[0]
    start = timezone.now() - dt.timedelta(minutes=30)
    casework.contact_record(actor=worker, case=case, data={"mode": "home_visit", "met": "family_only",
                                                           "started_at": start, "ended_at": timezone.now()})
    assert Duty.objects.get(dedupe_key=f"appointment:{appointment.pk}").status == DutyStatus.DONE


def test_overdue_duties_escalate_to_the_supervisor_after_the_grace_period_once(staff):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    duty = services.duty_open(key="test:1", kind="contact", title="家访", person=person, owner=worker,
                              organisation=worker.organisation, due_on=dt.date(2026, 11, 16), rule_key="x",
                              source="test")
    services.duties_tick(today=dt.date(2026, 11, 18))
    duty.refresh_from_db()
    assert duty.escalated_at is None  # within the 2 working days of grace
    services.duties_tick(today=dt.date(2026, 11, 19))
    duty.refresh_from_db()
    first = duty.escalated_at
    assert duty.escalated_to == staff("sh_supervisor") and first
    services.duties_tick(today=dt.date(2026, 11, 20))
    duty.refresh_from_db()
    assert duty.escalated_at == first  # idempotent
    assert staff("sh_supervisor").notifications.filter(duty=duty).count() == 1


def test_snoozing_needs_a_reason_and_hides_the_duty_until_then(staff):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    duty = services.duty_open(key="test:2", kind="contact", title="电话回访", person=person, owner=worker,
                              organisation=worker.organisation, due_on=timezone.localdate(), rule_key="x",
                              source="test")
    with pytest.raises(ValidationError):
        services.duty_snooze(actor=worker, duty=duty, until=timezone.localdate() + dt.timedelta(days=3), reason="")
    services.duty_snooze(actor=worker, duty=duty, until=timezone.localdate() + dt.timedelta(days=3),
                         reason="服务对象外出务工，下周返回")
    assert duty.pk not in [line.pk for line in day_list(user=worker).today]
    with pytest.raises(PermissionDenied):
        services.duty_mark_done(actor=staff("sh_social"), duty=duty, note="x")


def test_opening_a_duty_twice_does_not_double_it(staff):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    for _ in range(2):
        services.duty_open(key="test:3", kind="contact", title="x", person=person, owner=worker,
                           organisation=worker.organisation, due_on=timezone.localdate(), rule_key="x", source="t")
    assert Duty.objects.filter(dedupe_key="test:3").count() == 1


def test_the_day_list_takes_the_same_queries_for_few_or_many_duties(staff, login):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    client = login("sh_social2")
    worker.notifications.update(read_at=timezone.now())
    client.get(reverse("duties:day_list"))
    with CaptureQueriesContext(connection) as nothing_waits:
        client.get(reverse("duties:day_list"))
    # The session, the user (with whether their role approves and whether alerts or transfers wait), the duties.
    assert len(nothing_waits) == 3, [q["sql"][:80] for q in nothing_waits.captured_queries]
    services.duty_open(key="bulk:first", kind="contact", title="事项", person=person, owner=worker,
                       organisation=worker.organisation, due_on=timezone.localdate(), rule_key="x", source="t")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("duties:day_list"))
    assert len(few) == 4  # and the unread alert the new duty brought
    for n in range(15):
        services.duty_open(key=f"bulk:{n}", kind="contact", title=f"事项{n}", person=person, owner=worker,
                           organisation=worker.organisation, due_on=timezone.localdate() - dt.timedelta(days=n % 3),
                           rule_key="x", source="t")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("duties:day_list"))
    assert len(many) == len(few)


def test_alerts_and_transfers_arriving_show_on_the_next_day_list(staff, login):
    # Whether anything waits is read with the signed-in user at each request (accounts.backends): a day list with
    # nothing waiting asks no more, and the next one shows what has arrived since.
    from casework.tests.conftest import cases_taken_on

    sender, receiver = staff("sh_social2"), staff("sh_social")
    receiver.notifications.update(read_at=timezone.now())
    client = login("sh_social")
    page = client.get(reverse("duties:day_list")).text
    assert "会商会改期" not in page and "转介 ·" not in page
    services.notify(user=receiver, text="会商会改期")
    case = cases_taken_on(sender, 1)[0]
    casework.transfer_request(actor=sender, case=case, to_owner=receiver, reason="调岗")
    page = client.get(reverse("duties:day_list")).text
    assert "会商会改期" in page and f"转介 · {case.person.shared_name}" in page
    # and to the supervisor who decides the receiving office's transfers (by the office, not by name)
    supervisor = login("sh_supervisor").get(reverse("duties:day_list")).text
    assert f"转介 · {case.person.shared_name}" in supervisor


def test_a_duty_on_the_day_list_is_shown_escaped_and_its_form_works_in_a_browser(staff):
    import re

    from django.test import Client

    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    duty = services.duty_open(key="escape:1", kind="self_summary", title='<script>alert("x")</script>', person=person,
                              owner=worker, organisation=worker.organisation, due_on=timezone.localdate(),
                              rule_key="x", source="t")
    browser = Client(enforce_csrf_checks=True)  # as a real browser: the form's token must be valid
    browser.force_login(worker)
    page = browser.get(reverse("duties:day_list")).content.decode()
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in page and "<script>alert" not in page
    form = re.search(rf'action="{reverse("duties:done", args=[duty.pk])}".*?name="csrfmiddlewaretoken" '
                     rf'value="([^"]+)"', page, re.S)
    response = browser.post(reverse("duties:done", args=[duty.pk]),
                            {"csrfmiddlewaretoken": form.group(1), "note": "电话确认"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DONE


def test_a_supervisor_sees_counts_per_office(login):
    page = login("sh_supervisor").get(reverse("duties:day_list"))
    assert "新航" in page.text and 'data-testid="overdue"' in page.text


@pytest.fixture
def reachable_worker(staff, settings):
    """A social worker with an e-mail address and a phone, mail and SMS (recorded) turned on."""
    from duties.channels import RecordingSms

    settings.NOTIFY_BY_EMAIL = True
    settings.SMS_GATEWAY = "duties.channels.RecordingSms"
    RecordingSms.sent.clear()
    worker = staff("sh_social2")
    worker.email, worker.phone = "worker@example.org", "13800000000"
    worker.save()
    return worker


def _open_a_duty_for(worker, key: str, capture) -> None:
    with capture(execute=True):
        services.duty_open(key=key, kind="contact", title="电话回访", person=Person.objects.filter(owner=worker).first(),
                           owner=worker, organisation=worker.organisation, due_on=timezone.localdate(), rule_key="x",
                           source="t")


def test_a_new_duty_reaches_its_owner_by_mail_and_sms_when_configured(reachable_worker, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    from duties.channels import RecordingSms

    _open_a_duty_for(reachable_worker, "test:mail", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1 and "电话回访" in mailoutbox[0].body
    [(phone, text)] = RecordingSms.sent
    assert phone == "13800000000" and "电话回访" not in text  # an SMS says only that something waits


class RefusingRelay:
    """A mail relay that refuses the service's password."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 authentication failed")


def test_a_mail_the_relay_refuses_is_logged_and_the_sms_still_goes(reachable_worker, settings, caplog,
                                                                   django_capture_on_commit_callbacks):
    from duties.channels import RecordingSms

    settings.EMAIL_BACKEND = "duties.tests.test_duties.RefusingRelay"
    worker = reachable_worker
    _open_a_duty_for(worker, "test:relay", django_capture_on_commit_callbacks)
    assert Duty.objects.filter(dedupe_key="test:relay").exists()
    assert [r for r in caplog.records if r.name == "duties.channels" and str(worker.pk) in r.getMessage()]
    assert len(RecordingSms.sent) == 1


def test_the_correction_plan_month_runs_from_check_in(staff):
    person, officer = correction_person(staff)
    start = timezone.localdate() - dt.timedelta(days=8)
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "correction", "correction_category": "probation", "offence": "盗窃罪", "sentence": "缓刑1年",
        "deciding_body": "法院", "start_date": start, "end_date": start + dt.timedelta(days=365)})
    check_in_record(actor=officer, enrolment=enrolment, on=timezone.localdate())
    plan = Duty.objects.get(dedupe_key=f"correction_plan:{enrolment.pk}")
    assert plan.due_on == workdays.add_months(timezone.localdate(), 1)


def test_closing_a_case_cancels_its_duties_and_a_transfer_moves_them(staff):
    worker, receiver = staff("sh_social2"), staff("sh_social")
    person = Person.objects.filter(owner=worker, enrolments__population="resettlement", cases__isnull=True).first()
    case = case_open(actor=worker, person=person, population="resettlement")
    appointment = casework.appointment_book(actor=worker, case=case, planned_at=timezone.now() + dt.timedelta(days=3),
                                            mode="home_visit")
    transfer = casework.transfer_request(actor=worker, case=case, to_owner=receiver, reason="调整")
    casework.transfer_decide(actor=receiver, transfer=transfer, accept=True)
    duty = Duty.objects.get(dedupe_key=f"appointment:{appointment.pk}")
    assert duty.owner == receiver
    case.stage = "review"
    case.save()
    from casework.services import _set_stage

    _set_stage(case, to="closed", action="approve_closing", actor=staff("sh_supervisor"))
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CANCELLED


def test_a_duty_of_a_role_nobody_holds_reaches_the_supervisor(staff):
    from orgs.models import Organisation

    office = Organisation.objects.get(name="天平路街道司法所")  # the demo has no judicial officer there
    person = Person.objects.filter(area=office.area).first()
    duty = services.duty_open(key="test:orphan", kind="check_in", title="报到", person=person, organisation=office,
                              owner_role="judicial_officer", due_on=timezone.localdate(), rule_key="x", source="t")
    assert duty.notifications.exists()


def test_snoozing_is_capped_and_only_manual_duties_are_marked_done_by_hand(staff):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    duty = services.duty_open(key="test:cap", kind="contact", title="家访", person=person, owner=worker,
                              organisation=worker.organisation, due_on=timezone.localdate(), rule_key="x", source="t")
    with pytest.raises(ValidationError):
        services.duty_snooze(actor=worker, duty=duty, until=timezone.localdate() + dt.timedelta(days=400), reason="x")
    with pytest.raises(ValidationError):
        services.duty_mark_done(actor=worker, duty=duty, note="已家访")


def test_the_daily_job_reminds_once_when_due_and_once_when_overdue(staff):
    worker = staff("sh_social2")
    person = Person.objects.filter(owner=worker).first()
    duty = services.duty_open(key="test:remind", kind="contact", title="电话回访", person=person, owner=worker,
                              organisation=worker.organisation, due_on=dt.date(2026, 11, 17), rule_key="x", source="t")
    services.duties_tick(today=dt.date(2026, 11, 17))
    services.duties_tick(today=dt.date(2026, 11, 17))
    services.duties_tick(today=dt.date(2026, 11, 18))
    texts = list(worker.notifications.filter(duty=duty).values_list("text", flat=True))
    assert len(texts) == 3  # opened, due today, overdue — each once


def test_a_leave_application_waits_in_the_deciders_day_list(staff):
    from people.models import Enrolment
    from supervision.services import leave_apply, leave_decide

    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").first()
    start = timezone.localdate() + dt.timedelta(days=6)
    leave, _w = leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="天津", reason="务工",
                            leave_on=start, return_on=start + dt.timedelta(days=14))
    from duties.selectors import duties_of

    assert duties_of(user=staff("bj_leader")).filter(dedupe_key=f"leave_decision:{leave.pk}").exists()
    assert not duties_of(user=staff("bj_officer")).filter(dedupe_key=f"leave_decision:{leave.pk}").exists()
    leave_decide(actor=staff("bj_leader"), leave=leave, approve=True)
    assert Duty.objects.get(dedupe_key=f"leave_decision:{leave.pk}").status == DutyStatus.DONE


def test_the_http_sms_gateway_posts_signed_json_and_a_refusal_raises(settings):
    """An intranet SMS platform stands in as a local HTTP server: it receives the phone and text, signed."""
    import hashlib
    import hmac
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from django.core.exceptions import ImproperlyConfigured

    from duties.channels import HttpJsonSms

    received = []

    class Platform(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["X-Signature"]))
            self.send_response(200 if json.loads(body)["phone"] != "bad" else 500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
        settings.SMS_GATEWAY_SECRET = "s3cret"
        HttpJsonSms().send("13800000000", "新待办：家访")
        body, signature = received[0]
        assert json.loads(body) == {"phone": "13800000000", "text": "新待办：家访"}
        assert signature == hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        with pytest.raises(OSError):
            HttpJsonSms().send("bad", "x")
        settings.SMS_GATEWAY_URL = "http://sms.example.gov.cn/send"  # plain http off this machine is refused
        with pytest.raises(ImproperlyConfigured):
            HttpJsonSms().send("13800000000", "x")
    finally:
        server.shutdown()
