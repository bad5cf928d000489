"""Synthetic demo data: three districts, one per organising model, staff of every role, ~30 people each.

Everything is made up (Faker zh_CN with a fixed seed), including 小宇(化名) from the seed. Writes go through the
same services as the application, so the demo also has a realistic audit trail.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from casework.defaults import ensure_practice_rules, ensure_protocols
from casework.models import PracticeRule, Protocol, ProtocolStep
from conferences.defaults import ensure_dimensions
from conferences.models import AnalysisDimension
from demo.cases import crisis_demo, demo_cases, volunteers_demo, xiaoyu_case
from duties.defaults import ensure_legal_time_limits, load_library_years
from duties.models import CalendarException, CalendarYear, LegalTimeLimit, Notification
from duties.services import duty_complete
from orgs.defaults import ensure_service_rules
from orgs.models import Area, AreaLevel, OrganisationKind, ServiceRule, WorkModel
from orgs.services import area_create, organisation_create, team_create
from people import idnumbers
from people.models import Person
from people.populations import Population
from referrals.services import resource_save
from risk.defaults import ensure_screen
from risk.models import RiskBand, ScreeningItem
from people.services import (
    assignment_add, check_in_record, enrolment_add, enrolment_end, person_create, support_member_save,
)

DEMO_PASSWORD = "tongxing-demo"
# Dates are relative to this day so the demo looks the same whenever it is loaded.
TODAY = dt.date(2026, 11, 1)

OFFENCES = ["盗窃罪", "危险驾驶罪", "诈骗罪", "故意伤害罪", "寻衅滋事罪", "交通肇事罪", "开设赌场罪", "帮助信息网络犯罪活动罪"]
PRISONS = {"310000": ["上海市提篮桥监狱", "上海市青浦监狱"], "110000": ["北京市监狱", "北京市第二监狱"],
           "330000": ["浙江省第一监狱", "浙江省乔司监狱"]}


@dataclass
class District:
    province: tuple[str, str]
    city: tuple[str, str]
    district: tuple[str, str]
    streets: list[tuple[str, str]]
    model: str
    prefix: str  # login prefix
    court: str
    neighbourhoods: list[str]
    areas: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


DISTRICTS = [
    District(("310000", "上海市"), ("310100", "市辖区"), ("310104", "徐汇区"),
             [("310104001", "湖南路街道"), ("310104002", "天平路街道")], WorkModel.SHANGHAI, "sh",
             "上海市徐汇区人民法院", ["湖南路街道永嘉居委会", "天平路街道宛平居委会"]),
    District(("110000", "北京市"), ("110100", "市辖区"), ("110101", "东城区"),
             [("110101001", "东华门街道"), ("110101002", "景山街道")], WorkModel.BEIJING, "bj",
             "北京市东城区人民法院", ["东华门街道多福巷社区居委会", "景山街道吉祥社区居委会"]),
    District(("330000", "浙江省"), ("330100", "杭州市"), ("330102", "上城区"),
             [("330102001", "小营街道"), ("330102002", "湖滨街道")], WorkModel.HANGZHOU, "hz",
             "杭州市上城区人民法院", ["小营街道小营巷社区居委会", "湖滨街道东坡路社区居委会"]),
]


def demo_loaded() -> bool:
    return User.objects.filter(username="sh_social").exists()


def _area(code, name, level, parent=None, work_model=""):
    existing = Area.objects.filter(code=code).first()
    return existing or area_create(actor=None, code=code, name=name, level=level, parent=parent, work_model=work_model)


def person_name(fake: Faker, sex: str) -> str:
    """Faker's zh_CN name_male/name_female mix the sexes; its given-name lists per sex do not."""
    return fake.last_name() + (fake.first_name_male() if sex == "M" else fake.first_name_female())


def _user(d: District, key: str, role: str, org, team=None, fake: Faker | None = None, heads_office=False) -> User:
    username = f"{d.prefix}_{key}"
    user = user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, organisation=org, team=team,
                       full_name=fake.name(), heads_office=heads_office)
    d.users[key] = user
    return user


def _build_structure(d: District, fake: Faker) -> None:
    province = _area(*d.province, AreaLevel.PROVINCE)
    city = _area(*d.city, AreaLevel.CITY, province)
    district = _area(*d.district, AreaLevel.DISTRICT, city, work_model=d.model)
    d.areas["district"] = district
    d.areas["streets"] = [_area(code, name, AreaLevel.STREET, district) for code, name in d.streets]
    dname = district.name

    bureau = organisation_create(actor=None, name=f"{dname}司法局", kind=OrganisationKind.BUREAU, area=district,
                                 phone=fake.phone_number(), address=f"{dname}{fake.street_name()}{fake.random_int(1, 400)}号")
    d.orgs["bureau"] = bureau
    d.orgs["offices"] = [organisation_create(actor=None, name=f"{street.name}司法所", kind=OrganisationKind.JUDICIAL_OFFICE,
                                             area=street, parent=bureau, phone=fake.phone_number())
                         for street in d.areas["streets"]]
    d.orgs["neighbourhoods"] = [organisation_create(
        actor=None, name=name, kind=OrganisationKind.NEIGHBOURHOOD, area=street, parent=None,
        populations=[Population.YOUTH] if d.model == WorkModel.HANGZHOU else [])
        for name, street in zip(d.neighbourhoods, d.areas["streets"])]
    d.orgs["hospital"] = organisation_create(actor=None, name=f"{dname}精神卫生中心", kind=OrganisationKind.HOSPITAL,
                                             area=district)
    d.orgs["counselling"] = organisation_create(actor=None, name=f"{dname}心理咨询服务中心",
                                                kind=OrganisationKind.COUNSELLING, area=district)
    d.orgs["drug_office"] = organisation_create(actor=None, name=f"{dname}禁毒办公室", kind=OrganisationKind.DRUG_OFFICE,
                                                area=district)
    d.orgs["school"] = organisation_create(actor=None, name=f"{dname}第三中学", kind=OrganisationKind.SCHOOL, area=district)

    office = d.orgs["offices"][0]
    if d.model == WorkModel.SHANGHAI:
        # One NGO centre per population, bought by the bureau (seed 篇一 1).
        centres = {
            "xinhang": (f"{dname}新航社区矫治工作站", [Population.CORRECTION, Population.RESETTLEMENT]),
            "yangguang": (f"{dname}阳光社区青少年工作站", [Population.YOUTH]),
            "ziqiang": (f"{dname}自强社区戒毒工作站", [Population.DRUG]),
        }
        for key, (name, pops) in centres.items():
            d.orgs[key] = organisation_create(actor=None, name=name, kind=OrganisationKind.NGO_CENTRE, area=district,
                                              parent=bureau, populations=pops)
        team = team_create(actor=None, organisation=d.orgs["xinhang"], name="第一社工组")
        _user(d, "supervisor", Role.SUPERVISOR, d.orgs["xinhang"], team, fake)
        _user(d, "social", Role.SOCIAL_WORKER, d.orgs["xinhang"], team, fake)
        _user(d, "social2", Role.SOCIAL_WORKER, d.orgs["xinhang"], team, fake)
        _user(d, "youth_social", Role.SOCIAL_WORKER, d.orgs["yangguang"], None, fake)
        _user(d, "drug_social", Role.SOCIAL_WORKER, d.orgs["ziqiang"], None, fake)
        _user(d, "volunteer", Role.VOLUNTEER, d.orgs["xinhang"], None, fake)
    elif d.model == WorkModel.BEIJING:
        # The 司法所 owns the work; helpers are part-time (seed 篇一 2).
        team = team_create(actor=None, organisation=office, name="矫正工作组")
        _user(d, "supervisor", Role.SUPERVISOR, office, team, fake)
        _user(d, "social", Role.SOCIAL_WORKER, office, team, fake)
        _user(d, "volunteer", Role.VOLUNTEER, office, None, fake)
        _user(d, "officer2", Role.JUDICIAL_OFFICER, d.orgs["offices"][1], None, fake)
        _user(d, "supervisor2", Role.SUPERVISOR, d.orgs["offices"][1], None, fake,  # the 所长 who approves there
              heads_office=True)
    else:
        # Volunteers and community workers, with professional supervision (seed 篇一 3).
        team = team_create(actor=None, organisation=d.orgs["neighbourhoods"][0], name="青少年志愿服务队")
        _user(d, "supervisor", Role.SUPERVISOR, d.orgs["neighbourhoods"][0], team, fake)
        _user(d, "community", Role.COMMUNITY_WORKER, d.orgs["neighbourhoods"][0], team, fake)
        _user(d, "community2", Role.COMMUNITY_WORKER, d.orgs["neighbourhoods"][1], None, fake)
        _user(d, "volunteer", Role.VOLUNTEER, d.orgs["neighbourhoods"][0], team, fake)
        _user(d, "social", Role.SOCIAL_WORKER, office, None, fake)
        _user(d, "supervisor2", Role.SUPERVISOR, office, None, fake)  # approves the 司法所's correction cases
    _user(d, "officer", Role.JUDICIAL_OFFICER, office, None, fake, heads_office=True)  # the 司法所's 所长
    if "community" not in d.users:
        _user(d, "community", Role.COMMUNITY_WORKER, d.orgs["neighbourhoods"][0], None, fake)
    _user(d, "leader", Role.BUREAU_LEADER, bureau, None, fake)
    _user(d, "doctor", Role.EXTERNAL, d.orgs["hospital"], None, fake)
    _user(d, "admin", Role.ADMINISTRATOR, bureau, None, fake)


def synthetic_id(district_code: str, birth: dt.date, sex: str, rng: random.Random) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)  # odd sequence = male (GB 11643)
    first17 = f"{district_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumbers.check_char(first17)


def _birth(rng: random.Random, min_age: int, max_age: int) -> dt.date:
    return TODAY - dt.timedelta(days=rng.randint(min_age * 365 + 30, max_age * 365 - 30))


def _family(person: Person, actor: User, fake: Faker, rng: random.Random, young: bool) -> None:
    surname = person.full_name[0]
    spouse = ("妻子", "F") if person.sex == "M" else ("丈夫", "M")
    members = [("父亲", "M"), ("母亲", "F")] if young else rng.choice([[spouse], [("母亲", "F")], [("哥哥", "M")]])
    for relation, sex in members:
        name = person_name(fake, sex)
        if relation in ("父亲", "哥哥"):  # same family name
            name = surname + name[1:]
        support_member_save(actor=actor, person=person, data={
            "kind": "family", "name": name, "relation": relation, "phone": fake.phone_number(),
            "attitude": rng.choice(["supportive", "supportive", "neutral", "indifferent"]),
            "lives_with": young or rng.random() < 0.6, "is_guardian": young and relation == "父亲", "note": ""})


def _check_in(enrolment, actor, rng: random.Random) -> None:
    """Most people reported on time; the demo leaves the newest without a check-in, so its duty is open."""
    if enrolment.population == Population.CORRECTION and (TODAY - enrolment.start_date).days > 12:
        duty_complete(key=f"ruling_documents:{enrolment.pk}", note="法律文书已收到（纸质档案）")
        check_in_record(actor=actor, enrolment=enrolment,
                        on=enrolment.start_date + dt.timedelta(days=rng.choice([2, 3, 5, 8, 9, 13])))
    if enrolment.population == Population.CORRECTION and (TODAY - enrolment.start_date).days > 45:
        # Records older than the demo's history: what the office did on paper before the system came.
        duty_complete(key=f"correction_plan:{enrolment.pk}", note="矫正方案已制定（纸质档案）")
        duty_complete(key=f"correction_team:{enrolment.pk}", note="矫正小组已组建（纸质档案）")
        duty_complete(key=f"level_review:{enrolment.pk}:1", note="管理等级已评估（纸质档案）")
    if enrolment.checked_in_on:
        duty_complete(key=f"announcement:{enrolment.pk}", note="已宣告（纸质档案）")


def _enrol(person, actor, population, d: District, rng: random.Random, fake: Faker):
    if population == Population.CORRECTION:
        category = rng.choices(["probation", "parole", "control", "medical"], weights=[70, 18, 7, 5])[0]
        months = rng.randint(12, 48)
        start = TODAY - dt.timedelta(days=rng.randint(20, months * 30 - 20))
        offence = rng.choice(OFFENCES)
        years = max(1, months // 12)
        sentence = {"probation": f"有期徒刑{max(1, years - 1)}年，缓刑{years}年", "parole": f"有期徒刑{years + 2}年，假释",
                    "control": f"管制{min(years, 2)}年", "medical": f"有期徒刑{years}年，暂予监外执行"}[category]
        data = {"population": population, "correction_category": category, "offence": offence, "sentence": sentence,
                "deciding_body": d.court, "start_date": start, "end_date": start + dt.timedelta(days=months * 30)}
    elif population == Population.RESETTLEMENT:
        release = TODAY - dt.timedelta(days=rng.randint(30, 4 * 365))
        source = rng.choice(["prison", "prison", "correction"])
        data = {"population": population, "release_source": source, "release_date": release, "start_date": release,
                "end_date": release + dt.timedelta(days=(5 if source == "prison" else 3) * 365),
                "release_institution": rng.choice(PRISONS[d.province[0]]) if source == "prison" else d.court}
    elif population == Population.YOUTH:
        data = {"population": population, "start_date": TODAY - dt.timedelta(days=rng.randint(10, 700)),
                "out_of_school": rng.random() < 0.6, "out_of_work": rng.random() < 0.5, "out_of_care": rng.random() < 0.3}
    else:
        start = TODAY - dt.timedelta(days=rng.randint(30, 900))
        data = {"population": population, "drug_order_kind": rng.choice(["detox", "rehab"]),
                "deciding_body": f"{d.areas['district'].name}公安分局", "start_date": start,
                "end_date": start + dt.timedelta(days=3 * 365)}
    return enrolment_add(actor=actor, person=person, data=data)


def _owner_for(d: District, population: str, street_index: int) -> User:
    if d.model == WorkModel.SHANGHAI:
        return {Population.CORRECTION: d.users["social"], Population.RESETTLEMENT: d.users["social2"],
                Population.YOUTH: d.users["youth_social"], Population.DRUG: d.users["drug_social"]}[population]
    if d.model == WorkModel.BEIJING:
        return d.users["officer"] if street_index == 0 else d.users["officer2"]
    if population == Population.YOUTH:
        return d.users["community"] if street_index == 0 else d.users["community2"]
    return d.users["officer"]


POPULATION_MIX = {
    WorkModel.SHANGHAI: [Population.CORRECTION] * 12 + [Population.RESETTLEMENT] * 7 + [Population.YOUTH] * 6
    + [Population.DRUG] * 5,
    WorkModel.BEIJING: [Population.CORRECTION] * 18 + [Population.RESETTLEMENT] * 12,
    WorkModel.HANGZHOU: [Population.YOUTH] * 18 + [Population.CORRECTION] * 8 + [Population.RESETTLEMENT] * 4,
}
AGE_RANGE = {Population.CORRECTION: (19, 62), Population.RESETTLEMENT: (22, 65), Population.YOUTH: (14, 24),
             Population.DRUG: (20, 55)}


def _people(d: District, fake: Faker, rng: random.Random) -> None:
    for n, population in enumerate(POPULATION_MIX[d.model]):
        street_index = n % 2
        street = d.areas["streets"][street_index]
        owner = _owner_for(d, population, street_index)
        if owner.organisation.area.level == AreaLevel.STREET:
            street = owner.organisation.area  # an office registers people of its own street
        sex = "M" if rng.random() < 0.82 else "F"
        birth = _birth(rng, *AGE_RANGE[population])
        person = person_create(actor=owner, data={
            "full_name": person_name(fake, sex), "sex": sex, "birth_date": birth,
            "id_number": synthetic_id(d.district[0], birth, sex, rng), "phone": fake.phone_number(),
            "household_address": f"{fake.province()}{fake.city()}{fake.street_name()}{rng.randint(1, 400)}号",
            "residence_address": f"{street.name}{fake.street_name()}{rng.randint(1, 400)}号{rng.randint(101, 1806)}室",
            "area": street, "education": rng.choice(["junior", "senior", "senior", "college", "primary"]),
            "employment": rng.choice(["employed", "flexible", "unemployed", "unemployed"]) if birth.year < 2006
            else rng.choice(["student", "unemployed"]),
            "marital_status": "single" if birth.year > 1998 else rng.choice(["married", "single", "divorced"]),
            "owner": owner,
        })
        _check_in(_enrol(person, owner, population, d, rng, fake), owner, rng)
        if population == Population.CORRECTION and d.model == WorkModel.SHANGHAI and n % 10 == 0:
            # People move between populations over time: an earlier resettlement period, ended by a new offence.
            earlier = _enrol(person, owner, Population.RESETTLEMENT, d, rng, fake)
            enrolment_end(actor=owner, enrolment=earlier, end_date=TODAY - dt.timedelta(days=5),
                          reason="重新犯罪，转入社区矫正")
        _family(person, owner, fake, rng, young=population == Population.YOUTH)
        if n % 6 == 0 and "volunteer" in d.users:
            assignment_add(actor=owner, person=person, user=d.users["volunteer"], task="陪同就业咨询、学业辅导")


def _xiaoyu(d: District, fake: Faker) -> Person:
    """The seed's case (篇一): 小宇(化名), robbery, 有期徒刑2年 缓刑3年; his family and the '无良朋辈'."""
    worker = d.users["social"]
    birth = dt.date(2009, 5, 20)
    street = d.areas["streets"][0]
    person = person_create(actor=worker, data={
        "full_name": "宋" + fake.first_name_male(), "pseudonym": "小宇", "sex": "M", "birth_date": birth,
        "id_number": synthetic_id(d.district[0], birth, "M", random.Random(11)), "phone": fake.phone_number(),
        "household_address": f"上海市徐汇区{fake.street_name()}27号",
        "residence_address": f"{street.name}{fake.street_name()}27号502室", "area": street,
        "education": "junior", "employment": "unemployed", "marital_status": "single", "owner": worker,
        "support_notes": "心智发展尚未成熟，受“无良朋辈”影响；家庭教育不当，得不到家人的关注和认可。初中班主任对其心理发展影响较大。",
        "note": "原则：不抛弃、不放弃。",
    })
    correction = enrolment_add(actor=worker, person=person, data={
        "population": Population.CORRECTION, "correction_category": "probation", "offence": "抢劫罪",
        "sentence": "有期徒刑2年，缓刑3年", "deciding_body": d.court, "start_date": dt.date(2025, 6, 16),
        "end_date": dt.date(2028, 6, 15)})
    check_in_record(actor=d.users["officer"], enrolment=correction, on=dt.date(2025, 6, 18))
    duty_complete(key=f"announcement:{correction.pk}", note="已在司法所宣告（纸质档案）")
    duty_complete(key=f"ruling_documents:{correction.pk}", note="法律文书已收到（纸质档案）")
    enrolment_add(actor=worker, person=person, data={
        "population": Population.YOUTH, "start_date": dt.date(2025, 6, 16), "out_of_school": True,
        "out_of_work": True, "out_of_care": False})
    surname = person.full_name[0]
    for relation, name, attitude, note in [
        ("父亲", surname + fake.first_name_male(), "indifferent", "工作忙，与小宇沟通少，多以责骂为主"),
        ("母亲", person_name(fake, "F"), "neutral", "得知自杀未遂后很焦虑，愿意配合社工"),
    ]:
        support_member_save(actor=worker, person=person, data={
            "kind": "family", "name": name, "relation": relation, "phone": fake.phone_number(), "attitude": attitude,
            "lives_with": True, "is_guardian": True, "note": note})
    support_member_save(actor=worker, person=person, data={
        "kind": "teacher", "name": fake.name(), "relation": "初中班主任", "phone": "", "attitude": "supportive",
        "lives_with": False, "is_guardian": False, "note": "小宇较信任的老师"})
    return person


RESOURCES = [  # kind, name after the district's name, services
    ("hospital", "精神卫生中心", "精神科门诊、心理危机干预"),
    ("counselling", "青少年心理咨询中心", "个体心理咨询、家庭治疗"),
    ("drug_office", "禁毒办社区戒毒康复指导站", "毒品预防教育、社区戒毒康复指导"),
    ("employment", "就业促进中心", "职业指导、技能培训、岗位推荐"),
    ("civil_affairs", "民政局社会救助科", "最低生活保障、临时救助"),
    ("legal_aid", "法律援助中心", "法律咨询、法律援助"),
]


def _resources(d: District, fake: Faker) -> None:
    """The district's directory: the agencies the seed's crisis response brings in, and the usual helpers."""
    district = d.areas["district"]
    for kind, name, services in RESOURCES:
        resource_save(actor=d.users["leader"], areas=[district], data={
            "name": f"{district.name}{name}", "kind": kind, "services": services,
            "contact_name": person_name(fake, "F"), "phone": f"0{fake.msisdn()[3:13]}",
            "address": f"{district.name}{fake.street_name()}{fake.building_number()}号"})


@transaction.atomic
def load_demo(*, seed: int = 2026) -> list[District]:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    # Configuration rows come with the migrations; a flushed test database needs them back.
    ensure_service_rules(ServiceRule)
    ensure_practice_rules(PracticeRule)
    ensure_protocols(Protocol, ProtocolStep)
    ensure_legal_time_limits(LegalTimeLimit)
    load_library_years(CalendarYear, CalendarException)
    ensure_screen(ScreeningItem, RiskBand)
    ensure_dimensions(AnalysisDimension)
    for d in DISTRICTS:
        d.areas, d.orgs, d.users = {}, {}, {}
        _build_structure(d, fake)
        xiaoyu = _xiaoyu(d, fake) if d.model == WorkModel.SHANGHAI else None
        _resources(d, fake)
        _people(d, fake, rng)
        if xiaoyu:
            xiaoyu_case(d, xiaoyu, today=TODAY)
        demo_cases(d, today=TODAY)
        if d.model == WorkModel.SHANGHAI:
            crisis_demo(d, today=TODAY)
        if d.model == WorkModel.HANGZHOU:
            volunteers_demo(d, today=TODAY)
    # The loading itself announced every duty it opened; a fresh demo starts with those read.
    Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now())
    return DISTRICTS


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, organisation) of every demo account, in a stable order."""
    users = User.objects.filter(username__regex=r"^(sh|bj|hz)_").select_related("organisation").order_by("username")
    return [(u.username, str(u.get_role_display()), u.organisation.name if u.organisation else "") for u in users]
