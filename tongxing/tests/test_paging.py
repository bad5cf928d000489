"""A first page with room to spare is the whole list (tongxing/paging.py)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from tongxing.paging import ShortListPaginator


def _counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.parametrize("asked", [None, "1", "abc", "1.5"])
def test_a_short_first_page_is_counted_by_its_length_without_a_count_query(db, asked):
    seven = Person.objects.order_by("pk").values_list("pk", flat=True)[:7]
    people = Person.objects.filter(pk__in=list(seven)).order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        page = ShortListPaginator(people, 10).get_page(asked)
        assert (page.number, page.paginator.count, page.paginator.num_pages, len(page)) == (1, 7, 1, 7)
        assert list(page) == list(people)
    assert _counts(queries) == 0 and len(queries) == 2  # the page, and the comparison's list


@pytest.mark.parametrize("asked", [None, "2", "3", "99", "-1"])
def test_a_full_or_later_page_is_the_same_as_djangos(db, asked):
    people = Person.objects.order_by("pk")
    ours, django = ShortListPaginator(people, 4).get_page(asked), Paginator(people, 4).get_page(asked)
    assert (ours.number, ours.paginator.count, ours.has_next()) == (django.number, django.paginator.count,
                                                                     django.has_next())
    assert list(ours) == list(django)


def test_a_search_finding_a_few_people_lists_them_with_their_number_and_no_count(login, xiaoyu):
    client = login("sh_social")
    client.get(reverse("people:list"), {"q": xiaoyu.full_name})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("people:list"), {"q": xiaoyu.full_name}).text
    assert xiaoyu.full_name in page and "共 1 人" in page
    assert _counts(queries) == 0
