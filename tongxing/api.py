"""The JSON API: one NinjaAPI, one router per app, the same selectors and services as the UI."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from accounts.services import token_user
from tongxing.api_schemas import ErrorOut
from tongxing.permissions import ConflictError

log = logging.getLogger(__name__)


class SessionAuth(NinjaSessionAuth):
    """The browser's session, CSRF-checked (django-ninja checks before it looks at the cookie). Without the session
    cookie there is no ambient credential a forged request could ride on — an integration sending its API token —
    so nothing is checked and the token auth below gets its turn, instead of every token write failing on CSRF."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer txk_…` — tokens are made on the account page."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


# The refusals the exception handlers below give on any operation, so the OpenAPI document lists them once here
# rather than in every route: 400 when a JSON body cannot be parsed, 404 when the path names a record, 422 when the
# operation takes input. Other codes (409 on an edit of an outdated copy, 404 for a record named in the query or the
# body) are declared on the route itself.
COMMON_ERRORS = {
    400: "The body could not be read as JSON",
    401: "Not signed in, or the API token is unknown or revoked",
    403: "The caller's role may not do this",
    404: "No such record, or not visible to the caller",
    422: "The input is not valid: a malformed request or a broken rule, with messages by field",
}


class TongxingAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["schemas"]["ErrorOut"] = ErrorOut.model_json_schema()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                codes = [401, 403]
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    codes.append(400)
                if any(p["in"] == "path" for p in operation.get("parameters", [])):
                    codes.append(404)
                if operation.get("parameters") or "requestBody" in operation:
                    codes.append(422)
                for code in codes:
                    operation["responses"].setdefault(code, {"description": COMMON_ERRORS[code], "content": error})
        return schema


api = TongxingAPI(
    title="Tongxing API",
    version="1",
    description=_("Community justice case management. Every list is scoped to the caller, as in the web interface."),
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


def _error(request, status: int, detail, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found, or not visible to you."))


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(errors.values()))[0]
    return _error(request, 422, first, errors=errors)


@api.exception_handler(NinjaValidationError)
def on_input_error(request, exc):
    return _error(request, 422, _("The request data is not valid."), errors=exc.errors)


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    # An id beyond the database's integers (SQLite cannot even bind it) or a date pushed past the year 9999: the
    # input is out of range, not a server fault.
    return _error(request, 422, _("A number or date in the request is out of range."))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # PostgreSQL refuses what SQLite stores: a NUL character, a text longer than its column, a number beyond its
    # type. The service's transaction has rolled the write back; it is the input that is wrong, not the server.
    log.warning("API input refused by the database on %s: %s", request.path, exc)
    return _error(request, 422, _("A value in the request cannot be stored: it is too long, out of range, or "
                                  "contains a NUL character."))


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return _error(request, 409, str(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Sign in, or send an API token as 'Authorization: Bearer <token>'."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:  # ninja's only one: a body that is not JSON; its message is English-only
        return _error(request, 400, _("The request body could not be read. Send it as JSON."))
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    log.exception("API error on %s", request.path)
    return _error(request, 500, _("Internal error. It has been logged."))


api.add_router("/orgs", "orgs.api.router")
api.add_router("/users", "accounts.api.router")
api.add_router("/people", "people.api.router")
api.add_router("/cases", "casework.api.router")
api.add_router("/duties", "duties.api.router")
api.add_router("/calendar", "duties.api.calendar_router")
api.add_router("/supervision", "supervision.api.router")
api.add_router("/risk", "risk.api.router")
api.add_router("/incidents", "incidents.api.router")
api.add_router("/referrals", "referrals.api.router")
api.add_router("/conferences", "conferences.api.router")
api.add_router("/reports", "reports.api.router")
api.add_router("/imports", "imports.api.router")
api.add_router("/volunteers", "volunteers.api.router")
api.add_router("/audit", "audit.api.router")
