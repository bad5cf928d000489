"""Schemas shared by every app's API; a module of its own so an app's api.py can import them without importing the
NinjaAPI (which imports every app's router)."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class ErrorOut(Schema):
    """The body of every refusal (the exception handlers in tongxing.api)."""

    detail: str = Field(description="A sentence for the user, in the caller's language")
    errors: dict[str, list[str]] | list[dict[str, Any]] | None = Field(
        None, description="422 only: messages by field (a service's check), or the list of input errors")


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset paging with a ceiling on the offset: an offset larger than the database's integers was a
    server error (SQLite: OverflowError); now it is refused as invalid input, and the ceiling is in the OpenAPI
    document. Any offset past the end simply gives an empty page."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=2**31 - 1)


class PageOf:
    """A list operation's rows turned into their API form only for the page asked for: `Pagination` counts the
    queryset and slices it, so a leader's list of a million cases builds fifty, not a million."""

    def __init__(self, queryset, to_out):
        self.queryset, self.to_out = queryset, to_out

    def all(self):  # the pagination counts `.all().count()`
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.to_out(row) for row in self.queryset[index]]
        return self.to_out(self.queryset[index])
