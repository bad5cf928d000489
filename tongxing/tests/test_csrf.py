"""Cross-site request forgery: with Django's checks on (the test client normally skips them), a signed-in browser's
state-changing request without the CSRF token is refused and changes nothing — on the pages and on the API when the
API is reached with the session cookie — while the same request with the token goes through. API calls with a
Bearer token carry no ambient credential, so they need no CSRF token."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_create
from audit.models import AuditEvent
from casework.models import Contact


def browser(staff, username: str = "sh_social") -> Client:
    """A signed-in browser that enforces CSRF as a real one does, holding the CSRF cookie from a page it loaded
    (a forged request from another site carries both cookies; what it cannot know is the token)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff(username))
    assert client.get("/people/").status_code == 200
    return client


def token(client: Client) -> str:
    return client.cookies["csrftoken"].value


def form_data(response) -> dict:
    """The values a form page was rendered with, as the browser would send them back."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None:
            value = ""
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool) and not value:
            continue
        data[field.name] = value
    return data


@pytest.fixture
def case(xiaoyu):
    return xiaoyu.cases.get(owner=xiaoyu.owner)


def contact_form(**extra) -> dict:
    start = timezone.localtime() - dt.timedelta(hours=2)
    return {"mode": "office", "met": "person", "place": "司法所", "started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (start + dt.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"), "process_note": "面谈",
            **extra}


def test_editing_a_file_without_the_csrf_token_is_refused_and_changes_nothing(staff, xiaoyu):
    client = browser(staff)
    url = reverse("people:edit", args=[xiaoyu.pk])
    data = {**form_data(client.get(url)), "note": "伪造的备注"}
    events = AuditEvent.objects.filter(action="person.updated", person=xiaoyu).count()

    assert client.post(url, data).status_code == 403
    xiaoyu.refresh_from_db()
    assert xiaoyu.note != "伪造的备注" and xiaoyu.version == data["version"]
    assert AuditEvent.objects.filter(action="person.updated", person=xiaoyu).count() == events

    # The control: the same form with the token the page carried is saved.
    assert client.post(url, {**data, "csrfmiddlewaretoken": token(client)}).status_code == 302
    xiaoyu.refresh_from_db()
    assert xiaoyu.note == "伪造的备注"


def test_a_form_posted_from_another_site_is_refused_even_with_a_valid_token(staff, xiaoyu):
    client = browser(staff)
    url = reverse("people:edit", args=[xiaoyu.pk])
    data = {**form_data(client.get(url)), "note": "跨站", "csrfmiddlewaretoken": token(client)}
    assert client.post(url, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    xiaoyu.refresh_from_db()
    assert xiaoyu.note != "跨站"


def test_recording_a_contact_without_the_csrf_token_is_refused(staff, case):
    client = browser(staff)
    url = reverse("casework:contact_new", args=[case.pk])
    before = Contact.objects.filter(case=case).count()
    assert client.post(url, contact_form()).status_code == 403
    assert Contact.objects.filter(case=case).count() == before
    assert client.post(url, contact_form(csrfmiddlewaretoken=token(client))).status_code == 302
    assert Contact.objects.filter(case=case).count() == before + 1


def test_signing_out_without_the_csrf_token_is_refused(staff):
    client = browser(staff)
    assert client.post(reverse("logout")).status_code == 403
    assert client.get("/people/").status_code == 200  # still signed in
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token(client)}).status_code == 302
    assert client.get("/people/").status_code == 302  # signed out: back to the sign-in page


def test_a_cookie_authenticated_api_write_needs_the_csrf_header(staff, xiaoyu, case):
    client = browser(staff)
    url = f"/api/people/{xiaoyu.pk}"
    body = json.dumps({"expected_version": xiaoyu.version, "employer": "伪造"})

    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 403 and "detail" in refused.json()
    xiaoyu.refresh_from_db()
    assert xiaoyu.employer != "伪造"
    contacts = Contact.objects.filter(case=case).count()
    start = timezone.now() - dt.timedelta(hours=2)
    contact = json.dumps({"mode": "office", "started_at": start.isoformat(),
                          "ended_at": (start + dt.timedelta(minutes=30)).isoformat()})
    assert client.post(f"/api/cases/{case.pk}/contacts", contact, content_type="application/json").status_code == 403
    assert Contact.objects.filter(case=case).count() == contacts

    # The control: the page's script sends the token as X-CSRFToken (base.html gives it to htmx that way).
    ok = client.patch(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token(client))
    assert ok.status_code == 200 and ok.json()["employer"] == "伪造"
    assert client.post(f"/api/cases/{case.pk}/contacts", contact, content_type="application/json",
                       HTTP_X_CSRFTOKEN=token(client)).status_code == 201
    assert Contact.objects.filter(case=case).count() == contacts + 1


def test_an_api_token_write_needs_no_csrf_token(staff, xiaoyu, case):
    _token, raw = api_token_create(actor=staff("sh_social"), name="区平台对接")
    integration = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")  # no cookies at all
    response = integration.patch(f"/api/people/{xiaoyu.pk}",
                                 json.dumps({"expected_version": xiaoyu.version, "employer": "对接写入"}),
                                 content_type="application/json")
    assert response.status_code == 200, response.content
    xiaoyu.refresh_from_db()
    assert xiaoyu.employer == "对接写入"
    start = timezone.now() - dt.timedelta(hours=2)
    created = integration.post(f"/api/cases/{case.pk}/contacts", json.dumps({
        "mode": "phone", "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=10)).isoformat(),
        "process_note": "电话联系"}), content_type="application/json")
    assert created.status_code == 201, created.content
    # A wrong token is still refused as unauthenticated, not waved through.
    stranger = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer txk_not-a-token")
    assert stranger.patch(f"/api/people/{xiaoyu.pk}", json.dumps({"expected_version": 1}),
                          content_type="application/json").status_code == 401
