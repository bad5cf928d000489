"""The JSON API: one NinjaAPI, one router per app, the same selectors and services as the UI."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from accounts.services import token_user
from tongxing.permissions import ConflictError

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer txk_…` — tokens are made on the account page."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
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


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return _error(request, 409, str(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Sign in, or send an API token as 'Authorization: Bearer <token>'."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
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
