from accounts.models import ApiToken
from audit.models import AuditEvent


def test_a_user_creates_a_token_sees_it_once_and_can_revoke_it(login, staff):
    client = login("sh_social")
    page = client.post("/account/", {"name": "区平台对接"})
    raw = page.context["new_token"]
    assert raw.startswith("txk_") and raw in page.text
    token = ApiToken.objects.get(user=staff("sh_social"))
    assert token.key_hash != raw and raw not in token.key_hash  # only the hash is stored
    assert client.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post(f"/account/tokens/{token.pk}/revoke/")
    from django.test import Client

    assert Client().get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action__in=["api_token.created", "api_token.revoked"]).count() == 2


def test_a_user_cannot_revoke_someone_elses_token(login, staff):
    from accounts.services import api_token_create

    token, _raw = api_token_create(actor=staff("sh_officer"), name="x")
    assert login("sh_social").post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_login_with_a_demo_account_lands_on_the_day_list_and_reaches_the_person_list(client, db):
    response = client.post("/login/", {"username": "sh_social", "password": "tongxing-demo"}, follow=True)
    assert response.redirect_chain[-1][0] == "/today/"  # the day list is the landing page
    assert client.get("/people/").status_code == 200


def test_a_supervisor_sees_the_staff_of_the_area_in_the_staff_list(login):
    page = login("bj_supervisor").get("/account/staff/")
    assert page.status_code == 200 and "bj_officer" in page.text and "sh_social" not in page.text


def test_the_operator_command_creates_an_account_with_a_checked_password(db, monkeypatch):
    import pytest
    from django.core.management import CommandError, call_command

    from accounts.models import User
    from orgs.models import Organisation

    office = Organisation.objects.get(name="景山街道司法所")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "123")
    with pytest.raises(CommandError):
        call_command("user_add", "bj_new", role="judicial_officer", organisation=office.pk)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "A-long-enough-pass-2026")
    call_command("user_add", "bj_new", role="judicial_officer", organisation=office.pk, full_name="新同事")
    user = User.objects.get(username="bj_new")
    assert user.organisation == office and user.check_password("A-long-enough-pass-2026")
    assert AuditEvent.objects.filter(action="user.created", target_id=str(user.pk), actor=None).exists()
