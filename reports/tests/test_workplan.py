"""The work summary and plan: a Word document with the area's real figures and targets from the practice rules."""

import io

from docx import Document

from orgs.models import Area
from reports.returns import Period, statistical_return


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_plan_has_the_districts_real_figures(login):
    district = Area.objects.get(code="310104")
    response = login("sh_supervisor").get("/reports/work-plan/", {"area": district.pk, "year": 2026})
    assert response.status_code == 200
    text = text_of(response.content)
    year = statistical_return(area=district, period=Period("year", 2026)).total.values
    assert f"在册服务对象{year['current']}人次" in text
    assert f"新接收{year['received']}人次" in text and f"个案接触{year['contacts']}次" in text
    assert f"家访{year['home_visits']}次" in text and "2027年工作计划" in text
    assert f"计划家访{year['current'] * 12}次" in text  # one a person a month, the practice rule's default
    assert "个案讨论会" in text and "志愿者培训：计划4次" in text


def test_a_quarter_adds_up_its_three_months(login):
    district = Area.objects.get(code="110101")
    text = text_of(login("bj_leader").get("/reports/work-plan/", {"area": district.pk, "year": 2026,
                                                                   "quarter": 4}).content)
    contacts = sum(statistical_return(area=district, period=Period("month", 2026, m)).total.values["contacts"]
                   for m in (10, 11, 12))
    assert f"个案接触{contacts}次" in text and "2027年第1季度工作计划" in text


def test_the_plan_names_cases_only_by_pseudonym(login, staff):
    from people.models import Person

    district = Area.objects.get(code="310104")
    text = text_of(login("sh_supervisor").get("/reports/work-plan/", {"area": district.pk, "year": 2026}).content)
    for person in Person.objects.filter(conferences__status="held", area__path__startswith=district.path):
        assert person.full_name not in text


def test_bad_parameters_are_a_clear_error(login):
    page = login("sh_supervisor").get("/reports/work-plan/", {"year": "abc"})
    assert page.status_code == 200 and b"error" in page.content
