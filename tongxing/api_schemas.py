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
