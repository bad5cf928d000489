"""The legal-supervision page and API run as many queries with many records as with a few, in each of their lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Enrolment
from supervision import services


@pytest.fixture
def enrolment(db):
    """An active parole record of the Beijing-model district (司法所-led), so revocation is shown too."""
    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").select_related("person__area").first()
    enrolment.correction_category = "parole"
    enrolment.save(update_fields=["correction_category"])
    return enrolment


@pytest.fixture
def records(staff, enrolment):
    """records(n) -> n more of every record on the page: sanctions, reports, team members, activities, leave,
    monitoring periods, relocations and revocations."""
    officer, leader, today = staff("bj_officer"), staff("bj_leader"), timezone.localdate()
    made = []

    def make(n: int) -> None:
        for _ in range(n):
            k = len(made)
            made.append(k)
            day = today - dt.timedelta(days=k)
            services.sanction_record(actor=officer, enrolment=enrolment, kind="reprimand", on=day, facts=f"事实{k}")
            services.report_record(actor=officer, enrolment=enrolment, on=day, kind="in_person", note=f"报告{k}")
            services.team_member_add(actor=officer, enrolment=enrolment, name=f"组员{k}", role="committee")
            services.activity_record(actor=officer, enrolment=enrolment, kind="education", on=day, hours=2,
                                     topic=f"学习{k}")
            services.leave_apply(actor=officer, enrolment=enrolment, destination=f"天津{k}", reason="探亲",
                                 leave_on=today + dt.timedelta(days=20 + 3 * k),
                                 return_on=today + dt.timedelta(days=21 + 3 * k))
            period = services.monitoring_start(actor=officer, enrolment=enrolment, reason="court_ban",
                                               facts="违反禁止令", start_on=today,
                                               end_on=today + dt.timedelta(days=30), approved_by_name=f"局长{k}")
            services.monitoring_remove(actor=officer, period=period, on=today, note="解除")
            relocation, _w = services.relocation_apply(actor=officer, enrolment=enrolment, new_residence=f"新址{k}",
                                                       new_agency="天津市某区社区矫正机构", reason="工作",
                                                       applied_on=today, move_on=today + dt.timedelta(days=60))
            services.relocation_step(actor=officer, relocation=relocation, step="withdraw", on=today)
            revocation = services.revocation_propose(actor=leader, enrolment=enrolment, on=today, court="某区人民法院",
                                                     evidence=f"证据{k}")
            services.revocation_record(actor=leader, revocation=revocation, step="ruling", on=today, revoked=False)

    return make


@pytest.mark.parametrize("kind", ["html", "api"])
def test_the_supervision_of_one_correction(login, enrolment, records, flat_queries, kind):
    url = reverse("supervision:enrolment", args=[enrolment.pk]) if kind == "html" else \
        f"/api/supervision/{enrolment.pk}"
    records(1)
    before, after = flat_queries(login("bj_officer"), url, lambda: records(3))
    if kind == "api":
        body = before.json(), after.json()
        for part in ("sanctions", "leave", "monitoring", "relocations", "revocations"):
            assert len(body[1][part]) > len(body[0][part]), part
    else:
        for marker in ("事实", "报告", "组员", "学习", "天津", "局长", "新址", "某区人民法院"):
            assert after.text.count(marker) > before.text.count(marker), marker


def test_the_hours_of_a_month_in_the_api(login, staff, enrolment, records, flat_queries):
    today = timezone.localdate()
    records(1)
    before, after = flat_queries(login("bj_officer"), f"/api/supervision/{enrolment.pk}/activities/"
                                                      f"{today.year}/{today.month}", lambda: records(3))
    done = [{row["kind"]: row["done"] for row in r.json()}["education"] for r in (before, after)]
    assert done[1] > done[0]


def test_the_pre_sentence_assessments_of_a_person(login, staff, enrolment, flat_queries):
    def request(n):
        for k in range(n):
            services.pre_sentence_assessment_request(actor=staff("bj_officer"), person=enrolment.person,
                                                     requested_by=f"某区人民法院{k}", received_on=timezone.localdate())

    request(1)
    before, after = flat_queries(login("bj_officer"), reverse("supervision:assessments", args=[enrolment.person_id]),
                                 lambda: request(4))
    assert after.text.count('data-testid="assessment"') == before.text.count('data-testid="assessment"') + 4
