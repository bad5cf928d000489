"""Writes: validation at the boundary, nothing half-saved, an audit event for each, conflicts detected."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from audit.models import AuditEvent
from people import idnumbers
from people.models import Person
from people.services import enrolment_add, person_create, person_file_opened, person_update
from tongxing.permissions import ConflictError


def new_person_data(worker, **extra):
    first17 = "31010420010203123"
    return {"full_name": "林晓雨", "pseudonym": "", "sex": "M", "id_number": first17 + idnumbers.check_char(first17),
            "area": worker.organisation.area.children.first() or worker.organisation.area, **extra}


def test_creating_a_file_derives_search_keys_and_records_an_audit_event(staff):
    worker = staff("sh_social")
    person = person_create(actor=worker, data=new_person_data(worker))
    assert (person.name_pinyin, person.name_initials) == ("linxiaoyu", "lxy")
    assert person.birth_date == dt.date(2001, 2, 3)  # read from the ID number
    event = AuditEvent.objects.get(action="person.created", target_id=str(person.pk))
    assert event.actor == worker and event.person == person
    assert event.changes["id_number"][1] == "***"  # the trail never holds the number in clear


def test_a_wrong_check_character_is_refused_and_nothing_is_saved(staff):
    worker = staff("sh_social")
    data = new_person_data(worker)
    data["id_number"] = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        person_create(actor=worker, data=data)
    assert "id_number" in exc.value.message_dict
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_a_birth_date_contradicting_the_id_number_is_refused(staff):
    worker = staff("sh_social")
    with pytest.raises(ValidationError) as exc:
        person_create(actor=worker, data=new_person_data(worker, birth_date=dt.date(2001, 2, 4)))
    assert "birth_date" in exc.value.message_dict


def test_the_same_id_number_cannot_open_a_second_active_file(staff, xiaoyu):
    worker = staff("sh_social")
    with pytest.raises(ValidationError) as exc:
        person_create(actor=worker, data=new_person_data(worker, id_number=xiaoyu.id_number, sex="M", birth_date=None))
    assert "id_number" in exc.value.message_dict


def test_the_id_number_is_encrypted_in_the_database(xiaoyu):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [xiaoyu.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert xiaoyu.id_number not in stored_id and xiaoyu.id_number[-4:] not in stored_id
    assert xiaoyu.phone not in stored_phone


def test_a_volunteer_cannot_open_files(staff):
    volunteer = staff("sh_volunteer")
    with pytest.raises(PermissionDenied):
        person_create(actor=volunteer, data=new_person_data(staff("sh_social")))


def test_an_edit_made_on_an_outdated_copy_is_a_conflict_not_a_lost_update(staff, xiaoyu):
    worker, officer = staff("sh_social"), staff("sh_officer")
    version = xiaoyu.version
    person_update(actor=worker, person=xiaoyu, data={"employer": "某汽修厂"}, expected_version=version)
    with pytest.raises(ConflictError):
        person_update(actor=officer, person=xiaoyu, data={"employer": "某餐馆"}, expected_version=version)
    xiaoyu.refresh_from_db()
    assert xiaoyu.employer == "某汽修厂" and xiaoyu.version == version + 1


def test_an_update_records_old_and_new_values(staff, xiaoyu):
    worker = staff("sh_social")
    person_update(actor=worker, person=xiaoyu, data={"employer": "某汽修厂"}, expected_version=xiaoyu.version)
    event = AuditEvent.objects.filter(action="person.updated", person=xiaoyu).latest("id")
    assert event.changes == {"employer": ["", "某汽修厂"]}


def test_opening_a_file_is_recorded(staff, xiaoyu):
    worker = staff("sh_social")
    person_file_opened(actor=worker, person=xiaoyu)
    assert AuditEvent.objects.filter(action="person.viewed", person=xiaoyu, actor=worker).exists()


def test_a_leader_must_give_a_reason_to_open_a_file(staff, adult):
    leader = staff("sh_leader")
    with pytest.raises(ValidationError):
        person_file_opened(actor=leader, person=adult)
    person_file_opened(actor=leader, person=adult, reason="审阅自杀未遂事件处置")
    assert AuditEvent.objects.get(action="person.viewed", actor=leader).reason == "审阅自杀未遂事件处置"


def test_the_beijing_model_does_not_serve_at_risk_youth(staff, beijing_person):
    officer = beijing_person.owner
    with pytest.raises(ValidationError) as exc:
        enrolment_add(actor=officer, person=beijing_person, data={"population": "youth", "start_date": dt.date(2026, 1, 5)})
    assert "北京" in exc.value.message_dict["population"][0] or "Beijing" in exc.value.message_dict["population"][0]


def test_the_shanghai_model_puts_drug_rehabilitation_with_the_ziqiang_centre(staff, xiaoyu):
    enrolment = enrolment_add(actor=staff("sh_social"), person=xiaoyu, data={
        "population": "drug", "drug_order_kind": "rehab", "deciding_body": "徐汇公安分局",
        "start_date": dt.date(2026, 10, 1), "end_date": dt.date(2029, 9, 30)})
    assert enrolment.organisation.name.endswith("自强社区戒毒工作站")


def test_a_correction_record_requires_its_legal_data(staff, xiaoyu):
    with pytest.raises(ValidationError) as exc:
        enrolment_add(actor=staff("sh_officer"), person=xiaoyu, data={"population": "resettlement"})
    assert {"release_source", "release_date"} <= set(exc.value.message_dict)


def test_the_model_decides_who_may_be_responsible_for_a_person(staff):
    # Beijing model: the 司法所 officer owns the work; a (part-time) social worker may not.
    officer, social = staff("bj_officer"), staff("bj_social")
    with pytest.raises(ValidationError) as exc:
        person_create(actor=officer, data=new_person_data(officer, owner=social, area=officer.organisation.area))
    assert "owner" in exc.value.message_dict
    assert person_create(actor=officer, data=new_person_data(officer, owner=officer, area=officer.organisation.area))


def test_disabling_a_file_needs_a_reason_and_keeps_the_record(staff, xiaoyu):
    from people.selectors import people_visible_to
    from people.services import person_set_active

    worker = staff("sh_social")
    with pytest.raises(ValidationError):
        person_set_active(actor=worker, person=xiaoyu, active=False, reason=" ")
    person_set_active(actor=worker, person=xiaoyu, active=False, reason="重复建档")
    assert Person.objects.filter(pk=xiaoyu.pk).exists()
    assert not people_visible_to(user=worker).filter(pk=xiaoyu.pk).exists()
    assert people_visible_to(user=worker, include_inactive=True).filter(pk=xiaoyu.pk).exists()
    assert AuditEvent.objects.get(action="person.disabled", person=xiaoyu).reason == "重复建档"
