import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from orgs.models import WorkModel
from people.populations import Population
from tongxing.excel import write_workbook

from . import returns, selectors


def return_request(user, params):
    """The return a request asks for, from its parameters; (None, message) when they do not make one."""
    areas = selectors.report_areas(user=user)
    if not areas.exists():
        raise PermissionDenied(_("Statistical returns are for officers, supervisors, leaders and administrators."))
    today = timezone.localdate()
    area_id = str(params.get("area", ""))
    area = areas.filter(pk=int(area_id)).first() if area_id.isdecimal() else areas.first()
    kind, number = params.get("kind", "month"), params.get("number", today.month)
    if kind == "year":
        number = 1  # the form's number box may still hold a month
    elif kind == "half" and str(number) not in ("1", "2"):
        number = 1 if today.month <= 6 else 2
    try:
        period = returns.Period.parse(kind, params.get("year", today.year), number)
    except (TypeError, ValueError):
        return None, _("Choose a month, half-year or year.")
    population = params.get("population", "")
    model = params.get("model", "")
    if area is None or population not in ("", *Population.values) or model not in ("", *WorkModel.values):
        return None, _("Choose an area, population and model from the lists.")
    return returns.statistical_return(area=area, period=period, population=population, model=model), ""


def _form_values(params) -> dict:
    """What the form shows again: every field present, so the page never depends on what the URL carried."""
    today = timezone.localdate()
    return {"kind": params.get("kind", "month"), "year": params.get("year", today.year),
            "number": params.get("number", today.month), "population": params.get("population", ""),
            "model": params.get("model", "")}


@login_required
def statistical_returns(request):
    result, error = return_request(request.user, request.GET)
    if result is not None and request.GET.get("format") == "xlsx":
        audit_record(actor=request.user, action="export.statistical_return", target=result.area,
                     changes={"period": result.period.label, "population": result.population, "model": result.model})
        filename = f"统计报表-{result.area.name}-{result.period.label}.xlsx"
        return FileResponse(write_workbook([returns.as_sheet(result)]), as_attachment=True, filename=filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return render(request, "reports/returns.html", {
        "result": result, "error": error, "areas": selectors.report_areas(user=request.user),
        "populations": Population.choices, "models": WorkModel.choices, "params": _form_values(request.GET),
        "query": request.GET.urlencode(), "quote": quote})


@login_required
def export(request, name: str):
    """Download a list as Excel, filtered as on its page."""
    from . import exports

    content = exports.export_list(name, user=request.user, params=request.GET)
    if content is None:
        raise PermissionDenied
    stamp = timezone.localdate().isoformat()
    return FileResponse(content, as_attachment=True, filename=f"{name}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def dashboard(request):
    """Each role's dashboard: a worker's own caseload and duties, a supervisor's team, a leader's area."""
    from . import dashboards

    user = request.user
    today = timezone.localdate()
    days = {"month": 30, "quarter": 91, "year": 365}
    period = request.GET.get("period", "month")
    period_start = today - dt.timedelta(days=days.get(period, 30))
    areas = selectors.report_areas(user=user)
    area_id = request.GET.get("area", "")
    area = areas.filter(pk=int(area_id)).first() if area_id.isdecimal() else areas.first()
    if user.role in ("bureau_leader", "administrator") and area is not None:
        charts = dashboards.leader_dashboard(user=user, area=area, today=today, period_start=period_start)
    elif user.role == "supervisor":
        charts = dashboards.supervisor_dashboard(user=user, today=today, period_start=period_start)
    elif user.role in ("social_worker", "judicial_officer", "community_worker"):
        charts = dashboards.worker_dashboard(user=user, today=today)
    else:
        raise PermissionDenied(_("There is no dashboard for your role."))
    return render(request, "reports/dashboard.html", {
        "charts": charts, "period": period, "areas": areas if user.role in ("bureau_leader", "administrator") else [],
        "area": area})


@login_required
def work_plan(request):
    """工作总结及工作计划 for an area and a year (or quarter), as an editable Word document; audited."""
    from django.http import HttpResponse

    from .workplan import work_plan_and_summary

    areas = selectors.report_areas(user=request.user)
    if not areas.exists():
        raise PermissionDenied(_("Statistical returns are for officers, supervisors, leaders and administrators."))
    area_id, year, quarter = request.GET.get("area", ""), request.GET.get("year", ""), request.GET.get("quarter", "")
    area = areas.filter(pk=int(area_id)).first() if area_id.isdecimal() else areas.first()
    if area is None or not year.isdecimal() or not 2000 <= int(year) <= 2100 or quarter not in ("", "1", "2", "3", "4"):
        return render(request, "reports/returns.html", {"error": _("Choose an area, a year and, if you wish, a quarter."),
                                                        "areas": areas, "params": _form_values(request.GET),
                                                        "populations": Population.choices,
                                                        "models": WorkModel.choices})
    content = work_plan_and_summary(user=request.user, area=area, year=int(year),
                                    quarter=int(quarter) if quarter else None)
    audit_record(actor=request.user, action="document.work_plan", target=area,
                 changes={"year": year, "quarter": quarter})
    filename = f"工作总结及计划-{area.name}-{year}{'Q' + quarter if quarter else ''}.docx"
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
