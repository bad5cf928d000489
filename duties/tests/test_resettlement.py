"""Resettlement assistance (R1–R3): the period by region and origin, the hand-over check, high-priority people."""

import datetime as dt

from django.utils import timezone

from casework.services import case_open, contact_record
from duties.models import Duty, DutyStatus, LegalTimeLimit
from orgs.models import Area
from people.models import Person
from people.services import enrolment_add


def a_person(staff, username="bj_officer"):
    officer = staff(username)
    return Person.objects.filter(owner=officer).exclude(enrolments__population="resettlement",
                                                        enrolments__status="active").first(), officer


def test_the_assistance_period_is_five_years_after_prison_and_three_after_correction(staff):
    person, officer = a_person(staff)
    release = dt.date(2026, 3, 1)
    from_prison = enrolment_add(actor=officer, person=person, data={
        "population": "resettlement", "release_source": "prison", "release_date": release})
    assert from_prison.end_date == dt.date(2031, 2, 28)


def test_a_province_may_set_five_years_after_correction(staff):
    person, officer = a_person(staff)
    LegalTimeLimit.objects.create(key="resettlement_months_after_correction", area=Area.objects.get(code="110000"),
                                  value=60, unit="months", description="北京规定", source="北京市安置帮教办法")
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "resettlement", "release_source": "correction", "release_date": dt.date(2026, 3, 1)})
    assert enrolment.end_date == dt.date(2031, 2, 28)


def test_a_release_notice_opens_the_hand_over_check_and_a_high_priority_person_gets_collected_and_visited(staff):
    person, officer = a_person(staff)
    release = timezone.localdate() + dt.timedelta(days=20)
    enrolment = enrolment_add(actor=officer, person=person, data={
        "population": "resettlement", "release_source": "prison", "release_date": release, "high_priority": True,
        "release_institution": "北京市监狱"})
    kinds = {d.kind: d for d in Duty.objects.filter(person=person, status=DutyStatus.OPEN)}
    assert kinds["handover_check"].due_on == release - dt.timedelta(days=1)
    assert kinds["collect_at_release"].due_on == release
    assert kinds["resettlement_home_visit"].due_on == release + dt.timedelta(days=7)
    assert enrolment.high_priority


def test_a_home_visit_in_the_resettlement_case_fulfils_the_visit_after_release(staff):
    worker = staff("sh_social")  # 新航 serves both populations in the Shanghai model
    person = Person.objects.filter(owner=worker, cases__isnull=True, pseudonym="").exclude(
        enrolments__population="resettlement").first()
    release = timezone.localdate() - dt.timedelta(days=2)
    enrolment = enrolment_add(actor=worker, person=person, data={
        "population": "resettlement", "release_source": "prison", "release_date": release, "high_priority": True})
    case = case_open(actor=worker, person=person, population="resettlement")
    start = timezone.now() - dt.timedelta(hours=2)
    contact_record(actor=worker, case=case, data={"mode": "home_visit", "met": "family_only", "started_at": start,
                                                  "ended_at": start + dt.timedelta(minutes=20)})
    assert Duty.objects.get(dedupe_key=f"resettlement_home_visit:{enrolment.pk}").status == DutyStatus.DONE
