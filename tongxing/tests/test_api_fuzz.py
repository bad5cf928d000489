"""Property-based tests over the whole JSON API (schemathesis): whatever an integrator sends, no operation answers
with a server error, and every answer has a status code, a content type and a body the published OpenAPI document
(/api/openapi.json) describes.

Requests go in-process through Django's WSGI handler into the test database. Each generated request runs in a
savepoint that is rolled back, and the test's own transaction is rolled back at the end, so writes leak neither into
the next request nor into other tests.
"""

import re

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.services import api_token_create
from casework.selectors import cases_visible_to
from people.selectors import people_visible_to

FUZZ_ROLE = "sh_officer"  # a judicial officer reaches most operations: files, cases, supervision, risk, reports

CONFIG = schemathesis.Config.from_dict({
    # A fixed seed and no example database: the same requests on every run and every machine.
    "seed": 20240601,
    "generation": {
        "database": "none",
        # We send a valid bearer token ourselves; a generated session cookie next to it would be ignored, as it should.
        "with-security-parameters": False,
    },
    "checks": {
        # The API answers 422 to well-formed requests that break a rule of the domain (a check-in before the ruling,
        # a population the person has no record for); the schema cannot express those rules, so a schema-valid
        # request may rightly be refused. Schema-invalid requests must still be refused (negative_data_rejection).
        "positive_data_acceptance": {"enabled": False},
    },
    "phases": {
        # Keeps the file well under a minute and a half: about 20 random requests (valid and invalid) per operation
        # plus the valid boundary cases the schema implies. The coverage phase's systematic invalid cases (each field
        # of each wrong type, ~3,000 requests) only exercise django-ninja's own input validation over and over; the
        # random invalid requests found every bug that phase found.
        "fuzzing": {"generation": {"max-examples": 20}},
        "coverage": {"generation": {"mode": "positive"}},
    },
})

app = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)

# Ids that name a record: besides random numbers (almost always "not found"), draw ids of records the caller can see
# in the demo world, so the operations' success paths and their bodies are checked too.
RECORDS = {
    "org_id": "orgs.Organisation", "area_id": "orgs.Area", "user_id": "accounts.User", "person_id": "people.Person",
    "member_id": "people.SupportMember", "enrolment_id": "people.Enrolment", "case_id": "casework.Case",
    "step_id": "casework.ProtocolStep", "transfer_id": "casework.Transfer", "approval_id": "casework.Approval",
    "consent_id": "casework.Consent", "duty_id": "duties.Duty", "leave_id": "supervision.LeaveApplication",
    "period_id": "supervision.MonitoringPeriod", "assessment_id": "supervision.PreSentenceAssessment",
    "relocation_id": "supervision.Relocation", "revocation_id": "supervision.Revocation",
    "flag_id": "risk.RiskFlag", "referral_id": "referrals.Referral", "resource_id": "referrals.Resource",
    "conference_id": "conferences.Conference", "incident_id": "incidents.Incident",
    "volunteer_id": "volunteers.Volunteer",
}
# Query and body fields that hold one of those ids under another name.
ALIASES = {"person": "person_id", "owner_id": "user_id", "to_owner_id": "user_id", "accompanied_by_id": "user_id",
           "organisation_id": "org_id"}
_pools: dict[str, list[int]] = {}
_rows: dict[tuple[str, ...], list[dict[str, int]]] = {}


def _visible(name: str):
    """The records of this kind the fuzzing user can reach, by the same selectors the API uses."""
    model = apps.get_model(RECORDS[name])
    user = User.objects.get(username=FUZZ_ROLE)
    fields = {f.name for f in model._meta.concrete_fields}
    if model._meta.label == "people.Person":
        return people_visible_to(user=user, include_inactive=True)
    if model._meta.label == "casework.Case":
        return cases_visible_to(user=user)
    if model._meta.label == "people.Enrolment":  # the supervision routes take only correction records
        return model.objects.filter(population="correction",
                                    person__in=people_visible_to(user=user, include_inactive=True))
    if "person" in fields:
        return model.objects.filter(person__in=people_visible_to(user=user, include_inactive=True))
    if "case" in fields:
        return model.objects.filter(case__in=cases_visible_to(user=user))
    if "enrolment" in fields:
        return model.objects.filter(enrolment__person__in=people_visible_to(user=user, include_inactive=True))
    return model.objects.all()


def _pool(name: str) -> list[int]:
    if name not in _pools:
        _pools[name] = list(_visible(name).order_by("pk").values_list("pk", flat=True)[:20])
    return _pools[name]


def _consistent_rows(names: tuple[str, ...]) -> list[dict[str, int]]:
    """Ids for a nested path (/people/{person_id}/support-members/{member_id}) that belong together: the last
    record's own foreign keys give the ids before it; a parent it has no key to is taken from that parent's pool."""
    if names not in _rows:
        child = names[-1]
        model = apps.get_model(RECORDS[child])
        keys = {}
        for parent in names[:-1]:
            parent_model = apps.get_model(RECORDS[parent])
            keys[parent] = next((f.attname for f in model._meta.concrete_fields
                                 if f.is_relation and f.related_model is parent_model), None)
        rows = []
        for i, record in enumerate(_visible(child).order_by("pk")[:20]):
            row = {child: record.pk}
            for parent, attname in keys.items():
                pool = _pool(parent)
                row[parent] = getattr(record, attname) if attname else (pool[i % len(pool)] if pool else 0)
            rows.append(row)
        _rows[names] = rows
    return _rows[names]


def _with_real_ids(container):
    """Leave the generated value, or put in real ids where a field names a record."""
    if not isinstance(container, dict):  # negative generation may replace the whole container
        return st.just(container)
    strategies = {}
    for key, value in container.items():
        pool = _pool(ALIASES.get(key, key)) if ALIASES.get(key, key) in RECORDS and isinstance(value, int) else []
        strategies[key] = _mostly_real(st.sampled_from(pool), value) if pool else st.just(value)
    return st.fixed_dictionaries(strategies)


def _mostly_real(real, generated):
    """Three draws in four take a real record; shrinking goes towards it, so a failure names a real record."""
    return st.integers(0, 3).flatmap(lambda i: st.just(generated) if i == 3 else real)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    names = tuple(n for n in re.findall(r"{(\w+)}", context.operation.path)
                  if n in RECORDS and isinstance(path_parameters.get(n), int))
    rows = _consistent_rows(names) if names else []
    if not rows:
        return st.just(path_parameters)
    return _mostly_real(st.sampled_from(rows).map(lambda row: {**path_parameters, **row}), path_parameters)


@schema.hook
def flatmap_query(context, query):
    return _with_real_ids(query)


@schema.hook
def flatmap_body(context, body):
    return _with_real_ids(body)


@pytest.fixture
def in_process(db):
    """Like Django's test client, keep the test's database connection open across requests to the WSGI handler
    (it closes "old" connections when a request starts and ends, which would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_process) -> str:
    _token, raw = api_token_create(actor=User.objects.get(username=FUZZ_ROLE), name="fuzz")
    return raw


@pytest.mark.postgres_pass
@schema.parametrize()
# The token's fixture is function-scoped on purpose: every example shares it, and each example's writes are undone
# by its own savepoint below. Generating the larger bodies is slow, which is fine.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example], deadline=None)
def test_every_operation_answers_as_documented(case, token):
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
        transaction.set_rollback(True)  # the next request sees the demo world as it was
