"""Delivery of notifications beyond the day list: e-mail through Django's mail backend, and SMS through a gateway
chosen by the SMS_GATEWAY setting. No SMS provider is reachable from an isolated intranet by default."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SMS_TEXT = _("Tongxing: you have a new duty or alert. Sign in to see it.")


class NoSms:
    """The default: SMS is off until an office configures its provider's gateway class."""

    def send(self, phone: str, text: str) -> None:
        return None


class RecordingSms:
    """For tests and demonstrations: keeps what would have been sent."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


class HttpJsonSms:
    """An intranet SMS platform (e.g. a government 政务短信平台) reached over HTTP: POST {"phone", "text"} as JSON to
    SMS_GATEWAY_URL, signed with HMAC-SHA256 of the body under SMS_GATEWAY_SECRET in the X-Signature header.
    A non-2xx answer raises, so the failure is logged; the notification stays in the day list either way."""

    def send(self, phone: str, text: str) -> None:
        import hashlib
        import hmac
        import json
        import urllib.parse
        import urllib.request

        from django.core.exceptions import ImproperlyConfigured

        url = urllib.parse.urlsplit(settings.SMS_GATEWAY_URL)
        if not settings.SMS_GATEWAY_SECRET or url.scheme not in ("https", "http"):
            raise ImproperlyConfigured("HttpJsonSms needs SMS_GATEWAY_URL and SMS_GATEWAY_SECRET.")
        if url.scheme == "http" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ImproperlyConfigured("HttpJsonSms sends over https (plain http only to this machine).")
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        signature = hmac.new(settings.SMS_GATEWAY_SECRET.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(settings.SMS_GATEWAY_URL, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "X-Signature": signature})
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered {response.status}")


def sms_gateway():
    return import_string(settings.SMS_GATEWAY)()


def deliver(notification) -> None:
    """Send after the transaction commits, so a rolled-back write sends nothing."""
    user, text = notification.user, notification.text

    def send():
        if settings.NOTIFY_BY_EMAIL and user.email:
            try:
                send_mail(subject=f"[同行] {text[:60]}", message=text, from_email=None, recipient_list=[user.email])
            except OSError:  # the relay refused or is down (smtplib's errors are OSErrors): said, and the SMS still goes
                logger.exception("Mail to user %s was not sent; the notification waits in their day list.", user.pk)
        if user.phone:
            # An SMS leaves the intranet: it says only that something waits, never whose case or what (LAW D1).
            sms_gateway().send(user.phone, str(SMS_TEXT))

    transaction.on_commit(send, robust=True)  # a failing gateway is logged, never undoes the saved write
