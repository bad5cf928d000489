"""Optimistic locking: two people who opened the same record and both save get a conflict for the second save,
not a silent lost update — on the pages, on the API and, on PostgreSQL, under real concurrency (two threads, two
database connections, the same version in hand: exactly one write wins)."""

import datetime as dt
import json
import threading
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from accounts.services import api_token_create
from audit.models import AuditEvent
from casework.models import Stage, StageChange
from people.models import Person
from tongxing.permissions import ConflictError

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def form_data(response) -> dict:
    """The values a form page was rendered with, as the browser sends them back."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value not in (None, False):
            data[field.name] = value
    return data


def conflict_message(text: str) -> str:
    with translation.override("zh-hans"):
        return escape(translation.gettext(text))


FILE_CONFLICT = "Someone else changed this file since you opened it. Reload it and make your change again."
CASE_CONFLICT = "Someone else changed this case since you opened it. Reload it and try again."


def updates_of(person) -> int:
    return AuditEvent.objects.filter(action="person.updated", person=person).count()


def test_the_second_of_two_edits_opened_together_gets_a_conflict_and_the_first_stays(login, xiaoyu):
    worker, supervisor = login("sh_social"), login("sh_supervisor")
    url = reverse("people:edit", args=[xiaoyu.pk])
    first, second = form_data(worker.get(url)), form_data(supervisor.get(url))
    assert first["version"] == second["version"] == xiaoyu.version
    events = updates_of(xiaoyu)

    assert worker.post(url, {**first, "employer": "社区便利店"}).status_code == 302
    page = supervisor.post(url, {**second, "employer": "区图书馆", "note": "督导补充"})
    assert page.status_code == 200 and conflict_message(FILE_CONFLICT) in page.text
    assert 'value="区图书馆"' in page.text  # what they typed is still on the page, to redo after reloading

    xiaoyu.refresh_from_db()
    assert (xiaoyu.employer, xiaoyu.version) == ("社区便利店", first["version"] + 1)
    assert xiaoyu.note != "督导补充" and updates_of(xiaoyu) == events + 1


def test_the_api_answers_a_stale_edit_with_409_and_keeps_the_first(staff, xiaoyu):
    clients = []
    for username in ("sh_social", "sh_supervisor"):
        _token, raw = api_token_create(actor=staff(username), name="并发")
        clients.append(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"))
    url = f"/api/people/{xiaoyu.pk}"
    version = clients[0].get(url).json()["version"]
    assert clients[1].get(url).json()["version"] == version

    def patch(client, employer):
        return client.patch(url, json.dumps({"expected_version": version, "employer": employer}),
                            content_type="application/json")

    assert patch(clients[0], "社区便利店").status_code == 200
    stale = patch(clients[1], "区图书馆")
    assert stale.status_code == 409 and "detail" in stale.json()
    current = clients[1].get(url).json()
    assert current["employer"] == "社区便利店" and current["version"] == version + 1


def test_two_tabs_acting_on_one_case_the_second_is_told_of_the_conflict(staff, xiaoyu):
    case = xiaoyu.cases.get(owner=xiaoyu.owner, stage=Stage.INTERVENTION)
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(staff("sh_social"))
    url = reverse("casework:act", args=[case.pk, "start_review"])
    versions = [tab.get(url).context["version"] for tab in tabs]
    assert versions == [case.version, case.version]

    assert tabs[0].post(url, {"reason": "", "version": versions[0]}).status_code == 302
    page = tabs[1].post(url, {"reason": "", "version": versions[1]})
    assert page.status_code == 200 and conflict_message(CASE_CONFLICT) in page.text
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW and case.version == versions[0] + 1
    assert StageChange.objects.filter(case=case, action="start_review").count() == 1


def test_the_case_api_answers_a_stale_action_with_409(staff, xiaoyu):
    case = xiaoyu.cases.get(owner=xiaoyu.owner, stage=Stage.INTERVENTION)
    _token, raw = api_token_create(actor=staff("sh_social"), name="并发")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    version = client.get(f"/api/cases/{case.pk}").json()["version"]

    def act(action):
        return client.post(f"/api/cases/{case.pk}/actions/{action}",
                           json.dumps({"expected_version": version, "reason": ""}), content_type="application/json")

    assert act("start_review").status_code == 200
    assert act("continue_intervention").status_code == 409  # decided on the stage before the review began
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW


# Real concurrency needs a server that runs two transactions at once: PostgreSQL. The threads commit, so the test runs
# on a transactional database, which pytest-django empties afterwards; the rows as they were are then put back
# (seconds, where loading the demo again takes a minute) for the tests that follow.

@pytest.fixture
def rows_restored_afterwards(django_db_blocker):
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        # Emptied again without the post-migrate signal (which re-creates content types the snapshot also holds);
        # sequences are not reset, so later rows get ids above the restored ones.
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)


def race(monkeypatch, module, name: str, calls) -> list[str]:
    """Run the calls in two threads (two database connections) released together. `module.name`, a step the
    service takes after reading the version and before writing, is slowed down so the two transactions overlap."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(module, name, slow)
    start, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait(timeout=10)
            call()
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as exc:  # reported by the caller's assertion
            outcomes.append(repr(exc))
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: two transactions at once")
def test_of_two_concurrent_writes_with_the_same_version_exactly_one_is_saved(rows_restored_afterwards,
                                                                             transactional_db, monkeypatch):
    from casework import services as casework
    from people import services as people

    person = Person.objects.get(pseudonym="小宇")
    worker, supervisor = User.objects.get(username="sh_social"), User.objects.get(username="sh_supervisor")
    version, events = person.version, updates_of(person)
    outcomes = race(monkeypatch, people, "_apply", [
        lambda: people.person_update(actor=worker, person=person, data={"employer": "甲"}, expected_version=version),
        lambda: people.person_update(actor=supervisor, person=person, data={"employer": "乙"},
                                     expected_version=version),
    ])
    assert outcomes == ["conflict", "saved"]
    person.refresh_from_db()
    assert person.version == version + 1 and person.employer in ("甲", "乙")
    assert updates_of(person) == events + 1

    case = person.cases.get(stage=Stage.INTERVENTION)
    version = case.version
    outcomes = race(monkeypatch, casework, "_check_version", [
        lambda: casework.case_act(actor=worker, case=case, action="start_review", expected_version=version),
        lambda: casework.case_act(actor=worker, case=case, action="start_review", expected_version=version),
    ])
    assert outcomes == ["conflict", "saved"]
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW and case.version == version + 1
    assert StageChange.objects.filter(case=case, action="start_review").count() == 1
