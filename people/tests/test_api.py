"""The JSON API: same scope and masking as the pages, JSON errors, token and session authentication."""

import json

import pytest

from accounts.services import api_token_create
from audit.models import AuditEvent


@pytest.fixture
def token_client(client, staff):
    def make(username: str):
        _token, raw = api_token_create(actor=staff(username), name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return make


def test_the_api_refuses_anonymous_callers_with_json(client):
    response = client.get("/api/people")
    assert response.status_code == 401 and "detail" in response.json()


def test_a_token_reads_the_people_its_user_can_see(token_client, xiaoyu):
    body = token_client("sh_social").get("/api/people", {"q": "xy"}).json()
    assert [item["pseudonym"] for item in body["items"]] == ["小宇"]
    assert body["count"] == 1


def test_a_revoked_or_unknown_token_is_refused(client, db):
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer txk_not-a-token"
    assert client.get("/api/people").status_code == 401


def test_a_person_of_another_district_is_404_in_the_api(token_client, beijing_person):
    response = token_client("sh_social").get(f"/api/people/{beijing_person.pk}")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_the_api_masks_for_a_volunteer_as_the_page_does(token_client, staff):
    volunteer = staff("sh_volunteer")
    person = volunteer.assignments.filter(person__enrolments__population="correction").first().person
    body = token_client("sh_volunteer").get(f"/api/people/{person.pk}").json()
    assert body["id_number"] is None
    correction = next(e for e in body["enrolments"] if e["population"] == "correction")
    assert correction["offence"] is None and correction["sentence"] is None


def test_the_owner_gets_the_full_id_and_the_read_is_audited_as_api(token_client, xiaoyu):
    body = token_client("sh_social").get(f"/api/people/{xiaoyu.pk}").json()
    assert body["id_number"] == xiaoyu.id_number
    assert AuditEvent.objects.filter(action="person.viewed", person=xiaoyu, channel="api").exists()


def test_a_leader_must_pass_a_reason(token_client, adult):
    client = token_client("sh_leader")
    refused = client.get(f"/api/people/{adult.pk}")
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    assert client.get(f"/api/people/{adult.pk}", {"reason": "督查"}).status_code == 200


def test_creating_with_a_bad_id_is_a_422_naming_the_field(token_client, staff):
    street = staff("sh_social").organisation.area.children.first()
    response = token_client("sh_social").post("/api/people", json.dumps(
        {"full_name": "王某", "sex": "M", "id_number": "310104200102031231", "area_id": street.pk}),
        content_type="application/json")
    assert response.status_code == 422 and "id_number" in response.json()["errors"]


def test_malformed_input_is_a_json_422_not_an_html_page(token_client):
    response = token_client("sh_social").post("/api/people", "{not json", content_type="application/json")
    assert response.status_code in (400, 422) and "detail" in response.json()


def test_a_stale_patch_is_a_409(token_client, xiaoyu):
    client = token_client("sh_social")
    url = f"/api/people/{xiaoyu.pk}"
    ok = client.patch(url, json.dumps({"expected_version": xiaoyu.version, "employer": "甲"}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == xiaoyu.version + 1
    stale = client.patch(url, json.dumps({"expected_version": xiaoyu.version, "employer": "乙"}),
                         content_type="application/json")
    assert stale.status_code == 409


def test_session_authenticated_writes_need_the_csrf_token(staff, xiaoyu):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff("sh_social"))
    response = client.post(f"/api/people/{xiaoyu.pk}/support-members",
                           json.dumps({"name": "李某", "relation": "舅舅"}), content_type="application/json")
    assert response.status_code == 403


def test_an_unknown_endpoint_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "detail" in response.json()


def test_staff_read_the_audit_trail_of_a_person_they_can_see(token_client, xiaoyu):
    client = token_client("sh_social")
    client.get(f"/api/people/{xiaoyu.pk}")
    events = client.get("/api/audit/events", {"person": xiaoyu.pk}).json()["items"]
    assert any(e["action"] == "person.viewed" for e in events)


def test_only_administrators_read_the_whole_audit_trail(token_client):
    assert token_client("sh_social").get("/api/audit/events").status_code == 403


def test_an_administrator_reads_every_event(client, staff):
    _token, raw = api_token_create(actor=staff("sh_admin"), name="t")
    response = client.get("/api/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["count"] > 100


def test_enrolments_can_be_added_through_the_api(token_client, xiaoyu):
    response = token_client("sh_social").post(f"/api/people/{xiaoyu.pk}/enrolments", json.dumps({
        "population": "drug", "drug_order_kind": "rehab", "deciding_body": "徐汇公安分局",
        "start_date": "2026-10-01", "end_date": "2029-09-30"}), content_type="application/json")
    assert response.status_code == 201 and response.json()["organisation"]["name"].endswith("自强社区戒毒工作站")


def test_organisations_and_users_are_scoped(token_client):
    client = token_client("bj_leader")
    orgs = client.get("/api/orgs/organisations").json()
    assert orgs and all("东城" in o["name"] or o["area"]["code"].startswith("110") for o in orgs)
    users = client.get("/api/users").json()
    assert users and not any(u["username"].startswith("sh_") for u in users)
    assert client.get("/api/users/me").json()["username"] == "bj_leader"
