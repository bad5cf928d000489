"""What each role may see and do with a file beyond its scope: the holes a review found, kept closed."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_create, user_create
from audit.models import AuditEvent
from orgs.models import Area, Organisation, Team
from people.models import Person
from people.selectors import person_search, sees_offence
from people.services import assignment_add, enrolment_add, person_set_active, person_update


def api(client, staff, username):
    _token, raw = api_token_create(actor=staff(username), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_a_file_cannot_be_moved_into_another_district(staff, xiaoyu):
    beijing_street = Area.objects.get(code="110101001")
    with pytest.raises(ValidationError) as exc:
        person_update(actor=staff("sh_supervisor"), person=xiaoyu, data={"area": beijing_street},
                      expected_version=xiaoyu.version)
    assert "area" in exc.value.message_dict


def test_the_api_names_an_out_of_reach_area_as_a_bad_area_id(client, staff, xiaoyu):
    response = patch(api(client, staff, "sh_supervisor"), f"/api/people/{xiaoyu.pk}",
                     {"expected_version": xiaoyu.version, "area_id": Area.objects.get(code="110101001").pk})
    assert response.status_code == 422 and "area_id" in response.json()["errors"]
    xiaoyu.refresh_from_db()
    assert xiaoyu.area.code.startswith("310104")


def test_the_edit_form_does_not_show_the_whole_id_number_to_a_supervisor(login, xiaoyu):
    page = login("sh_supervisor").get(reverse("people:edit", args=[xiaoyu.pk]))
    assert page.status_code == 200 and xiaoyu.id_number not in page.text


def test_opening_the_edit_form_is_recorded_as_opening_the_file(login, xiaoyu):
    login("sh_social").get(reverse("people:edit", args=[xiaoyu.pk]))
    assert AuditEvent.objects.filter(action="person.viewed", person=xiaoyu).exists()


def test_a_role_without_offence_access_cannot_grant_it(staff):
    community = staff("hz_community")
    person = Person.objects.filter(organisation=community.organisation).first()
    with pytest.raises(ValidationError):
        assignment_add(actor=community, person=person, user=staff("hz_volunteer"), task="陪伴", may_see_offence=True)
    with pytest.raises(ValidationError):
        assignment_add(actor=community, person=person, user=community, task="", may_see_offence=False)
    assert not sees_offence(user=staff("hz_volunteer"), person=person)


def test_a_volunteer_sees_no_release_details_or_ending_reasons(client, staff):
    volunteer = staff("sh_volunteer")
    person = Person.objects.filter(assignments__user=volunteer, enrolments__status="ended").first()
    ended = person.enrolments.get(status="ended")
    body = api(client, staff, "sh_volunteer").get(f"/api/people/{person.pk}").json()
    for record in body["enrolments"]:
        assert record["end_reason"] is None and record["release_date"] is None and record["release_source"] is None
    browser = Client()
    browser.force_login(volunteer)
    assert ended.end_reason not in browser.get(person.get_absolute_url()).text


def test_a_volunteer_cannot_confirm_a_guessed_id_number_by_searching(staff):
    volunteer = staff("sh_volunteer")
    person = Person.objects.filter(assignments__user=volunteer).first()
    assert not person_search(user=volunteer, query=person.id_number).exists()
    assert not person_search(user=volunteer, query=person.id_number[-4:]).exists()


def test_a_leader_gives_a_reason_before_reading_a_files_audit_trail(login, client, staff, adult):
    page = login("sh_leader").get(reverse("people:audit", args=[adult.pk]))
    assert 'name="reason"' in page.text and "person.created" not in page.text
    leader_api = api(client, staff, "sh_leader")
    assert leader_api.get("/api/audit/events", {"person": adult.pk}).status_code == 422
    assert leader_api.get("/api/audit/events", {"person": adult.pk, "reason": "督查"}).status_code == 200
    assert AuditEvent.objects.get(action="person.viewed", person=adult).reason == "督查"


def test_a_user_cannot_be_put_in_another_organisations_team(db):
    office = Organisation.objects.get(name="景山街道司法所")
    other_team = Team.objects.exclude(organisation=office).first()
    with pytest.raises(ValidationError):
        user_create(actor=None, username="x_new", password="Long-enough-2026", role="social_worker",
                    organisation=office, team=other_team)


def test_an_administrator_creates_accounts_only_in_their_area(staff):
    with pytest.raises(PermissionDenied):
        user_create(actor=staff("sh_admin"), username="x_new", password="Long-enough-2026", role="social_worker",
                    organisation=Organisation.objects.get(name="景山街道司法所"))


def test_creating_through_the_api_without_an_owner_makes_the_caller_responsible(client, staff):
    from people.idnumbers import check_char

    worker = staff("sh_social")
    first17 = "31010419990101771"
    response = api(client, staff, "sh_social").post("/api/people", json.dumps({
        "full_name": "韩冬", "id_number": first17 + check_char(first17),
        "area_id": worker.organisation.area.children.first().pk}), content_type="application/json")
    assert response.status_code == 201 and response.json()["owner"]["id"] == worker.pk


def test_null_text_fields_in_a_patch_are_emptied_not_a_500(client, staff, xiaoyu):
    response = patch(api(client, staff, "sh_social"), f"/api/people/{xiaoyu.pk}",
                     {"expected_version": xiaoyu.version, "note": None, "household_address": None})
    assert response.status_code == 200 and response.json()["note"] == ""


@pytest.mark.parametrize("field,value", [("sex", "Z"), ("education", "phd"), ("full_name", "很" * 60)])
def test_values_outside_the_models_choices_or_lengths_are_422(client, staff, xiaoyu, field, value):
    response = patch(api(client, staff, "sh_social"), f"/api/people/{xiaoyu.pk}",
                     {"expected_version": xiaoyu.version, field: value})
    assert response.status_code == 422 and field in response.json()["errors"]


def test_a_family_member_with_an_unknown_kind_is_refused(client, staff, xiaoyu):
    response = api(client, staff, "sh_social").post(f"/api/people/{xiaoyu.pk}/support-members", json.dumps(
        {"name": "李某", "relation": "舅舅", "kind": "bogus"}), content_type="application/json")
    assert response.status_code == 422 and "kind" in response.json()["errors"]


def test_pinyin_with_spaces_still_finds_the_person(staff, xiaoyu):
    assert xiaoyu in person_search(user=staff("sh_social"), query="xiao yu")


def test_nothing_is_added_to_a_disabled_file(staff, xiaoyu):
    worker = staff("sh_social")
    person_set_active(actor=worker, person=xiaoyu, active=False, reason="重复建档")
    with pytest.raises(ValidationError):
        enrolment_add(actor=worker, person=xiaoyu, data={"population": "drug"})


def test_the_api_disables_ends_records_and_assigns_helpers_like_the_pages(client, staff, xiaoyu):
    worker_api = api(client, staff, "sh_social")
    youth = xiaoyu.enrolments.get(population="youth")
    ended = worker_api.post(f"/api/people/{xiaoyu.pk}/enrolments/{youth.pk}/end", json.dumps(
        {"end_date": "2026-11-20", "reason": "已复学"}), content_type="application/json")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    helper = staff("sh_volunteer")
    added = worker_api.post(f"/api/people/{xiaoyu.pk}/assignments", json.dumps(
        {"user_id": helper.pk, "task": "学业辅导"}), content_type="application/json")
    assert added.status_code == 201
    assert [a["user"]["id"] for a in worker_api.get(f"/api/people/{xiaoyu.pk}/assignments").json()] == [helper.pk]
    disabled = worker_api.post(f"/api/people/{xiaoyu.pk}/active", json.dumps({"active": False, "reason": "迁出"}),
                               content_type="application/json")
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False


def test_the_file_page_runs_a_small_fixed_number_of_queries(login, xiaoyu):
    client = login("sh_social")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(xiaoyu.get_absolute_url()).status_code == 200
    # 12 for the file itself, 3 for the risk flag and the crises and conferences section.
    assert len(queries) <= 15, [q["sql"][:80] for q in queries]


WRITES_ON_A_FILE = [  # (route, a posted form that reaches the file's fetch)
    ("/risk/people/{pk}/", {"action": "screen"}),
    ("/supervision/people/{pk}/assessments/", {"action": "request"}),
    ("/incidents/new/{pk}/", {"kind": "self_harm"}),
    ("/conferences/new/{pk}/", {"place": "司法所"}),
]


@pytest.mark.parametrize("route,form", WRITES_ON_A_FILE)
def test_a_form_posted_on_a_file_out_of_reach_is_not_found_and_changes_nothing(login, xiaoyu, route, form):
    from conferences.models import Conference
    from incidents.models import Incident
    from risk.models import Screening
    from supervision.models import PreSentenceAssessment

    def written():
        return [model.objects.count() for model in (AuditEvent, Incident, Conference, Screening, PreSentenceAssessment)]

    officer = login("bj_officer")  # another district's: the file is out of reach
    before = written()
    assert officer.post(route.format(pk=xiaoyu.pk), form).status_code == 404
    assert written() == before


@pytest.mark.parametrize("route,form", [w for w in WRITES_ON_A_FILE if w[0].startswith(("/incidents", "/conf"))])
def test_no_crisis_or_conference_is_posted_on_a_disabled_file(login, staff, xiaoyu, route, form):
    from conferences.models import Conference
    from incidents.models import Incident

    person_set_active(actor=staff("sh_social"), person=xiaoyu, active=False, reason="重复建档")
    before = (Incident.objects.count(), Conference.objects.count())
    assert login("sh_social").post(route.format(pk=xiaoyu.pk), form).status_code == 404
    assert (Incident.objects.count(), Conference.objects.count()) == before
