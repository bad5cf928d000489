from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import open_file
from people.models import Enrolment
from people.selectors import people_visible_to, person_get_visible, sees_offence
from people.services import check_in_record
from tongxing.forms import form_date, form_id

from . import selectors, services
from .models import (
    ActivityKind, LeaveApplication, Level, MonitoringPeriod, MonitoringReason, Relocation, ReportKind, Revocation,
    SanctionKind, TeamRole,
)


def form_date_or_none(value):
    return form_date(value, required=False)


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
                _e, warnings = check_in_record(actor=user, enrolment=enrolment, on=form_date(data.get("on", "")))
                for w in warnings:
                    messages.warning(request, w)
            elif action == "level":
                services.level_set(actor=user, enrolment=enrolment, level=data.get("level", ""),
                                   since=timezone.localdate(), reason=data.get("reason", ""))
            elif action == "report":
                services.report_record(actor=user, enrolment=enrolment, on=form_date(data.get("on", "")),
                                       kind=data.get("kind", ""), note=data.get("note", ""))
            elif action == "conclude":
                services.correction_conclude(actor=user, enrolment=enrolment, on=form_date(data.get("on", "")),
                                             evaluation=data.get("evaluation", ""))
                return redirect(enrolment.person)
            elif action == "team":
                services.team_member_add(actor=user, enrolment=enrolment, name=data.get("name", ""),
                                         role=data.get("role", ""), is_woman=bool(data.get("is_woman")),
                                         knows_minors=bool(data.get("knows_minors")))
            elif action == "sanction":
                services.sanction_record(actor=user, enrolment=enrolment, kind=data.get("kind", ""),
                                         on=form_date(data.get("on", "")), facts=data.get("facts", ""))
            elif action == "leave":
                _l, warnings = services.leave_apply(actor=user, enrolment=enrolment,
                                                    destination=data.get("destination", ""),
                                                    reason=data.get("reason", ""),
                                                    leave_on=form_date(data.get("leave_on", "")),
                                                    return_on=form_date(data.get("return_on", "")))
                for w in warnings:
                    messages.warning(request, w)
            elif action in ("leave_approve", "leave_refuse"):
                leave = get_object_or_404(LeaveApplication, pk=form_id(data.get("leave")), enrolment=enrolment)
                services.leave_decide(actor=user, leave=leave, approve=action == "leave_approve",
                                      note=data.get("note", ""))
            elif action == "leave_returned":
                leave = get_object_or_404(LeaveApplication, pk=form_id(data.get("leave")), enrolment=enrolment)
                services.leave_returned(actor=user, leave=leave, on=timezone.localdate())
            elif action == "monitoring":
                services.monitoring_start(actor=user, enrolment=enrolment, reason=data.get("reason", ""),
                                          facts=data.get("facts", ""), start_on=form_date(data.get("start_on", "")),
                                          end_on=form_date(data.get("end_on", "")),
                                          approved_by_name=data.get("approved_by_name", ""))
            elif action in ("monitoring_renew", "monitoring_remove"):
                period = get_object_or_404(MonitoringPeriod, pk=form_id(data.get("period")), enrolment=enrolment)
                if action == "monitoring_renew":
                    services.monitoring_renew(actor=user, period=period, end_on=form_date(data.get("end_on", "")),
                                              facts=data.get("facts", ""),
                                              approved_by_name=data.get("approved_by_name", ""))
                else:
                    services.monitoring_remove(actor=user, period=period, on=timezone.localdate(),
                                               note=data.get("facts", ""))
            elif action == "ruling_notice":
                _n, warnings = services.ruling_notice_record(
                    actor=user, enrolment=enrolment, notice_received_on=form_date(data.get("notice_received_on", "")),
                    documents_received_on=form_date_or_none(data.get("documents_received_on", "")),
                    ruling_effective_on=form_date_or_none(data.get("ruling_effective_on", "")),
                    note=data.get("note", ""))
                for w in warnings:
                    messages.warning(request, w)
            elif action == "activity":
                services.activity_record(actor=user, enrolment=enrolment, kind=data.get("kind", ""),
                                         on=form_date(data.get("on", "")), hours=data.get("hours", ""),
                                         topic=data.get("topic", ""))
            elif action == "relocation":
                _r, warnings = services.relocation_apply(
                    actor=user, enrolment=enrolment, new_residence=data.get("new_residence", ""),
                    new_agency=data.get("new_agency", ""), reason=data.get("reason", ""),
                    applied_on=form_date(data.get("applied_on", "")), move_on=form_date(data.get("move_on", "")))
                for w in warnings:
                    messages.warning(request, w)
            elif action == "relocation_step":
                relocation = get_object_or_404(Relocation, pk=form_id(data.get("relocation")), enrolment=enrolment)
                services.relocation_step(actor=user, relocation=relocation, step=data.get("step", ""),
                                         on=form_date(data.get("on", "")), note=data.get("note", ""))
                if relocation.enrolment.status != "active" or data.get("step") == "reported":
                    return redirect(enrolment.person)
            elif action == "revocation":
                services.revocation_propose(
                    actor=user, enrolment=enrolment, on=form_date(data.get("on", "")), court=data.get("court", ""),
                    evidence=data.get("evidence", ""), arrest_requested=bool(data.get("arrest_requested")),
                    procuratorate_copied_on=form_date_or_none(data.get("procuratorate_copied_on", "")))
            elif action == "revocation_step":
                revocation = get_object_or_404(Revocation, pk=form_id(data.get("revocation")), enrolment=enrolment)
                outcome = data.get("outcome", "")
                services.revocation_record(actor=user, revocation=revocation, step=data.get("step", ""),
                                           on=form_date(data.get("on", "")), custody=bool(data.get("custody")),
                                           revoked={"revoked": True, "rejected": False}.get(outcome),
                                           note=data.get("note", ""))
            elif action == "terminate":
                services.correction_terminate(actor=user, enrolment=enrolment, on=form_date(data.get("on", "")),
                                              reason=data.get("reason", ""), note=data.get("note", ""))
                return redirect(enrolment.person)
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
        "sanction_kinds": [c for c in SanctionKind.choices if c[0] != SanctionKind.REVOCATION],
        "monitoring_reasons": MonitoringReason.choices,
        "ruling_notice": getattr(enrolment, "ruling_notice", None),
        "activity_rows": selectors.activity_hours(enrolment=enrolment, month=today),
        "activities": enrolment.activities.all()[:10], "activity_kinds": ActivityKind.choices,
        "relocations": _with_next_steps(enrolment.relocations.all()),
        "revocations": enrolment.revocations.all(), "revocable": enrolment.correction_category in
        services.REVOCATION_FOR_CATEGORY})


def _with_next_steps(relocations):
    """Each relocation with the steps that may follow its status (the service's table decides)."""
    from .models import RelocationStatus

    relocations = list(relocations)
    for relocation in relocations:
        relocation.next_steps = [(step, RelocationStatus(status).label) for step, (status, allowed)
                                 in services.RELOCATION_STEPS.items() if relocation.status in allowed]
    return relocations


DOCUMENT_NAMES = {"warning": "警告决定书", "leave": "外出审批表", "certificate": "解除社区矫正证明书",
                  "revocation": "提请撤销建议书", "team": "矫正小组成员名单"}


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
    issuer = selectors.office_of(enrolment.person).name if kind in ("leave", "team") else (
        (selectors.office_of(enrolment.person).parent or selectors.office_of(enrolment.person)).name)
    if kind == "warning":
        record = get_object_or_404(Sanction, pk=obj_id, enrolment=enrolment, kind=SanctionKind.WARNING)
        content = documents.warning_decision(record, issuer=issuer)
    elif kind == "leave":
        record = get_object_or_404(LeaveApplication, pk=obj_id, enrolment=enrolment)
        content = documents.leave_approval(record, issuer=issuer)
    elif kind == "revocation":
        record = get_object_or_404(Revocation, pk=obj_id, enrolment=enrolment)
        content = documents.revocation_proposal(record, issuer=issuer)
    elif kind == "team":
        record = enrolment
        content = documents.correction_team_record(enrolment, issuer=issuer)
    else:
        record = enrolment
        content = documents.end_of_correction_certificate(enrolment, issuer=issuer)
    audit_record(actor=request.user, action=f"document.{kind}", target=record, person=enrolment.person)
    filename = f"{DOCUMENT_NAMES[kind]}-{enrolment.person.full_name}.docx"
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def assessments(request, person_pk: int):
    """调查评估 (L5) for one person: record a court's request, then the conclusion sent back."""
    from .models import PreSentenceAssessment

    if request.method == "GET" or "action" not in request.POST:  # a POST without action answers the reason form
        person, interruption = open_file(request, person_pk)
        if interruption:
            return interruption
    else:
        person = person_get_visible(user=request.user, pk=person_pk)
    if not sees_offence(user=request.user, person=person):
        raise PermissionDenied(_("Legal supervision is not shown to your role."))
    if request.method == "POST":
        data, user = request.POST, request.user
        try:
            if data.get("action") == "complete":
                assessment = get_object_or_404(PreSentenceAssessment, pk=form_id(data.get("assessment")), person=person)
                services.pre_sentence_assessment_complete(actor=user, assessment=assessment,
                                                          on=form_date(data.get("on", "")),
                                                          conclusion=data.get("conclusion", ""))
            else:
                services.pre_sentence_assessment_request(actor=user, person=person,
                                                         requested_by=data.get("requested_by", ""),
                                                         received_on=form_date(data.get("received_on", "")),
                                                         fast_track=bool(data.get("fast_track")))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("supervision:assessments", person_pk=person.pk)
    return render(request, "supervision/assessments.html", {
        "person": person, "today": timezone.localdate(),
        "assessments": PreSentenceAssessment.objects.filter(person=person)})
