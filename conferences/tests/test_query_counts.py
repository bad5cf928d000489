"""The analysis dimensions and a conference in the API take as many queries many as few (the conference page has
its own test in test_conferences.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.models import AnalysisDimension


@pytest.mark.parametrize("url", [reverse("conferences:dimensions"), "/api/conferences/dimensions"])
def test_the_analysis_dimensions(login, staff, flat_queries, url):
    def add(n):
        for _ in range(n):
            k = AnalysisDimension.objects.count()
            services.dimension_save(actor=staff("sh_admin"), code=f"extra_{k}", name=f"附加维度{k}", order=100 + k)

    add(1)
    before, after = flat_queries(login("sh_admin"), url, lambda: add(4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("附加维度") == before.text.count("附加维度") + 4


def test_a_conference_in_the_api(login, staff, xiaoyu, flat_queries):
    worker, dimensions = staff("sh_social"), list(AnalysisDimension.objects.filter(is_active=True)[:5])

    def held(n: int) -> str:
        conference, _w = services.conference_schedule(
            actor=worker, person=xiaoyu, place="司法所", scheduled_for=timezone.now() + dt.timedelta(days=1),
            staff=[staff("sh_supervisor")], externals=[{"name": f"专家{k}", "profession": "医生"} for k in range(n)])
        services.conference_hold(actor=worker, conference=conference, held_on=timezone.localdate(), background="背景",
                                 service_so_far="服务", recommendations="",
                                 analyses={d.code: f"分析{d.code}" for d in dimensions[:n]},
                                 decisions=[{"text": f"决定{k}", "owner": worker, "due_on": timezone.localdate()}
                                            for k in range(n)])
        return f"/api/conferences/{conference.pk}"

    before, after = flat_queries(login("sh_social"), held(1), lambda: held(5))
    for part in ("participants", "analyses", "decisions"):
        assert len(after.json()[part]) == len(before.json()[part]) + 4, part
