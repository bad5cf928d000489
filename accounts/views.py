from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
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
                  {"tokens": api_tokens_of(user=request.user), "new_token": new_token, "error": error})


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
