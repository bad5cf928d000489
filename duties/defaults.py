"""Default legal time limits (../shared/LAW.md) with their sources, and the calendar years the library knows.

Every number is a row an administrator may change; "(verify)" rows differ between provinces.
"""

LEGAL_TIME_LIMITS = [
    # key, value, unit, description, source, differs between provinces
    ("check_in_days", 10, "days", "判决、裁定生效之日起报到期限", "社区矫正法第21条", False),
    ("correction_plan_months", 1, "months", "入矫后制定矫正方案期限", "社区矫正法第24条；期限为地方规定", True),
    ("self_summary_days_before_end", 30, "days", "矫正期满前提交个人总结的提前天数", "社区矫正法第44条；社区矫正法实施办法", True),
    ("pre_sentence_assessment_working_days", 10, "working_days", "调查评估完成期限", "社区矫正法实施办法", True),
    ("pre_sentence_assessment_fast_track_working_days", 5, "working_days", "适用速裁程序的调查评估完成期限",
     "社区矫正法实施办法", True),
    ("resettlement_home_visit_days", 7, "days", "重点帮教对象回归后家访期限", "地方安置帮教实务", True),
    ("duty_escalation_grace_working_days", 2, "working_days", "逾期事项提交督导前的宽限工作日",
     "同行默认值，由司法局设定", False),
    ("duty_max_snooze_days", 30, "days", "待办事项最长暂缓天数", "同行默认值，由司法局设定", False),
    ("reprimands_before_warning", 2, "times", "训诫后仍不改正、建议警告的训诫次数", "社区矫正法实施办法第34、35条", True),
    ("warnings_before_revocation", 2, "times", "警告后仍不改正、建议提请撤销的警告次数", "社区矫正法实施办法第46条", True),
    ("leave_office_max_days", 7, "days", "司法所可批准的外出天数上限（受委托时）", "社区矫正法第27条；实施办法", True),
    ("leave_county_max_days", 30, "days", "县级社区矫正机构一次批准的外出天数上限", "社区矫正法第27条；实施办法", True),
    ("leave_two_month_total_days", 30, "days", "两个月内累计外出超过此数须报上一级批准", "社区矫正法实施办法", True),
    ("leave_apply_days_ahead", 3, "days", "外出申请应提前的天数", "社区矫正法实施办法", True),
    ("monitoring_max_months", 3, "months", "电子定位每次期限上限", "社区矫正法第29条", False),
    ("monitoring_review_days_before_end", 7, "days", "电子定位期满前复查的提前天数", "同行默认值", False),
    ("late_check_in_warning_days", 10, "days", "逾期报到超过此天数给予警告（以内训诫）", "社区矫正法实施办法第34、35条", True),
    ("late_check_in_revocation_months", 1, "months", "逾期报到超过此月数提请撤销", "社区矫正法实施办法第46条", True),
    ("resettlement_months_after_prison", 60, "months", "刑满释放人员安置帮教期限（5年）", "安置帮教工作规定；各地不同", True),
    ("resettlement_months_after_correction", 36, "months", "解除社区矫正人员安置帮教期限（3年）",
     "安置帮教工作规定；部分省份为5年", True),
    ("release_notice_check_days", 30, "days", "监狱在释放前发出通知的提前天数；司法所在此期间核实衔接信息", "1999年衔接通知；地方规定",
     True),
    ("medical_reexam_months", 3, "months", "暂予监外执行（保外就医）对象医院复查间隔", "社区矫正法实施办法", True),
    ("medical_health_report_months", 1, "months", "暂予监外执行对象病情报告间隔", "社区矫正法实施办法", True),
    ("juvenile_record_seal_days", 3, "days", "未成年人犯罪记录封存期限（刑期五年以下）", "刑事诉讼法第286条；社区矫正法第54条",
     False),
    ("initial_strict_months", 2, "months", "入矫初期严管期", "省级分类管理规定", True),
    ("report_interval_days_strict", 7, "days", "严管对象报告间隔", "省级分类管理规定", True),
    ("report_interval_days_normal", 30, "days", "普管对象报告间隔", "省级分类管理规定", True),
    ("report_interval_days_lenient", 60, "days", "宽管对象报告间隔", "省级分类管理规定", True),
    ("strict_after_reprimands", 2, "times", "训诫达到此次数时适用严管", "省级分类管理规定", True),
    ("months_at_level_before_lighter", 2, "months", "调整为较宽管理等级前在本等级的最短月数（其间无训诫、警告）",
     "省级分类管理规定", True),
    ("ruling_notice_days", 5, "days", "判决、裁定生效后决定机关通知执行地县级社区矫正机构的期限", "社区矫正法第20条", False),
    ("ruling_documents_days", 10, "days", "判决、裁定生效后决定机关送达法律文书的期限", "社区矫正法第20条", False),
    ("relocation_apply_months_ahead", 1, "months", "变更执行地应提前提出申请的月数", "社区矫正法第27条；实施办法第30条",
     True),
    ("relocation_request_days", 5, "days", "收到变更执行地申请后书面征求新执行地意见的期限", "社区矫正法实施办法第30条",
     True),
    ("relocation_reply_days", 5, "days", "新执行地核实并书面回复的期限", "社区矫正法实施办法第30条", True),
    ("relocation_files_days", 5, "days", "决定变更后移交法律文书和档案的期限", "社区矫正法实施办法第31条", True),
    ("relocation_report_days", 7, "days", "决定变更后到新执行地报到的期限", "社区矫正法实施办法第31条", True),
    ("revocation_arrest_decision_hours", 48, "hours", "提请逮捕后人民法院作出是否逮捕决定的期限", "社区矫正法第47、48条",
     False),
    ("revocation_custody_max_days", 30, "days", "提请撤销期间被逮捕的羁押期限上限", "社区矫正法第47、48条", False),
    ("revocation_ruling_days", 30, "days", "人民法院收到撤销建议后作出裁定的期限", "社区矫正法第46至48条", False),
    ("education_hours_month_strict", 10, "hours", "严管对象每月教育学习小时数", "省级分类管理规定；社区矫正法第36条", True),
    ("education_hours_month_normal", 8, "hours", "普管对象每月教育学习小时数", "省级分类管理规定；社区矫正法第36条", True),
    ("education_hours_month_lenient", 6, "hours", "宽管对象每月教育学习小时数", "省级分类管理规定；社区矫正法第36条", True),
    ("community_service_hours_month_strict", 10, "hours", "严管对象每月公益活动小时数",
     "省级分类管理规定；社区矫正法第42条", True),
    ("community_service_hours_month_normal", 8, "hours", "普管对象每月公益活动小时数",
     "省级分类管理规定；社区矫正法第42条", True),
    ("community_service_hours_month_lenient", 6, "hours", "宽管对象每月公益活动小时数",
     "省级分类管理规定；社区矫正法第42条", True),
    ("resettlement_half_year_return_days", 2, "days", "安置帮教半年报表在6月30日后报送的天数（7月2日前）",
     "广东安置帮教统计实务；各地不同", True),
    ("resettlement_annual_return_days", 33, "days", "安置帮教年报在12月31日后报送的天数（2月2日前）",
     "广东安置帮教统计实务；各地不同", True),
    ("incident_conference_working_days", 3, "working_days", "发生危机事件后召开个案讨论会的期限",
     "同行默认值，由司法局设定；种子文档篇一", False),
    ("referral_follow_up_days", 7, "days", "转介后跟进接收机构反馈的间隔", "同行默认值，由司法局设定", False),
]

FIRST_LIBRARY_YEAR = 2024  # older deadlines are history; the library knows years from 2004


def ensure_legal_time_limits(model) -> None:
    """Create missing rows; existing rows (perhaps edited) are left alone."""
    for key, value, unit, description, source, verify in LEGAL_TIME_LIMITS:
        model.objects.get_or_create(key=key, area=None, defaults={
            "value": value, "unit": unit, "description": description, "source": source,
            "needs_verification": verify})


def load_library_years(year_model, exception_model) -> None:
    """Seed the calendar from the chinese-calendar package for the years it knows (it stops at its last release)."""
    import datetime as dt

    import chinese_calendar

    for year in range(FIRST_LIBRARY_YEAR, dt.date.today().year + 2):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            break
        if year_model.objects.filter(year=year).exists():
            continue
        for day, name in chinese_calendar.holidays.items():
            if day.year == year and day.weekday() < 5:
                exception_model.objects.update_or_create(day=day, defaults={"is_workday": False, "name": str(name)})
        for day, name in chinese_calendar.workdays.items():
            if day.year == year and day.weekday() >= 5:
                exception_model.objects.update_or_create(day=day, defaults={"is_workday": True, "name": str(name)})
        year_model.objects.create(year=year, source=f"国务院办公厅节假日安排（chinese-calendar {chinese_calendar.__version__}）")
