"""A checked file's page lists its rows and errors from the job's result: as many queries for many as for few."""

import pytest

from orgs.selectors import streets_for_new_people

from .test_imports import release_rows, upload_and_check


@pytest.mark.parametrize("url", ["/imports/jobs/{}/", "/api/imports/jobs/{}"])
def test_a_checked_files_rows_and_errors(login, staff, django_capture_on_commit_callbacks, flat_queries, url):
    client, street = login("bj_officer"), streets_for_new_people(user=staff("bj_officer")).first().code

    def checked(rows: int, bad: int) -> str:
        lines = release_rows(rows, street)
        for line in lines[:bad]:
            line[6] = "假释出狱"  # not a code
        return url.format(upload_and_check(client, lines, django_capture_on_commit_callbacks).pk)

    before, after = flat_queries(client, checked(3, 1), lambda: checked(12, 8))
    errors = [(r.json()["result"] if url.startswith("/api/") else r.context["job"].result)["errors"]
              for r in (before, after)]
    assert (len(errors[0]), len(errors[1])) == (1, 8)
