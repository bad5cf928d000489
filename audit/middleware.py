from django.conf import settings

from .context import Origin, reset_origin, set_origin


def client_ip(request) -> str | None:
    """The client's address, skipping only the proxies we were told to trust."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = set_origin(
            Origin(ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], channel=channel)
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
