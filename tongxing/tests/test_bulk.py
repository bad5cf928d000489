"""The bulk inserts of an imported list (COPY on PostgreSQL) store exactly what `save()` would."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from people.models import Person
from tongxing.bulk import insert_many, insert_rows


def test_a_bulk_inserted_file_is_encrypted_at_rest_and_reads_back(xiaoyu):
    twin = Person(full_name="某某", sex="M", id_number="110101199001011237", phone="13800000000", area=xiaoyu.area,
                  organisation=xiaoyu.organisation)
    insert_many([twin])
    assert twin.pk and not twin._state.adding
    stored = Person.objects.get(pk=twin.pk)
    assert (stored.id_number, stored.phone, stored.ethnicity, stored.is_active) == (
        "110101199001011237", "13800000000", "汉族", True)
    assert stored.created_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [twin.pk])
        raw = cursor.fetchone()
    assert "110101199001011237" not in raw[0] and "13800000000" not in raw[1]


def test_bulk_inserted_rows_take_their_defaults_and_refuse_unknown_fields(xiaoyu):
    assert insert_rows(AuditEvent, [{"action": "test.one", "person_id": xiaoyu.pk, "changes": {"a": 1}},
                                    {"action": "test.two", "ip_address": "10.0.0.1"}]) == 2
    one, two = AuditEvent.objects.filter(action__startswith="test.").order_by("pk")
    assert (one.action, one.person_id, one.changes, one.ip_address) == ("test.one", xiaoyu.pk, {"a": 1}, None)
    assert (two.action, two.changes, two.ip_address, two.reason) == ("test.two", {}, "10.0.0.1", "")
    assert one.at is not None and two.at is not None
    with pytest.raises(TypeError):
        insert_rows(AuditEvent, [{"action": "x", "no_such_field": 1}])


def test_a_paged_api_list_builds_only_the_page_it_returns(xiaoyu):
    from tongxing.api_schemas import PageOf

    built = []
    page = PageOf(Person.objects.order_by("pk"), lambda person: built.append(person.pk) or person.pk)
    assert page.all().count() == Person.objects.count() > 3
    assert page[1:3] == list(Person.objects.order_by("pk").values_list("pk", flat=True)[1:3]) == built
