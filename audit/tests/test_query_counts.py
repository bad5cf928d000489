"""The audit trail takes as many queries with many events as with a few (a file's own trail page: people/tests)."""

import pytest
from django.urls import reverse

from audit.services import audit_record


def events(staff, person, n: int) -> None:
    for _ in range(n):
        audit_record(actor=staff("sh_social"), action="qcount.read", target=person, person=person)


@pytest.mark.parametrize("url", [reverse("audit:list") + "?action=qcount.read", "/api/audit/events?action=qcount.read"])
def test_the_whole_trail_for_an_administrator(login, staff, xiaoyu, flat_queries, url):
    events(staff, xiaoyu, 1)
    before, after = flat_queries(login("sh_admin"), url, lambda: events(staff, xiaoyu, 4))
    if url.startswith("/api/"):
        assert after.json()["count"] == before.json()["count"] + 4
    else:
        assert after.text.count("qcount.read") == before.text.count("qcount.read") + 4


def test_a_files_trail_in_the_api(login, staff, xiaoyu, flat_queries):
    events(staff, xiaoyu, 1)
    before, after = flat_queries(login("sh_social"), f"/api/audit/events?person={xiaoyu.pk}&action=qcount.read",
                                 lambda: events(staff, xiaoyu, 4))
    assert after.json()["count"] == before.json()["count"] + 4
