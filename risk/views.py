from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import open_file
from people.selectors import person_get_visible, sees_offence
from tongxing.forms import form_date

from . import selectors, services
from .models import Level, RiskFlag, Screening


@login_required
@require_http_methods(["GET", "POST"])
def person_risk(request, pk: int):
    """The person's risk flag, its history and the structured screens, with the forms to act on them."""
    if request.method == "GET" or "action" not in request.POST:
        person, interruption = open_file(request, pk)
        if interruption:
            return interruption
    else:
        person = person_get_visible(user=request.user, pk=pk)
    if not sees_offence(user=request.user, person=person):
        raise PermissionDenied(_("Risk details are not shown to your role."))
    items = list(selectors.active_items())
    screen_errors, posted = {}, {}
    if request.method == "POST" and not request.user.has_perm("people.change_person", person):
        raise PermissionDenied(_("Your role does not screen or flag this person."))
    if request.method == "POST" and request.POST.get("action") in ("screen", "flag", "review"):
        data, user = request.POST, request.user
        try:
            if data["action"] == "screen":
                posted = {item.code: (data.get(f"score_{item.code}", ""), data.get(f"why_{item.code}", ""))
                          for item in items}
                screening = services.screening_record(actor=user, person=person, answers=posted,
                                                      done_on=form_date(data.get("done_on", ""), "done_on", required=False)
                                                      or timezone.localdate(), note=data.get("note", ""))
                messages.success(request, _("Screened: %(level)s (total %(total)s).") % {
                    "level": screening.get_level_display(), "total": screening.total})
            elif data["action"] == "flag":
                services.flag_raise(actor=user, person=person, level=data.get("level", ""),
                                    reason=data.get("reason", ""),
                                    review_on=form_date(data.get("review_on", ""), "review_on", required=False))
            elif data["action"] == "review":
                flag_id = data.get("flag", "")
                flag = get_object_or_404(RiskFlag, pk=int(flag_id) if flag_id.isdecimal() else 0, person=person)
                services.flag_review(actor=user, flag=flag, note=data.get("note", ""),
                                     level=data.get("level") or None, end=data.get("end") == "1",
                                     review_on=form_date(data.get("review_on", ""), "review_on", required=False))
            return redirect("risk:person", pk=person.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and data.get("action") == "screen":
                screen_errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
            messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": "；".join(exc.messages)})
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    screenings = list(Screening.objects.filter(person=person).select_related("by")[:10])
    latest = screenings[0] if screenings else None
    rows = [{"item": item, "error": screen_errors.get(item.code, ""),
             "score": posted.get(item.code, ("", ""))[0], "why": posted.get(item.code, ("", ""))[1],
             "scores": range(item.max_score + 1)} for item in items]
    return render(request, "risk/person.html", {
        "person": person, "flag": selectors.current_flag(person=person), "levels": Level.choices,
        "flags": RiskFlag.objects.filter(person=person).select_related("raised_by")[:20],
        "screenings": screenings, "rows": rows, "today": timezone.localdate(),
        "latest_answers": latest.answers.select_related("item") if latest else [],
        "can_edit": request.user.has_perm("people.change_person", person)})


def _int(value) -> int:
    text = str(value or "").strip()
    if not text.lstrip("-").isdecimal():
        raise ValidationError(_("Give a whole number."))
    return int(text)


@login_required
@require_http_methods(["GET", "POST"])
def configuration(request):
    """The screen as configured: bands and items (everyone reads it; administrators change it, audited)."""
    from .models import Domain, RiskBand, ScreeningItem

    if request.method == "POST":
        data = request.POST
        try:
            if data.get("action") == "band":
                services.band_set(actor=request.user, level=data.get("level", ""), min_total=_int(data.get("min_total")),
                                  reassess_months=_int(data.get("reassess_months")),
                                  flag_review_days=_int(data.get("flag_review_days")), source=data.get("source", ""))
            else:
                services.item_save(actor=request.user, code=data.get("code", "").strip(),
                                   domain=data.get("domain", ""), text=data.get("text", ""),
                                   guidance=data.get("guidance", ""), max_score=_int(data.get("max_score")),
                                   is_suicide_screen=bool(data.get("is_suicide_screen")),
                                   is_active=bool(data.get("is_active")))
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": "；".join(exc.messages)})
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("risk:configuration")
    return render(request, "risk/configuration.html", {
        "bands": RiskBand.objects.all(), "items": ScreeningItem.objects.all(), "domains": Domain.choices,
        "levels": Level.choices, "can_edit": request.user.policy.manages_orgs})
