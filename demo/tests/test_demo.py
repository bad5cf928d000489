"""The demo world that `make run` loads: three models, every role, ~30 people each, the seed's 小宇."""

from accounts.models import User
from accounts.roles import Role
from orgs.models import Area, WorkModel
from people.models import Person


def test_there_is_one_demo_district_per_organising_model(db):
    models = set(Area.objects.filter(level="district").values_list("work_model", flat=True))
    assert models == set(WorkModel.values)


def test_every_district_has_staff_of_every_role(db):
    for prefix in ("sh", "bj", "hz"):
        roles = set(User.objects.filter(username__startswith=f"{prefix}_").values_list("role", flat=True))
        assert roles == set(Role.values), prefix


def test_every_district_has_about_thirty_people_across_its_populations(db):
    for code, populations in (("310104", {"correction", "resettlement", "youth", "drug"}),
                              ("110101", {"correction", "resettlement"}),
                              ("330102", {"correction", "resettlement", "youth"})):
        people = Person.objects.filter(area__path__contains=f"/{code}/")
        assert 28 <= people.count() <= 35
        assert set(people.values_list("enrolments__population", flat=True)) == populations


def test_xiaoyu_is_the_seeds_case(xiaoyu):
    correction = xiaoyu.enrolments.get(population="correction")
    assert xiaoyu.pseudonym == "小宇" and xiaoyu.sex == "M" and xiaoyu.is_juvenile
    assert (correction.offence, correction.sentence, correction.correction_category) == (
        "抢劫罪", "有期徒刑2年，缓刑3年", "probation")
    assert {"父亲", "母亲"} <= set(xiaoyu.supporters.values_list("relation", flat=True))


def test_loading_twice_changes_nothing(db):
    from django.core.management import call_command

    before = Person.objects.count()
    call_command("demo_load", "--quiet")
    assert Person.objects.count() == before


def test_every_district_has_cases_in_every_stage(db):
    from casework.models import Case, Stage

    for code in ("310104", "110101", "330102"):
        stages = set(Case.objects.filter(person__area__path__contains=f"/{code}/").values_list("stage", flat=True))
        assert stages == set(Stage.values), code


def test_xiaoyus_case_follows_the_seed(xiaoyu):
    case = xiaoyu.cases.get(population="correction")
    assert case.protocol.code == "A" and case.stage == "intervention"
    first = case.contacts.order_by("started_at").first()
    assert first.mode == "office" and len(first.agenda_covered) == 5 and first.minutes <= 30
    assert "无良朋辈" in case.assessments.get().main_problems
    goals = list(case.plan_versions.get(status="approved").goals.values_list("text", flat=True))
    assert any("沟通" in g for g in goals) and any("朋辈" in g for g in goals)
