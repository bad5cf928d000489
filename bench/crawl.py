"""`python -m bench.crawl`: every list page and API list, and a file's and a case's pages, for each role, timed.

`make bench` measures the operations the issue names; this walks the rest, so that a page nobody benchmarked cannot
be slow at national scale unseen (a supervisor's case list took 3 s at 1 M people before the ninth session). Each
address is asked once to warm it, then timed once per sampled user; the slowest answer is printed, and any over
`--slow` milliseconds is marked. Answers other than 200 (a role refused a page, a required parameter missing) are
left out unless `--all`. Needs a database filled by `manage.py synthetic_load` (DATABASE_URL).
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
API = ["/api/me", "/api/users", "/api/cases", "/api/cases?mine=true", "/api/duties", "/api/duties/today",
       "/api/people", "/api/people?q=zh", "/api/volunteers", "/api/cases/approvals/waiting",
       "/api/cases/transfers/waiting", "/api/orgs/organisations", "/api/orgs/areas", "/api/referrals/resources"]
ROLES = ["social_worker", "judicial_officer", "community_worker", "supervisor", "bureau_leader", "administrator"]


def _one_file_and_case(user) -> list[str]:
    """A file and a case the user reaches (the newest), with the pages and API records that show them."""
    from casework.selectors import cases_visible_to
    from people.models import Enrolment
    from people.selectors import people_visible_to

    found = []
    case = cases_visible_to(user=user).order_by("-id").first()
    if case:
        found += [f"/cases/{case.pk}/", f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/contacts"]
    person = people_visible_to(user=user).order_by("-id").first()
    if person:
        found += [f"/people/{person.pk}/", f"/api/people/{person.pk}", f"/risk/people/{person.pk}/",
                  f"/supervision/people/{person.pk}/assessments/"]
        correction = Enrolment.objects.filter(person=person, population="correction").first()
        if correction:
            found.append(f"/supervision/{correction.pk}/")
    return found


def _shape(url: str) -> str:
    """The address with its ids as N, so that each user's file and case count as one row."""
    path, _, query = url.partition("?")
    return "/".join("N" if part.isdigit() else part for part in path.split("/")) + (f"?{query}" if query else "")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl")
    parser.add_argument("--role", action="append", choices=ROLES, help="only these roles (repeatable)")
    parser.add_argument("--samples", type=int, default=2, help="users sampled per role")
    parser.add_argument("--slow", type=float, default=100, help="mark answers slower than this many ms")
    parser.add_argument("--all", action="store_true", help="also list answers other than 200")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the refused pages' tracebacks
    rng = random.Random(args.seed)
    slow = 0
    print(f"{'role':<18}{'address':<44}{'status':>7}{'slowest ms':>12}")
    for role in args.role or ROLES:
        rows: dict[str, tuple[float, int]] = {}
        for user in ops.sample_users(role, args.samples, rng):
            client = ops._client(user)
            for url in PAGES + API + _one_file_and_case(user):
                client.get(url)
                started = time.perf_counter()
                status = client.get(url).status_code
                ms = (time.perf_counter() - started) * 1000
                key = _shape(url)
                rows[key] = (max(ms, rows.get(key, (0, 0))[0]), status)
        for key, (ms, status) in sorted(rows.items(), key=lambda row: -row[1][0]):
            if status == 200 or args.all:
                marked = ms > args.slow and status == 200
                slow += marked
                print(f"{role:<18}{key:<44}{status:>7}{ms:>12.1f}{'  <<< slow' if marked else ''}")
    print(f"\n{slow} answer(s) slower than {args.slow:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
