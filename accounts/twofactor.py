"""Two-factor sign-in with a time-based one-time password (TOTP, RFC 6238) from an authenticator app.

Required for the roles in settings.TWO_FACTOR_ROLES (administrators and bureau leaders: they reach a whole district),
available to everyone. After the password, a user with a confirmed device enters the six-digit code; a user whose
role requires it and who has none enrols first. Until then the session reaches nothing but these pages.
The devices are django-otp's; its throttling slows guessing (each failure doubles the wait).
"""

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .models import User

ISSUER = "Tongxing"


def required_for(user) -> bool:
    return getattr(user, "role", "") in settings.TWO_FACTOR_ROLES


def needs_second_factor(request) -> bool:
    """Signed in with the password, but not (yet) with the second factor this account has or must have. Accounts
    without one pay no query; with one, django-otp checks the session's device on each request."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    if not (required_for(user) or user.two_factor_on):
        return False
    return not user.is_verified()


def token_allowed(user) -> bool:
    """An API token acts for its user without a code; a role that must use two factors uses tokens only once it
    has them (a token made before, or before a reset, stops working until the user enrols)."""
    return not required_for(user) or user.two_factor_on


@transaction.atomic
def device_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed device for the actor's own account (replacing an earlier unconfirmed one)."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Please sign in first."))
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, drawn here (nothing leaves the intranet)."""
    import qrcode
    import qrcode.image.svg

    url = device.config_url.replace("otpauth://totp/", f"otpauth://totp/{ISSUER}:", 1) + f"&issuer={ISSUER}"
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # inline in the page: without the XML declaration of a standalone file


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped, for typing into an app when the code cannot be scanned."""
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def device_confirm(*, request, device: TOTPDevice, token: str) -> None:
    """The first code from the app proves it holds the key; the device is confirmed and this session verified."""
    actor = request.user
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied(_("This is not your pending device."))
    if not device.verify_token(_digits(token)):
        raise ValidationError({"token": [_("The code is not right. Check the time on your phone and try again.")]})
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()  # one app at a time; the new one replaces
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    User.objects.filter(pk=actor.pk).update(two_factor_on=True)
    actor.two_factor_on = True
    audit_record(actor=actor, action="account.two_factor_enabled", target=actor)


def verify(*, request, token: str) -> bool:
    """Check the code at sign-in; success and failure are both in the audit trail."""
    actor = request.user
    for device in devices_for_user(actor, confirmed=True):
        if device.verify_token(_digits(token)):
            otp_login(request, device)
            audit_record(actor=actor, action="login.second_factor", target=actor)
            return True
    audit_record(actor=actor, action="login.second_factor_failed", target=actor)
    return False


@transaction.atomic
def device_reset(*, actor: User, user: User) -> None:
    """An administrator removes a lost phone's device; the user enrols again at the next sign-in."""
    if not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators reset two-factor sign-in."))
    TOTPDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_on=False)
    audit_record(actor=actor, action="account.two_factor_reset", target=user)


def _digits(token: str) -> str:
    return "".join(ch for ch in str(token) if ch.isdigit())[:8]
