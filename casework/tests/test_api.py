"""The casework API walks the same process as the pages."""

import json

import pytest

from accounts.services import api_token_create
from casework.models import Stage

from .conftest import contact_data


@pytest.fixture
def as_user(client, staff):
    def make(username):
        _t, raw = api_token_create(actor=staff(username), name="t")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client
    return make


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_protocol_b_through_the_api_from_intake_to_intervention(as_user, staff, resettlement_person):
    worker = as_user("sh_social2")
    case = post(worker, "/api/cases", {"person_id": resettlement_person.pk, "population": "resettlement"}).json()
    assert case["protocol"] == "B" and case["next_step"]["order"] == 1
    case_id = case["id"]
    assert post(worker, f"/api/cases/{case_id}/steps/{case['next_step']['id']}/done",
                {"note": "访谈提纲：近况、困惑"}).status_code == 200
    visit = post(worker, f"/api/cases/{case_id}/contacts", {
        **{k: v for k, v in contact_data(mode="home_visit", met="family_only", minutes=20).items()},
        "left_card": True, "left_leaflet": True, "asked_family_to_pass_on": True})
    assert visit.status_code == 201 and visit.json()["warnings"] == []
    assert post(worker, f"/api/cases/{case_id}/actions/begin_assessment", {}).json()["stage"] == "assessment"
    assert post(worker, f"/api/cases/{case_id}/assessment", {"main_problems": "就业", "analysis": "可开案"}
                ).status_code == 201
    supervisor = as_user("sh_supervisor")
    assert post(supervisor, f"/api/cases/{case_id}/opinion", {"opinion": "同意申请开案"}).status_code == 201
    worker = as_user("sh_social2")
    assert post(worker, f"/api/cases/{case_id}/actions/request_opening", {"reason": "申请"}).json()["stage"] == (
        "opening_requested")
    supervisor = as_user("sh_supervisor")
    waiting = [a for a in supervisor.get("/api/cases/approvals/waiting").json() if a["case_id"] == case_id]
    assert [a["kind"] for a in waiting] == ["opening"]
    assert post(supervisor, f"/api/cases/approvals/{waiting[0]['id']}/decision", {"approve": True}).json()[
        "status"] == "approved"
    worker = as_user("sh_social2")
    assert worker.put(f"/api/cases/{case_id}/agreement", json.dumps({"signed_on": "2026-11-20", "terms": "每两周面谈"}),
                      content_type="application/json").status_code == 200
    plan = worker.put(f"/api/cases/{case_id}/plan", json.dumps({"goals": [{"text": "稳定就业", "tasks": [
        {"text": "推荐培训", "owner_id": staff("sh_social2").pk, "due_on": "2026-12-31"}]}]}),
        content_type="application/json")
    assert plan.status_code == 200 and plan.json()["number"] == 1
    approval_id = post(worker, f"/api/cases/{case_id}/plan/submit", {}).json()["approval_id"]
    supervisor = as_user("sh_supervisor")
    post(supervisor, f"/api/cases/approvals/{approval_id}/decision", {"approve": True})
    worker = as_user("sh_social2")
    assert post(worker, f"/api/cases/{case_id}/actions/start_intervention", {}).json()["stage"] == Stage.INTERVENTION
    kinds = {e["kind"] for e in worker.get(f"/api/cases/{case_id}/timeline").json()}
    assert {"stage", "contact", "approval", "plan", "step", "assessment"} <= kinds


def test_a_wrong_order_action_is_a_422_with_the_reason(as_user, case_b):
    response = post(as_user("sh_social2"), f"/api/cases/{case_b.pk}/actions/start_review", {})
    assert response.status_code == 422 and "detail" in response.json()


def test_a_case_out_of_reach_is_404(as_user, case_b):
    assert as_user("bj_officer").get(f"/api/cases/{case_b.pk}").status_code == 404


def test_a_long_first_interview_comes_back_with_its_warning(as_user, case_b):
    response = post(as_user("sh_social2"), f"/api/cases/{case_b.pk}/contacts", contact_data(minutes=50))
    assert response.status_code == 201 and "30" in response.json()["warnings"][0]


def test_the_openapi_document_lists_the_casework_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/cases/{case_id}/actions/{action}" in paths and "/api/cases/{case_id}/contacts" in paths
