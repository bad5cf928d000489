"""The synthetic national data set (demo/synthetic.py) on a small scale: the shapes the benchmarks rely on."""

import pytest
from django.db import connection

from accounts.models import User
from casework.models import Case, Contact
from duties.models import Duty
from duties.selectors import day_list
from orgs.models import Area
from people import idnumbers
from people.models import Enrolment, Person
from people.selectors import person_search
from reports.returns import Period, statistical_return
from tongxing.crypto import keyed_hash

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator loads with COPY")


@pytest.fixture
def generated(db):
    from demo.synthetic import generate

    before = set(Person.objects.values_list("pk", flat=True))
    totals = generate(people=600, jobs=1, require_empty=False, log=lambda *_: None)
    return totals, Person.objects.exclude(pk__in=before)


def test_the_sizes_follow_the_flags(generated):
    totals, people = generated
    assert totals["people"] == people.count() == 600
    assert Case.objects.filter(person__in=people).count() == 600  # one case each
    contacts = Contact.objects.filter(case__person__in=people).count()
    assert 4_000 < contacts < 8_000 and totals["contacts"] == contacts  # about 10 each
    assert 1_200 < Duty.objects.filter(person__in=people).count() < 2_400  # about 3 each
    assert set(Enrolment.objects.filter(person__in=people).values_list("population", flat=True)) == {
        "correction", "resettlement", "youth", "drug"}
    districts = Area.objects.filter(level="district", children__people__in=people).distinct()
    assert set(districts.values_list("work_model", flat=True)) == {"shanghai", "beijing", "hangzhou"}


def test_generated_people_are_well_formed_and_found(generated):
    _totals, people = generated
    for person in people.select_related("owner")[:50]:
        assert idnumbers.validate_id_number(person.id_number) == person.id_number
        assert person.id_number_hash == keyed_hash(person.id_number)
        assert idnumbers.sex_of(person.id_number) == person.sex  # or no edit of the file would pass the services
        assert person.owner.organisation_id == person.organisation_id
        if person.is_juvenile:
            assert person.pseudonym  # juveniles are shown under a pseudonym
    person = people.filter(is_active=True).select_related("owner").first()
    part = person.full_name[-2:]
    assert person in person_search(user=person.owner, query=part)
    assert person in person_search(user=person.owner, query=person.name_initials)


def test_a_generated_worker_has_a_day_list_and_a_page(generated, client):
    _totals, people = generated
    worker = User.objects.filter(owned_people__in=people.filter(is_active=True)).first()
    days = day_list(user=worker)
    assert days.overdue or days.today or days.this_week or days.later_count
    client.force_login(worker)
    assert client.get("/today/").status_code == 200
    assert client.get(f"/people/{people.filter(owner=worker).first().pk}/").status_code == 200


def test_the_national_return_counts_the_generated_people(generated):
    _totals, people = generated
    from django.utils import timezone

    national = statistical_return(area=None, period=Period("year", timezone.localdate().year))
    assert national.total.values["current"] == Enrolment.objects.filter(status="active").count()


def test_it_never_writes_beside_existing_data(db):
    from demo.synthetic import generate

    with pytest.raises(RuntimeError, match="new, migrated database"):
        generate(people=10, jobs=1, log=lambda *_: None)  # the test database holds the demo's areas and accounts
