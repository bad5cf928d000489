"""工作总结 and 工作计划 as one editable Word document, for a district or an office's area and a year or quarter.

The summary says what the records show (caseload, activity, outcomes, notable work with cases under their
pseudonym); the plan sets next period's targets from the current caseload and the practice rules. Staff then edit
it in Word or WPS — this is a first draft with the real figures, not a finished report."""

import datetime as dt
import io

from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from .returns import Period, statistical_return


def _document() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def quarter_period(year: int, quarter: int) -> tuple[dt.date, dt.date, str]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = Period("month", year, 3 * quarter).end
    return start, end, f"{year}年第{quarter}季度"


def work_plan_and_summary(*, user, area, year: int, quarter: int | None = None) -> bytes:
    with translation.override("zh-hans"):
        return _build(user=user, area=area, year=year, quarter=quarter)


def _build(*, user, area, year: int, quarter: int | None) -> bytes:
    from casework.selectors import practice_rule
    from conferences.models import Conference
    from people.populations import Population
    from risk.models import RiskFlag

    if quarter:
        start, end, label = quarter_period(year, quarter)
        next_label = f"{year + (quarter == 4)}年第{quarter % 4 + 1}季度"
        months = 3
    else:
        start, end, label = dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年"
        next_label, months = f"{year + 1}年", 12
    # A quarter is three months' return added up; the year is the annual return.
    parts = [Period("month", year, m) for m in range(start.month, end.month + 1)] if quarter else [Period("year", year)]
    returns = [statistical_return(area=area, period=p) for p in parts]
    totals = {k: sum(r.total.values[k] for r in returns) for k in returns[0].total.values}
    current = statistical_return(area=area, period=parts[-1]).total.values
    by_population = {value: statistical_return(area=area, period=parts[-1], population=value).total.values["current"]
                     for value in Population.values}
    district = area.district() or area

    doc = _document()
    doc.add_heading(f"{area.name}社区矫正与安置帮教{label}工作总结及{next_label}工作计划", level=1)
    doc.add_heading("一、工作总结", level=2)
    doc.add_heading("（一）基本情况", level=3)
    doc.add_paragraph(
        f"截至{end.year}年{end.month}月{end.day}日，在册服务对象{current['current']}人次，其中"
        + "，".join(f"{Population(v).label.split(' ')[0]}{n}人" for v, n in by_population.items())
        + f"。{label}新接收{totals['received']}人次，解除或结束{totals['ended']}人次。")
    if current.get("cat_probation") is not None:
        doc.add_paragraph(
            f"社区矫正对象中，管制{current['cat_control']}人、缓刑{current['cat_probation']}人、假释{current['cat_parole']}人、"
            f"暂予监外执行{current['cat_medical']}人；严管{current['level_strict']}人、普管{current['level_normal']}人、"
            f"宽管{current['level_lenient']}人。")
    doc.add_heading("（二）主要工作", level=3)
    doc.add_paragraph(
        f"{label}共开展个案接触{totals['contacts']}次，其中家访{totals['home_visits']}次；召开个案讨论会{totals['conferences']}次；"
        f"向专业机构转介{totals['referrals']}人次。")
    doc.add_heading("（三）工作成效与风险", level=3)
    doc.add_paragraph(
        f"{label}发生危机事件{totals['incidents']}起，矫正期间重新违法犯罪{totals.get('reoffending', 0)}起；"
        f"依法作出奖惩决定{totals.get('sanctions', 0)}次。")
    doc.add_heading("（四）典型个案", level=3)
    from conferences.brief import Pseudonymiser
    from people.selectors import people_visible_to

    # Only cases the author may open, and their text filtered like a conference brief.
    held = (Conference.objects.filter(person__in=people_visible_to(user=user), person__area__path__startswith=area.path,
                                      status="held", held_on__gte=start, held_on__lte=end)
            .select_related("person").prefetch_related("decisions", "person__supporters")[:5])
    if not held:
        doc.add_paragraph("（请补充本期典型个案，使用化名。）")
    for n, conference in enumerate(held, start=1):
        name = conference.person.pseudonym or f"个案{'ABCDE'[n - 1]}"
        clean = Pseudonymiser(conference.person)
        decisions = "；".join(clean(d.text) for d in conference.decisions.all())
        recommendations = clean(conference.recommendations).replace(clean.label, name) or "形成跟进建议"
        doc.add_paragraph(f"{name}：{conference.held_on.month}月召开个案讨论会，{recommendations}"
                          + (f"。跟进措施：{decisions}。" if decisions else "。"), style="List Bullet")
    doc.add_heading("（五）存在的问题", level=3)
    doc.add_paragraph("（请结合本期工作补充。）")

    doc.add_heading(f"二、{next_label}工作计划", level=2)
    visits = practice_rule(district, "plan_home_visits_per_person_month")
    per_quarter = practice_rule(district, "plan_conferences_per_quarter")
    trainings = practice_rule(district, "plan_volunteer_trainings_per_year")
    high_risk = RiskFlag.objects.filter(person__area__path__startswith=area.path, ended_at__isnull=True,
                                        level="high").count()
    conferences = per_quarter.value * (4 if not quarter else 1) + high_risk
    doc.add_paragraph(f"1. 家访：按每人每月{visits.value}次计，在册{current['current']}人，计划家访"
                      f"{current['current'] * visits.value * months}次（依据：{visits.source}）。")
    doc.add_paragraph(f"2. 个案讨论会：计划召开{conferences}次，其中每季度{per_quarter.value}次，另为{high_risk}名高风险对象"
                      f"各召开一次（依据：{per_quarter.source}）。")
    planned_trainings = max(1, trainings.value // 4) if quarter else trainings.value
    doc.add_paragraph(f"3. 志愿者培训：计划{planned_trainings}次（依据：{trainings.source}）。")
    doc.add_paragraph("4. 依法做好报到、入矫宣告、定期报告、外出审批、解除矫正等各环节工作，法定时限内的事项列入今日工作提醒。")
    doc.add_paragraph("5. （请补充其他工作安排。）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
