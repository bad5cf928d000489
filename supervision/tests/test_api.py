"""Every procedure of legal supervision through the API, as an integrator would drive it."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.services import api_token_create
from people.models import Enrolment


def bearer(client, staff, username):
    _t, raw = api_token_create(actor=staff(username), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def post(api, url, body):
    return api.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def enrolment(db):
    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").first()
    enrolment.correction_category = "parole"
    enrolment.save(update_fields=["correction_category"])
    return enrolment


def test_notice_hours_level_reports_and_team_through_the_api(client, staff, enrolment):
    api, base, today = bearer(client, staff, "bj_officer"), f"/api/supervision/{enrolment.pk}", timezone.localdate()
    body = post(api, f"{base}/ruling-notice", {"notice_received_on": enrolment.start_date + dt.timedelta(days=2),
                                               "documents_received_on": enrolment.start_date + dt.timedelta(days=4)})
    assert body.status_code == 200 and body.json()["warnings"] == []
    hours = post(api, f"{base}/activities", {"kind": "education", "on": today, "hours": 3, "topic": "法治教育"})
    assert hours.status_code == 201
    assert {row["kind"]: row["done"] for row in hours.json()}["education"] == 3
    month = api.get(f"{base}/activities/{today.year}/{today.month}").json()
    assert len(month) == 2 and all(row["required"] > 0 for row in month)
    assert api.get(f"{base}/activities/{today.year}/13").status_code == 422
    level = api.get(f"{base}/level").json()
    assert level["level"] in ("strict", "normal", "lenient") and "eligibility" in level
    assert post(api, f"{base}/reports", {"on": today, "kind": "in_person"}).status_code == 201
    team = post(api, f"{base}/team", {"name": "李某某", "role": "office", "is_woman": True})
    assert team.status_code == 201 and team.json()["members"][-1]["name"] == "李某某"
    assert post(api, f"{base}/reports", {"on": today, "kind": "nonsense"}).status_code == 422


def test_relocation_revocation_and_termination_through_the_api(client, staff, enrolment):
    today = timezone.localdate()
    base = f"/api/supervision/{enrolment.pk}"
    officer = bearer(client, staff, "bj_officer")
    created = post(officer, f"{base}/relocations", {
        "new_residence": "天津市某街道", "new_agency": "天津市某区社区矫正机构", "reason": "工作调动",
        "applied_on": today, "move_on": today + dt.timedelta(days=40)})
    assert created.status_code == 201 and created.json()["warnings"] == []
    relocation_id = created.json()["relocation"]["id"]
    assert post(officer, f"{base}/relocations/{relocation_id}/steps",
                {"step": "request", "on": today}).status_code == 403
    leader = bearer(client.__class__(), staff, "bj_leader")
    step = post(leader, f"{base}/relocations/{relocation_id}/steps", {"step": "request", "on": today})
    assert step.status_code == 200 and step.json()["status"] == "requested"
    assert post(officer, f"{base}/relocations/{relocation_id}/steps",
                {"step": "reported", "on": today}).status_code == 422

    proposal = post(leader, f"{base}/revocations", {"on": today, "court": "某区人民法院", "evidence": "脱管"})
    assert proposal.status_code == 201 and proposal.json()["kind"] == "parole"
    summary = leader.get(base, {"reason": "撤销假释"}).json()
    assert summary["revocations"][0]["outcome"] == "pending" and summary["relocations"][0]["status"] == "requested"
    ruled = post(leader, f"{base}/revocations/{proposal.json()['id']}/steps",
                 {"step": "ruling", "on": today, "revoked": True})
    assert ruled.status_code == 200 and ruled.json()["outcome"] == "revoked"
    enrolment.refresh_from_db()
    assert enrolment.status == "ended"
    again = post(leader, f"{base}/termination", {"on": today})
    assert again.status_code == 422 and again.json()["detail"]  # an ended record is not terminated twice


def test_the_conclusion_through_the_api_hands_over(client, staff, enrolment):
    enrolment.end_date = timezone.localdate()
    enrolment.save(update_fields=["end_date"])
    api = bearer(client, staff, "bj_officer")
    ended = post(api, f"/api/supervision/{enrolment.pk}/conclusion", {"on": enrolment.end_date,
                                                                      "evaluation": "遵纪守法，表现良好"})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert enrolment.person.enrolments.filter(population="resettlement", status="active").exists()
