from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services, twofactor
from .selectors import api_tokens_of, users_visible_to


@login_required
def account(request):
    new_token, error = None, None
    if request.method == "POST":
        try:
            _token, new_token = services.api_token_create(actor=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = exc.messages[0]
    return render(request, "accounts/account.html",
                  {"tokens": api_tokens_of(user=request.user), "new_token": new_token, "error": error,
                   "two_factor": request.user.two_factor_on})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(user=request.user), pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    return redirect("accounts:account")


@login_required
def staff_list(request):
    staff = list(users_visible_to(user=request.user))
    locked = services.locked_usernames(u.username for u in staff) if request.user.policy.manages_orgs else set()
    return render(request, "accounts/staff.html", {"staff": staff, "locked": locked})


@login_required
@require_POST
def account_unlock(request, pk: int):
    user = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    services.account_unlock(actor=request.user, user=user)
    return redirect("accounts:staff")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the code (or type the key), then enter the first code it shows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if request.user.two_factor_on and not request.user.is_verified():
        return redirect("accounts:two_factor_verify")  # replacing a device takes the current one first
    error = ""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if request.method == "POST" and device is not None:
        try:
            twofactor.device_confirm(request=request, device=device, token=request.POST.get("token", ""))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(_next_url(request))
    if device is None or request.method == "GET":
        device = twofactor.device_start(actor=request.user)
    return render(request, "accounts/two_factor_setup.html", {
        "qr": mark_safe(twofactor.qr_svg(device)),  # drawn by the qrcode library from our own key: no user input
        "secret": twofactor.secret_text(device), "error": error, "next": _next_url(request),
        "required": twofactor.required_for(request.user)})


@login_required
def two_factor_verify(request):
    if not request.user.two_factor_on:
        return redirect("accounts:two_factor_setup")
    error = ""
    if request.method == "POST":
        if twofactor.verify(request=request, token=request.POST.get("token", "")):
            return redirect(_next_url(request))
        error = _("The code is not right, or too many tries were made just now. Wait a moment and try again.")
    return render(request, "accounts/two_factor_verify.html", {"error": error, "next": _next_url(request)})


@login_required
@require_POST
def two_factor_reset(request, pk: int):
    user = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    twofactor.device_reset(actor=request.user, user=user)
    messages.success(request, _("Two-factor sign-in was reset for %(name)s; they enrol again at the next sign-in.")
                     % {"name": user.display_name})
    return redirect("accounts:staff")
