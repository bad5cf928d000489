"""Demo cases: in every district, cases in every stage, driven through the real services; and 小宇's case told as
the seed tells it (篇一), under protocol A (篇二 一)."""

import datetime as dt

from django.utils import timezone

from casework import services
from casework.models import (
    ApprovalKind, ApprovalStatus, Assessment, Case, Stage, StageChange, StepDone, SupervisorOpinion,
)
from people.models import Person

STAGE_ORDER = [Stage.INTAKE, Stage.ASSESSMENT, Stage.OPENING_REQUESTED, Stage.OPEN, Stage.INTERVENTION,
               Stage.REVIEW, Stage.CLOSED, Stage.STOPPED]


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def contact(case, worker, day: dt.date, minutes: int, **data):
    start = moment(day, data.pop("hour", 10))
    return services.contact_record(actor=worker, case=case, data={
        "mode": "office", "met": "person", "started_at": start, "ended_at": start + dt.timedelta(minutes=minutes),
        **data})


def _approve(case, kind, supervisor, note="同意"):
    approval = case.approvals.get(kind=kind, status=ApprovalStatus.PENDING)
    services.approval_decide(actor=supervisor, approval=approval, approve=True, note=note)


def drive(case: Case, target: str, worker, supervisor, start: dt.date) -> Case:
    """Take a case from intake to `target` the way a worker and supervisor would."""
    day = start
    if target == Stage.INTAKE:
        return case
    if target == Stage.STOPPED:
        for n, met in enumerate(["family_only", "nobody", "person"]):
            contact(case, worker, day + dt.timedelta(days=7 * n), 20, mode="home_visit", met=met,
                    left_card=met != "person", left_leaflet=met != "person", process_note="服务对象态度冷淡")
        services.case_act(actor=worker, case=case, action="request_stop", reason="多次接触后仍强烈抗拒，社工不是万能的")
        _approve(case, ApprovalKind.STOP, supervisor, "同意暂停，保持联系渠道")
        return case
    contact(case, worker, day, 25, process_note="初次面谈：介绍社工及工作内容，了解近况", outcome="愿意接受家访")
    services.case_act(actor=worker, case=case, action="begin_assessment")
    if target == Stage.ASSESSMENT:
        return case
    services.assessment_record(actor=worker, case=case, data={
        "main_problems": "就业不稳定，家庭关系紧张", "analysis": "有改变意愿，家属支持一般", "resources": "社区就业服务、亲属"})
    services.supervisor_opinion_record(actor=supervisor, case=case, opinion="同意申请开案")
    services.case_act(actor=worker, case=case, action="request_opening", reason="符合开案条件")
    if target == Stage.OPENING_REQUESTED:
        return case
    _approve(case, ApprovalKind.OPENING, supervisor, "同意开案")
    if target == Stage.OPEN:
        return case
    services.agreement_sign(actor=worker, case=case, signed_on=day + dt.timedelta(days=14), terms="每两周面谈一次，按时报到")
    services.plan_draft_save(actor=worker, case=case, goals=[
        {"text": "稳定就业", "tasks": [{"text": "转介社区就业服务", "owner": worker}]},
        {"text": "改善家庭沟通", "tasks": [{"text": "家庭会谈", "owner": worker}]}], review_on=day + dt.timedelta(days=90))
    services.plan_submit(actor=worker, case=case)
    _approve(case, ApprovalKind.PLAN, supervisor)
    services.case_act(actor=worker, case=case, action="start_intervention")
    contact(case, worker, day + dt.timedelta(days=21), 50, process_note="第二次面谈：讨论求职计划")
    if target == Stage.INTERVENTION:
        return case
    services.case_act(actor=worker, case=case, action="start_review")
    if target == Stage.REVIEW:
        return case
    services.case_act(actor=worker, case=case, action="request_closing", reason="服务目标基本达成")
    _approve(case, ApprovalKind.CLOSING, supervisor, "同意结案")
    return case


def demo_cases(d, *, today: dt.date) -> None:
    """One case in every stage for the district's main serving organisation."""
    if d.model == "shanghai":
        workers = [d.users["social"], d.users["social2"]]
    elif d.model == "beijing":
        workers = [d.users["officer"]]
    else:
        workers = [d.users["community"]]
    supervisor = d.users["supervisor"]
    people = [p for p in Person.objects.filter(owner__in=workers, pseudonym="").order_by("pk")
              if not p.cases.exists()]
    for n, (person, target) in enumerate(zip(people, STAGE_ORDER)):
        enrolment = person.enrolments.filter(status="active").first()
        case = services.case_open(actor=person.owner, person=person, population=enrolment.population)
        drive(case, target, person.owner, supervisor, start=today - dt.timedelta(days=120 - 10 * n))


def xiaoyu_case(d, person: Person, *, today: dt.date) -> Case:
    """小宇: 缓刑 from June 2025, protocol A, now in intervention; contacts and plan as the seed describes."""
    worker, supervisor, community = d.users["social"], d.users["supervisor"], d.users["community"]
    case = services.case_open(actor=worker, person=person, population="correction", reason="司法所移交，缓刑人员")
    step1 = case.protocol.steps.get(order=1)
    contact(case, worker, dt.date(2025, 6, 20), 28, place="湖南路街道司法所", agenda_covered=step1.agenda,
            process_note="在司法所初次面谈。介绍社工及工作内容；小宇话少，对家人有怨气，称父母只会责骂。",
            outcome="同意社工家访", next_step="约定家访时间")
    contact(case, worker, dt.date(2025, 7, 2), 45, mode="home_visit", met="person", family_present=True,
            accompanied_by=community, participants="小宇、母亲、社区工作者", place="家中",
            process_note="家访：父亲加班未在家；母亲表示管教困难。小宇常与同龄朋友夜不归宿。", next_step="整理预估")
    services.case_act(actor=worker, case=case, action="begin_assessment")
    services.assessment_record(actor=worker, case=case, data={
        "main_problems": "心智发展尚未成熟；受“无良朋辈”影响；家庭教育不当，得不到家人关注和认可；失学在家",
        "analysis": "自我价值感低，与父母沟通以冲突为主；对初中班主任仍较信任，可作为支持资源",
        "resources": "母亲愿意配合；初中班主任；社区青少年活动", "initial_plan": "建立信任关系，改善家庭沟通，逐步脱离不良朋辈"})
    services.supervisor_opinion_record(actor=supervisor, case=case, opinion="同意开案。注意青春期特点，坚持“不抛弃、不放弃”。")
    services.case_act(actor=worker, case=case, action="request_opening", reason="缓刑期间状态低迷反复，需专业介入")
    _approve(case, ApprovalKind.OPENING, supervisor, "同意开案")
    services.agreement_sign(actor=worker, case=case, signed_on=dt.date(2025, 7, 20),
                            terms="每两周面谈一次（司法所或家中），每周电话联系；小宇按时报到，参加社区服务。")
    services.plan_draft_save(actor=worker, case=case, goals=[
        {"text": "重塑自信，树立正确的人生观、世界观", "tasks": [{"text": "每两周个别辅导", "owner": worker}]},
        {"text": "改善与父母的沟通方式", "tasks": [{"text": "家庭会谈，邀请父亲参加", "owner": worker},
                                               {"text": "母亲每周记录一次与小宇的谈话", "owner_note": "母亲"}]},
        {"text": "远离“无良朋辈”，建立正向朋辈关系", "tasks": [{"text": "参加社区青少年志愿活动", "owner_note": "本人"}]},
    ], review_on=dt.date(2025, 10, 20))
    services.plan_submit(actor=worker, case=case)
    _approve(case, ApprovalKind.PLAN, supervisor)
    services.case_act(actor=worker, case=case, action="start_intervention")
    services.meeting_arrangement_set(actor=worker, case=case, every_days=14, mode="office", place="湖南路街道司法所")
    contact(case, worker, dt.date(2025, 8, 5), 55, place="湖南路街道司法所", process_note="讨论与父亲的冲突，练习表达需要。")
    contact(case, worker, dt.date(2025, 8, 19), 45, mode="phone", place="", process_note="电话联系，情绪平稳。")
    # The seed's story happened over months; the demo (only) dates the stage records as they would have been.
    dates = {"open_intake": dt.date(2025, 6, 18), "begin_assessment": dt.date(2025, 7, 3),
             "request_opening": dt.date(2025, 7, 10), "approve_opening": dt.date(2025, 7, 12),
             "start_intervention": dt.date(2025, 7, 25)}
    for action, day in dates.items():
        StageChange.objects.filter(case=case, action=action).update(at=moment(day, 16))
    for step in case.steps_done.select_related("step"):
        day = [dt.date(2025, 6, 20), dt.date(2025, 7, 2), dt.date(2025, 7, 8), dt.date(2025, 7, 10),
               dt.date(2025, 7, 12), dt.date(2025, 7, 25)][step.step.order - 1]
        StepDone.objects.filter(pk=step.pk).update(at=moment(day, 17))
    Assessment.objects.filter(case=case).update(at=moment(dt.date(2025, 7, 8), 15))
    SupervisorOpinion.objects.filter(case=case).update(at=moment(dt.date(2025, 7, 9), 15))
    case.approvals.filter(kind=ApprovalKind.OPENING).update(requested_at=moment(dt.date(2025, 7, 10), 15),
                                                            decided_at=moment(dt.date(2025, 7, 12), 15))
    case.approvals.filter(kind=ApprovalKind.PLAN).update(requested_at=moment(dt.date(2025, 7, 18), 15),
                                                         decided_at=moment(dt.date(2025, 7, 22), 15))
    case.plan_versions.update(created_at=moment(dt.date(2025, 7, 18), 14), approved_at=moment(dt.date(2025, 7, 22), 15))
    last = StageChange.objects.filter(case=case).order_by("-at").first()
    Case.objects.filter(pk=case.pk).update(stage_since=last.at, opened_at=moment(dates["approve_opening"], 16))
    return case


def crisis_demo(d, *, today: dt.date) -> None:
    """A relapse in the Shanghai drug-rehabilitation work (not 小宇, whose story the tests tell afresh): the incident,
    a conference with a doctor as external participant, its decisions, and a referral under way."""
    from conferences.services import conference_hold, conference_schedule
    from duties.services import duty_complete
    from incidents.services import incident_record
    from referrals.models import Resource
    from referrals.services import referral_send, referral_update
    from risk.services import screening_record

    worker, officer = d.users["drug_social"], d.users["officer"]
    person = next((p for p in Person.objects.filter(owner=worker, enrolments__population="drug",
                                                     enrolments__status="active", pseudonym="").order_by("pk")
                   if officer.has_perm("people.view_person", p)), None)
    if person is None:
        return
    case = person.cases.filter(owner=worker).first() or services.case_open(actor=worker, person=person,
                                                                           population="drug")
    day = today - dt.timedelta(days=20)
    from risk.models import ScreeningItem

    concerns = {"ch_prior": (1, "曾因吸毒被行政拘留"), "sub_use": (2, "吸毒史五年"), "asc_peers": (1, "仍与吸毒朋友联系"),
                "sw_status": (1, "打零工"), "emo_distress": (1, "自述压力大")}
    screening_record(actor=worker, person=person, done_on=day - dt.timedelta(days=30), note="入组筛查", answers={
        code: concerns.get(code, (0, "")) for code in ScreeningItem.objects.filter(is_active=True)
        .values_list("code", flat=True)})
    incident = incident_record(actor=worker, person=person, case=case, kind="relapse", place="出租屋",
                               occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0))),
                               description="尿检阳性，自述与旧友聚会时复吸。", immediate_actions="谈话了解情况，报告督导和禁毒办。")
    conference, _warnings = conference_schedule(
        actor=worker, person=person, case=case, incident=incident, place="街道社区戒毒康复工作站",
        scheduled_for=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=2), dt.time(9, 30))),
        staff=[officer], externals=[{"name": "许医生", "profession": "成瘾科医生",
                                                 "organisation": f"{d.areas['district'].name}精神卫生中心"}])
    conference_hold(actor=worker, conference=conference, held_on=day + dt.timedelta(days=2),
                    background="社区戒毒第二年，复吸一次。", service_so_far="每周面谈，每月尿检。",
                    analyses={"peers": "旧友是复吸的直接诱因。", "family_structure": "独居，家庭支持弱。"},
                    recommendations="增加尿检频次，转介就业，修复与姐姐的联系。",
                    decisions=[{"text": "每周尿检一次，持续三个月", "owner": worker, "due_on": day + dt.timedelta(days=9)},
                               {"text": "协调禁毒办加强社区随访", "owner": officer, "due_on": today + dt.timedelta(days=10)}])
    duty_complete(key=f"decision:{conference.decisions.order_by('due_on').first().pk}", note="已落实")
    services.consent_record(actor=worker, person=person, kind="sharing", given=True, given_by="本人",
                            method="written", on=day + dt.timedelta(days=2), case=case)
    employment = Resource.objects.filter(kind="employment", areas=d.areas["district"]).first()
    referral = referral_send(actor=worker, case=case, resource=employment, reason="稳定就业，远离旧友圈",
                             sent_on=day + dt.timedelta(days=3), incident=incident)
    referral_update(actor=worker, referral=referral, on=day + dt.timedelta(days=6), status="accepted",
                    note="已安排职业指导", from_agency=True)


def volunteers_demo(d, *, today: dt.date) -> None:
    """The Hangzhou model's volunteers: the registry, a training, a supervision session and a task on a case."""
    from faker import Faker

    from volunteers.services import supervision_record, training_record, volunteer_save

    fake = Faker("zh_CN")
    fake.seed_instance(6)  # its own sequence, so the rest of the demo stays as it was
    supervisor = d.users["supervisor"]
    skills = ["心理咨询", "法律咨询", "学业辅导", "就业指导"]
    volunteers = []
    for n, skill in enumerate(skills):
        volunteers.append(volunteer_save(actor=supervisor, data={
            "name": d.users["volunteer"].display_name if n == 0 else fake.name(), "skills": skill,
            "availability": ["周末上午", "工作日晚上", "周六全天", "周日下午"][n], "area": supervisor.organisation.area,
            "joined_on": today - dt.timedelta(days=200 - 30 * n), "phone": fake.phone_number(),
            "user": d.users["volunteer"] if n == 0 else None}))
    training_record(actor=supervisor, title="社区矫正志愿者岗前培训", held_on=today - dt.timedelta(days=60), hours=4,
                    trainer="区司法局", attendees=volunteers)
    training_record(actor=supervisor, title="与青少年沟通的技巧", held_on=today - dt.timedelta(days=20), hours=2.5,
                    trainer="区青少年心理咨询中心", attendees=volunteers[:2])
    supervision_record(actor=supervisor, held_on=today - dt.timedelta(days=10), volunteers=volunteers[:3],
                       topic="家访中的边界与保密", notes="讨论家访时如何回应家属的求助，明确转介给社工的情形。",
                       follow_up="下次督导前各自整理一次家访记录。")
