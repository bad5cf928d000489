"""The seed's first part as one story: 小宇's suicide attempt, the alerts, the case conference with a doctor and a
psychologist, three decisions in three day lists, and referrals to counselling and the drug office to the end."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.services import consent_record
from conferences import services as conferences
from conferences.brief import conference_brief, document_text
from duties import workdays
from duties.models import Duty, Notification
from incidents.services import incident_record
from orgs.models import Area
from referrals import services as referrals
from risk.selectors import current_flag


@pytest.fixture
def world(staff, xiaoyu):
    worker, supervisor, officer = staff("sh_social"), staff("sh_supervisor"), staff("sh_officer")
    district = xiaoyu.area.district()
    counselling = referrals.resource_save(actor=supervisor, areas=[district], data={
        "name": "区青少年心理咨询中心", "kind": "counselling", "services": "个体心理咨询、家庭治疗"})
    drug_office = referrals.resource_save(actor=supervisor, areas=[Area.objects.get(pk=district.pk)], data={
        "name": "区禁毒办社区戒毒康复指导站", "kind": "drug_office", "services": "毒品预防教育、尿检"})
    return worker, supervisor, officer, counselling, drug_office


def test_xiaoyu_from_the_attempt_to_the_closed_referrals(world, xiaoyu, staff):
    worker, supervisor, officer, counselling, drug_office = world
    case = xiaoyu.cases.filter(owner=worker).first()
    when = timezone.make_aware(dt.datetime(2026, 11, 26, 22, 30))  # a Thursday evening
    before = timezone.now()

    incident = incident_record(actor=worker, person=xiaoyu, case=case, kind="suicide_attempt", occurred_at=when,
                               place="某招待所", description="与数名同龄人相约割脉、服用毒鼠强，自杀未遂，已送医。",
                               immediate_actions="陪同就医，通知家属，报告督导和司法所。")
    flag = current_flag(person=xiaoyu)
    assert flag.level == "high" and flag.origin == "incident"
    alerted = set(Notification.objects.filter(created_at__gte=before, text__contains="小宇", url=incident.get_absolute_url())
                  .values_list("user__username", flat=True))
    assert alerted == {"sh_social", "sh_supervisor", "sh_officer"}
    duty = Duty.objects.get(dedupe_key=f"conference:{incident.pk}")
    assert duty.due_on == workdays.add_working_days(dt.date(2026, 11, 26), 3) == dt.date(2026, 12, 1)
    assert duty.owner == worker and duty.status == "open"

    conference, warnings = conferences.conference_schedule(
        actor=worker, person=xiaoyu, scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 28, 9, 30)),
        place="街道司法所会议室", staff=[supervisor, officer], incident=incident, case=case,
        externals=[{"name": "周医生", "profession": "精神科医生", "organisation": "区精神卫生中心"},
                   {"name": "吴老师", "profession": "心理咨询师", "organisation": "区青少年心理咨询中心"}])
    assert warnings == []
    assert conference.participants.filter(user__isnull=True).count() == 2
    due = timezone.localdate() + dt.timedelta(days=14)
    conferences.conference_hold(
        actor=worker, conference=conference, held_on=dt.date(2026, 11, 28),
        background="小宇因抢劫罪被判处有期徒刑2年，缓刑3年，矫正期间情绪低落。",
        service_so_far="接案以来每周面谈一次，家访两次。",
        analyses={"self_worth": "自我价值感低，认为自己“没有用”。",
                  "family_communication": "父亲以责骂为主，缺少关注和认可。",
                  "identity_crisis": "身份认同危机：“矫正对象”的标签。"},
        recommendations="整合心理治疗与家庭社会工作资源，创造面谈条件。",
        decisions=[{"text": "每周两次面谈并评估自杀风险", "owner": worker, "due_on": due},
                   {"text": "安排专业督导跟进个案", "owner": supervisor, "due_on": due},
                   {"text": "协调禁毒办开展预防教育", "owner": officer, "due_on": due}])
    assert Duty.objects.get(dedupe_key=f"conference:{incident.pk}").status == "done"
    decision_duties = Duty.objects.filter(kind="conference_decision", person=xiaoyu, status="open")
    assert {d.owner.username for d in decision_duties} == {"sh_social", "sh_supervisor", "sh_officer"}

    consent_record(actor=worker, person=xiaoyu, kind="sharing", given=True, given_by="小宇及其母亲",
                   method="written", on=dt.date(2026, 11, 27), case=case)
    today = timezone.localdate()
    for resource in (counselling, drug_office):
        referral = referrals.referral_send(actor=worker, case=case, resource=resource, reason="自杀未遂后的专业介入",
                                           incident=incident)
        assert Duty.objects.filter(kind="referral_follow_up", status="open",
                                   dedupe_key__startswith=f"referral:{referral.pk}:").count() == 1
        for status, note in (("accepted", "已接收"), ("in_progress", "已开展三次咨询"), ("completed", "服务完成")):
            referrals.referral_update(actor=worker, referral=referral, on=today, status=status, note=note,
                                      from_agency=True)
        referral.refresh_from_db()
        assert referral.status == "completed" and referral.closed_on == today
        assert not Duty.objects.filter(kind="referral_follow_up", status="open",
                                       dedupe_key__startswith=f"referral:{referral.pk}:").exists()

    conference.refresh_from_db()
    text = document_text(conference_brief(conference))
    training = document_text(conference_brief(conference, training=True))
    assert "小宇" in training and "2026年" not in training and "sh_" not in training
    assert "小宇" in text and "自我价值感低" in text
    for secret in [xiaoyu.full_name, xiaoyu.id_number, xiaoyu.phone, xiaoyu.residence_address,
                   xiaoyu.household_address, *[m.name for m in xiaoyu.supporters.all()],
                   *[m.phone for m in xiaoyu.supporters.all()], f"{xiaoyu.birth_date:%Y年%-m月%-d日}"]:
        assert not secret or secret not in text, secret
