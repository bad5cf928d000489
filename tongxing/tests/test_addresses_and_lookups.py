"""Two shortcuts on hot paths answer exactly as the slow ways they replace."""

from django.urls import reverse, set_script_prefix

from duties.models import Duty
from people.models import Enrolment, Person
from tongxing.addresses import address, path_of


def test_cached_addresses_are_what_reverse_gives_under_any_script_prefix(xiaoyu):
    duty = Duty.objects.filter(person=xiaoyu).first()
    try:
        for prefix in ("/", "/tongxing/"):  # a deployment under a sub-path
            set_script_prefix(prefix)
            person = Person.objects.get(pk=xiaoyu.pk)  # a file remembers its address once asked
            assert person.get_absolute_url() == reverse("people:detail", args=[xiaoyu.pk])
            assert duty.snooze_url == reverse("duties:snooze", args=[duty.pk])
            assert address("duties:done", 7) == reverse("duties:done", args=[7])
            assert path_of("duties:day_list") == reverse("duties:day_list")
            assert path_of("duties:day_list").startswith(prefix)
    finally:
        set_script_prefix("/")


def test_one_of_finds_what_in_finds_on_keys_and_foreign_keys(xiaoyu):
    ids = list(Person.objects.values_list("pk", flat=True)[:5]) + [0]
    assert set(Person.objects.filter(pk__one_of=ids)) == set(Person.objects.filter(pk__in=ids))
    assert set(Enrolment.objects.filter(person_id__one_of=ids)) == set(Enrolment.objects.filter(person_id__in=ids))
    assert not Person.objects.filter(pk__one_of=[]).exists()
    assert Person.objects.exclude(pk__one_of=[xiaoyu.pk]).count() == Person.objects.count() - 1


def test_one_of_ignores_a_missing_id_as_in_does(xiaoyu):
    assert set(Person.objects.filter(pk__one_of=[xiaoyu.pk, None])) == {xiaoyu}
    assert Person.objects.exclude(pk__one_of=[xiaoyu.pk, None]).count() == Person.objects.count() - 1
