"""Referrals need consent, move only along the allowed statuses, and keep a follow-up duty until closed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework.services import consent_record, consent_withdraw
from duties.models import Duty
from referrals import selectors, services
from referrals.models import Referral


@pytest.fixture
def setup(staff, xiaoyu):
    worker, supervisor = staff("sh_social"), staff("sh_supervisor")
    resource = services.resource_save(actor=supervisor, areas=[xiaoyu.area.district()], data={
        "name": "区就业服务中心", "kind": "employment", "services": "职业指导"})
    return worker, xiaoyu.cases.filter(owner=worker).first(), resource


def follow_ups(referral):
    return Duty.objects.filter(kind="referral_follow_up", status="open", dedupe_key__startswith=f"referral:{referral.pk}:")


def test_no_referral_without_consent_to_share(setup, xiaoyu):
    worker, case, resource = setup
    with pytest.raises(ValidationError):
        services.referral_send(actor=worker, case=case, resource=resource, reason="就业帮扶")
    consent = consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                             on=timezone.localdate())
    consent_withdraw(actor=worker, consent=consent, on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.referral_send(actor=worker, case=case, resource=resource, reason="就业帮扶")
    assert not Referral.objects.filter(case=case).exists()


def test_statuses_follow_the_table_and_every_update_renews_the_follow_up(setup, xiaoyu):
    worker, case, resource = setup
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    referral = services.referral_send(actor=worker, case=case, resource=resource, reason="就业帮扶")
    first = follow_ups(referral).get()
    assert first.owner == worker and first.due_on == timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError):  # sent cannot jump to completed
        services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), status="completed")
    with pytest.raises(ValidationError):  # news needs content
        services.referral_update(actor=worker, referral=referral, on=timezone.localdate())
    services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), note="对方电话确认已收到",
                             from_agency=True)
    assert follow_ups(referral).get().pk != first.pk
    services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), status="declined",
                             note="不在服务范围")
    assert not follow_ups(referral).exists()
    with pytest.raises(ValidationError):
        services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), note="x")


def test_the_directory_serves_streets_from_their_district_and_is_kept_by_supervisors(setup, staff, xiaoyu):
    _worker, _case, resource = setup
    assert resource in selectors.resources_serving(area=xiaoyu.area)
    assert resource not in selectors.resources_serving(area=staff("bj_officer").organisation.area)
    with pytest.raises(PermissionDenied):
        services.resource_save(actor=staff("sh_social"), areas=[xiaoyu.area], data={"name": "x", "kind": "other"})
    with pytest.raises(PermissionDenied):  # another district's area
        services.resource_save(actor=staff("sh_supervisor"), areas=[staff("bj_officer").organisation.area],
                               data={"name": "x", "kind": "other"})


def test_the_case_referral_page(login, setup, xiaoyu):
    worker, case, resource = setup
    client = login("sh_social")
    url = f"/referrals/case/{case.pk}/"
    page = client.post(url, {"resource": resource.pk, "reason": "就业帮扶"})
    assert page.status_code == 200 and not Referral.objects.filter(case=case).exists()  # no consent yet
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    assert client.post(url, {"resource": resource.pk, "reason": "就业帮扶"}).status_code == 302
    referral = Referral.objects.get(case=case)
    client.post(url, {"referral": referral.pk, "status": "accepted", "on": timezone.localdate().isoformat(),
                      "note": "已接收", "from_agency": "1"})
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.updates.last().from_agency
    assert login("sh_supervisor").get("/referrals/resources/").status_code == 200


def test_referrals_and_the_directory_through_the_api(client, staff, setup, xiaoyu):
    import json

    from accounts.services import api_token_create

    worker, case, resource = setup
    _t, raw = api_token_create(actor=worker, name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def post(url, body):
        return client.post(url, json.dumps(body, default=str), content_type="application/json")

    assert resource.pk in [r["id"] for r in client.get("/api/referrals/resources").json()]
    refused = post("/api/referrals", {"case_id": case.pk, "resource_id": resource.pk, "reason": "就业"})
    assert refused.status_code == 422 and "resource" in refused.json()["errors"]
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    sent = post("/api/referrals", {"case_id": case.pk, "resource_id": resource.pk, "reason": "就业"})
    assert sent.status_code == 201 and sent.json()["status"] == "sent"
    moved = post(f"/api/referrals/{sent.json()['id']}/updates", {"on": timezone.localdate(), "status": "accepted",
                                                                "from_agency": True, "note": "已接收"})
    assert moved.status_code == 200 and [u["status"] for u in moved.json()["updates"]] == ["sent", "accepted"]
    assert post(f"/api/referrals/{sent.json()['id']}/updates",
                {"on": timezone.localdate(), "status": "bogus"}).status_code == 422
    assert post("/api/referrals/resources", {"name": "x", "kind": "other", "area_ids": [case.person.area_id]}
                ).status_code == 403  # social workers do not keep the directory
    assert len(client.get("/api/referrals", {"case_id": case.pk}).json()) == 1


def test_the_referral_page_query_count_does_not_grow_with_referrals(login, setup, xiaoyu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker, case, resource = setup
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    client = login("sh_social")
    counts = []
    for _n in range(2):
        referral = services.referral_send(actor=worker, case=case, resource=resource, reason="就业")
        services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), note="电话确认")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/referrals/case/{case.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_referral_relies_on_an_earlier_consent_and_a_resource_serving_the_area(setup, staff, xiaoyu):
    worker, case, resource = setup
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())
    with pytest.raises(ValidationError):  # sent before the consent was given
        services.referral_send(actor=worker, case=case, resource=resource, reason="x",
                               sent_on=timezone.localdate() - dt.timedelta(days=3))
    elsewhere = services.resource_save(actor=staff("bj_leader"), areas=[staff("bj_officer").organisation.area],
                                       data={"name": "东城区某中心", "kind": "other"})
    with pytest.raises(ValidationError):
        services.referral_send(actor=worker, case=case, resource=elsewhere, reason="x")
    assert not Referral.objects.filter(case=case).exists()
