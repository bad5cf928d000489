"""The tamper-evident audit trail: sealed into one chain; a changed, removed or inserted row is found and named."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import seal, verify
from audit.models import AuditEvent
from audit.services import audit_record


def test_a_sealed_trail_verifies_and_a_tampered_row_is_named(staff):
    seal()
    intact, summary = verify()
    assert intact, summary
    victim = AuditEvent.objects.order_by("seq")[5]
    with connection.cursor() as cursor:  # someone with database access edits the trail
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["改过", victim.pk])
    intact, summary = verify()
    assert not intact and f"seq {victim.seq} " in summary and f"id {victim.pk})" in summary
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    assert str(victim.pk) in str(error.value)


def test_a_deleted_row_is_a_gap(staff):
    seal()
    victim = AuditEvent.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [victim.pk])
    intact, summary = verify()
    assert not intact and f"seq {victim.seq}" in summary and "missing" in summary


def test_new_events_are_sealed_later_and_the_application_cannot_change_them(staff):
    seal()
    event = audit_record(actor=staff("sh_social"), action="test.event")
    assert event.seq is None
    out = io.StringIO()
    call_command("audit_seal", stdout=out)
    assert "sealed: 1" in out.getvalue()
    event.refresh_from_db()
    assert event.seq and event.hash and verify()[0]
    event.reason = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_sign_ins_and_failures_are_in_the_trail(client, staff):
    client.post("/login/", {"username": "sh_social", "password": "wrong-password"})
    failed = AuditEvent.objects.filter(action="login.failed").latest("id")
    assert failed.changes == {"username": "sh_social"} and "wrong" not in str(failed.changes)
    client.post("/login/", {"username": "sh_social", "password": "tongxing-demo"})
    assert AuditEvent.objects.filter(action="login.succeeded", actor=staff("sh_social")).exists()


def test_production_hashes_passwords_with_argon2_and_signs_out_idle_sessions():
    from tongxing import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.SESSION_COOKIE_AGE <= 30 * 60
    assert "tongxing.middleware.SessionIdleMiddleware" in production.MIDDLEWARE


def test_an_active_session_is_extended_at_most_once_a_minute(client, staff):
    from unittest import mock

    client.force_login(staff("sh_social"))
    session_key = client.session.session_key
    from django.contrib.sessions.models import Session

    first = Session.objects.get(session_key=session_key).expire_date
    client.get("/today/")
    assert Session.objects.get(session_key=session_key).expire_date == first  # within the minute: no write
    with mock.patch("time.time", return_value=__import__("time").time() + 120):
        client.get("/today/")
    assert Session.objects.get(session_key=session_key).expire_date > first
