"""Rotating the encryption and search-hash keys: every stored value moves to the newest key, nothing is skipped,
a dry run writes nothing, and exact search by ID number keeps working."""

import io

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from audit.models import AuditEvent
from people.models import Person
from people.selectors import person_search
from tongxing.crypto import encrypted_fields


def raw_values() -> dict[tuple[str, int, str], str]:
    """Every encrypted column as stored, keyed by (table, pk, column)."""
    values = {}
    with connection.cursor() as cursor:
        for model, fields in encrypted_fields().items():
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
            cursor.execute(f"SELECT id, {columns} FROM {table}")
            for pk, *tokens in cursor.fetchall():
                for field, token in zip(fields, tokens, strict=True):
                    if token:
                        values[(model._meta.db_table, pk, field)] = token
    return values


@pytest.fixture
def keys(db):
    """(new, old): the demo data is encrypted under the old key only."""
    return Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEYS[0]


def test_after_rotation_every_stored_value_decrypts_with_the_new_key_alone(xiaoyu, keys):
    new, old = keys
    assert xiaoyu.id_number
    before = raw_values()
    assert len(before) > 10
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        out = io.StringIO()
        call_command("encryption_rotate", stdout=out)
        assert "people.person (id_number, phone): rows:" in out.getvalue()
        after = raw_values()
        assert after.keys() == before.keys()
        only_new = Fernet(new.encode())
        for key, token in after.items():
            assert only_new.decrypt(token.encode()) == Fernet(old.encode()).decrypt(before[key].encode()), key
        raw_id = after[(Person._meta.db_table, xiaoyu.pk, "id_number")]
        assert only_new.decrypt(raw_id.encode()).decode() == xiaoyu.id_number
        event = AuditEvent.objects.filter(action="encryption.rotated").latest("id")
        assert event.changes["counts"]["people.person"]["rotated"] > 0
        assert xiaoyu.id_number not in str(event.changes) and new not in str(event.changes)
        call_command("encryption_rotate", stdout=(again := io.StringIO()))  # idempotent: nothing left to do
        assert " rotated: 0 " in again.getvalue() and raw_values() == after
    # with the old key removed, the application still reads everything
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert Person.objects.get(pk=xiaoyu.pk).id_number == xiaoyu.id_number


def test_a_dry_run_counts_and_changes_nothing(keys):
    new, old = keys
    before, events = raw_values(), AuditEvent.objects.count()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        out = io.StringIO()
        call_command("encryption_rotate", "--dry-run", "--rehash", stdout=out)
    assert "dry run: nothing was written" in out.getvalue()
    rotated = sum(int(line.split("rotated: ")[1].split()[0]) for line in out.getvalue().splitlines()
                  if "rotated: " in line)
    assert rotated == len(before)
    assert raw_values() == before and AuditEvent.objects.count() == events


def test_a_value_no_key_decrypts_stops_the_command_naming_model_and_pk(xiaoyu, keys):
    new, old = keys
    stranger = Fernet(Fernet.generate_key()).encrypt(b"13800000000").decode()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Person._meta.db_table} SET phone = %s WHERE id = %s", [stranger, xiaoyu.pk])
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        with pytest.raises(CommandError) as error:
            call_command("encryption_rotate", stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command("encryption_rotate", "--dry-run", stdout=io.StringIO())
    assert f"people.person pk={xiaoyu.pk}" in str(error.value) and "'phone'" in str(error.value)
    stopped = AuditEvent.objects.filter(action="encryption.rotation_stopped").latest("id")
    assert stopped.changes["stopped_at"] == {"model": "people.person", "pk": str(xiaoyu.pk), "field": "phone"}
    assert raw_values()[(Person._meta.db_table, xiaoyu.pk, "phone")] == stranger  # left exactly as found


def test_a_whole_id_number_still_finds_the_person_after_the_search_key_is_rehashed(staff, xiaoyu):
    user = staff("sh_social")
    assert list(person_search(user=user, query=xiaoyu.id_number)) == [xiaoyu]
    with override_settings(SEARCH_HASH_KEY="a-new-search-hash-key", SEARCH_HASH_KEY_PREVIOUS=settings.SEARCH_HASH_KEY):
        # Stored hashes are still under the old key: search looks under both while the previous key is set.
        assert list(person_search(user=user, query=xiaoyu.id_number)) == [xiaoyu]
        out = io.StringIO()
        call_command("encryption_rotate", "--rehash", stdout=out)
        with_id = Person.objects.exclude(id_number_hash="").count()
        assert f"people.person.id_number_hash: rows: {Person.objects.count()} rehashed: {with_id} " in out.getvalue()
        assert list(person_search(user=user, query=xiaoyu.id_number.lower())) == [xiaoyu]
        call_command("encryption_rotate", "--rehash", stdout=(again := io.StringIO()))
        assert "rehashed: 0 " in again.getvalue()
    with override_settings(SEARCH_HASH_KEY="a-new-search-hash-key", SEARCH_HASH_KEY_PREVIOUS=""):
        assert list(person_search(user=user, query=xiaoyu.id_number)) == [xiaoyu]  # the old key is no longer needed
