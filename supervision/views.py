import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import open_file
from people.models import Enrolment
from people.selectors import people_visible_to, sees_offence
from people.services import check_in_record

from . import selectors, services
from .models import LeaveApplication, Level, MonitoringPeriod, MonitoringReason, ReportKind, SanctionKind, TeamRole


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("“%(date)s” is not a date like 2026-12-31.") % {"date": value}) from None


def _id(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_supervision(request, pk: int):
    """One page for the legal supervision of one community-correction record."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("person__area"), pk=pk, population="correction",
                                  person__in=people_visible_to(user=request.user, include_inactive=True))
    if not sees_offence(user=request.user, person=enrolment.person):
        raise PermissionDenied(_("Legal supervision is not shown to your role."))
    if request.method == "GET" or "action" not in request.POST:  # a POST without action answers the reason form
        _person, interruption = open_file(request, enrolment.person_id)
        if interruption:
            return interruption
    if request.method == "POST":
        action, data, user = request.POST.get("action"), request.POST, request.user
        try:
            if action == "check_in":
                _e, warnings = check_in_record(actor=user, enrolment=enrolment, on=_date(data.get("on", "")))
                for w in warnings:
                    messages.warning(request, w)
            elif action == "level":
                services.level_set(actor=user, enrolment=enrolment, level=data.get("level", ""),
                                   since=timezone.localdate(), reason=data.get("reason", ""))
            elif action == "report":
                services.report_record(actor=user, enrolment=enrolment, on=_date(data.get("on", "")),
                                       kind=data.get("kind", ""), note=data.get("note", ""))
            elif action == "conclude":
                services.correction_conclude(actor=user, enrolment=enrolment, on=_date(data.get("on", "")),
                                             evaluation=data.get("evaluation", ""))
                return redirect(enrolment.person)
            elif action == "team":
                services.team_member_add(actor=user, enrolment=enrolment, name=data.get("name", ""),
                                         role=data.get("role", ""), is_woman=bool(data.get("is_woman")),
                                         knows_minors=bool(data.get("knows_minors")))
            elif action == "sanction":
                services.sanction_record(actor=user, enrolment=enrolment, kind=data.get("kind", ""),
                                         on=_date(data.get("on", "")), facts=data.get("facts", ""))
            elif action == "leave":
                _l, warnings = services.leave_apply(actor=user, enrolment=enrolment,
                                                    destination=data.get("destination", ""),
                                                    reason=data.get("reason", ""),
                                                    leave_on=_date(data.get("leave_on", "")),
                                                    return_on=_date(data.get("return_on", "")))
                for w in warnings:
                    messages.warning(request, w)
            elif action in ("leave_approve", "leave_refuse"):
                leave = get_object_or_404(LeaveApplication, pk=_id(data.get("leave")), enrolment=enrolment)
                services.leave_decide(actor=user, leave=leave, approve=action == "leave_approve",
                                      note=data.get("note", ""))
            elif action == "leave_returned":
                leave = get_object_or_404(LeaveApplication, pk=_id(data.get("leave")), enrolment=enrolment)
                services.leave_returned(actor=user, leave=leave, on=timezone.localdate())
            elif action == "monitoring":
                services.monitoring_start(actor=user, enrolment=enrolment, reason=data.get("reason", ""),
                                          facts=data.get("facts", ""), start_on=_date(data.get("start_on", "")),
                                          end_on=_date(data.get("end_on", "")),
                                          approved_by_name=data.get("approved_by_name", ""))
            elif action in ("monitoring_renew", "monitoring_remove"):
                period = get_object_or_404(MonitoringPeriod, pk=_id(data.get("period")), enrolment=enrolment)
                if action == "monitoring_renew":
                    services.monitoring_renew(actor=user, period=period, end_on=_date(data.get("end_on", "")),
                                              facts=data.get("facts", ""),
                                              approved_by_name=data.get("approved_by_name", ""))
                else:
                    services.monitoring_remove(actor=user, period=period, on=timezone.localdate(),
                                               note=data.get("facts", ""))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("supervision:enrolment", pk=pk)
    today = timezone.localdate()
    eligible_level, eligibility_text = selectors.level_eligibility(enrolment=enrolment, today=today)
    return render(request, "supervision/enrolment.html", {
        "level": selectors.current_level(enrolment=enrolment), "levels": Level.choices,
        "team": enrolment.team_members.all(), "team_problems": selectors.team_problems(enrolment=enrolment),
        "team_roles": TeamRole.choices,
        "eligible_level": eligible_level, "eligibility_text": eligibility_text,
        "reports": enrolment.reports.all()[:10], "report_kinds": ReportKind.choices,
        "enrolment": enrolment, "person": enrolment.person, "today": today,
        "suggestion": selectors.sanction_suggestion(enrolment=enrolment),
        "sanctions": enrolment.sanctions.select_related("decided_by"),
        "leaves": enrolment.leave_applications.select_related("decided_by"),
        "periods": enrolment.monitoring_periods.all(),
        "active_period": selectors.active_monitoring(enrolment=enrolment, day=today),
        "sanction_kinds": SanctionKind.choices, "monitoring_reasons": MonitoringReason.choices})


DOCUMENT_NAMES = {"warning": "警告决定书", "leave": "外出审批表", "certificate": "解除社区矫正证明书"}


@login_required
def document(request, pk: int, kind: str, obj_id: int = 0):
    """A legal document as a Word file; generated by the roles that take these decisions, and audited."""
    from django.http import HttpResponse
    from urllib.parse import quote

    from audit.services import audit_record

    from . import documents
    from .models import Sanction

    enrolment = get_object_or_404(Enrolment.objects.select_related("person__area"), pk=pk, population="correction",
                                  person__in=people_visible_to(user=request.user, include_inactive=True))
    if request.user.role not in services.LEGAL_ACTORS or kind not in DOCUMENT_NAMES:
        raise PermissionDenied(_("Legal documents are generated by the judicial office or the bureau."))
    issuer = selectors.office_of(enrolment.person).name if kind == "leave" else (
        (selectors.office_of(enrolment.person).parent or selectors.office_of(enrolment.person)).name)
    if kind == "warning":
        record = get_object_or_404(Sanction, pk=obj_id, enrolment=enrolment, kind=SanctionKind.WARNING)
        content = documents.warning_decision(record, issuer=issuer)
    elif kind == "leave":
        record = get_object_or_404(LeaveApplication, pk=obj_id, enrolment=enrolment)
        content = documents.leave_approval(record, issuer=issuer)
    else:
        record = enrolment
        content = documents.end_of_correction_certificate(enrolment, issuer=issuer)
    audit_record(actor=request.user, action=f"document.{kind}", target=record, person=enrolment.person)
    filename = f"{DOCUMENT_NAMES[kind]}-{enrolment.person.full_name}.docx"
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
