"""Exports: the columns a role may see, formula-like text inert, every export audited."""

import io

from openpyxl import load_workbook

from audit.models import AuditEvent
from people.models import Person


def rows_of(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(r) for r in sheet.values]


def test_a_volunteer_reads_assigned_files_but_exports_nothing(login, staff, xiaoyu):
    from people.services import assignment_add

    assignment_add(actor=staff("sh_social"), person=xiaoyu, user=staff("sh_volunteer"), task="学业辅导")
    volunteer = login("sh_volunteer")
    assert volunteer.get(xiaoyu.get_absolute_url()).status_code == 200
    assert volunteer.get("/reports/export/people.xlsx").status_code == 403  # the matrix's export column is empty


def test_a_community_workers_export_has_no_phones_and_no_whole_id_numbers(login, staff):
    rows = rows_of(login("hz_community").get("/reports/export/people.xlsx"))
    text = " ".join(str(v) for row in rows for v in row)
    assert len(rows) > 1 and "电话" not in rows[0]
    for person in Person.objects.filter(area__path__startswith="330000/").exclude(id_number=""):
        assert person.id_number not in text


def test_a_workers_export_has_the_list_with_ids_and_formula_text_is_inert(login, staff, xiaoyu):
    Person.objects.filter(pk=xiaoyu.pk).update(pseudonym="=HYPERLINK(\"http://evil\",\"x\")")
    response = login("sh_social").get("/reports/export/people.xlsx")
    rows = rows_of(response)
    header = rows[0]
    id_column = next(i for i, h in enumerate(header) if h in ("身份证号", "ID number"))
    mine = [r for r in rows[1:] if r[0] == xiaoyu.full_name]
    assert mine and mine[0][id_column] == xiaoyu.id_number
    assert mine[0][1] == "'=HYPERLINK(\"http://evil\",\"x\")"  # text, not a formula
    assert len(rows) - 1 == login("sh_social").get("/people/").context["page"].paginator.count
    event = AuditEvent.objects.filter(action="export.people", actor=staff("sh_social")).latest("pk")
    assert event.changes["rows"] == len(rows) - 1


def test_the_case_list_exports_too(login, staff):
    rows = rows_of(login("sh_supervisor").get("/reports/export/cases.xlsx"))
    assert len(rows) > 1 and AuditEvent.objects.filter(action="export.cases").exists()
    assert login("sh_supervisor").get("/reports/export/secrets.xlsx").status_code == 403


def test_the_volunteer_registry_and_the_resource_directory_export(login):
    client = login("hz_supervisor")
    rows = rows_of(client.get("/reports/export/volunteers.xlsx"))
    assert len(rows) == 5 and AuditEvent.objects.filter(action="export.volunteers").exists()
    assert "phone" not in rows[0] and "电话" not in rows[0]
    rows = rows_of(client.get("/reports/export/resources.xlsx"))
    assert len(rows) > 1 and AuditEvent.objects.filter(action="export.resources").exists()
