"""A person's incidents, and an incident's conferences and referrals, take as many queries many as few."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.services import consent_record
from conferences.services import conference_schedule
from incidents.services import incident_record
from referrals.services import referral_send, resource_save


def record(staff, person, n: int) -> list:
    return [incident_record(actor=staff("sh_social"), person=person, kind="lost_contact", place="住所",
                            occurred_at=timezone.now() - dt.timedelta(hours=2 + k), description="连续三日联系不上",
                            immediate_actions="联系家属") for k in range(n)]


def test_a_persons_incidents_in_the_api(login, staff, xiaoyu, flat_queries):
    record(staff, xiaoyu, 1)
    before, after = flat_queries(login("sh_social"), f"/api/incidents?person_id={xiaoyu.pk}",
                                 lambda: record(staff, xiaoyu, 4))
    assert len(after.json()) == len(before.json()) + 4


@pytest.fixture
def follow_up(staff, xiaoyu):
    """follow_up(incident, n) -> n more conferences and referrals answering the incident."""
    worker = staff("sh_social")
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    case = xiaoyu.cases.get(owner=worker)
    resource = resource_save(actor=staff("sh_supervisor"), areas=[xiaoyu.area.district()],
                             data={"name": "区精神卫生中心", "kind": "hospital"})

    def make(incident, n: int) -> None:
        for k in range(n):
            conference_schedule(actor=worker, person=xiaoyu, place=f"司法所{k}", incident=incident, case=case,
                                scheduled_for=timezone.now() + dt.timedelta(days=1 + k))
            referral_send(actor=worker, case=case, resource=resource, reason="危机干预", incident=incident)

    return make


def test_the_incident_page_with_its_conferences_and_referrals(login, staff, xiaoyu, follow_up, flat_queries):
    incident = record(staff, xiaoyu, 1)[0]
    follow_up(incident, 1)
    before, after = flat_queries(login("sh_social"), incident.get_absolute_url(), lambda: follow_up(incident, 4))
    assert after.text.count("司法所") == before.text.count("司法所") + 4
    assert after.text.count("区精神卫生中心") == before.text.count("区精神卫生中心") + 4
