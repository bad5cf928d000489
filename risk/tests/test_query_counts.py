"""The risk page, the screen's configuration and their API run as many queries with many rows as with a few."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from risk import services
from risk.models import ScreeningItem


def screened_and_flagged(staff, person, n: int) -> None:
    """n more screens (each raising the flag) of the person, by their worker."""
    worker = staff("sh_social")
    for k in range(n):
        answers = {item.code: (0 if item.is_suicide_screen else 1, "谈话所见")
                   for item in ScreeningItem.objects.filter(is_active=True)}
        services.screening_record(actor=worker, person=person, answers=answers, note=f"评估{k}",
                                  done_on=timezone.localdate() - dt.timedelta(days=k))
        services.flag_raise(actor=worker, person=person, level="high", reason=f"旗标{k}")


@pytest.mark.parametrize("kind", ["html", "api"])
def test_a_persons_risk_flags_and_screens(login, staff, xiaoyu, flat_queries, kind):
    url = reverse("risk:person", args=[xiaoyu.pk]) if kind == "html" else f"/api/risk/people/{xiaoyu.pk}"
    screened_and_flagged(staff, xiaoyu, 1)
    before, after = flat_queries(login("sh_social"), url, lambda: screened_and_flagged(staff, xiaoyu, 4))
    if kind == "api":
        assert len(after.json()["screenings"]) == len(before.json()["screenings"]) + 4
    else:
        assert after.text.count("旗标") == before.text.count("旗标") + 4


@pytest.mark.parametrize("url", [reverse("risk:configuration"), "/api/risk/items"])
def test_the_screen_items(login, staff, flat_queries, url):
    def add(n):
        for _ in range(n):
            k = ScreeningItem.objects.count()
            services.item_save(actor=staff("sh_admin"), code=f"extra_{chr(97 + k % 26)}{chr(97 + k // 26)}",
                               domain="leisure", text=f"附加题{k}")

    add(1)
    before, after = flat_queries(login("sh_admin"), url, lambda: add(4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("附加题") == before.text.count("附加题") + 4
