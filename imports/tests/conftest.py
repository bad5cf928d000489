"""A 司法所 officer who imports lists, and a street of the office."""

import pytest


@pytest.fixture
def officer(staff):
    return staff("bj_officer")


@pytest.fixture
def street(officer):
    from orgs.selectors import streets_for_new_people

    return streets_for_new_people(user=officer).first().code
