"""The day list and the calendar run as many queries with many rows as with a few (a worker's day list has its own
test in test_duties.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.tests.conftest import cases_taken_on, opening_requested
from duties import services
from people.models import Person


@pytest.fixture
def duties_for(staff):
    """duties_for(username, n) -> n more open duties of that user, due today or overdue (each one announced)."""
    def make(username: str, n: int) -> None:
        owner = staff(username)
        person = Person.objects.filter(area__path__startswith=owner.area_path).order_by("pk").first()
        start = owner.duties.count()
        for k in range(start, start + n):
            services.duty_open(key=f"qcount:{username}:{k}", kind="contact", title=f"事项{k}", person=person,
                               owner=owner, organisation=owner.organisation, rule_key="x", source="t",
                               due_on=timezone.localdate() - dt.timedelta(days=k % 3))

    return make


def test_a_supervisors_day_list_with_approvals_alerts_and_office_counts(login, staff, duties_for, flat_queries):
    worker, supervisor = staff("sh_social2"), staff("sh_supervisor")

    def grow():
        opening_requested(cases_taken_on(worker, 4), worker=worker, supervisor=supervisor)
        duties_for("sh_supervisor", 5)

    opening_requested(cases_taken_on(worker, 1), worker=worker, supervisor=supervisor)
    duties_for("sh_supervisor", 1)
    before, after = flat_queries(login("sh_supervisor"), reverse("duties:day_list"), grow)
    assert after.text.count("/cases/approvals/") == before.text.count("/cases/approvals/") + 4
    assert after.text.count("/snooze/") == before.text.count("/snooze/") + 5


@pytest.mark.parametrize("url", ["/api/duties/today", "/api/duties"])
def test_the_duties_in_the_api(login, duties_for, flat_queries, url):
    duties_for("sh_social2", 1)
    before, after = flat_queries(login("sh_social2"), url, lambda: duties_for("sh_social2", 5))
    if url.endswith("today"):
        def shown(r):
            return sum(len(r.json()[part]) for part in ("overdue", "today", "this_week"))
        assert shown(after) == shown(before) + 5
    else:
        assert len(after.json()) == len(before.json()) + 5


@pytest.mark.parametrize("url", [reverse("duties:calendar"), "/api/calendar/years",
                                 "/api/calendar/exceptions?year=2031"])
def test_the_calendar_years_and_exceptions(login, staff, flat_queries, url):
    def enter(year):
        services.calendar_year_enter(actor=staff("sh_admin"), year=year, source=f"{year}年通知",
                                     holidays=[(dt.date(year, 10, 1), dt.date(year, 10, 7), "国庆节"),
                                               (dt.date(year, 5, 1), dt.date(year, 5, 5), "劳动节")],
                                     workdays_on_weekends=[])

    enter(2030)  # the year asked for in the API is entered by the growth: none of its days, then a dozen
    before, after = flat_queries(login("sh_admin"), url, lambda: [enter(year) for year in (2031, 2032, 2033)])
    if url.startswith("/api/"):
        assert len(after.json()) > len(before.json())
    else:
        assert after.text.count("国庆节") > before.text.count("国庆节")
