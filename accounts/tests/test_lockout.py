"""Lockout after repeated failures, and the administrator's unlock."""

from audit.models import AuditEvent


def sign_in(client, password):
    return client.post("/login/", {"username": "hz_community", "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password_until_unlocked(client, login, staff):
    for _n in range(5):
        sign_in(client, "wrong-password")
    locked = sign_in(client, "tongxing-demo")
    assert locked.status_code == 429 and "data-testid=\"locked\"" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    admin = login("hz_admin")
    page = admin.get("/account/staff/").content.decode()
    assert 'data-testid="locked"' in page
    admin.post(f"/account/staff/{staff('hz_community').pk}/unlock/")
    assert AuditEvent.objects.filter(action="account.unlocked").exists()
    assert sign_in(client, "tongxing-demo").status_code == 302


def test_only_administrators_unlock(login, staff):
    response = login("hz_supervisor").post(f"/account/staff/{staff('hz_community').pk}/unlock/")
    assert response.status_code == 403
