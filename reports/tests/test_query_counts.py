"""Exports, returns and dashboards take as many queries with many rows as with a few."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from casework.services import contact_record
from casework.tests.conftest import cases_taken_on, contact_data
from demo.builder import DEMO_PASSWORD
from orgs.models import Area
from orgs.services import area_create, organisation_create
from people.models import Person
from people.services import enrolment_add, person_create
from referrals.services import resource_save
from volunteers.services import volunteer_save

from .test_exports import rows_of


def people(staff, n: int) -> None:
    """n more people of sh_social, released from prison this year (resettlement)."""
    worker = staff("sh_social")
    street = worker.organisation.area.children.order_by("code").first()
    for _ in range(n):
        k = Person.objects.filter(full_name__startswith="导出").count()
        person = person_create(actor=worker, data={"full_name": f"导出{k}", "sex": "M", "area": street, "owner": worker,
                                                   "birth_date": dt.date(1990, 1, 1)})
        enrolment_add(actor=worker, person=person, data={"population": "resettlement", "release_source": "prison",
                                                         "release_date": dt.date(2026, 6, 1)})


def volunteers(staff, n: int) -> None:
    supervisor = staff("hz_supervisor")
    for k in range(n):
        volunteer_save(actor=supervisor, data={"name": f"导出{k}", "joined_on": timezone.localdate(),
                                               "area": supervisor.organisation.area})


def resources(staff, n: int) -> None:
    supervisor = staff("sh_supervisor")
    for k in range(n):
        resource_save(actor=supervisor, areas=[supervisor.organisation.area],
                      data={"name": f"导出{k}", "kind": "employment"})


EXPORTS = {  # list -> (who exports, query string, growth)
    "people": ("sh_social", "q=导出", people),
    "cases": ("sh_social2", "mine=1", lambda staff, n: cases_taken_on(staff("sh_social2"), n)),
    "volunteers": ("hz_supervisor", "", volunteers),
    "resources": ("sh_supervisor", "", resources),
}


@pytest.mark.parametrize("route", ["/reports/export/{}.xlsx", "/api/reports/exports/{}"])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_the_excel_exports(login, staff, flat_queries, name, route):
    username, query, grow = EXPORTS[name]
    grow(staff, 1)
    before, after = flat_queries(login(username), f"{route.format(name)}?{query}", lambda: grow(staff, 4))
    assert len(rows_of(after)) == len(rows_of(before)) + 4


def streets(staff, n: int) -> None:
    """n more streets of the Shanghai-model district: n more rows of its returns."""
    admin, district = staff("sh_admin"), Area.objects.get(code="310104")
    for _ in range(n):
        k = Area.objects.filter(parent=district).count() + 1
        area_create(actor=admin, code=f"310104{k:03d}", name=f"新街道{k}", level="street", parent=district)


@pytest.mark.parametrize("url", ["/reports/returns/", "/api/reports/returns"])
def test_the_statistical_return_of_a_district(login, staff, flat_queries, url):
    streets(staff, 1)
    before, after = flat_queries(login("sh_admin"), url, lambda: streets(staff, 4))
    if url.startswith("/api/"):
        assert len(after.json()["rows"]) == len(before.json()["rows"]) + 4
    else:
        assert after.text.count("新街道") > before.text.count("新街道")


def test_a_workers_dashboard(login, staff, flat_queries):
    worker = staff("sh_social2")

    def grow(n):
        for case in cases_taken_on(worker, n):
            contact_record(actor=worker, case=case, data=contact_data(days_ago=1, mode="home_visit"))

    grow(1)
    before, after = flat_queries(login("sh_social2"), "/reports/dashboard/", lambda: grow(4))
    assert after.context["charts"] != before.context["charts"]


def test_a_supervisors_dashboard(login, staff, flat_queries):
    supervisor = staff("sh_supervisor")

    def hire(n):
        for _ in range(n):
            k = User.objects.count()
            user_create(actor=staff("sh_admin"), username=f"teamworker{k}",
                        password=DEMO_PASSWORD, role="social_worker", organisation=supervisor.organisation,
                        team=supervisor.team, full_name=f"组员{k}")

    hire(1)
    before, after = flat_queries(login("sh_supervisor"), "/reports/dashboard/", lambda: hire(4))
    team = [len(r.context["charts"][0]["labels"]) for r in (before, after)]
    assert team[1] == team[0] + 4


def test_a_district_leaders_dashboard(login, staff, flat_queries):
    before, after = flat_queries(login("sh_leader"), "/reports/dashboard/", lambda: people(staff, 4))
    assert after.context["charts"] != before.context["charts"]


def test_a_city_leaders_dashboard_over_many_districts(login, staff, flat_queries):
    """A leader of a city bureau sees every district of the city; its chart by organising model is one row per model,
    whatever the number of districts."""
    city = Area.objects.get(code="310100")
    bureau = organisation_create(actor=None, name="市司法局", kind="bureau", area=city)
    user_create(actor=None, username="city_leader", password=DEMO_PASSWORD, role="bureau_leader",
                organisation=bureau, full_name="市局领导")

    def districts(n):
        for _ in range(n):
            k = Area.objects.filter(parent=city).count() + 1
            area_create(actor=None, code=f"3101{k + 50:02d}", name=f"新区{k}", level="district", parent=city,
                        work_model="shanghai")

    districts(1)
    flat_queries(login("city_leader"), "/reports/dashboard/", lambda: districts(4))
