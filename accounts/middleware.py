"""Keeps a session that still owes its second factor (accounts/twofactor.py) to the pages that settle it."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import twofactor

OPEN_PREFIXES = ("/static/", "/login/", "/logout/", "/i18n/", "/healthz", "/account/two-factor/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(OPEN_PREFIXES) and twofactor.needs_second_factor(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor sign-in is required: finish signing in on the web "
                                                 "page first.")}, status=401)
            step = "accounts:two_factor_verify" if request.user.two_factor_on else "accounts:two_factor_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
