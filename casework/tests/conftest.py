import datetime as dt

import pytest
from django.utils import timezone

from casework.services import case_open
from people.models import Person


def at(days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def contact_data(*, days_ago: int = 1, minutes: int = 25, mode: str = "office", met: str = "person", **extra):
    start = at(days_ago)
    return {"mode": mode, "started_at": start, "ended_at": start + dt.timedelta(minutes=minutes), "met": met,
            "place": "司法所", **extra}


@pytest.fixture
def resettlement_person(staff):
    """A Shanghai-model person under resettlement assistance, kept by sh_social2 (protocol B)."""
    worker = staff("sh_social2")
    return Person.objects.filter(owner=worker, enrolments__population="resettlement",
                                 enrolments__status="active").exclude(cases__isnull=False).first()


@pytest.fixture
def case_b(staff, resettlement_person):
    return case_open(actor=staff("sh_social2"), person=resettlement_person, population="resettlement")


@pytest.fixture
def beijing_case(staff):
    officer = staff("bj_officer")
    person = Person.objects.filter(owner=officer, enrolments__population="correction",
                                   enrolments__status="active").exclude(cases__isnull=False).first()
    return case_open(actor=officer, person=person, population="correction")


def cases_taken_on(worker, n: int) -> list:
    """n more cases taken on by the worker (sh_social2: resettlement, protocol B), each for a person without one."""
    people = list(Person.objects.filter(owner=worker, enrolments__population="resettlement",
                                        enrolments__status="active", cases__isnull=True).order_by("pk")[:n])
    assert len(people) == n, "the demo has too few people without a case"
    return [case_open(actor=worker, person=person, population="resettlement") for person in people]


def opening_requested(cases, *, worker, supervisor) -> None:
    """Take each case through the assessment and the supervisor's opinion to the request to open it."""
    from casework import services

    for case in cases:
        services.case_act(actor=worker, case=case, action="begin_assessment")
        services.assessment_record(actor=worker, case=case, data={"main_problems": "就业", "analysis": "可开案"})
        services.supervisor_opinion_record(actor=supervisor, case=case, opinion="同意")
        services.case_act(actor=worker, case=case, action="request_opening", reason="申请开案")
