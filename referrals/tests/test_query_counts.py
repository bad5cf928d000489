"""The resource directory and a case's referrals take as many queries many as few (the referrals page of a case
has its own test in test_referrals.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.services import consent_record
from referrals import services


def resources(staff, person, n: int) -> list:
    district = person.area.district()
    return [services.resource_save(actor=staff("sh_supervisor"), areas=[district, person.area],
                                   data={"name": f"资源{k}", "kind": "employment", "services": "职业指导"})
            for k in range(n)]


@pytest.mark.parametrize("url", [reverse("referrals:directory"), "/api/referrals/resources"])
def test_the_resource_directory(login, staff, xiaoyu, flat_queries, url):
    resources(staff, xiaoyu, 1)
    before, after = flat_queries(login("sh_supervisor"), url, lambda: resources(staff, xiaoyu, 4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("资源") == before.text.count("资源") + 4


def test_a_cases_referrals_with_their_news_in_the_api(login, staff, xiaoyu, flat_queries):
    worker = staff("sh_social")
    case = xiaoyu.cases.get(owner=worker)
    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="本人", method="written",
                   on=timezone.localdate())

    def send(n):
        for resource in resources(staff, xiaoyu, n):
            referral = services.referral_send(actor=worker, case=case, resource=resource, reason="就业")
            services.referral_update(actor=worker, referral=referral, on=timezone.localdate(), note="电话确认")

    send(1)
    before, after = flat_queries(login("sh_social"), f"/api/referrals?case_id={case.pk}", lambda: send(4))
    assert len(after.json()) == len(before.json()) + 4 and after.json()[-1]["updates"]
