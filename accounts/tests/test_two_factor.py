"""Two-factor sign-in (TOTP): required for administrators and leaders, available to all, audited."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent

pytestmark = pytest.mark.two_factor
PASSWORD = "tongxing-demo"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or in the next 30-second step: a code is never accepted twice,
    so a second sign-in within the same step needs the next one; the device tolerates one step of clock drift)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):0{device.digits}d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(client: Client, username: str) -> TOTPDevice:
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200 and "<svg" in page.text and "<?xml" not in page.text
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device), "next": "/people/"})
    assert done.status_code == 302 and done["Location"] == "/people/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_the_production_setting_requires_it_of_leaders_and_administrators():
    import tongxing.settings as production

    assert set(production.TWO_FACTOR_ROLES) >= {"administrator", "bureau_leader"}


def test_an_administrator_must_enrol_before_reaching_anything(db):
    client = sign_in("sh_admin")
    blocked = client.get("/people/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("accounts:two_factor_setup"))
    api = client.get("/api/people")
    assert api.status_code == 401  # a session that owes its second factor reaches no data through the API either
    enrol(client, "sh_admin")
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_enabled", actor__username="sh_admin").exists()


def test_the_next_sign_in_asks_for_the_code_and_a_wrong_one_is_refused(db):
    device = enrol(sign_in("sh_leader"), "sh_leader")
    client = sign_in("sh_leader")
    page = client.get("/people/")
    assert page["Location"].startswith(reverse("accounts:two_factor_verify"))
    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "000000"})
    assert wrong.status_code == 200 and client.get("/people/").status_code == 302
    assert AuditEvent.objects.filter(action="login.second_factor_failed", actor__username="sh_leader").exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the throttle would otherwise make the right code wait
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(reverse("accounts:two_factor_verify"), {"token": code_for(device, 1), "next": "/people/"})
    assert right.status_code == 302 and client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="login.second_factor", actor__username="sh_leader").exists()


def test_a_user_with_a_device_cannot_swap_it_before_giving_the_code(db):
    enrol(sign_in("sh_admin"), "sh_admin")
    client = sign_in("sh_admin")
    swap = client.get(reverse("accounts:two_factor_setup"))
    assert swap.status_code == 302 and swap["Location"] == reverse("accounts:two_factor_verify")


def test_a_social_worker_may_turn_it_on_and_is_then_asked_for_it(db):
    client = sign_in("sh_social")
    assert client.get("/people/").status_code == 200  # not required for the role
    enrol(client, "sh_social")
    again = sign_in("sh_social")
    assert again.get("/people/")["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_an_administrator_resets_a_lost_phone_and_the_user_enrols_again(db):
    enrol(sign_in("sh_social"), "sh_social")
    admin = sign_in("sh_admin")
    enrol(admin, "sh_admin")
    staff_page = admin.get(reverse("accounts:staff"))
    assert 'data-testid="reset-2fa"' in staff_page.text
    from accounts.models import User

    social = User.objects.get(username="sh_social")
    assert admin.post(reverse("accounts:two_factor_reset", args=[social.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=social).exists()
    assert AuditEvent.objects.filter(action="account.two_factor_reset", target_id=str(social.pk)).exists()
    assert sign_in("sh_social").get("/people/").status_code == 200


def test_only_administrators_reset_it(db):
    enrol(sign_in("sh_social"), "sh_social")
    from accounts.models import User

    other = sign_in("sh_supervisor")
    social = User.objects.get(username="sh_social")
    assert other.post(reverse("accounts:two_factor_reset", args=[social.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=social, confirmed=True).exists()


def test_another_session_signed_in_with_the_password_alone_is_asked_once_it_is_turned_on(db):
    earlier = sign_in("sh_social")
    enrol(sign_in("sh_social"), "sh_social")
    assert earlier.get("/people/")["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_token_of_a_role_that_must_use_two_factors_works_only_once_it_has_them(db):
    from accounts.models import User
    from accounts.services import api_token_create

    admin = User.objects.get(username="sh_admin")
    _token, raw = api_token_create(actor=admin, name="统计报送")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/people").status_code == 401
    enrol(sign_in("sh_admin"), "sh_admin")
    assert api.get("/api/people").status_code == 200
