"""Stored and reflected XSS: a corpus of classic payloads, saved through the services into the fields workers type,
is shown in Chromium and never runs — with the Content Security Policy and, so that escaping alone is what is
tested, with the policy header stripped. Every payload calls window.__xss(n); the test hears any call, any dialog,
any injected handler or element, and checks that each payload reads back as the text that was typed."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e

# Each entry is formatted with a unique number n, so a call to __xss(n) names the field that let it through.
CORPUS = [
    "<script>__xss({n})</script>",
    "<img src=x onerror=__xss({n})>",
    "<svg onload=__xss({n})>",
    "<svg><script>__xss({n})</script></svg>",
    '<a href="javascript:__xss({n})">link{n}</a>',
    "javascript:__xss({n})",
    '" onmouseover="__xss({n})" autofocus onfocus="__xss({n})" x="',
    "' onmouseover='__xss({n})' autofocus onfocus='__xss({n})' x='",
    "</textarea><img src=x onerror=__xss({n})>",
    "</title><script>__xss({n})</script>",
    '{{{{ __xss({n}) }}}}{{% now "Y" %}}${{__xss({n})}}',
    '<div hx-get="/people/" hx-trigger="load" hx-on::after-request="__xss({n})">hx{n}</div>',
    '<form hx-post="/logout/" hx-trigger="load" id="out{n}"></form>',
    '<button hx-on:click="__xss({n})" hx-on::load="__xss({n})">b{n}</button>',
    '<iframe srcdoc="<script>__xss({n})</script>"></iframe>',
    "<details open ontoggle=__xss({n})>",
    "<input autofocus onfocus=__xss({n})>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss({n})">',
    '<object data="javascript:__xss({n})"></object>',
    "&lt;img src=x onerror=__xss({n})&gt;",  # already escaped: must show as typed, not be decoded once more
    "＜script＞__xss({n})＜/script＞",  # fullwidth brackets
    "<scr\u200bipt>__xss({n})</scr\u200bipt>",  # zero-width space inside the tag name
    "\u202e<img src=x onerror=__xss({n})>",  # right-to-left override before the tag
    "<ſcript>__xss({n})</ſcript>",  # long s, which some upper-casing turns into S
    "%3Cscript%3E__xss({n})%3C/script%3E",
]
# For short columns (50 characters or fewer).
SHORT = [
    "<img src=x onerror=__xss({n})>",
    '"><svg onload=__xss({n})>',
    "' onfocus='__xss({n})' autofocus x='",
    "</textarea><script>__xss({n})</script>",
    '{{{{ __xss({n}) }}}}{{% now "Y" %}}',
    '<a href="javascript:__xss({n})">a</a>',
    "\u202e<img src=x onerror=__xss({n})>",
    "&lt;b&gt;__xss({n})&lt;/b&gt;",
    "</title><img src=x onerror=__xss({n})>",
]

# Anything the escaping let through shows up here, whether or not it has run yet. A payload inside a URL that is
# properly encoded (a link back to the search) is harmless: its parentheses are %28 and %29.
INJECTED = """() => {
  const found = [];
  const textual = new Set(["value", "title", "aria-label", "placeholder", "alt"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["iframe", "object", "embed", "svg", "math", "base"].includes(tag)) found.push("<" + tag + ">");
    if (tag === "script" && !el.src && el.type !== "application/json") found.push("inline <script>");
    if (tag === "meta" && (el.httpEquiv || "").toLowerCase() === "refresh") found.push("meta refresh");
    if (el.matches('[hx-post="/logout/"], [hx-get="/people/"][hx-trigger="load"]')) found.push("htmx " + tag);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on") || name.startsWith("data-hx-on") || name === "srcdoc"
          || /^\\s*javascript:/i.test(a.value) || (!textual.has(name) && a.value.includes("__xss("))) {
        found.push(tag + "[" + name + "=" + a.value + "]");
      }
    }
  }
  return found;
}"""

# Give every handler a chance: hover and focus everything, open every <details>.
POKE = """() => {
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "click"]) {
      if (type === "click" && el.closest("a, button, form, summary, input, select, label")) continue;
      el.dispatchEvent(new Event(type));
    }
    if (el.tagName === "DETAILS") el.open = true;
  }
}"""


class Marks:
    """Hands out payloads with fresh numbers and remembers each one's text."""

    def __init__(self):
        self.n = 0

    def one(self, i: int = 0) -> str:
        self.n += 1
        return SHORT[i % len(SHORT)].format(n=self.n)

    def block(self) -> str:
        lines = []
        for template in CORPUS:
            self.n += 1
            lines.append(template.format(n=self.n))
        return "\n".join(lines)


def lines(*values: str) -> list[str]:
    return [line for value in values for line in value.split("\n")]


@pytest.fixture
def stored(demo_world):
    """Payloads in the free-text fields of 小宇's file, case, contact, agreement, incident, conference, referral, risk
    screen and flag, a resource of the directory and a worker's name — each written by the service that owns it."""
    from accounts.models import User
    from accounts.services import user_create
    from casework import services as casework
    from conferences.models import AnalysisDimension
    from conferences.services import conference_hold, conference_schedule
    from incidents.services import incident_record
    from people.models import Person
    from people.services import person_update, support_member_save
    from referrals.services import referral_send, referral_update, resource_save
    from risk.models import ScreeningItem
    from risk.services import flag_raise, screening_record

    m = Marks()
    staff = {u.username: u for u in User.objects.filter(username__in=["sh_social", "sh_supervisor", "sh_admin"])}
    worker, supervisor = staff["sh_social"], staff["sh_supervisor"]
    person = Person.objects.get(pseudonym="小宇")
    case = person.cases.get(owner=worker)
    today, now = timezone.localdate(), timezone.now()

    person_fields = {"full_name": "小宇" + m.one(0), "pseudonym": m.one(8), "household_address": m.one(1),
                     "residence_address": m.one(2), "employer": m.one(3), "support_notes": m.block(),
                     "note": m.block()}
    person = person_update(actor=worker, person=person, data=person_fields, expected_version=person.version)
    member = {"name": m.one(4), "relation": m.one(1)[:30], "note": m.block()}
    support_member_save(actor=worker, person=person, data={"kind": "family", **member})
    contact = {"place": m.one(5), "participants": m.one(6), "process_note": m.block(), "outcome": m.block(),
               "next_step": m.one(7)}
    casework.contact_record(actor=worker, case=case, data={
        "mode": "office", "met": "person", "started_at": now - dt.timedelta(hours=2),
        "ended_at": now - dt.timedelta(hours=1, minutes=30), **contact})
    terms = m.block()
    casework.agreement_sign(actor=worker, case=case, signed_on=today, terms=terms)
    given_by = m.one(2)
    casework.consent_record(actor=worker, person=person, kind="sharing", given=True, given_by=given_by,
                            method="written", on=today, case=case)
    incident = {"place": m.one(0), "description": m.block(), "immediate_actions": m.block()}
    incident_obj = incident_record(actor=worker, person=person, kind="other", occurred_at=now - dt.timedelta(hours=3),
                                   case=case, **incident)
    conference = {"place": m.one(1)}
    external = {"name": m.one(0), "profession": m.one(2), "organisation": m.one(4)}
    conf, _warnings = conference_schedule(actor=worker, person=person, scheduled_for=now + dt.timedelta(hours=1),
                                          externals=[external], incident=incident_obj, case=case, **conference)
    dimension = AnalysisDimension.objects.filter(is_active=True).first()
    held = {"background": m.block(), "service_so_far": m.block(), "recommendations": m.block()}
    analysis, decision = m.block(), m.one(5)
    conference_hold(actor=worker, conference=conf, held_on=today, analyses={dimension.code: analysis},
                    decisions=[{"text": decision, "owner": worker, "due_on": today + dt.timedelta(days=7)}], **held)
    resource_data = {"name": m.one(6), "services": m.one(0), "contact_name": m.one(1), "phone": "021-12345678",
                     "address": m.one(2)}
    resource = resource_save(actor=supervisor, areas=[person.area.district()],
                             data={"kind": "employment", **resource_data})
    reason = m.block()
    referral = referral_send(actor=worker, case=case, resource=resource, reason=reason)
    feedback = m.one(3)
    referral_update(actor=worker, referral=referral, on=today, note=feedback)
    rationale = m.one(7)
    answers = {item.code: (0, "") if item.is_suicide_screen else (1, rationale)
               for item in ScreeningItem.objects.filter(is_active=True)}
    screen_note = m.block()
    screening_record(actor=worker, person=person, answers=answers, done_on=today, note=screen_note, case=case)
    flag_reason = "；".join(m.one(i) for i in range(5))
    flag_raise(actor=worker, person=person, level="high", reason=flag_reason)
    worker_name = m.one(3)  # its </script> would end the dashboard's JSON block early if json_script did not escape it
    user_create(actor=staff["sh_admin"], username="xss_worker", password="A-long-enough-pass-2026",
                role="social_worker", organisation=supervisor.organisation, team=supervisor.team,
                full_name=worker_name)

    reflected = m.one(1)
    pages = {
        "sh_social": [
            (f"/people/{person.pk}/", lines(person_fields["full_name"], person_fields["pseudonym"],
                                             person_fields["household_address"], person_fields["residence_address"],
                                             person_fields["employer"], person_fields["support_notes"],
                                             person_fields["note"], member["name"], member["relation"],
                                             member["note"])),
            (f"/cases/{case.pk}/", lines(person_fields["full_name"], contact["process_note"], contact["outcome"],
                                         contact["next_step"], terms, given_by)),
            (f"/incidents/{incident_obj.pk}/", lines(incident["place"], incident["description"],
                                                     incident["immediate_actions"])),
            (f"/conferences/{conf.pk}/", lines(conference["place"], external["name"], external["profession"],
                                               external["organisation"], held["background"],
                                               held["service_so_far"], held["recommendations"], analysis, decision)),
            (f"/referrals/case/{case.pk}/", lines(resource_data["name"], reason, feedback, given_by)),
            ("/referrals/resources/", lines(resource_data["name"], resource_data["services"],
                                            resource_data["contact_name"])),
            (f"/risk/people/{person.pk}/", lines(flag_reason, rationale)),
            (f"/people/{person.pk}/audit/", lines(flag_reason, person_fields["full_name"])),
            ("/today/", lines(decision)),
            (f"/people/?q={quote(reflected)}", []),  # reflected: the query goes back into the search box
        ],
        "sh_supervisor": [("/account/staff/", lines(worker_name))],
    }
    titles = {f"/people/{person.pk}/": person_fields["full_name"], f"/cases/{case.pk}/": person_fields["pseudonym"]}
    return {"person": person, "fields": person_fields, "pages": pages, "titles": titles, "worker_name": worker_name,
            "reflected": reflected}


def strip_csp(route):
    """Serve pages without their Content-Security-Policy header, so only the escaping stands in the way."""
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch(max_redirects=0)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


def test_no_stored_or_reflected_payload_runs_with_or_without_the_csp(page, sign_in, live_server, stored):
    hits, dialogs = [], []
    page.expose_function("__xss", lambda n: hits.append(n))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = live_server.url

    def visit(path: str, expected: list[str], *, csp: bool) -> None:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert ("content-security-policy" in response.headers) is csp, path
        page.wait_for_timeout(100)  # room for anything triggered on load (htmx "load" triggers, refreshes)
        page.evaluate(POKE)
        page.wait_for_timeout(150)
        assert page.url == base + path, f"{path} navigated away to {page.url}"
        assert page.evaluate(INJECTED) == [], path
        text = page.evaluate("() => document.body.innerText")
        missing = [line for line in expected if line not in text]
        assert not missing, f"{path} does not show as text: {missing}"
        if path in stored["titles"]:
            assert stored["titles"][path] in page.title()

    for csp in (True, False):
        if not csp:
            page.route("**/*", strip_csp)
        page.context.clear_cookies()
        sign_in("sh_social")
        for path, expected in stored["pages"]["sh_social"]:
            visit(path, expected, csp=csp)
        assert page.input_value("#q") == stored["reflected"]

        # The edit form puts the values back into inputs and a textarea: they must come back exactly.
        person = stored["person"]
        visit(f"/people/{person.pk}/edit/", [], csp=csp)
        for name in ("full_name", "pseudonym", "household_address", "residence_address", "employer"):
            assert page.input_value(f"[name={name}]") == stored["fields"][name]
        for name in ("support_notes", "note"):
            assert page.input_value(f"[name={name}]").replace("\r\n", "\n") == stored["fields"][name]

        # Live search: results swapped in by htmx.
        visit("/people/", [], csp=csp)
        page.fill("#q", "小宇")
        row = page.locator("#results .person-row", has_text="__xss")
        row.first.wait_for()
        page.evaluate(POKE)
        page.wait_for_timeout(300)
        assert page.evaluate(INJECTED) == []
        assert stored["fields"]["full_name"] in row.first.inner_text()

        # Still signed in: no injected hx-post to the sign-out ran.
        assert page.goto(f"{base}/people/").url == f"{base}/people/"

        page.context.clear_cookies()
        sign_in("sh_supervisor")
        for path, expected in stored["pages"]["sh_supervisor"]:
            visit(path, expected, csp=csp)
        # The dashboard's chart tooltip (ECharts builds it as HTML) with the worker's name in it.
        visit("/reports/dashboard/", [stored["worker_name"]], csp=csp)
        chart = page.locator("[data-chart=team_caseloads]")
        chart.locator("canvas").first.wait_for()
        shown = page.evaluate("""() => {
          const node = document.querySelector('[data-chart="team_caseloads"]');
          const data = JSON.parse(document.getElementById("dashboard-data").textContent);
          const index = data.find(c => c.id === "team_caseloads").labels.findIndex(l => l.includes("__xss"));
          window.echarts.getInstanceByDom(node).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: index});
          return index;
        }""")
        assert shown >= 0
        page.wait_for_timeout(400)
        assert stored["worker_name"] in chart.inner_text()
        assert page.evaluate(INJECTED) == []

        if not csp:  # the control: without the header an inline script does run here
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = '__xss(0)';"
                          " document.body.appendChild(s); }")
            page.wait_for_timeout(200)
            assert hits == [0], f"payloads ran: {hits}"
            hits.clear()
            page.unroute("**/*")
        assert hits == [] and dialogs == [], f"payloads ran (csp={csp}): {hits} {dialogs}"
