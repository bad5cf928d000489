"""A day's mix of Tongxing users on loopback (issue 8, item 5; docs/performance.md).

Each simulated user is one real account of its role, signs in once through the login form, then works through a
day with a few seconds' thought between pages: workers (social workers, judicial officers, community workers) look
at their day list, search for and open the files of their own caseload, open cases and now and then record a
contact; supervisors look at the day list, approvals, their team's cases and staff, and the dashboard; bureau
leaders the dashboard and statistical returns; the one administrator the staff list, the audit trail and the
organisations.

Accounts are read from PostgreSQL at start (DATABASE_URL, the database the server uses), so every simulated user
has an account of its own. The server must run with TWO_FACTOR_ROLES= (empty): leaders and administrators would
otherwise be asked for a second factor (bench/loadtest.sh does this).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongxing_locust \
        .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 1m --host http://127.0.0.1:8001

Requests are named by route ("/people/[id]/", "/people/?q=[initials]"), so the statistics group them.
"""

import datetime as dt
import logging
import os
import random
import re
from html.parser import HTMLParser

import psycopg
from locust import HttpUser, between, events, task
from locust.exception import StopUser

try:
    from pypinyin import lazy_pinyin
except ImportError:  # the search by initials then uses common initials instead of the caseload's own
    lazy_pinyin = None

PASSWORD = os.environ.get("BENCH_PASSWORD", "tongxing-bench")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongxing_locust")
SEED = int(os.environ.get("BENCH_SEED", "8"))
log = logging.getLogger("tongxing.bench")

# role -> usernames not yet taken by a simulated user (filled at test start)
ACCOUNTS: dict[str, list[str]] = {}

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
CASE_ROW = re.compile(r'href="/cases/(\d+)/">\s*<strong>([^<]+)</strong>')
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
ID_NUMBER = re.compile(r'data-testid="id-number">(\d{17}[\dX])<')
ERRORS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
SELECT_OPTIONS = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option value="([^"]*)"')

COMMON_INITIALS = ["zw", "lj", "wx", "zh", "ly", "cj", "wj", "lh", "zl", "yx", "hm", "zy", "lm", "wl", "cx"]
NOTES = ["了解近况，情绪稳定，按时报到。", "家访，与母亲交谈，家庭支持较好。", "电话联系，告知下次面谈时间。",
         "讨论就业意向，转介职业培训。", "对方情绪低落，约定一周后再谈。", "复习服务计划目标，本人表示愿意继续参加。"]
OUTCOMES = ["按计划进行", "需跟进就业", "家庭关系改善", "情绪需关注", "按时报到"]


@events.test_start.add_listener
def load_accounts(environment, **_kwargs):
    """Every active account by role, shuffled with a fixed seed: the same run signs in the same people."""
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute("select role, username from accounts_user where is_active order by username").fetchall()
    rng = random.Random(SEED)
    ACCOUNTS.clear()
    for role, username in rows:
        ACCOUNTS.setdefault(role, []).append(username)
    for names in ACCOUNTS.values():
        rng.shuffle(names)
    log.info("accounts: %s", {role: len(names) for role, names in sorted(ACCOUNTS.items())})


class FormParser(HTMLParser):
    """Every POST form of a page, with its fields as a browser would submit them untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []  # (action, fields)
        self.fields: list[tuple[str, str]] | None = None
        self._select = self._textarea = None
        self._first_option = None
        self._selected = False
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.fields = []
            self.forms.append((a.get("action") or "", self.fields))
        if self.fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a and not self._selected:
                self.fields.append((self._select, a.get("value", "")))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if self.fields is None:
            return
        if tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.fields = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def page_form(html: str) -> dict[str, list[str]] | None:
    """The page's own form (the one that posts back to the page, not the header's sign-out or language forms)."""
    parser = FormParser()
    parser.feed(html)
    for action, pairs in parser.forms:
        if not action:
            fields: dict[str, list[str]] = {}
            for name, value in pairs:
                fields.setdefault(name, []).append(value)
            return fields
    return None


class TongxingUser(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    roles: tuple[str, ...] = ()

    def on_start(self):
        self.rng = random.Random()
        self.username = self._take_account()
        self.login()

    def _take_account(self) -> str:
        for role in self.roles:
            if ACCOUNTS.get(role):
                return ACCOUNTS[role].pop()
        log.error("no account left for %s", self.roles)
        raise StopUser()

    def login(self):
        with self.client.get("/login/", name="/login/", catch_response=True) as r:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text or "")
            if r.status_code != 200 or not token:
                r.failure(f"login form: {r.status_code}")
                raise StopUser()
        with self.client.post("/login/", name="/login/ (sign in)", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1), "username": self.username,
                                    "password": PASSWORD}) as r:
            if r.status_code != 302 or "/login/" in r.headers.get("Location", "") \
                    or "two-factor" in r.headers.get("Location", ""):
                r.failure(f"{self.username} not signed in: {r.status_code} {r.headers.get('Location', '')}")
                raise StopUser()
        self.page("/today/", "/today/")

    def page(self, path: str, name: str) -> str | None:
        """GET a page; a failure unless it answers 200 to a signed-in user. Returns the HTML."""
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} for {self.username}")
                return None
            if "/login/" in r.url:
                r.failure(f"signed out: {self.username}")
                return None
            return r.text

    def search(self, term: str, kind: str):
        return self.page(f"/people/?q={term}", f"/people/?q=[{kind}]")


class WorkerUser(TongxingUser):
    """Front-line worker: day list, own caseload, searches, files, cases, contacts."""

    abstract = True
    record_contacts = True
    searches_id_numbers = True  # roles that see whole ID numbers search by their last four

    def on_start(self):
        super().on_start()
        self.cases: dict[int, str] = {}  # case id -> name on the case list
        self.person_of_case: dict[int, int] = {}
        self.contact_link: set[int] = set()  # cases whose page offers "record a contact"
        self.id_tails: list[str] = []
        self.my_cases()

    # --- helpers
    def _person_ids(self) -> list[int]:
        return list(set(self.person_of_case.values()))

    def _initials(self, name: str) -> str:
        if lazy_pinyin is None:
            return self.rng.choice(COMMON_INITIALS)
        return "".join(s[0] for s in lazy_pinyin(name) if s)[: self.rng.choice((2, 3))].lower()

    def _case(self) -> int | None:
        return self.rng.choice(list(self.cases)) if self.cases else None

    # --- the day
    @task(6)
    def day_list(self):
        html = self.page("/today/", "/today/")
        if html:
            for case_id in CASE_LINK.findall(html):
                self.cases.setdefault(int(case_id), "")

    @task(2)
    def my_cases(self):
        html = self.page("/cases/", "/cases/")
        if html:
            for case_id, name in CASE_ROW.findall(html):
                self.cases[int(case_id)] = name.strip()

    @task(2)
    def people_list(self):
        self.page("/people/", "/people/")

    @task(6)
    def search_people(self):
        names = [n for n in self.cases.values() if n]
        roll = self.rng.random()
        if roll < 0.4 and names:
            name = self.rng.choice(names)
            self.search(name if self.rng.random() < 0.7 else name[:2], "name")
        elif roll < 0.75 or not self.searches_id_numbers:
            self.search(self._initials(self.rng.choice(names)) if names else self.rng.choice(COMMON_INITIALS),
                        "initials")
        else:
            tail = self.rng.choice(self.id_tails) if self.id_tails else f"{self.rng.randrange(10000):04d}"
            self.search(tail, "id4")

    @task(5)
    def open_person(self):
        people = self._person_ids()
        if not people:
            return self.open_case()
        html = self.page(f"/people/{self.rng.choice(people)}/", "/people/[id]/")
        if html:
            found = ID_NUMBER.search(html)
            if found and found.group(1)[-4:] not in self.id_tails:
                self.id_tails.append(found.group(1)[-4:])

    @task(5)
    def open_case(self):
        case_id = self._case()
        if case_id is None:
            return self.my_cases()
        html = self.page(f"/cases/{case_id}/", "/cases/[id]/")
        if html:
            person = PERSON_LINK.search(html)
            if person:
                self.person_of_case[case_id] = int(person.group(1))
            if f'href="/cases/{case_id}/contacts/new/"' in html:
                self.contact_link.add(case_id)
            else:
                self.contact_link.discard(case_id)

    @task(2)
    def record_contact(self):
        if not self.record_contacts:
            return
        if not self.contact_link:
            return self.open_case()
        case_id = self.rng.choice(sorted(self.contact_link))
        html = self.page(f"/cases/{case_id}/contacts/new/", "/cases/[id]/contacts/new/")
        if not html:
            return
        data = page_form(html)
        if not data or "csrfmiddlewaretoken" not in data:
            log.error("no contact form for case %s", case_id)
            return
        data["process_note"] = [self.rng.choice(NOTES)]
        data["outcome"] = [self.rng.choice(OUTCOMES)]
        data["next_step"] = ["按约定时间再次面谈"]
        self.wait()  # filling in the form
        with self.client.post(f"/cases/{case_id}/contacts/new/", data=data, name="/cases/[id]/contacts/new/",
                              allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302 or r.headers.get("Location") != f"/cases/{case_id}/":
                errors = "; ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in ERRORS.findall(r.text or ""))
                r.failure(f"contact not recorded ({r.status_code}): {errors[:200]}")
                return
        self.page(f"/cases/{case_id}/", "/cases/[id]/")

    @task(1)
    def dashboard(self):
        self.page("/reports/dashboard/", "/reports/dashboard/")


class SocialWorker(WorkerUser):
    weight = 40
    roles = ("social_worker",)


class JudicialOfficer(WorkerUser):
    weight = 30
    roles = ("judicial_officer",)


class CommunityWorker(WorkerUser):
    weight = 8
    roles = ("community_worker",)
    searches_id_numbers = False  # sees ID numbers masked, so cannot search by them


class Supervisor(TongxingUser):
    """A team's supervisor: approvals, the team's cases and staff, the dashboard."""

    weight = 15
    roles = ("supervisor",)

    def on_start(self):
        super().on_start()
        self.cases: list[int] = []
        self.people: list[int] = []
        self.team_cases()

    @task(4)
    def day_list(self):
        self.page("/today/", "/today/")

    @task(3)
    def approvals(self):
        self.page("/cases/approvals/", "/cases/approvals/")

    @task(3)
    def team_cases(self):
        stage = self.rng.choice(["", "", "intervention", "review", "open"])
        html = self.page(f"/cases/?stage={stage}" if stage else "/cases/", "/cases/")
        if html:
            self.cases = sorted({int(c) for c in CASE_LINK.findall(html)}) or self.cases

    @task(3)
    def open_case(self):
        if not self.cases:
            return self.team_cases()
        html = self.page(f"/cases/{self.rng.choice(self.cases)}/", "/cases/[id]/")
        if html:
            person = PERSON_LINK.search(html)
            if person and int(person.group(1)) not in self.people:
                self.people.append(int(person.group(1)))

    @task(2)
    def open_person(self):
        if self.people:
            self.page(f"/people/{self.rng.choice(self.people)}/", "/people/[id]/")

    @task(1)
    def staff(self):
        self.page("/account/staff/", "/account/staff/")

    @task(3)
    def dashboard(self):
        period = self.rng.choice(["month", "month", "quarter", "year"])
        self.page(f"/reports/dashboard/?period={period}", "/reports/dashboard/")

    @task(1)
    def returns(self):
        self.page("/reports/returns/", "/reports/returns/")

    @task(1)
    def search_people(self):
        self.search(self.rng.choice(COMMON_INITIALS), "initials")


class BureauLeader(TongxingUser):
    """A district bureau's leader: the area dashboard and the statistical returns."""

    weight = 5
    roles = ("bureau_leader",)

    def on_start(self):
        super().on_start()
        self.areas: list[str] = []
        self.returns()

    @task(2)
    def day_list(self):
        self.page("/today/", "/today/")

    @task(4)
    def dashboard(self):
        params = f"period={self.rng.choice(['month', 'quarter', 'year'])}"
        if self.areas and self.rng.random() < 0.3:
            params += f"&area={self.rng.choice(self.areas)}"
        self.page(f"/reports/dashboard/?{params}", "/reports/dashboard/")

    @task(4)
    def returns(self):
        today = dt.date.today()  # the server's; a return for last year when this one has barely started
        year = today.year if today.month > 1 else today.year - 1
        kind = self.rng.choice(["month", "month", "half", "year"])
        number = {"month": self.rng.randint(1, max(1, today.month - 1) if year == today.year else 12),
                  "half": self.rng.randint(1, 2), "year": 1}[kind]
        params = f"kind={kind}&year={year}&number={number}"
        if self.areas and self.rng.random() < 0.5:
            params += f"&area={self.rng.choice(self.areas)}"
        if self.rng.random() < 0.3:
            params += f"&population={self.rng.choice(['correction', 'resettlement', 'youth', 'drug'])}"
        html = self.page(f"/reports/returns/?{params}", "/reports/returns/")
        if html and not self.areas:
            for name, options in SELECT_OPTIONS.findall(html):
                if name == "area":
                    self.areas = [v for v in OPTION_VALUE.findall(options) if v]
                    break

    @task(1)
    def cases(self):
        self.page("/cases/", "/cases/")


class Administrator(TongxingUser):
    """The one administrator: staff accounts, the audit trail, organisations."""

    fixed_count = 1
    roles = ("administrator",)

    @task(2)
    def day_list(self):
        self.page("/today/", "/today/")

    @task(2)
    def staff(self):
        self.page("/account/staff/", "/account/staff/")

    @task(2)
    def audit(self):
        self.page("/audit/", "/audit/")

    @task(1)
    def organisations(self):
        self.page("/orgs/", "/orgs/")
