"""Case conferences: what must be recorded, who may own a decision, the brief's access, and the API."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import api_token_create
from audit.models import AuditEvent
from conferences import services
from conferences.forms import parse_externals
from duties.models import Duty


@pytest.fixture
def conference(staff, xiaoyu):
    conference, _w = services.conference_schedule(actor=staff("sh_social"), person=xiaoyu, place="司法所",
                                                  scheduled_for=timezone.now() + dt.timedelta(days=1))
    return conference


def hold(actor, conference, **overrides):
    data = {"held_on": timezone.localdate(), "background": "背景", "service_so_far": "服务",
            "analyses": {"peers": "受朋辈影响"}, "recommendations": "", "decisions": []}
    data.update(overrides)
    return services.conference_hold(actor=actor, conference=conference, **data)


def test_a_conference_needs_the_presentation_and_an_analysis(staff, conference):
    with pytest.raises(ValidationError):
        hold(staff("sh_social"), conference, analyses={})
    with pytest.raises(ValidationError):
        hold(staff("sh_social"), conference, background="")
    with pytest.raises(ValidationError):
        hold(staff("sh_social"), conference, analyses={"astrology": "x"})
    conference.refresh_from_db()
    assert conference.status == "scheduled"


def test_a_decision_owner_must_see_the_file(staff, conference):
    with pytest.raises(ValidationError):
        hold(staff("sh_social"), conference, decisions=[
            {"text": "家访", "owner": staff("bj_officer"), "due_on": timezone.localdate()}])
    hold(staff("sh_social"), conference, decisions=[
        {"text": "家访", "owner": staff("sh_social"), "due_on": timezone.localdate()}])
    with pytest.raises(ValidationError):  # only once
        hold(staff("sh_social"), conference)
    assert Duty.objects.filter(kind="conference_decision", owner=staff("sh_social")).count() == 1


def test_externals_are_parsed_line_by_line_with_a_clear_error():
    assert parse_externals("周医生，精神科医生，区精神卫生中心\n\n吴老师|心理咨询师") == [
        {"name": "周医生", "profession": "精神科医生", "organisation": "区精神卫生中心"},
        {"name": "吴老师", "profession": "心理咨询师", "organisation": ""}]
    with pytest.raises(ValidationError):
        parse_externals("只有名字")


def test_the_brief_is_for_conveners_and_audited(login, staff, conference):
    assert login("sh_volunteer").get(f"/conferences/{conference.pk}/brief/").status_code in (403, 404)
    response = login("sh_social").get(f"/conferences/{conference.pk}/brief/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(action="document.conference_brief", actor=staff("sh_social")).exists()


def test_schedule_and_hold_through_the_web(login, staff, xiaoyu):
    client = login("sh_social")
    assert client.get(f"/conferences/new/{xiaoyu.pk}/").status_code == 200
    response = client.post(f"/conferences/new/{xiaoyu.pk}/", {
        "scheduled_for": "2026-11-30T09:30", "place": "司法所会议室", "staff": [staff("sh_supervisor").pk],
        "externals": "周医生，精神科医生，区精神卫生中心"})
    assert response.status_code == 302
    conference = xiaoyu.conferences.get()
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "周医生" in page and "案主对自我存在价值的定义" in page
    response = client.post(conference.get_absolute_url(), {
        "held_on": timezone.localdate().isoformat(), "background": "背景", "service_so_far": "服务",
        "dim_self_worth": "自我价值感低", "decision_0": "每周面谈", "owner_0": staff("sh_social").pk,
        "due_0": (timezone.localdate() + dt.timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == "held" and conference.decisions.get().text == "每周面谈"


def test_the_whole_conference_through_the_api(client, staff, xiaoyu):
    _t, raw = api_token_create(actor=staff("sh_social"), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def post(url, body):
        return client.post(url, json.dumps(body, default=str), content_type="application/json")

    incident = post("/api/incidents", {"person_id": xiaoyu.pk, "kind": "relapse",
                                       "occurred_at": timezone.now() - dt.timedelta(hours=3), "place": "家中",
                                       "description": "复吸", "immediate_actions": "联系禁毒办"})
    assert incident.status_code == 201
    assert client.get(f"/api/risk/people/{xiaoyu.pk}").json()["flag"]["level"] == "high"
    scheduled = post("/api/conferences", {
        "person_id": xiaoyu.pk, "scheduled_for": timezone.now() + dt.timedelta(days=1), "place": "司法所",
        "staff_ids": [staff("sh_supervisor").pk], "incident_id": incident.json()["id"],
        "externals": [{"name": "周医生", "profession": "精神科医生"}]})
    assert scheduled.status_code == 201 and len(scheduled.json()["participants"]) == 3
    held = post(f"/api/conferences/{scheduled.json()['id']}/held", {
        "held_on": timezone.localdate(), "background": "背景", "service_so_far": "服务",
        "analyses": {"peers": "朋辈影响"},
        "decisions": [{"text": "转介禁毒办", "owner_id": staff("sh_supervisor").pk,
                       "due_on": timezone.localdate() + dt.timedelta(days=5)}]})
    assert held.status_code == 200 and held.json()["status"] == "held" and len(held.json()["decisions"]) == 1
    assert post(f"/api/conferences/{scheduled.json()['id']}/held", {
        "held_on": timezone.localdate(), "background": "x", "service_so_far": "x", "analyses": {}}).status_code == 422
    assert client.get(f"/api/conferences/{scheduled.json()['id']}/brief").status_code == 200
    items = client.get("/api/risk/items").json()
    screened = post(f"/api/risk/people/{xiaoyu.pk}/screenings", {
        "done_on": timezone.localdate(), "answers": [{"code": i["code"], "score": 0} for i in items]})
    assert screened.status_code == 201 and screened.json()["level"] == "low"


def test_the_conference_page_query_count_does_not_grow_with_decisions(login, staff, xiaoyu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = staff("sh_social")
    counts = []
    for n in (1, 4):
        conference, _w = services.conference_schedule(
            actor=worker, person=xiaoyu, place="司法所", scheduled_for=timezone.now() + dt.timedelta(days=1),
            staff=[staff("sh_supervisor")], externals=[{"name": f"专家{i}", "profession": "医生"} for i in range(n)])
        hold(worker, conference, decisions=[{"text": f"决定{i}", "owner": worker, "due_on": timezone.localdate()}
                                            for i in range(n)])
        client = login("sh_social")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/conferences/{conference.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_brief_filters_messy_free_text(staff, xiaoyu):
    from conferences.brief import conference_brief, document_text
    from people.models import SupportMember

    father = SupportMember.objects.filter(person=xiaoyu, relation="父亲").first()
    father.name = "王建国"
    father.save()
    enrolment = xiaoyu.enrolments.get(population="correction")
    enrolment.offence = f"抢劫罪（被害人：{xiaoyu.full_name}的同学）"
    enrolment.save()
    digits = xiaoyu.id_number
    conference, _w = services.conference_schedule(actor=staff("sh_social"), person=xiaoyu, place="司法所",
                                                  scheduled_for=timezone.now() + dt.timedelta(days=1))
    hold(staff("sh_social"), conference, background=(
        f"{xiaoyu.full_name}的父亲建国电话 138 1234 5678，身份证 {digits[:6]} {digits[6:14]} {digits[14:]}，"
        f"2009/03/05 出生，3月5号 离家。"))
    conference.refresh_from_db()
    text = document_text(conference_brief(conference))
    for secret in ("建国", "138 1234 5678", digits[6:14], "2009/03/05", "3月5号", xiaoyu.full_name):
        assert secret not in text, secret
    assert "父亲" in text and "[电话]" in text and "[身份证号]" in text and "2009年03月" in text


def test_roles_without_offence_access_see_the_level_but_not_the_crisis(login, staff, xiaoyu):
    from incidents.services import incident_record

    incident = incident_record(actor=staff("sh_social"), person=xiaoyu, kind="new_offence",
                               occurred_at=timezone.now() - dt.timedelta(hours=1), place="商场",
                               description="涉嫌盗窃被派出所传唤", immediate_actions="陪同到派出所")
    from people.services import assignment_add

    assignment_add(actor=staff("sh_social"), person=xiaoyu, user=staff("sh_volunteer"), task="学业辅导")
    volunteer = login("sh_volunteer")
    assert volunteer.get(incident.get_absolute_url()).status_code == 403
    page = volunteer.get(xiaoyu.get_absolute_url()).content.decode()
    assert 'data-testid="risk-flag"' in page and "涉嫌盗窃" not in page and "new offence" not in page
    assert volunteer.get(f"/risk/people/{xiaoyu.pk}/").status_code == 403


def test_an_other_incident_does_not_lower_a_high_flag(staff, xiaoyu):
    from incidents.services import incident_record
    from risk.selectors import current_flag

    for kind in ("self_harm", "other"):
        incident_record(actor=staff("sh_social"), person=xiaoyu, kind=kind, place="家中", description="x",
                        occurred_at=timezone.now() - dt.timedelta(hours=1), immediate_actions="y")
    assert current_flag(person=xiaoyu).level == "high"


def test_one_conference_answers_every_waiting_incident(staff, xiaoyu, conference):
    from incidents.services import incident_record

    for kind in ("self_harm", "lost_contact"):
        incident_record(actor=staff("sh_social"), person=xiaoyu, kind=kind, place="家中", description="x",
                        occurred_at=timezone.now() - dt.timedelta(hours=1), immediate_actions="y")
    assert Duty.objects.filter(person=xiaoyu, kind="case_conference", status="open").count() == 2
    hold(staff("sh_social"), conference)
    assert not Duty.objects.filter(person=xiaoyu, kind="case_conference", status="open").exists()


def test_bad_ids_on_the_pages_are_clear_errors(login, staff, xiaoyu):
    case = xiaoyu.cases.filter(owner=staff("sh_social")).first()
    client = login("sh_social")
    assert client.post(f"/referrals/case/{case.pk}/", {"referral": "abc", "on": "2026-11-01"}).status_code == 404
    assert client.post(f"/risk/people/{xiaoyu.pk}/", {"action": "review", "flag": "x", "note": "n"}).status_code == 404


def test_a_decision_owner_needs_an_organisation(staff, conference):
    owner = staff("sh_supervisor")
    owner.organisation = None
    with pytest.raises(ValidationError):
        hold(staff("sh_social"), conference, decisions=[{"text": "x", "owner": owner, "due_on": timezone.localdate()}])
