"""Opening a person's file from any page: audited, and for leaders and administrators only with a stated reason."""

import time

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.roles import Action

from . import selectors, services
from .forms import ReasonForm
from .rules import reaches

REASON_VALID_SECONDS = 30 * 60  # a stated reason covers the pages of one file for half an hour


def _stated_reason(request, person_id: int) -> str | None:
    entry = request.session.get("file_reasons", {}).get(str(person_id))
    if entry and time.time() - entry["at"] < REASON_VALID_SECONDS:
        return entry["reason"]
    return None


def open_file(request, pk: int, *, person=None):
    """(person, None) with the opening audited, or (person, a page asking for the reason the role must give).
    `person`: the file already fetched (a case's person, by `case_get_visible`); asked again all the same, which
    costs nothing when it was checked (the answer is remembered on it)."""
    if person is None or person.pk != pk or not reaches(request.user, person, Action.READ):
        person = selectors.person_get_visible(user=request.user, pk=pk)
    reason = ""
    if request.user.policy.reason_to_open_file:
        reason = _stated_reason(request, pk)
        if reason is None:
            form = ReasonForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                reasons = request.session.get("file_reasons", {})
                reasons[str(pk)] = {"reason": form.cleaned_data["reason"], "at": time.time()}
                request.session["file_reasons"] = reasons
                return person, redirect(request.path)
            return person, render(request, "people/reason.html", {"person": person, "form": form})
    elif request.method == "POST":
        return person, HttpResponseNotAllowed(["GET"])
    services.person_file_opened(actor=request.user, person=person, reason=reason)
    return person, None


