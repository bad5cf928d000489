"""A stolen database dump gives away no ID number and no phone: after a day's work that touches them (an edit of the
phone, searches and an export by the whole ID number, an import of a list with ID numbers and phones), every table —
the audit trail, the job and task tables included — is read raw (on SQLite through iterdump() as well) and grepped.
On PostgreSQL the file the `backup` command writes (pg_dump) is grepped too. The last four characters of the ID
number, kept in clear for suffix search, are the only part of it allowed in the database."""

import datetime as dt
import re
import subprocess

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from imports.tests.test_imports import run_worker, workbook
from jobs.models import Job
from people import idnumbers
from people.models import Person
from tongxing import backups

PHONE_DIGITS = re.compile(r"\d")


def table_dump() -> dict[str, str]:
    """Every table's rows as text, read through the test's own connection (it sees this test's writes)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT CAST(t AS text) FROM {name} AS t")  # the whole row, every column, as text
                tables[table] = "\n".join(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(f"SELECT * FROM {name}")
                tables[table] = "\n".join(repr(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        tables["(sqlite iterdump)"] = "\n".join(connection.connection.iterdump())
    # Session data is stored encoded: decoded, so that what a session holds is grepped too.
    tables["(sessions decoded)"] = "\n".join(repr(session.get_decoded()) for session in Session.objects.all())
    return tables


def backup_text(path) -> str:
    """The file the backup command writes, as text: pg_dump's custom format is compressed, so grepping it raw would
    prove nothing; pg_restore turns it back into the SQL it holds."""
    backups.backup(path)
    return subprocess.run(["pg_restore", "--file=-", str(path)], check=True, capture_output=True, text=True).stdout


def leaks(text: str, id_numbers: list[str], phones: list[str]) -> list[str]:
    found = []
    upper = text.upper()
    for number in id_numbers:
        if number.upper() in upper:
            found.append(f"ID number {number}")
        # (The masked form, the region alone, may be kept: the person's district says as much.)
        # Any ten characters in a row of it: a prefix, the birth date with the sequence, a differently masked form.
        found += [f"part of ID number {number[i:i + 10]}" for i in range(len(number) - 9)
                  if number[i:i + 10].upper() in upper]
    for phone in phones:
        digits = "".join(PHONE_DIGITS.findall(phone))
        if digits in re.sub(r"[\s-]", "", text):
            found.append(f"phone {phone}")
        elif digits[-8:] in text:
            found.append(f"the last eight digits of phone {phone}")
    return found


@pytest.fixture
def day_of_work(login, staff, xiaoyu, django_capture_on_commit_callbacks):
    """What a day's work writes around identifying numbers; returns the numbers that must not be found in clear."""
    import random

    from demo.builder import synthetic_id
    from orgs.selectors import streets_for_new_people
    from people.services import person_update

    worker = login("sh_social")
    new_phone = "13912345678"
    person_update(actor=staff("sh_social"), person=xiaoyu, data={"phone": new_phone}, expected_version=xiaoyu.version)
    xiaoyu.refresh_from_db()
    # Searches and an export by the whole ID number (the audit trail records the export's filters).
    assert worker.get("/people/", {"q": xiaoyu.id_number}).status_code == 200
    assert worker.get("/reports/export/people.xlsx", {"q": xiaoyu.id_number}).status_code == 200
    assert worker.get("/api/people", {"q": xiaoyu.id_number}).status_code == 200
    assert worker.get(f"/api/people/{xiaoyu.pk}").json()["id_number"] == xiaoyu.id_number

    # An import of a release list: two people with ID numbers and phones, checked then committed by the worker.
    officer = login("bj_officer")
    street = streets_for_new_people(user=staff("bj_officer")).first().code
    rng = random.Random(2026)
    imported = [(synthetic_id("110101", dt.date(1988, 3, 4), "M", rng), "13600001111"),
                (synthetic_id("110101", dt.date(1991, 7, 9), "F", rng), "13700002222")]
    rows = [[f"导入{i}", number, "男" if i == 0 else "女", phone, f"某小区{i}号", street, "刑满释放", "2026-12-20",
             "某监狱", "盗窃罪", "否"] for i, (number, phone) in enumerate(imported)]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/imports/", {"kind": "release_notices", "file": workbook(rows)})
    run_worker()
    check = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert check.status == "done" and check.result["error_count"] == 0, check.result
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/jobs/{check.pk}/")
    run_worker()
    assert Job.objects.get(kind="import_commit", params=check.params).result["imported"] == 2
    assert Person.objects.get(id_number_hash=Person.objects.get(full_name="导入0").id_number_hash).phone == imported[0][1]

    id_numbers = [xiaoyu.id_number, *(number for number, _phone in imported)]
    phones = [new_phone, *(phone for _number, phone in imported),
              *(m.phone for m in xiaoyu.supporters.all() if m.phone)]
    return {"person": xiaoyu, "id_numbers": id_numbers, "phones": phones}


def test_no_table_holds_an_id_number_or_a_phone_in_clear(day_of_work):
    tables = table_dump()
    for table in ("people_person", "audit_auditevent", "jobs_job", "people_supportmember"):
        assert tables.get(table), f"{table} was not read"
    assert tables.get("django_tasks_database_dbtaskresult"), "the task queue was not read"
    found = {table: hits for table, text in tables.items()
             if (hits := leaks(text, day_of_work["id_numbers"], day_of_work["phones"]))}
    assert found == {}


def test_no_part_of_the_id_number_is_kept_in_clear(day_of_work):
    from tongxing.crypto import keyed_hash

    person = day_of_work["person"]
    stored_tail = Person.objects.filter(pk=person.pk).values_list("id_last4_hash", flat=True).get()
    assert stored_tail == keyed_hash(person.id_number[-4:]) and person.id_number[-4:] not in stored_tail
    stored = Person.objects.filter(pk=person.pk).values_list("id_number", "phone")
    with connection.cursor() as cursor:  # the raw columns hold ciphertext, not the numbers
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [person.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert raw_id and person.id_number not in raw_id and person.phone not in raw_phone
    assert stored.get() == (person.id_number, person.phone)  # and the application still reads them


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's backup copies the database file, which "
                    "the test above reads in full through iterdump(); the in-memory test database cannot be copied "
                    "while the test's transaction holds it")
def test_the_backup_file_holds_no_id_number_or_phone_in_clear(tmp_path, xiaoyu):
    """The demo's own people: committed data, which is what pg_dump sees from outside the test's transaction."""
    people = [xiaoyu, *Person.objects.exclude(pk=xiaoyu.pk).exclude(id_number="").order_by("pk")[:20]]
    text = backup_text(tmp_path / "tongxing.backup")
    assert "people_person" in text and "audit_auditevent" in text
    found = leaks(text, [p.id_number for p in people], [p.phone for p in people if p.phone])
    assert found == []


def test_the_id_number_cannot_be_rebuilt_from_the_columns_kept_in_clear(xiaoyu):
    """Area code (6) + birth date (8) + sequence and check digit (4): the birth date and the area are kept in clear
    (the age rules and the district's organising model need them), so the last four must not be: a copy of the
    database holds only their keyed hash, and the masked number shows the region alone."""
    from orgs.models import Area

    row = Person.objects.filter(pk=xiaoyu.pk).values("birth_date", "id_last4_hash", "area__path").get()
    codes = [a.code for a in Area.objects.all() if row["area__path"].startswith(a.path)]  # street, district, city
    assert len(codes) >= 2
    tails = {row["id_last4_hash"][:4], idnumbers.masked(xiaoyu.id_number)[-4:]}  # what a dump or a screen shows
    rebuilt = [f"{code}{row['birth_date']:%Y%m%d}{tail}" for code in codes for tail in tails]
    confirmed = [guess for guess in rebuilt  # the check digit would confirm a right guess, no key needed
                 if guess[:17].isdigit() and idnumbers.check_char(guess[:17]) == guess[17]]
    assert xiaoyu.id_number not in confirmed
