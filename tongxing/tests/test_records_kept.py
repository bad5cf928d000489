"""Records are disabled or ended, never deleted by the application (issue 7 §6; docs/security.md)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "audit", "casework", "conferences", "demo", "duties", "imports", "incidents", "jobs", "orgs",
        "people", "referrals", "reports", "risk", "supervision", "tongxing", "volunteers"]
DELETION = re.compile(r"\.delete\(|DELETE\s+FROM|\.raw\(|cursor\(\)")
# Every deletion the application makes, and why it is not a record being deleted.
ALLOWED = {
    ("casework/services.py", "draft.goals.all().delete()"): "an unsubmitted draft plan's goals are rewritten",
    ("accounts/twofactor.py", "TOTPDevice.objects.filter(user=actor, confirmed=False).delete()"):
        "an unconfirmed authenticator key is replaced",
    ("accounts/twofactor.py", "TOTPDevice.objects.filter(user=actor, confirmed=True).delete()"):
        "the old phone's key, once the new one is confirmed",
    ("accounts/twofactor.py", "TOTPDevice.objects.filter(user=user).delete()"): "a lost phone's key (audited)",
    ("tongxing/views.py", "with connection.cursor() as cursor:"): "the health check's SELECT 1",
    ("tongxing/bulk.py", "with connections[using].cursor() as cursor:"): "an import's new ids from the sequences",
    ("tongxing/compiled.py", "with connections[plan.alias].cursor() as cursor:"): "a QuerySet's SELECT, compiled once",
    ("tongxing/bulk.py", "with connection.connection.cursor() as cursor, Copy(cursor, writer=FileWriter(buffer)) as copy:"):
        "COPY's text for new rows, made in memory: nothing is sent",
    ("tongxing/bulk.py", "with connection.cursor() as cursor, _copy(cursor, connection, meta, prepared.columns) as copy:"):
        "an import's COPY of new rows",
}
# Modules whose raw SQL is itself the documented retention or maintenance path.
RETENTION_MODULES = {"audit/archive.py", "audit/chain.py", "tongxing/backups.py",
                     # COPY of a synthetic data set into an empty benchmark database; it deletes nothing
                     "demo/synthetic.py"}


def _code_lines():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel or rel in RETENTION_MODULES:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                yield rel, line.strip()


def test_the_application_deletes_nothing_but_the_listed_exceptions():
    found = {(rel, line.split("  #")[0].strip()) for rel, line in _code_lines()
             if DELETION.search(line) and not line.startswith("#")}
    assert found - set(ALLOWED) == set()


@pytest.mark.parametrize("fixture_model", ["people.Person", "casework.Case", "people.Enrolment", "orgs.Organisation",
                                           "accounts.User", "incidents.Incident", "referrals.Referral"])
def test_a_kept_record_refuses_to_be_deleted(db, fixture_model):
    from django.apps import apps

    record = apps.get_model(fixture_model).objects.order_by("pk").first()
    with pytest.raises(PermissionDenied):
        record.delete()
    assert apps.get_model(fixture_model).objects.filter(pk=record.pk).exists()
