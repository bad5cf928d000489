"""Importing hand-over lists: every row checked with its reason, all or nothing, progress through the worker."""

import datetime as dt
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from demo.builder import synthetic_id
from imports.schema import KINDS
from jobs.models import Job
from people.models import Enrolment, Person

HEADERS = [c.header for c in KINDS["release_notices"]["columns"]]


def release_rows(n: int, street_code: str, seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        sex = "M" if i % 2 else "F"
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
        rows.append([f"测试{i:04d}", synthetic_id("110101", birth, sex, rng), "男" if sex == "M" else "女", "",
                     f"某小区{i}号", street_code, "刑满释放", "2026-12-20", "某监狱", "盗窃罪", "否"])
    return rows


def workbook(rows: list[list], headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("名单.xlsx", out.getvalue())


def run_worker():
    """The real database worker, once through the queue. Between tasks it closes stale connections, which would
    close the test's own transaction on PostgreSQL: here that is switched off."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def upload_and_check(client, rows, capture, kind="release_notices"):
    with capture(execute=True):
        response = client.post("/imports/", {"kind": kind, "file": workbook(rows)})
    assert response.status_code == 302, response.content[:300]
    run_worker()
    return Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_the_template_has_the_headers_and_an_explanation(login):
    response = login("bj_officer").get("/imports/template/court_notices.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["数据"][1]] == [c.header for c in KINDS["court_notices"]["columns"]]
    assert book["填写说明"].max_row > 5


def test_three_bad_rows_in_a_thousand_are_reported_and_nothing_is_imported(login, officer, street,
                                                                          django_capture_on_commit_callbacks):
    rows = release_rows(1000, street)
    rows[10][1] = rows[10][1][:-1] + ("0" if rows[10][1][-1] != "0" else "1")  # wrong check digit
    rows[500][7] = "2026-13-45"  # not a date
    rows[998][6] = "假释出狱"  # not a code
    client = login("bj_officer")
    people_before = Person.objects.count()
    job = upload_and_check(client, rows, django_capture_on_commit_callbacks)
    assert job.status == "done" and job.result["rows"] == 1000 and job.result["valid"] == 997
    assert sorted(e[0] for e in job.result["errors"]) == [12, 502, 1000]  # sheet rows (the header is row 1)
    assert {e[1] for e in job.result["errors"]} == {"身份证号", "释放日期", "释放类别"}
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "data-testid=\"commit\"" not in page and "502" in page
    assert client.post(f"/imports/jobs/{job.pk}/").status_code == 403
    assert Person.objects.count() == people_before


def test_a_thousand_valid_rows_import_a_thousand(login, officer, street, django_capture_on_commit_callbacks):
    client = login("bj_officer")
    job = upload_and_check(client, release_rows(1000, street, seed=11), django_capture_on_commit_callbacks)
    assert job.result["error_count"] == 0 and len(job.result["preview"]) == 20
    assert "*" in job.result["preview"][0][2]  # the preview masks ID numbers
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/jobs/{job.pk}/")
    run_worker()
    commit = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert commit.status == "done" and commit.result["imported"] == 1000, commit.result.get("message")
    assert Enrolment.objects.filter(population="resettlement", release_institution="某监狱").count() == 1000


def test_a_row_that_fails_at_commit_leaves_nothing_behind(login, officer, street,
                                                         django_capture_on_commit_callbacks):
    from imports import services

    rows = release_rows(5, street, seed=3)
    client = login("bj_officer")
    job = upload_and_check(client, rows, django_capture_on_commit_callbacks)
    # Between check and commit someone registers the fourth person with a resettlement record elsewhere.
    from people.services import enrolment_add, person_create
    from orgs.models import Area

    person = person_create(actor=officer, data={"full_name": rows[3][0], "id_number": rows[3][1],
                                                "area": Area.objects.get(code=street)})
    enrolment_add(actor=officer, person=person, data={"population": "resettlement", "release_source": "prison",
                                                      "release_date": dt.date(2026, 12, 20),
                                                      "release_institution": "另一监狱"})
    result = services.commit_file(user=officer, kind="release_notices", filename=job.params["filename"])
    assert result["imported"] == 0 and Person.objects.filter(full_name__startswith="测试000").count() == 1


def test_unreadable_uploads_are_refused(login):
    client = login("bj_officer")
    response = client.post("/imports/", {"kind": "release_notices",
                                         "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 200 and not Job.objects.exists()
    response = client.post("/imports/", {"kind": "release_notices", "file": SimpleUploadedFile("x.csv", b"a,b")})
    assert response.status_code == 200 and not Job.objects.exists()
    assert login("sh_volunteer").get("/imports/").status_code == 403


def test_missing_columns_are_one_clear_error(login, street, django_capture_on_commit_callbacks):
    client = login("bj_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "release_notices",
                                             "file": workbook([["张三"]], headers=["姓名"])})
    run_worker()
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.result["error_count"] == 1 and "身份证号" in job.result["errors"][0][1]


def test_imports_and_exports_through_the_api(client, staff, street, django_capture_on_commit_callbacks):
    from accounts.services import api_token_create

    _t, raw = api_token_create(actor=staff("bj_officer"), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/imports", {"kind": "release_notices", "file": workbook(release_rows(3, street))})
    assert response.status_code == 202, response.content
    run_worker()
    job = client.get(f"/api/imports/jobs/{response.json()['id']}").json()
    assert job["status"] == "done" and job["result"]["valid"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(f"/api/imports/jobs/{job['id']}/commit")
    run_worker()
    assert client.get(f"/api/imports/jobs/{committed.json()['id']}").json()["result"]["imported"] == 3
    export = client.get("/api/reports/exports/people", {"q": "测试"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 4  # the header and the three imported people


def test_a_people_list_opens_files_and_refuses_a_known_person(login, officer, street, xiaoyu,
                                                              django_capture_on_commit_callbacks):
    headers = [c.header for c in KINDS["people"]["columns"]]
    rows = [row[:6] for row in release_rows(4, street, seed=21)]
    rows.append(["某某", xiaoyu.id_number, "", "", "", street])
    client = login("bj_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "people", "file": workbook(rows, headers=headers)})
    run_worker()
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert [e[0] for e in job.result["errors"]] == [6] and job.result["valid"] == 4


def test_a_checked_file_is_imported_once_and_no_upload_outlives_its_import(login, street,
                                                                            django_capture_on_commit_callbacks):
    import os

    from imports import services

    client = login("bj_officer")
    job = upload_and_check(client, release_rows(2, street, seed=31), django_capture_on_commit_callbacks)
    path = services.import_dir() / job.params["filename"]
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/jobs/{job.pk}/").status_code == 302
    assert client.post(f"/imports/jobs/{job.pk}/").status_code == 403  # a second click imports nothing more
    run_worker()
    assert not path.exists()
    bad = upload_and_check(client, [["x"] * 11], django_capture_on_commit_callbacks)
    assert bad.result["error_count"] and not (services.import_dir() / bad.params["filename"]).exists()


def test_a_leader_without_the_right_to_open_files_cannot_import(login):
    response = login("bj_leader").post("/imports/", {"kind": "people", "file": workbook([])})
    assert response.status_code in (200, 403) and not Job.objects.exists()


def _crafted(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("parts,message", [
    ({"hello.txt": b"a zip, but no workbook"}, "不是Excel"),
    ({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/vbaProject.bin": b"\0" * 10}, "宏"),
    ({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/bomb.xml": b"\0" * (2 * 1024 * 1024)},
     "解压"),
    (None, "不是Excel"),  # a damaged archive whose end record still says "zip"
])
def test_crafted_workbooks_are_refused_and_leave_no_file(login, settings, parts, message):
    from imports.services import import_dir

    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    before = set(import_dir().glob("*.xlsx"))
    content = _crafted(parts) if parts else _crafted({"[Content_Types].xml": b"<x/>"}).replace(b"PK\x01\x02", b"PK\x01\x03")
    response = login("bj_officer").post("/imports/", {"kind": "release_notices",
                                                      "file": SimpleUploadedFile("list.xlsx", content)})
    assert response.status_code == 200 and message in response.text and not Job.objects.exists()
    assert set(import_dir().glob("*.xlsx")) == before
