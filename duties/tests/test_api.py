import json

from accounts.services import api_token_create


def bearer(client, staff, username):
    _t, raw = api_token_create(actor=staff(username), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_the_day_list_and_working_days_through_the_api(client, staff):
    api = bearer(client, staff, "bj_officer")
    body = api.get("/api/duties/today").json()
    assert set(body) == {"overdue", "today", "this_week", "later_count", "snoozed_count"}
    due = api.get("/api/calendar/add-working-days", {"start": "2026-09-30", "n": 3}).json()
    assert due["due"] == "2026-10-10"
    missing = api.get("/api/calendar/add-working-days", {"start": "2026-12-28", "n": 10})
    assert missing.status_code == 422 and "2027" in missing.json()["detail"]


def test_an_administrator_enters_a_year_through_the_api(client, staff):
    api = bearer(client, staff, "hz_admin")
    response = api.post("/api/calendar/years", json.dumps({
        "year": 2027, "source": "国务院办公厅通知", "holidays": [{"start": "2027-01-01", "end": "2027-01-01", "name": "元旦"}],
        "workdays_on_weekends": []}), content_type="application/json")
    assert response.status_code == 201
    assert bearer(client, staff, "sh_social").post("/api/calendar/years", json.dumps({
        "year": 2028, "source": "x", "holidays": []}), content_type="application/json").status_code == 403


def test_leave_is_routed_through_the_supervision_api(client, staff):
    from people.models import Enrolment

    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").first()
    api = bearer(client, staff, "bj_officer")
    response = api.post(f"/api/supervision/{enrolment.pk}/leave", json.dumps({
        "destination": "天津", "reason": "务工", "leave_on": "2026-12-10", "return_on": "2026-12-24"}),
        content_type="application/json")
    assert response.status_code == 201 and response.json()["leave"]["approval_level"] == "county"
    assert bearer(client, staff, "bj_volunteer").get(f"/api/supervision/{enrolment.pk}").status_code == 404


def test_a_pre_sentence_assessment_through_the_api(client, staff):
    from people.models import Person

    person = Person.objects.filter(owner__username="bj_officer").first()
    api = bearer(client, staff, "bj_officer")
    created = api.post("/api/supervision/pre-sentence-assessments", json.dumps({
        "person_id": person.pk, "requested_by": "北京市东城区人民法院", "received_on": "2026-09-28"}),
        content_type="application/json")
    assert created.status_code == 201 and created.json()["due_on"] == "2026-10-16"
    done = api.post(f"/api/supervision/pre-sentence-assessments/{created.json()['id']}/complete", json.dumps({
        "on": "2026-10-12", "conclusion": "建议适用社区矫正"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["completed_on"] == "2026-10-12"
