"""Each key operation twice on the same database: through Tongxing, and as the equivalent hand-written SQL.

"Through Tongxing" is measured at two depths: the selector or service (the ORM's queries and Python, what the
≤ 2× raw-SQL target is about), and the whole page through the middleware, permissions, audit and template (what the
p95 targets are about). The raw SQL fetches the same rows with the same filters, at the scope a user of that role
has, and nothing else: no permission, no audit, no HTML.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from duties.selectors import day_list
from people.models import Person
from people.selectors import _adult_cutoff, person_file, person_get_visible, person_search
from risk.selectors import current_flag
from reports.returns import Period, statistical_return


@dataclass
class Result:
    name: str
    unit: str = "ms"
    tongxing: list = field(default_factory=list)  # selector / service
    page: list = field(default_factory=list)  # whole request
    raw: list = field(default_factory=list)
    note: str = ""
    target: str = ""


def p(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _side_by_side(result: Result, tongxing, raw_sql, page) -> None:
    """One sample of each depth, each run once unrecorded first: whichever ran first would otherwise read the rows
    from disk for the others (at 1 M people, most of the first round's p95), and the ratio would measure the cache."""
    for fn in (tongxing, raw_sql, page):
        fn()
    result.tongxing.append(_ms(tongxing))
    result.raw.append(_ms(raw_sql))
    result.page.append(_ms(page))


def raw(sql, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return run


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.PasswordBackend")  # as a sign-in records it
    return client


def _get(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response
    return run


def sample_users(role: str, n: int, rng: random.Random, **filters) -> list[User]:
    # In a fixed order, so the same seed samples the same users on every run (the throughput run loads the first).
    ids = list(User.objects.filter(role=role, is_active=True, **filters).order_by("pk").distinct()
               .values_list("pk", flat=True)[:20000])
    chosen = rng.sample(ids, min(n, len(ids)))
    users = User.objects.filter(pk__in=chosen).select_related("organisation__area").in_bulk()
    return [users[pk] for pk in chosen]


# ---------------------------------------------------------------------------------------------------------------

DAY_LIST_SQL = """
SELECT d.* FROM duties_duty d
WHERE d.status = 'open' AND (d.owner_id = %s OR (d.owner_id IS NULL AND d.owner_role = %s AND d.organisation_id = %s))
ORDER BY d.due_on, d.id"""


def bench_day_list(workers, rounds) -> Result:
    result = Result("day list (今日工作)", target="p95 ≤ 50 ms, ≤ 2× raw SQL")
    clients = [(_client(u), u) for u in workers]
    for _ in range(rounds):
        for client, user in clients:
            _side_by_side(result, lambda: day_list(user=user),
                          raw(DAY_LIST_SQL, (user.pk, user.role, user.organisation_id)), _get(client, "/today/"))
    return result


def bench_case_list(supervisors, rounds) -> Result:
    """A supervisor's case list (/cases/: the team's and the office's cases, newest stage first). Not among the
    issue's operations; measured since it took 3 s at 1 M people (docs/performance.md). Its raw side is the ORM's
    own SQL replayed, as for the returns: hand-written, the two scopes (the cases' and their files', juveniles
    excepted) would be the same statement again."""
    from casework.selectors import cases_visible_to

    result = Result("case list (个案), a team's", target="p95 ≤ 50 ms, as the day list")
    clients = []
    for user in supervisors:
        with CaptureQueriesContext(connection) as captured:
            list(cases_visible_to(user=user).order_by("-stage_since", "-id")[:25])
        clients.append((_client(user), user, _replay(captured)))
    for _ in range(rounds):
        for client, user, replay in clients:
            _side_by_side(result, lambda: list(cases_visible_to(user=user).order_by("-stage_since", "-id")[:25]),
                          replay, _get(client, "/cases/"))
    result.note = "as supervisors; raw = the same SQL replayed; the page also counts the list and the approvals"
    return result


# What the person's page reads, written by hand: the file with its place, office and worker; whether the worker
# reaches it (their own file, case or assignment; their team's); the open risk flag; and the page's six lists.
PERSON_SQL = [
    """SELECT p.*, a.*, d.*, c.*, v.*, o.*, u.* FROM people_person p
       JOIN orgs_area a ON a.id = p.area_id LEFT JOIN orgs_area d ON d.id = a.parent_id
       LEFT JOIN orgs_area c ON c.id = d.parent_id LEFT JOIN orgs_area v ON v.id = c.parent_id
       JOIN orgs_organisation o ON o.id = p.organisation_id LEFT JOIN accounts_user u ON u.id = p.owner_id
       WHERE p.id = %(pk)s""",
    """SELECT p.owner_id = %(user)s
              OR EXISTS (SELECT 1 FROM casework_case c WHERE c.person_id = p.id AND c.owner_id = %(user)s)
              OR EXISTS (SELECT 1 FROM people_assignment s WHERE s.person_id = p.id AND s.user_id = %(user)s),
              EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = p.owner_id AND u.team_id = %(team)s)
              OR EXISTS (SELECT 1 FROM casework_case c JOIN accounts_user u ON u.id = c.owner_id
                         WHERE c.person_id = p.id AND u.team_id = %(team)s),
              p.birth_date <= %(adult)s
       FROM people_person p WHERE p.id = %(pk)s""",
    """SELECT * FROM risk_riskflag WHERE person_id = %(pk)s AND ended_at IS NULL ORDER BY raised_at DESC, id DESC
       LIMIT 1""",
    """SELECT e.*, o.* FROM people_enrolment e JOIN orgs_organisation o ON o.id = e.organisation_id
       WHERE e.person_id = %(pk)s ORDER BY e.start_date DESC, e.id DESC""",
    "SELECT * FROM people_supportmember WHERE person_id = %(pk)s AND is_active ORDER BY kind, id",
    """SELECT s.*, u.*, o.* FROM people_assignment s JOIN accounts_user u ON u.id = s.user_id
       LEFT JOIN orgs_organisation o ON o.id = u.organisation_id WHERE s.person_id = %(pk)s ORDER BY s.id""",
    """SELECT c.*, u.*, o.* FROM casework_case c JOIN accounts_user u ON u.id = c.owner_id
       JOIN orgs_organisation o ON o.id = c.organisation_id WHERE c.person_id = %(pk)s
       ORDER BY c.stage_since DESC, c.id DESC""",
    """SELECT * FROM incidents_incident WHERE person_id = %(pk)s ORDER BY occurred_at DESC, id DESC LIMIT 10""",
    """SELECT * FROM conferences_conference WHERE person_id = %(pk)s ORDER BY scheduled_for DESC, id DESC
       LIMIT 10""",
]


def bench_person_page(workers, rounds, rng) -> Result:
    result = Result("person page (档案)", target="p95 ≤ 50 ms, ≤ 2× raw SQL")
    cases = []
    for user in workers:
        owned = list(Person.objects.filter(owner=user, is_active=True).values_list("pk", flat=True)[:50])
        if owned:
            cases.append((_client(user), user, rng.choice(owned)))
    adult = _adult_cutoff()  # the access check's own date

    def reads(user, pk):
        person = person_get_visible(user=user, pk=pk)
        current_flag(person=person)
        person_file(person=person)

    def raw_reads(user, pk):
        def run():
            values = {"pk": pk, "user": user.pk, "team": user.team_id, "adult": adult}
            with connection.cursor() as cursor:
                for sql in PERSON_SQL:
                    cursor.execute(sql, values)
                    cursor.fetchall()
        return run

    for _ in range(rounds):
        for client, user, pk in cases:
            _side_by_side(result, lambda: reads(user, pk), raw_reads(user, pk), _get(client, f"/people/{pk}/"))
    result.note = ("the same reads; the page also decides the actions shown, decrypts the ID number, writes an audit "
                   "event and renders")
    return result


SEARCH_SQL = """
SELECT p.id, p.full_name, p.pseudonym, p.sex, p.birth_date, p.name_pinyin, a.name, o.name
FROM people_person p JOIN orgs_area a ON a.id = p.area_id JOIN orgs_organisation o ON o.id = p.organisation_id
WHERE p.is_active AND a.path LIKE %s AND ({match})
ORDER BY p.name_pinyin, p.id LIMIT 50"""
MATCH = {
    "name": ("p.full_name LIKE %s OR p.pseudonym LIKE %s", lambda q: [f"%{q}%", f"%{q}%"]),
    "initials": ("p.name_initials LIKE %s OR p.pseudonym_initials LIKE %s OR p.name_pinyin LIKE %s "
                 "OR p.pseudonym_pinyin LIKE %s", lambda q: [f"{q}%"] * 4),
    "pseudonym": ("p.full_name LIKE %s OR p.pseudonym LIKE %s", lambda q: [f"%{q}%", f"%{q}%"]),
    "id_suffix": ("p.id_last4_hash = %s", None),
}


def search_terms(user, kind, rng, n):
    """Terms that find someone in the user's area: what a worker would really type."""
    people = Person.objects.filter(area__path__startswith=user.area_path, is_active=True)
    if kind == "pseudonym":
        people = people.exclude(pseudonym="")
    pool = list(people.values_list("pk", flat=True)[:2000])
    chosen = Person.objects.filter(pk__in=rng.sample(pool, min(n, len(pool))))
    if kind == "name":
        return [p.full_name for p in chosen]
    if kind == "initials":
        return [p.name_initials for p in chosen]
    if kind == "pseudonym":
        return [p.pseudonym for p in chosen]
    return [p.id_number[-4:] for p in chosen]


def bench_search(kind, users, rounds, rng) -> Result:
    from tongxing.crypto import keyed_hash

    result = Result(f"search: {kind.replace('_', ' ')}", target="p95 ≤ 30 ms")
    match, params = MATCH[kind]
    sql = SEARCH_SQL.format(match=match)
    for user in users:
        client = _client(user)
        for term in search_terms(user, kind, rng, rounds):
            args = [user.area_path + "%", *(params(term) if params else [keyed_hash(term)])]
            _side_by_side(result, lambda: list(person_search(user=user, query=term)[:50]), raw(sql, args),
                          _get(client, f"/people/?{urlencode({'q': term})}"))
    result.note = f"as {users[0].get_role_display()}s, each over their own area"
    return result


def _replay(captured):
    """The SQL the ORM sent, sent again as raw SQL: the ORM's own overhead, on queries too long to write by hand."""
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
    return run


def bench_return(name, area, period, rounds, target) -> Result:
    result = Result(name, unit="ms", target=target)
    with CaptureQueriesContext(connection) as captured:
        statistical_return(area=area, period=period)
    replay = _replay(captured)
    for _ in range(rounds):
        result.tongxing.append(_ms(lambda: statistical_return(area=area, period=period)))
        result.raw.append(_ms(replay))
    result.note = f"{len(captured.captured_queries)} queries; raw = the same SQL replayed"
    return result


def last_month(today: dt.date) -> Period:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return Period("month", first.year, first.month)


def summary(result: Result) -> dict:
    def stat(values, q):
        return round(p(values, q), 1) if values else None

    row = {"operation": result.name, "n": max(len(result.tongxing), len(result.page), len(result.raw))}
    for key in ("tongxing", "page", "raw"):
        row[f"{key}_p50"] = stat(getattr(result, key), 50)
        row[f"{key}_p95"] = stat(getattr(result, key), 95)
    raw95 = row["raw_p95"]
    row["ratio"] = round(row["tongxing_p95"] / raw95, 2) if raw95 and row["tongxing_p95"] else None
    row["page_ratio"] = round(row["page_p95"] / raw95, 2) if raw95 and row["page_p95"] else None
    row["target"], row["note"] = result.target, result.note
    return row
