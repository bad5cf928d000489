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
    return render(request, "accounts/staff.html", {"staff": users_visible_to(user=request.user)})
