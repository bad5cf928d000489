"""Recording a critical incident: a clear error loses nothing; a recorded one moves everything at once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duties.models import Duty
from incidents.models import Incident
from incidents.services import incident_record
from risk.selectors import current_flag


def record(actor, person, **overrides):
    data = {"kind": "lost_contact", "occurred_at": timezone.now() - dt.timedelta(hours=2), "place": "住所",
            "description": "连续三日联系不上", "immediate_actions": "联系家属并报告司法所"}
    data.update(overrides)
    return incident_record(actor=actor, person=person, **data)


@pytest.mark.parametrize("bad", [{"description": " "}, {"immediate_actions": ""}, {"kind": "alien"},
                                 {"occurred_at": timezone.now() + dt.timedelta(days=1)}])
def test_bad_input_changes_nothing(staff, xiaoyu, bad):
    with pytest.raises(ValidationError):
        record(staff("sh_social"), xiaoyu, **bad)
    assert not Incident.objects.filter(person=xiaoyu).exists() and current_flag(person=xiaoyu) is None


def test_other_incidents_raise_to_medium_and_volunteers_do_not_record(staff, xiaoyu):
    record(staff("sh_social"), xiaoyu, kind="other")
    assert current_flag(person=xiaoyu).level == "medium"
    with pytest.raises(PermissionDenied):
        record(staff("sh_volunteer"), xiaoyu)


def test_the_conference_deadline_counts_working_days_over_the_national_day(staff, xiaoyu):
    incident = record(staff("sh_social"), xiaoyu, occurred_at=timezone.make_aware(dt.datetime(2026, 9, 30, 20, 0)))
    assert incident.conference_due_on == dt.date(2026, 10, 10)  # 8, 9 and the Saturday the 10th are worked
    assert Duty.objects.get(dedupe_key=f"conference:{incident.pk}").due_on == dt.date(2026, 10, 10)


def test_the_incident_page_and_form(login, xiaoyu):
    client = login("sh_social")
    page = client.get(f"/incidents/new/{xiaoyu.pk}/")
    assert page.status_code == 200
    response = client.post(f"/incidents/new/{xiaoyu.pk}/", {
        "kind": "self_harm", "occurred_at": "2026-11-28T21:00", "place": "家中", "description": "划伤手臂",
        "immediate_actions": "包扎并陪同就医"})
    incident = Incident.objects.get(person=xiaoyu)
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert "划伤手臂" in detail and 'data-testid="risk-flag"' in detail
    bad = client.post(f"/incidents/new/{xiaoyu.pk}/", {"kind": "self_harm", "occurred_at": "x", "place": "家中"})
    assert bad.status_code == 200 and Incident.objects.filter(person=xiaoyu).count() == 1
