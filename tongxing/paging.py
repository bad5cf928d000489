"""Pages of a list."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class ShortListPaginator(Paginator):
    """Django's Paginator, except that a first page with room to spare is the whole list: its length is the count,
    and no COUNT query runs. Most searches for a name find a handful of people, and at national scale the COUNT of a
    search within a user's scope cost as much as the page's own query (the scope's lookups built, compiled and
    planned a second time)."""

    def __init__(self, object_list, per_page, **kwargs):
        if kwargs.get("orphans"):
            raise ValueError("ShortListPaginator counts a short first page as the whole list: no orphans.")
        super().__init__(object_list, per_page, **kwargs)
        self._first_page_asked = False

    def get_page(self, number):
        # Only when the first page is asked (or no valid number, which Django also answers with the first page)
        # is it read before the count; for any other page that would be a wasted query.
        try:
            self._first_page_asked = int(number or 1) == 1  # 0 and below are the last page in Django's answer
        except (TypeError, ValueError):
            self._first_page_asked = True
        return super().get_page(number)

    @cached_property
    def _first_rows(self) -> list:
        return list(self.object_list[:self.per_page])

    @cached_property
    def count(self) -> int:
        if self._first_page_asked and len(self._first_rows) < self.per_page:
            return len(self._first_rows)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        if number == 1 and self._first_page_asked:
            return self._get_page(self._first_rows, 1, self)
        return super().page(number)
