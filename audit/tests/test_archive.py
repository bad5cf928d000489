"""Retention of the audit trail: events past the retention period move to archive files, the chain still verifies
from the anchor, tampering with the table or a file is found, and a retention under six months is refused."""

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit import archive as archiving
from audit.chain import seal, verify
from audit.models import AuditAnchor, AuditEvent
from audit.services import audit_record

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def archive_dir(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = str(tmp_path / "archive")
    settings.AUDIT_RETENTION_DAYS = 365
    return tmp_path / "archive"


@pytest.fixture
def old_trail(db, staff):
    """The demo's events happened ~20 months ago, the first half in one month and the rest in the next; two more
    happened today. Returns the ids of the old ones."""
    ids = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True))
    assert len(ids) > 20
    long_ago = (timezone.localtime() - dt.timedelta(days=600)).replace(day=10)
    middle = ids[len(ids) // 2]
    # Backdated directly in the table before sealing: the application itself cannot set `at`.
    AuditEvent._base_manager.filter(id__lt=middle).update(at=long_ago)
    AuditEvent._base_manager.filter(id__gte=middle).update(at=long_ago + dt.timedelta(days=31))
    seal()
    audit_record(actor=staff("sh_social"), action="test.recent")
    audit_record(actor=staff("sh_social"), action="test.recent")
    seal()
    return ids


def lines_of(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_events_older_than_retention_are_archived_and_the_chain_still_verifies(archive_dir, old_trail):
    out = io.StringIO()
    call_command("audit_archive", stdout=out)
    assert f"archived files: 2, events: {len(old_trail)}" in out.getvalue()
    assert not AuditEvent.objects.filter(id__in=old_trail).exists()
    assert AuditEvent.objects.filter(action="test.recent").count() == 2  # younger than the retention: kept
    first, second = AuditAnchor.objects.order_by("seq")
    assert (first.first_seq, second.first_seq, second.seq) == (1, first.seq + 1, len(old_trail))
    files = sorted(archive_dir.glob("*.jsonl.gz"))
    assert [f.name for f in files] == [first.file_name, second.file_name]
    for path in files:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        manifest = json.loads(archiving.manifest_path(path).read_text())
        assert manifest["sha256"] == archiving._sha256(path)
    archived = lines_of(files[0]) + lines_of(files[1])
    assert [line["event"]["id"] for line in archived] == old_trail  # every old event, in chain order
    assert manifest["last_seq"] == second.seq and manifest["last_hash"] == second.hash
    event = AuditEvent.objects.get(action="audit.archived", target_id=str(second.pk))
    assert event.changes["sha256"] == second.file_sha256
    intact, summary = verify()
    assert intact and f"seq 1–{second.seq} archived" in summary, summary
    seal()  # the archiving's own events join the chain after the anchor
    out = io.StringIO()
    call_command("audit_verify", "--all-archives", stdout=out)
    assert out.getvalue().count(": intact, ") == 2


def test_running_twice_archives_nothing_new_and_the_daily_tick_archives(archive_dir, old_trail):
    out = io.StringIO()
    call_command("duties_tick", stdout=out)
    assert f"archived: {len(old_trail)}" in out.getvalue()
    files = sorted(archive_dir.iterdir())
    call_command("audit_archive", stdout=(again := io.StringIO()))
    assert "archived files: 0, events: 0" in again.getvalue()
    assert sorted(archive_dir.iterdir()) == files and AuditAnchor.objects.count() == 2


def test_a_tampered_remaining_row_is_still_detected(archive_dir, old_trail):
    archiving.archive()
    anchor = AuditAnchor.objects.latest("seq")
    victim = AuditEvent.objects.get(seq=anchor.seq + 1)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["改过", victim.pk])
    intact, summary = verify()
    assert not intact and f"seq {victim.seq} (audit event id {victim.pk})" in summary
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [victim.pk])
    intact, summary = verify()
    assert not intact and f"broken at seq {anchor.seq + 1}: the event is missing" in summary


def test_a_tampered_archive_file_is_detected(archive_dir, old_trail):
    archiving.archive()
    anchor = AuditAnchor.objects.order_by("seq").first()
    path = archive_dir / anchor.file_name
    call_command("audit_verify", "--archive", str(path), stdout=io.StringIO())
    lines = lines_of(path)
    lines[4]["event"]["reason"] = "改过"  # someone edits one archived event and recompresses the file
    path.write_bytes(gzip.compress("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()))
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", "--archive", str(path), stdout=io.StringIO())
    assert f"broken at seq {lines[4]['seq']} (audit event id {lines[4]['event']['id']}" in str(error.value)
    assert "SHA-256 differs from the one recorded" in str(error.value)
    # Dropping the last events (and fixing the manifest) leaves a chain that no longer reaches the anchor.
    path.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in lines_of(path)[:3]).encode()))
    manifest = archiving.manifest_path(path)
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "sha256": archiving._sha256(path)}))
    intact, summary = archiving.verify_archive(path)
    assert not intact and f"does not join its anchor (seq 1–{anchor.seq})" in summary


def test_a_broken_chain_is_never_archived_away(archive_dir, old_trail):
    victim = AuditEvent.objects.get(id=old_trail[7])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["改过", victim.pk])
    with pytest.raises(CommandError) as error:
        call_command("audit_archive", stdout=io.StringIO())
    assert f"seq {victim.seq} (audit event id {victim.pk})" in str(error.value)
    assert AuditEvent.objects.filter(id__in=old_trail).count() == len(old_trail) and not AuditAnchor.objects.exists()


def test_a_crash_before_the_commit_leaves_the_events_and_a_rerun_finishes(archive_dir, old_trail):
    with mock.patch.object(archiving, "_delete_archived", side_effect=OSError("power cut")), \
            pytest.raises(OSError):
        archiving.archive()
    assert AuditEvent.objects.filter(id__in=old_trail).count() == len(old_trail)
    assert not AuditAnchor.objects.exists() and verify()[0]
    assert len(list(archive_dir.glob("*.jsonl.gz"))) == 1  # written, not catalogued: the rerun replaces it
    assert sum(anchor.count for anchor in archiving.archive()) == len(old_trail)
    assert len(list(archive_dir.glob("*.jsonl.gz"))) == 2 and verify()[0]


def test_a_retention_under_six_months_is_refused(archive_dir, settings):
    settings.AUDIT_RETENTION_DAYS = 182
    with pytest.raises(CommandError) as error:
        call_command("audit_archive", stdout=io.StringIO())
    assert "183 days" in str(error.value) and "Cybersecurity Law art. 21(3)" in str(error.value)
    # and at start-up, from the environment
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DEBUG": "1", "AUDIT_RETENTION_DAYS": "90"}, timeout=120)
    assert result.returncode != 0 and "AUDIT_RETENTION_DAYS=90 is below the legal minimum" in result.stderr
