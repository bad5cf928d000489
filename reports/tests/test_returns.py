"""A statistical return equals the counts of the records it summarises, on the demo's known data set; it downloads
as Excel with the same figures."""

import io

import pytest
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import Contact
from conferences.models import Conference
from incidents.models import Incident
from orgs.models import Area
from people.models import Enrolment
from referrals.models import Referral
from reports.returns import Period, statistical_return
from supervision.models import Sanction
from tongxing.excel import inert


def expected(area, period, population=""):
    """The same figures counted naively, record by record."""
    start, end = period.start, period.end
    people = Q(person__area__path__startswith=area.path)
    enrolments = [e for e in Enrolment.objects.filter(people) if not population or e.population == population]
    contacts = [c for c in Contact.objects.filter(case__person__area__path__startswith=area.path)
                .select_related("case") if start <= timezone.localtime(c.started_at).date() <= end
                and (not population or c.case.population == population)]
    figures = {
        "received": sum(start <= e.start_date <= end for e in enrolments),
        "ended": sum(e.status == "ended" and start <= e.end_date <= end for e in enrolments),
        "current": sum(e.start_date <= end and (e.status == "active" or (e.end_date and e.end_date > end))
                       for e in enrolments),
        "contacts": len(contacts),
        "home_visits": sum(c.mode == "home_visit" for c in contacts),
        "referrals": Referral.objects.filter(case__person__area__path__startswith=area.path, sent_on__gte=start,
                                             sent_on__lte=end).count(),
        "conferences": Conference.objects.filter(people, status="held", held_on__gte=start, held_on__lte=end).count(),
        "incidents": sum(start <= timezone.localtime(i.occurred_at).date() <= end for i in Incident.objects.filter(people)),
        "sanctions": Sanction.objects.filter(enrolment__person__area__path__startswith=area.path, on__gte=start,
                                             on__lte=end).count(),
    }
    return figures


@pytest.mark.parametrize("prefix", ["310104", "110101", "330102"])
@pytest.mark.parametrize("period", [Period("year", 2025), Period("year", 2026), Period("month", 2025, 8),
                                    Period("half", 2026, 2)])
def test_the_totals_equal_the_records(staff, prefix, period):
    district = Area.objects.get(code=prefix)
    Sanction.objects.create(enrolment=Enrolment.objects.filter(person__area__path__startswith=district.path,
                                                               population="correction").first(),
                            kind="reprimand", on=period.end, facts="测试", decided_by=staff("bj_officer"))
    result = statistical_return(area=district, period=period)
    for key, value in expected(district, period).items():
        assert result.total.values[key] == value, key
    assert len(result.rows) == district.children.count()  # one row per street
    levels = sum(result.total.values[f"level_{level}"] for level in ("strict", "normal", "lenient"))
    categories = sum(result.total.values[f"cat_{c}"] for c in ("control", "probation", "parole", "medical"))
    assert levels == categories  # every current correction has one level


def test_a_population_return_counts_that_population_only(db):
    district = Area.objects.get(code="310104")
    period = Period("year", 2026)
    result = statistical_return(area=district, period=period, population="drug")
    assert "level_strict" not in result.total.values
    for key in ("received", "current", "contacts"):
        assert result.total.values[key] == expected(district, period, "drug")[key]


def test_a_model_filter_keeps_only_that_models_districts(db):
    beijing, period = Area.objects.get(code="110000"), Period("year", 2026)
    assert statistical_return(area=beijing, period=period, model="shanghai").total.values["current"] == 0
    assert statistical_return(area=beijing, period=period, model="beijing").total.values == \
        statistical_return(area=beijing, period=period).total.values


def test_the_excel_download_has_the_figures_and_is_audited(login, staff):
    from audit.models import AuditEvent

    client = login("sh_supervisor")
    response = client.get("/reports/returns/", {"kind": "year", "year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[-1][0] == "合计" and isinstance(rows[-1][1], int)
    assert AuditEvent.objects.filter(action="export.statistical_return", actor=staff("sh_supervisor")).exists()
    page = client.get("/reports/returns/", {"kind": "month", "year": 1800, "number": 3})
    assert page.status_code == 200 and 'data-testid="return"' not in page.content.decode()
    page = client.get("/reports/returns/", {"kind": "year", "year": 2026, "number": 11})  # the month box ignored
    assert page.context["result"].period.label == "2026年度"
    for bad in ({"area": "²"}, {"year": "²"}):
        assert client.get("/reports/returns/", bad).status_code == 200
        assert client.get("/reports/dashboard/", bad).status_code == 200
    assert login("sh_social").get("/reports/returns/").status_code == 403


def test_returns_through_the_api(client, staff):
    from accounts.services import api_token_create

    _t, raw = api_token_create(actor=staff("bj_leader"), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    body = client.get("/api/reports/returns", {"kind": "month", "year": 2026, "number": 11}).json()
    assert body["period"] == "2026年11月" and body["total"]["area"] == "合计"
    assert client.get("/api/reports/returns", {"kind": "month", "year": 2026, "number": 13}).status_code == 422


def test_formula_like_text_is_made_inert():
    assert inert("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert inert("+86 138") == "'+86 138" and inert("张三") == "张三" and inert(3) == 3




def test_the_returns_page_opens_without_parameters(login):
    page = login("sh_supervisor").get("/reports/returns/")
    assert page.status_code == 200 and 'data-testid="return"' in page.content.decode()


@pytest.mark.parametrize("period", [Period("year", 2025), Period("year", 2026)])
def test_the_national_return_has_a_row_per_province_and_adds_up(staff, period):
    national = statistical_return(area=None, period=period)
    provinces = list(Area.objects.filter(parent__isnull=True).order_by("code"))
    assert [row.area for row in national.rows] == provinces
    for row, province in zip(national.rows, provinces):
        assert row.values == statistical_return(area=province, period=period).total.values, province.name
    for key in ("received", "current", "contacts", "incidents"):
        assert national.total.values[key] == sum(row.values[key] for row in national.rows)
