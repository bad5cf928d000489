"""Default configuration rows for casework: the seed's practice rules and its two intake protocols (篇二).

Loaded by a migration on every new database; administrators adapt them per district afterwards.
"""

SEED_NOTE_1 = "seed 篇二 三、备注1：初次面谈30分钟以内；第二次45—60分钟"
SEED_NOTE_3 = "seed 篇二 三、备注3：家访数次都不能与服务对象见面，前期服务重点放在家属身上"
SEED_NOTE_4 = "seed 篇二 三、备注4：社工接触几次后如果感觉不能继续开展服务，可以选择放弃"
PLAN_NOTE = "同行默认值（工作计划目标），由区司法局设定"

PRACTICE_RULES = [
    # key, value, unit, description, source
    ("first_interview_max_minutes", 30, "minutes", "初次面谈时长上限", SEED_NOTE_1),
    ("second_interview_min_minutes", 45, "minutes", "第二次面谈时长下限", SEED_NOTE_1),
    ("second_interview_max_minutes", 60, "minutes", "第二次面谈时长上限", SEED_NOTE_1),
    ("home_visits_before_family_focus", 3, "visits", "未见到服务对象的家访次数达到此数时建议转向家属工作", SEED_NOTE_3),
    ("contacts_before_stopping", 3, "contacts", "提出放弃（抗拒性案主）前至少的接触次数", SEED_NOTE_4),
    ("plan_home_visits_per_person_month", 1, "visits", "工作计划：每名服务对象每月家访次数目标", PLAN_NOTE),
    ("plan_conferences_per_quarter", 1, "conferences", "工作计划：每季度计划召开的个案讨论会（另加每名高风险对象一次）",
     PLAN_NOTE),
    ("plan_volunteer_trainings_per_year", 4, "trainings", "工作计划：每年志愿者培训次数目标", PLAN_NOTE),
]

SEED_PART_2_1 = "seed 篇二 一、社区矫正对象社工初期介入计划（预计第一次面谈地点在司法所）"
SEED_PART_2_2 = "seed 篇二 二、安置帮教对象社工初期介入计划（预计第一次面谈地点在服务对象家中）"

AGENDA_A = [
    "介绍社工自身及工作内容，互相认识",
    "了解服务对象现今生活及工作、家庭等情况",
    "了解其现今生活中面对的问题，有何疑惑等",
    "询问可否家访",
    "其他与了解服务对象有关的话题",
]

PROTOCOLS = {
    "A": {
        "name": "社区矫正对象社工初期介入计划",
        "first_meeting_place": "司法所",
        "source": SEED_PART_2_1,
        "steps": [
            # title, completed by, agenda, note required, guidance
            ("在司法所进行第一次面谈", "first_interview", AGENDA_A, False, "初次面谈30分钟以内。"),
            ("家访（服务对象同意时）", "first_home_visit", [], False, "第一次面谈时询问可否家访。"),
            ("分析评估，寻找资源", "assessment", [], False, ""),
            ("征求督导意见，向机构申请开案", "opening_requested", [], False, ""),
            ("个案申请获得通过", "opening_approved", [], False, ""),
            ("签订协议，制定服务计划，社工正式介入", "agreement_and_plan", [], False, ""),
        ],
    },
    "B": {
        "name": "安置帮教对象社工初期介入计划",
        "first_meeting_place": "服务对象家中",
        "source": SEED_PART_2_2,
        "steps": [
            ("制定初次家访计划：了解基本信息（司法所所有），制定访谈提纲", "manual",
             ["目前基本情况", "目前面对的主要问题或心理困惑", "家庭与社会支持", "就业与生活来源"], True,
             "在备注中写下访谈提纲。"),
            ("初次家访（一般由社区人员带领），了解服务对象目前基本情况", "first_home_visit", [], False,
             "服务对象可能不在家：留下名片或联系方式和宣传单张，请家属转告。"),
            ("了解服务对象目前所面对的主要问题或心理困惑", "manual", [], False, ""),
            ("分析评估，寻找资源，制定初步帮教计划", "assessment", [], False, ""),
            ("二次家访，进一步了解其情况", "second_home_visit", [], False, "第二次面谈45—60分钟。"),
            ("征求督导意见，向机构申请开案", "supervisor_opinion", [], False, "督导意见记录后即可申请开案。"),
            ("个案申请获得通过", "opening_approved", [], False, ""),
            ("与其签订协议，制定服务计划，社工正式介入", "agreement_and_plan", [], False, ""),
        ],
    },
}


def ensure_practice_rules(practice_rule_model) -> None:
    for key, value, unit, description, source in PRACTICE_RULES:
        practice_rule_model.objects.get_or_create(key=key, area=None, defaults={
            "value": value, "unit": unit, "description": description, "source": source})


def ensure_protocols(protocol_model, step_model) -> None:
    for code, spec in PROTOCOLS.items():
        protocol, created = protocol_model.objects.get_or_create(code=code, defaults={
            "name": spec["name"], "first_meeting_place": spec["first_meeting_place"], "source": spec["source"]})
        if not created:
            continue  # an office may have adapted it
        for order, (title, completed_by, agenda, note_required, guidance) in enumerate(spec["steps"], start=1):
            step_model.objects.create(protocol=protocol, order=order, title=title, completed_by=completed_by,
                                      agenda=agenda, note_required=note_required, guidance=guidance)
