"""`python -m bench.crawl`: the list pages and API lists beyond `make bench`, and a file's and a case's pages, timed
for each role.

`make bench` measures the operations the issue names; this walks the rest, so that a page nobody benchmarked cannot
be slow at national scale unseen (a supervisor's case list took 3 s at 1 M people before the ninth session). For
each role it samples users; for each user it asks every address below, and the newest file and case that user
reaches, once to warm it and then three times, and keeps the median. It prints the slowest user's figure for each
address and marks those over `--slow` milliseconds. A server error is always listed and counted; other answers (a
role refused a page) only with `--all`; an address that answers 404 to everyone is named, as a mistake in this
list. Needs a database filled by `manage.py synthetic_load` (DATABASE_URL).
"""

import argparse
import logging
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from bench import operations as ops  # noqa: E402

PAGES = ["/today/", "/cases/", "/cases/?mine=1", "/cases/approvals/", "/people/", "/people/?q=zh", "/account/staff/",
         "/audit/", "/orgs/", "/imports/", "/referrals/resources/", "/reports/dashboard/", "/reports/returns/",
         "/reports/work-plan/", "/volunteers/", "/today/calendar/", "/cases/practice-rules/",
         "/conferences/dimensions/", "/risk/configuration/"]
API = ["/api/users/me", "/api/users", "/api/cases", "/api/cases?mine=true", "/api/duties", "/api/duties/today",
       "/api/people", "/api/people?q=zh", "/api/volunteers", "/api/cases/approvals/waiting",
       "/api/cases/transfers/waiting", "/api/orgs/organisations", "/api/orgs/areas", "/api/referrals/resources",
       "/api/audit/events", "/api/risk/items", "/api/cases/config/practice-rules", "/api/cases/config/protocols",
       "/api/conferences/dimensions", "/api/calendar/years", "/api/calendar/exceptions"]
ROLES = ["social_worker", "judicial_officer", "community_worker", "supervisor", "bureau_leader", "administrator"]


def _one_file_and_case(user) -> list[str]:
    """A file and a case the user reaches (the newest), with the pages and API records that show them."""
    from casework.selectors import cases_visible_to
    from people.models import Enrolment
    from people.selectors import people_visible_to

    found = []
    case = cases_visible_to(user=user).order_by("-id").first()
    if case:
        found += [f"/cases/{case.pk}/", f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/contacts",
                  f"/api/referrals?case_id={case.pk}"]
    person = people_visible_to(user=user).order_by("-id").first()
    if person:
        found += [f"/people/{person.pk}/", f"/api/people/{person.pk}", f"/risk/people/{person.pk}/",
                  f"/supervision/people/{person.pk}/assessments/", f"/api/incidents?person_id={person.pk}",
                  f"/api/audit/events?person={person.pk}"]
        correction = Enrolment.objects.filter(person=person, population="correction").first()
        if correction:
            found.append(f"/supervision/{correction.pk}/")
    return found


def _shape(url: str) -> str:
    """The address with its ids as N, so that each user's file and case count as one row."""
    path, _, query = url.partition("?")
    query = "&".join(f"{key}=N" if value.isdigit() else f"{key}={value}"
                     for key, _, value in (part.partition("=") for part in query.split("&") if part))
    return "/".join("N" if part.isdigit() else part for part in path.split("/")) + (f"?{query}" if query else "")


def main() -> int:
    from django.test import Client

    from people.models import Person

    parser = argparse.ArgumentParser(prog="python -m bench.crawl")
    parser.add_argument("--role", action="append", choices=ROLES, help="only these roles (repeatable)")
    parser.add_argument("--samples", type=int, default=2, help="users sampled per role")
    parser.add_argument("--slow", type=float, default=100, help="mark answers slower than this many ms")
    parser.add_argument("--all", action="store_true", help="also list answers other than 200")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if not Person.objects.exists():
        print("No people in this database: run `manage.py synthetic_load` first (make bench does), and point "
              "DATABASE_URL at it.")
        return 1
    logging.disable(logging.CRITICAL)  # the refused pages' tracebacks
    rng = random.Random(args.seed)
    slow = errors = 0
    answers: dict[str, set[int]] = {}  # every status each address gave, over all roles
    print(f"{'role':<18}{'address':<48}{'status':>7}{'slowest ms':>12}")
    for role in args.role or ROLES:
        users = ops.sample_users(role, args.samples, rng)
        if not users:
            print(f"{role:<18}(no active user with this role)")
            continue
        shown: dict[str, tuple[float, int]] = {}  # address → (time, status) of the answer to show
        for user in users:
            client = Client(raise_request_exception=False)  # a server error is an answer to list, not a crash
            client.force_login(user, backend="accounts.backends.PasswordBackend")
            for url in PAGES + API + _one_file_and_case(user):
                client.get(url)
                timed = []
                for _ in range(3):
                    started = time.perf_counter()
                    status = client.get(url).status_code
                    timed.append((time.perf_counter() - started) * 1000)
                ms = sorted(timed)[1]  # the median of three: one request is at the mercy of a collection or a flush
                key = _shape(url)
                answers.setdefault(key, set()).add(status)
                kept = shown.get(key)
                # The slowest 200; another answer only where no user had a 200, and a server error above all.
                rank = (status >= 500, status == 200, ms)
                if kept is None or rank > (kept[1] >= 500, kept[1] == 200, kept[0]):
                    shown[key] = (ms, status)
        for key, (ms, status) in sorted(shown.items(), key=lambda row: -row[1][0]):
            if status == 200 or status >= 500 or args.all:
                marked = status == 200 and ms > args.slow
                slow += marked
                errors += status >= 500
                flag = "  <<< slow" if marked else "  <<< server error" if status >= 500 else ""
                print(f"{role:<18}{key:<48}{status:>7}{ms:>12.1f}{flag}")
    nowhere = sorted(key for key, statuses in answers.items() if statuses == {404})
    if nowhere:
        print(f"\nnot found for anyone (a mistake in this list?): {', '.join(nowhere)}")
    print(f"\n{slow} answer(s) slower than {args.slow:g} ms; {errors} server error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
