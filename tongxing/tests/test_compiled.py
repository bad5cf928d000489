"""Queries compiled once (tongxing/compiled.py) give what the ORM gives, and refuse what would give something else."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.backends import PasswordBackend
from accounts.models import User
from duties.models import Notification
from tongxing.compiled import PREFIX, Compiled


def test_objects_are_what_iterating_the_queryset_gives_with_their_related_rows(staff):
    users = Compiled(lambda pk: User.objects.filter(pk=pk).select_related("organisation__area"), pk=int)
    without_office = User.objects.create(username="no_office", role="administrator")
    for expected in (staff("sh_social2"), staff("bj_leader"), without_office):
        (found,) = users.objects(pk=expected.pk)
        assert (found.pk, found.username, found.role, found.last_login) == (
            expected.pk, expected.username, expected.role, expected.last_login)
        if expected.organisation_id:
            assert found.organisation.area.path == expected.organisation.area.path
        else:
            assert found.organisation is None
    assert users.objects(pk=10**12) == []


def test_values_come_back_converted_as_the_orm_converts_them(staff):
    worker = staff("sh_social2")
    Notification.objects.create(user=worker, text="提醒", url="/today/")
    unread = Compiled(lambda user_id: Notification.objects.filter(user_id=user_id, read_at__isnull=True)
                      .order_by("-id").values_list("text", "created_at")[:1], user_id=int)
    assert unread.rows(user_id=worker.pk) == list(Notification.objects.filter(user=worker).order_by("-id")
                                                  .values_list("text", "created_at")[:1])
    (text, created_at), = unread.rows(user_id=worker.pk)
    assert text == "提醒" and isinstance(created_at, dt.datetime) and created_at.tzinfo is not None


def test_each_call_binds_its_own_values(staff):
    by_role = Compiled(lambda role: User.objects.filter(role=role).order_by("pk").values_list("pk"), role=str)
    for role in ("social_worker", "supervisor", "no_such_role"):
        assert by_role.rows(role=role) == list(User.objects.filter(role=role).order_by("pk").values_list("pk"))


def test_a_value_that_would_change_the_statement_is_refused(staff):
    users = Compiled(lambda pk: User.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        users.objects(pk=None)  # would need IS NULL
    with pytest.raises(TypeError):
        users.objects(pk="7")
    with pytest.raises(TypeError):
        users.objects(pk=True)
    with pytest.raises(TypeError):
        users.objects()


def test_a_choice_is_bound_as_its_text_and_a_key_no_column_holds_finds_nothing(staff):
    from accounts.roles import Role

    by_role = Compiled(lambda role: User.objects.filter(role=role).values_list("pk"), role=str)
    assert by_role.rows(role=Role.SUPERVISOR) == by_role.rows(role="supervisor") != []
    users = Compiled(lambda pk: User.objects.filter(pk=pk), pk=int)
    assert users.objects(pk=2**63) == users.objects(pk=-2**70) == []  # as the ORM answers; SQLite would raise


def test_a_file_key_beyond_any_column_is_not_found(login):
    assert login("sh_social2").get("/people/9223372036854775808/").status_code == 404


def test_a_slot_its_lookup_rewrites_is_refused_when_compiled(db):
    rewritten = Compiled(lambda name: User.objects.filter(username__contains=name), name=str)
    with pytest.raises(ImproperlyConfigured, match="appears nowhere"):
        rewritten.objects(name="sh")


def test_a_slot_used_twice_binds_both_places(staff):
    either = Compiled(lambda name: User.objects.filter(Q(username=name) | Q(full_name=name)).values_list("pk"),
                      name=str)
    worker = staff("sh_social2")
    assert either.rows(name=worker.username) == either.rows(name=worker.full_name) == [(worker.pk,)]
    assert either.rows(name="nobody at all") == []


def test_prefix_and_date_slots_bind_as_the_orm_would(staff):
    from people.models import Person

    born_by = Compiled(lambda path, day: Person.objects.filter(area__path__startswith=path, birth_date__lte=day)
                       .order_by("pk").values_list("pk"), path=PREFIX, day=dt.date)
    for path, day in (("310000/", dt.date(2000, 1, 1)), ("110000/", dt.date(2015, 6, 30)), ("31%", dt.date(2099, 1, 1))):
        expected = list(Person.objects.filter(area__path__startswith=path, birth_date__lte=day).order_by("pk")
                        .values_list("pk"))
        assert born_by.rows(path=path, day=day) == expected
    assert born_by.rows(path="310000/", day=dt.date(2099, 1, 1))  # the data set has people there
    assert born_by.rows(path="31%", day=dt.date(2099, 1, 1)) == []  # % is a character, not a wildcard
    with pytest.raises(TypeError):
        born_by.rows(path="310000/", day=dt.datetime(2000, 1, 1))


def test_an_expired_session_signs_the_user_out(login):
    client = login("sh_social2")
    assert client.get(reverse("duties:day_list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("duties:day_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_deactivated_account_is_signed_out_at_its_next_request(login, staff):
    client = login("sh_social2")
    User.objects.filter(username="sh_social2").update(is_active=False)
    assert client.get(reverse("duties:day_list")).status_code == 302


def test_the_signed_in_user_knows_whether_their_role_approves_without_asking_again(staff, django_assert_num_queries):
    from casework.selectors import holds_an_approving_role

    for username, approves in (("sh_supervisor", True), ("sh_social2", False)):
        user = PasswordBackend().get_user(staff(username).pk)
        with django_assert_num_queries(0):
            assert holds_an_approving_role(user) is approves
    user = PasswordBackend().get_user(staff("sh_social2").pk)
    user.role = "supervisor"  # a role changed on the object is asked about afresh
    with django_assert_num_queries(1):
        assert holds_an_approving_role(user) is True
