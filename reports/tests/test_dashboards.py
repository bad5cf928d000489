"""Every number on a dashboard equals the list it links to."""


import pytest


def figures(page) -> dict:
    charts = page.context["charts"]
    return {c["id"]: c for c in charts}


def test_a_workers_caseload_chart_matches_the_case_list(login):
    client = login("sh_social")
    charts = figures(client.get("/reports/dashboard/"))
    caseload = charts["caseload"]
    assert caseload["values"] and sum(caseload["values"]) > 0
    for value, link in zip(caseload["values"], caseload["links"]):
        assert client.get(link).context["page"].paginator.count == value, link
    days = client.get("/today/").context["days"]
    assert charts["duties"]["values"] == [len(days.overdue), len(days.today), len(days.this_week)]


def test_a_leaders_population_chart_matches_the_people_list(login):
    client = login("sh_leader")
    charts = figures(client.get("/reports/dashboard/"))
    populations = charts["populations"]
    assert sum(populations["values"]) > 0
    for value, link in zip(populations["values"], populations["links"]):
        assert client.get(link).context["page"].paginator.count == value, link
    assert {"models", "offices", "movement", "risk", "trend"} <= set(charts)
    assert len(charts["trend"]["values"]) in (12, 13)


def test_a_supervisor_sees_the_team(login):
    charts = figures(login("sh_supervisor").get("/reports/dashboard/"))
    assert charts["team_caseloads"]["labels"] and "waiting" in charts


@pytest.mark.parametrize("who", ["sh_volunteer"])
def test_roles_without_a_dashboard_are_told(login, who):
    assert login(who).get("/reports/dashboard/").status_code == 403


