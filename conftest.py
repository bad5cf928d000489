"""Shared fixtures: the synthetic demo world (three districts, one per model) loaded once per test database."""

import os

import pytest
from django.test import Client

from accounts.models import User
from demo.builder import load_demo
from people.models import Person


# `make test` runs the suite on SQLite and again on PostgreSQL and says so; a single pass runs everything.
TWO_PASSES = os.environ.get("TONGXING_TWO_PASSES") == "1"


def on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """With both passes, tests that check the same thing on either database run once: the browser tests (they drive
    the pages the view tests check on both) on the SQLite pass, the API fuzz (PostgreSQL refuses what SQLite lets
    through: over-long text, out-of-range numbers) on the PostgreSQL pass."""
    if not TWO_PASSES:
        return
    elsewhere = "postgres_pass" if not on_postgresql() else "e2e"
    skip = pytest.mark.skip(reason="runs once, on the other pass of make test")
    for item in items:
        if elsewhere in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request, settings):
    """Two-factor sign-in is on for leaders and administrators by default; the tests of other features sign them
    in with the password alone, and the tests marked `two_factor` keep the production setting."""
    if "two_factor" not in request.keywords:
        settings.TWO_FACTOR_ROLES = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def staff(db):
    """staff('sh_social') -> the demo user with that login."""
    return lambda username: User.objects.select_related("organisation__area", "team").get(username=username)


@pytest.fixture
def login(db, staff):
    """login('sh_social') -> a test client signed in as that demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(staff(username))
        return client

    return make


@pytest.fixture
def xiaoyu(db) -> Person:
    """The seed's case: 小宇(化名), Shanghai-model district, owned by sh_social."""
    return Person.objects.select_related("area", "organisation", "owner").get(pseudonym="小宇")


@pytest.fixture
def adult(db) -> Person:
    """A Shanghai-model adult under community correction, with an offence on file (juveniles' files are only
    their case team's, so leaders and administrators are shown reading an adult's)."""
    from people.selectors import juvenile_filter

    return (Person.objects.filter(area__path__startswith="310000/", enrolments__population="correction")
            .exclude(enrolments__offence="").exclude(juvenile_filter()).select_related("area", "owner")
            .order_by("pk").first())


@pytest.fixture
def beijing_person(db) -> Person:
    return Person.objects.filter(area__path__startswith="110000/").order_by("pk").first()


@pytest.fixture
def flat_queries(request):
    """flat_queries(client, url, grow) -> (before, after): the page read with the rows it has, then again after
    grow() added more of them (or, when grow() returns a URL, that of a record made with more of them). The second
    read may run no more queries than the first (fewer when more rows settle a question sooner), so a query per row,
    an N+1, fails. A warm-up read comes first: caches filled once per process and the audit entry of a first opening
    do not count. The responses are returned for the test to show that the rows did grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read(client, url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response, len(queries)

    def check(client, url: str, grow):
        client.get(url)
        before, few = read(client, url)
        grown = grow()
        if isinstance(grown, str):  # rows that come with a new record (a conference's decisions): its URL
            url = grown
            client.get(url)
        after, many = read(client, url)
        request.node.user_properties.append(("queries", f"{few} -> {many}"))
        assert many <= few, f"{url}: {few} queries with few rows, {many} with more"
        return before, after

    return check
