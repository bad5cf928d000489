"""An imported list and the forms follow one rule: a person imported gets the same file, record, supervision level,
duties and audit trail as the same person entered through `person_create` and `enrolment_add` one by one."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from demo.builder import synthetic_id
from duties.models import Notification
from imports import services
from imports.schema import KINDS
from people.models import Person
from people.services import enrolment_add, person_create

TODAY = timezone.localdate()


def _person(rng, region: str, age: int, sex: str) -> str:
    birth = TODAY - dt.timedelta(days=365 * age + age // 4 + 100)
    return synthetic_id(region, birth, sex, rng)


# name, age, sex, and the record's columns as an office writes them
COURT = [
    ("成年缓刑", 40, "M", ["缓刑", "盗窃罪", "有期徒刑1年，缓刑2年", "某区人民法院", TODAY - dt.timedelta(days=3),
                         TODAY + dt.timedelta(days=700)]),
    ("监外执行", 55, "F", ["暂予监外执行", "诈骗罪", "有期徒刑3年", "某区人民法院", TODAY - dt.timedelta(days=1),
                          TODAY + dt.timedelta(days=900)]),
    ("未成年人", 16, "M", ["缓刑", "抢劫罪", "有期徒刑2年，缓刑3年", "某区人民法院", TODAY, TODAY + dt.timedelta(days=1000)]),
]
RELEASE = [
    ("重点帮教", 35, "M", ["刑满释放", TODAY + dt.timedelta(days=20), "某监狱", "故意伤害罪", "是"]),
    ("已释放者", 45, "F", ["解除社区矫正", TODAY - dt.timedelta(days=10), "某区司法局", "盗窃罪", "否"]),
]
CATEGORY = {"缓刑": "probation", "暂予监外执行": "medical"}
SOURCE = {"刑满释放": "prison", "解除社区矫正": "correction"}


def _rows(kind, people, street_code, seed):
    rng, region = random.Random(seed), f"1101{seed:02d}"  # the same people, other ID numbers
    rows = []
    for name, age, sex, record in people:
        number = _person(rng, region, age, sex)
        rows.append([name, number, "男" if sex == "M" else "女", "13800000000", "某小区1号", street_code,
                     *[f"{v:%Y-%m-%d}" if isinstance(v, dt.date) else v for v in record]])
    return rows


def _by_form(officer, kind, row, area):
    """The same person and record entered through the ordinary services."""
    person = person_create(actor=officer, data={"full_name": row[0], "id_number": row[1], "sex": "",
                                                "phone": row[3], "residence_address": row[4], "area": area})
    if kind == "court_notices":
        data = {"population": "correction", "correction_category": CATEGORY[row[6]], "offence": row[7],
                "sentence": row[8], "deciding_body": row[9], "start_date": dt.date.fromisoformat(row[10]),
                "end_date": dt.date.fromisoformat(row[11])}
    else:
        data = {"population": "resettlement", "release_source": SOURCE[row[6]],
                "release_date": dt.date.fromisoformat(row[7]), "release_institution": row[8], "offence": row[9],
                "high_priority": row[10] == "是"}
    enrolment_add(actor=officer, person=person, data=data)
    return person


def _fingerprint(person: Person):
    """Everything the person's file holds after intake, with the record's own ids written as placeholders."""
    enrolment = person.enrolments.get()
    name = {str(person.pk): "P", str(enrolment.pk): "E"}

    def plain(text):
        for real, placeholder in name.items():
            text = text.replace(f"/{real}/", f"/{placeholder}/").replace(f":{real}", f":{placeholder}")
        return text

    return {
        "file": (person.full_name, person.sex, person.birth_date, person.name_pinyin, person.name_fragments,
                 person.organisation_id, person.owner_id, person.area_id, person.is_active, person.version),
        "record": (enrolment.population, enrolment.status, enrolment.organisation_id, enrolment.start_date,
                   enrolment.end_date, enrolment.correction_category, enrolment.release_source,
                   enrolment.high_priority),
        "levels": sorted((lc.level, lc.since, lc.reason) for lc in enrolment.level_changes.all()),
        "duties": sorted((plain(d.dedupe_key), d.kind, d.title, d.due_on, d.window_start, d.owner_id, d.owner_role,
                          d.organisation_id, d.rule_key, d.source, plain(d.url), d.status)
                         for d in person.duties.all()),
        "audit": sorted((e.action, e.actor_id, e.target_type, e.changes.get("population", ""))
                        for e in AuditEvent.objects.filter(person=person)),
    }


@pytest.mark.parametrize("kind, people", [("court_notices", COURT), ("release_notices", RELEASE)])
def test_an_imported_person_gets_what_the_forms_give(officer, street, kind, people):
    from orgs.models import Area

    area = Area.objects.get(code=street)
    imported_rows = _rows(kind, people, street, seed=1)
    name = "same-rule.xlsx"
    (services.import_dir() / name).write_bytes(_xlsx(kind, imported_rows))
    result = services.commit_file(user=officer, kind=kind, filename=name)
    assert result["imported"] == len(people), result.get("message")
    by_form = [_by_form(officer, kind, row, area) for row in _rows(kind, people, street, seed=2)]
    imported = [Person.objects.get(id_number_hash__in=_hashes(row[1])) for row in imported_rows]
    for mine, theirs in zip(imported, by_form):
        assert _fingerprint(mine) == _fingerprint(theirs)
    assert any(_fingerprint(p)["duties"] for p in imported)


def test_each_holder_hears_once_of_an_imported_lists_duties(officer, street):
    name = "told-once.xlsx"
    (services.import_dir() / name).write_bytes(_xlsx("court_notices", _rows("court_notices", COURT, street, 3)))
    before = Notification.objects.filter(user=officer).count()
    result = services.commit_file(user=officer, kind="court_notices", filename=name)
    assert result["imported"] == 3
    assert Notification.objects.filter(user=officer).count() == before + 1
    told = Notification.objects.filter(user=officer).latest("pk")
    assert told.url == reverse("duties:day_list") and any(ch.isdigit() for ch in told.text)


def _hashes(number):
    from tongxing.crypto import search_hashes

    return search_hashes(number)


def _xlsx(kind, rows) -> bytes:
    from imports.tests.test_imports import workbook

    return workbook(rows, headers=[c.header for c in KINDS[kind]["columns"]]).read()


def test_a_sheet_with_a_cell_at_the_far_corner_is_refused_and_the_worker_lives_on(officer, street):
    """Calamine would hold a rectangle of 17 billion cells: the capped reader ends, the check says why."""
    from openpyxl import Workbook as Book

    book = Book()
    sheet = book.active
    sheet.append([c.header for c in KINDS["court_notices"]["columns"]])
    sheet["XFD1048576"] = "x"
    book.save(services.import_dir() / "far.xlsx")
    result = services.check_file(user=officer, kind="court_notices", filename="far.xlsx")
    assert result["error_count"] == 1 and result["rows"] == 0
    assert "过大" in result["errors"][0][2]  # zh-Hans is the default language


def test_an_id_number_typed_as_a_number_is_refused_not_rounded(officer, street):
    rows = _rows("court_notices", COURT[:1], street, 5)
    rows[0][1] = float(rows[0][1][:17] + "0")  # what Excel keeps of 18 digits typed as a number
    name = "typed-as-number.xlsx"
    (services.import_dir() / name).write_bytes(_xlsx("court_notices", rows))
    result = services.check_file(user=officer, kind="court_notices", filename=name)
    assert result["error_count"] == 1 and result["errors"][0][:2] == [2, "身份证号"]


def _long_list(n: int, street_code: str, medical_from: int | None = None) -> list[list]:
    """n adults on probation, each with their own ID number (a birth date each); from row `medical_from` on, every
    other one is 暂予监外执行, whose time limits the first thousand never needed."""
    from people import idnumbers

    rows = []
    for i in range(n):
        first17 = f"110101{dt.date(1960, 1, 1) + dt.timedelta(days=i):%Y%m%d}{'001' if i % 2 else '002'}"
        category = "暂予监外执行" if medical_from is not None and i >= medical_from and i % 2 else "缓刑"
        rows.append([f"名单{i:05d}", first17 + idnumbers.check_char(first17), "男" if i % 2 else "女", "13800000000",
                     "某小区1号", street_code, category, "盗窃罪", "有期徒刑1年", "某区人民法院",
                     f"{TODAY - dt.timedelta(days=2):%Y-%m-%d}", f"{TODAY + dt.timedelta(days=700):%Y-%m-%d}"])
    return rows


@pytest.fixture
def builders(settings, monkeypatch):
    """Two builders, and a record of what was handed to them (the parent's side)."""
    from django.db import connection

    from people import services as people_services
    from tongxing.builders import Builders

    if connection.vendor != "postgresql":
        pytest.skip("builders prepare COPY rows with ids drawn from PostgreSQL's sequences")
    settings.IMPORT_BUILDERS = 2
    handed = {"jobs": 0, "starts": 0}

    class Counted(Builders):
        def restart(self):
            handed["starts"] += 1
            super().restart()

        def submit(self, payload):
            handed["jobs"] += 1
            super().submit(payload)

    monkeypatch.setattr(people_services, "Builders", Counted)
    return handed


def _import(officer, rows, name):
    (services.import_dir() / name).write_bytes(_xlsx("court_notices", rows))
    return services.commit_file(user=officer, kind="court_notices", filename=name)


def test_the_thousands_built_by_forked_builders_get_what_the_first_one_built_here_gets(officer, street, builders):
    rows = _long_list(2300, street)
    result = _import(officer, rows, "built-apart.xlsx")
    assert result["imported"] == 2300, result.get("message")
    assert builders == {"jobs": 2, "starts": 1}  # the first thousand here, the other two by the builders
    people = {p.full_name: p for p in Person.objects.filter(full_name__in=["名单00007", "名单01007", "名单02007"])}
    here, *built = [_fingerprint(people[name]) for name in ("名单00007", "名单01007", "名单02007")]
    for fingerprint in built:  # the same kind of person: only the name differs
        assert fingerprint == {**here, "file": fingerprint["file"], "duties": fingerprint["duties"]}
        assert [d[1:2] + d[3:] for d in fingerprint["duties"]] == [d[1:2] + d[3:] for d in here["duties"]]
    assert AuditEvent.objects.filter(action="person.created", person__full_name__startswith="名单").count() == 2300


def test_a_thousand_a_builder_cannot_build_without_the_database_is_built_here(officer, street, builders):
    # The medical re-examination's limit is first needed in the second thousand; five thousands go to the builders,
    # so its miss is seen while the list is still being written (one seen at the end forks nothing more).
    rows = _long_list(5100, street, medical_from=1000)
    result = _import(officer, rows, "needs-more.xlsx")
    assert result["imported"] == 5100, result.get("message")
    assert builders["starts"] == 2  # forked again after the miss, with the new limit read
    medical = Person.objects.get(full_name="名单01001")
    assert set(medical.duties.values_list("kind", flat=True)) >= {"medical_reexam", "medical_report"}


def test_a_row_refused_in_a_builder_imports_nothing_and_names_the_row(officer, street, builders, monkeypatch):
    from people import services as people_services

    build = people_services._enrolment_build

    def refusing(*, person, data, limit):  # forked after this is set: the builders refuse it too
        enrolment, errors = build(person=person, data=data, limit=limit)
        if person.full_name == "名单01500":
            errors["offence"] = ["此罪名不在目录中"]
        return enrolment, errors

    monkeypatch.setattr(people_services, "_enrolment_build", refusing)
    before = Person.objects.count()
    result = _import(officer, _long_list(2300, street), "refused.xlsx")
    assert result["imported"] == 0 and Person.objects.count() == before
    assert "1502" in result["message"] and "此罪名不在目录中" in result["message"]  # the sheet's row, below the header
