"""The volunteer registry: trainings and hours, supervision by supervisors, tasks on cases in the day list."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duties.models import Duty
from volunteers import selectors, services
from volunteers.models import Volunteer


@pytest.fixture
def hz(staff):
    return staff("hz_supervisor"), staff("hz_community")


def test_the_demo_registry_shows_training_hours_without_double_counting(staff):
    volunteers = {v.name: v for v in selectors.volunteers_visible_to(user=staff("hz_supervisor"))}
    assert len(volunteers) == 4
    hours = sorted(float(v.training_hours) for v in volunteers.values())
    assert hours == [4.0, 4.0, 6.5, 6.5]


def test_only_supervisors_record_supervision_and_bad_hours_are_refused(hz):
    supervisor, community = hz
    chosen = list(Volunteer.objects.filter(organisation=supervisor.organisation)[:2])
    with pytest.raises(PermissionDenied):
        services.supervision_record(actor=community, held_on=timezone.localdate(), volunteers=chosen, topic="x",
                                    notes="y")
    with pytest.raises(ValidationError):
        services.training_record(actor=supervisor, title="x", held_on=timezone.localdate(), hours="NaN",
                                 trainer="", attendees=chosen)
    with pytest.raises(ValidationError):
        services.training_record(actor=supervisor, title="x", held_on=timezone.localdate(), hours=2, trainer="",
                                 attendees=[])


def test_a_task_on_a_case_reaches_the_volunteers_day_list_and_opens_the_file(hz, staff, login):
    supervisor, community = hz
    volunteer = Volunteer.objects.get(user__username="hz_volunteer")
    from casework.selectors import cases_visible_to

    case = cases_visible_to(user=community).filter(owner=community).exclude(stage__in=("closed", "stopped")).first()
    task = services.task_assign(actor=community, volunteer=volunteer, case=case, task="每周学业辅导一次",
                                due_on=timezone.localdate() + dt.timedelta(days=7))
    duty = Duty.objects.get(dedupe_key=f"volunteer_task:{task.pk}")
    assert duty.owner.username == "hz_volunteer"
    assert login("hz_volunteer").get(case.person.get_absolute_url()).status_code == 200
    services.task_close(actor=staff("hz_volunteer"), task=task, done=True, hours="3.5", note="已完成四次辅导")
    task.refresh_from_db()
    assert task.status == "done" and float(task.hours) == 3.5
    assert Duty.objects.get(pk=duty.pk).status == "done"


def test_the_registry_page_and_api(login, staff):
    client = login("hz_supervisor")
    page = client.get("/volunteers/")
    assert page.status_code == 200 and 'data-testid="volunteers"' in page.content.decode()
    area = staff("hz_supervisor").organisation.area
    client.post("/volunteers/", {"action": "volunteer", "name": "新志愿者", "skills": "法律", "area": area.pk,
                                 "joined_on": timezone.localdate().isoformat()})
    assert Volunteer.objects.filter(name="新志愿者").exists()
    client.post("/volunteers/", {"action": "volunteer", "name": "坏日期", "area": area.pk, "joined_on": "x"})
    assert not Volunteer.objects.filter(name="坏日期").exists()
    assert login("hz_volunteer").get("/volunteers/").status_code == 403

    from accounts.services import api_token_create

    _t, raw = api_token_create(actor=staff("hz_supervisor"), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    listed = client.get("/api/volunteers").json()
    assert {"新志愿者"} <= {v["name"] for v in listed}
    created = client.post("/api/volunteers/trainings", json.dumps({
        "title": "保密培训", "held_on": str(timezone.localdate()), "hours": 2,
        "volunteer_ids": [v["id"] for v in listed]}), content_type="application/json")
    assert created.status_code == 201


def test_a_volunteer_sees_and_closes_their_own_tasks_only(hz, staff, login):
    supervisor, community = hz
    mine = Volunteer.objects.get(user__username="hz_volunteer")
    other = Volunteer.objects.exclude(pk=mine.pk).filter(organisation=mine.organisation).first()
    from casework.selectors import cases_visible_to

    case = cases_visible_to(user=community).filter(owner=community).exclude(stage__in=("closed", "stopped")).first()
    task = services.task_assign(actor=community, volunteer=mine, case=case, task="陪同就业面试",
                                due_on=timezone.localdate() + dt.timedelta(days=3))
    client = login("hz_volunteer")
    response = client.get("/volunteers/mine/")
    assert response.status_code == 302 and response["Location"] == f"/volunteers/{mine.pk}/"
    assert "陪同就业面试" in client.get(response["Location"]).content.decode()
    assert client.get(f"/volunteers/{other.pk}/").status_code == 404
    client.post(f"/volunteers/{mine.pk}/", {"action": "done", "task_id": task.pk, "hours": "2"})
    task.refresh_from_db()
    assert task.status == "done"
    assert Duty.objects.get(dedupe_key=f"volunteer_task:{task.pk}").url == f"/volunteers/{mine.pk}/"


def test_an_account_of_another_organisation_is_not_linked(hz, staff):
    supervisor, _community = hz
    with pytest.raises(ValidationError):
        services.volunteer_save(actor=supervisor, data={
            "name": "x", "area": supervisor.organisation.area, "joined_on": timezone.localdate(),
            "user": staff("sh_volunteer")})
