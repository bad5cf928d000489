from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class ChineseFirstLocaleMiddleware:
    """zh-Hans unless the user chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; office machines often run an English
    browser, and the platform is Chinese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ApiJsonErrorsMiddleware:
    """The API answers in JSON even where Django itself refuses a request (a method the route does not allow)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code == 405
                and not response.get("Content-Type", "").startswith("application/json")):
            from django.http import JsonResponse

            allowed = response.get("Allow", "")
            json_response = JsonResponse({"detail": translation.gettext("Method %(method)s is not allowed here; use "
                                                                        "%(allowed)s.") % {
                "method": request.method, "allowed": allowed}}, status=405)
            json_response["Allow"] = allowed
            return json_response
        return response


class SessionIdleMiddleware:
    """Sliding session expiry without a database write on every request: the session is re-saved (restarting its
    SESSION_COOKIE_AGE clock) at most once a minute, so an idle session ends about SESSION_IDLE_SECONDS after the
    last request."""

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.TOUCH_EVERY:
                session["_seen"] = now  # marks the session modified: SessionMiddleware saves it and resets the cookie
        return response
