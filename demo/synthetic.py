"""A synthetic national data set for measuring Tongxing at scale (issue 8; docs/performance.md).

Everything is made up: names from Faker's zh_CN lists, ID numbers that are well-formed but drawn at random, areas
named after no real place below the province. Rows are written with PostgreSQL's COPY, not through the services,
because a million people through the services would take days; the shapes follow what the services write (one
active case per person, the duties of their day list, contacts across their time with us), and a generated data set
has no audit history of its own.

The plan (who lives where, which organisation and worker owns them) is drawn in this process; the rows are written
by `jobs` processes in parallel, each for a range of people, so generation scales with cores. Every range draws from
its own seeded generator: the same seed and size give the same data set.
"""

import datetime as dt
import math
import multiprocessing
import random
import time
from array import array
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from faker.providers.person.zh_CN import Provider as Names

from accounts.models import User
from accounts.roles import Role
from casework.models import Case, Consent, Contact, Mode
from conferences.models import Conference
from duties.models import Duty
from incidents.models import Incident
from orgs.models import Area, AreaLevel, Organisation, OrganisationKind, ServiceRule, Team, WorkModel
from people import idnumbers
from people.models import Enrolment, Person
from people.names import name_fragments, pinyin_keys
from people.populations import Population
from referrals.models import Referral, Resource
from supervision.models import LevelChange
from tongxing.crypto import encrypt, keyed_hash

BENCH_PASSWORD = "tongxing-bench"

# A worker's caseload and a supervisor's team, as the seed describes the work (篇一: one worker, a few dozen people).
PEOPLE_PER_WORKER = 20
WORKERS_PER_TEAM = 8
PEOPLE_PER_DISTRICT = 350  # ~1 M people over China's ~2,850 county-level districts
STREETS_PER_DISTRICT = 8
DISTRICTS_PER_CITY = 9

# Which districts run which organising model, and each model's mix of populations.
MODEL_WEIGHTS = [(WorkModel.BEIJING, 0.40), (WorkModel.HANGZHOU, 0.35), (WorkModel.SHANGHAI, 0.25)]
POPULATION_MIX = {
    WorkModel.SHANGHAI: [(Population.CORRECTION, 0.60), (Population.RESETTLEMENT, 0.20), (Population.YOUTH, 0.10),
                         (Population.DRUG, 0.10)],
    WorkModel.BEIJING: [(Population.CORRECTION, 0.75), (Population.RESETTLEMENT, 0.25)],
    WorkModel.HANGZHOU: [(Population.CORRECTION, 0.60), (Population.RESETTLEMENT, 0.20), (Population.YOUTH, 0.20)],
}
POPULATIONS = [p.value for p in Population]
ACTIVE_SHARE = 0.85  # the rest have finished and their files are closed

PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"), ("21", "辽宁省"),
    ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"), ("33", "浙江省"), ("34", "安徽省"),
    ("35", "福建省"), ("36", "江西省"), ("37", "山东省"), ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"),
    ("44", "广东省"), ("45", "广西壮族自治区"), ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"),
    ("53", "云南省"), ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]
PLACE_SYLLABLES = "安宁平和兴华新东西南北中清河山湖江海城云阳明德信义仁礼泰康嘉永昌盛丰源林桥"
ROADS = ["人民路", "解放路", "建设路", "中山路", "和平路", "胜利路", "新华路", "文化路", "光明路", "朝阳路", "青年路",
         "幸福路", "长江路", "黄河路", "东风路", "团结路"]
OFFENCES = ["盗窃罪", "危险驾驶罪", "诈骗罪", "故意伤害罪", "寻衅滋事罪", "交通肇事罪", "开设赌场罪",
            "帮助信息网络犯罪活动罪", "非法经营罪", "掩饰、隐瞒犯罪所得罪"]
CATEGORIES = [("probation", 0.80), ("parole", 0.12), ("medical", 0.05), ("control", 0.03)]
MODES = [(Mode.OFFICE, 0.35), (Mode.HOME_VISIT, 0.25), (Mode.PHONE, 0.25), (Mode.COMMITTEE, 0.15)]
NOTES = ["了解近况，情绪稳定，按时报到。", "家访，与母亲交谈，家庭支持较好。", "电话联系，告知下次面谈时间。",
         "讨论就业意向，转介职业培训。", "对方情绪低落，约定一周后再谈。", "与居委会干部一同走访，了解邻里关系。",
         "未见到本人，向家属说明来意并留下联系方式。", "复习服务计划目标，本人表示愿意继续参加。"]
OUTCOMES = ["按计划进行", "需跟进就业", "家庭关系改善", "情绪需关注", "按时报到"]
DUTY_KINDS = [("contact", "meeting_agreed", "seed 篇二 三、备注5", "与{name}约定的会面"),
              ("plan_review", "plan_review", "服务计划的复核日期", "复核{name}的服务计划"),
              ("self_summary", "correction_summary_months", "《社区矫正法实施办法》第24条", "{name}的阶段小结")]
# A correction's periodic report belongs to the 司法所's judicial officers as a role, not to one worker: on a real
# database a large share of open duties have no owner, and the day list's plan must stay right with them.
OFFICE_DUTY = ("report", "report_interval_days_normal", "《社区矫正法实施办法》第24条", "{name}的定期报告")
INCIDENT_KINDS = ["lost_contact", "relapse", "new_offence", "family_violence", "self_harm", "other"]
RESOURCE_KINDS = [("employment", "就业服务中心"), ("counselling", "心理咨询服务中心"), ("legal_aid", "法律援助中心"),
                  ("civil_affairs", "民政救助站")]


@dataclass
class Plan:
    """Who lives where and who serves them, drawn before any row is written. Arrays keep 1 M people in ~60 MB."""

    people: int
    today: dt.date
    seed: int
    contacts_per_person: float
    duties_per_person: float
    districts: list = field(default_factory=list)  # (district area, model, [street areas])
    orgs_by_street: dict = field(default_factory=dict)  # street pk -> {kind: org}
    orgs_by_district: dict = field(default_factory=dict)  # district pk -> {"bureau"|population: org}
    # One entry per person, by index
    area: array = field(default_factory=lambda: array("q"))
    district_code: array = field(default_factory=lambda: array("i"))  # index into district_codes
    district_codes: list = field(default_factory=list)
    population: array = field(default_factory=lambda: array("b"))
    organisation: array = field(default_factory=lambda: array("q"))
    owner: array = field(default_factory=lambda: array("q"))
    ids: dict = field(default_factory=dict)  # first id of each generated table


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


@lru_cache(maxsize=200_000)
def _keys(name: str) -> tuple[str, str]:
    return pinyin_keys(name)


def _place_name(rng: random.Random) -> str:
    return "".join(rng.sample(PLACE_SYLLABLES, 2))


# ---------------------------------------------------------------------------------------------------------------
# Geography, organisations and staff: tens of thousands of rows, written with bulk_create.


def _unique_code_names(rng, count, suffix):
    names, seen = [], set()
    while len(names) < count:
        name = _place_name(rng) + suffix
        if name not in seen or len(seen) > 900:
            seen.add(name)
            names.append(name)
    return names


def build_structure(plan: Plan, log) -> None:
    rng = random.Random(plan.seed)
    district_count = max(3, round(plan.people / PEOPLE_PER_DISTRICT))
    taken = set(Area.objects.filter(level=AreaLevel.PROVINCE).values_list("code", flat=True))
    provinces = [(code, name) for code, name in PROVINCES if f"{code}0000" not in taken]
    if not provinces:
        raise RuntimeError("Every province code is already in this database.")
    province_count = min(len(provinces), max(1, district_count // 40))
    per_province = [district_count // province_count + (1 if i < district_count % province_count else 0)
                    for i in range(province_count)]

    areas, model_of = [], {}
    next_area = plan.ids["area"]

    def area(code, name, level, parent, path, work_model=""):
        nonlocal next_area
        row = Area(id=next_area, code=code, name=name, level=level, parent_id=parent.id if parent else None,
                   path=path, work_model=work_model)
        next_area += 1
        areas.append(row)
        return row

    district_index = 0
    for (pcode, pname), n_districts in zip(provinces, per_province):
        province = area(f"{pcode}0000", pname, AreaLevel.PROVINCE, None, f"{pcode}0000/")
        cities = math.ceil(n_districts / DISTRICTS_PER_CITY)
        city_names = _unique_code_names(rng, cities, "市")
        for c in range(cities):
            ccode = f"{pcode}{c + 1:02d}00"
            city = area(ccode, city_names[c], AreaLevel.CITY, province, f"{province.path}{ccode}/")
            in_city = min(DISTRICTS_PER_CITY, n_districts - c * DISTRICTS_PER_CITY)
            for d in range(in_city):
                dcode = f"{pcode}{c + 1:02d}{d + 1:02d}"
                # The first three districts take one model each, so even a small data set has all three.
                model = [WorkModel.SHANGHAI, WorkModel.BEIJING, WorkModel.HANGZHOU][district_index] \
                    if district_index < 3 else _weighted(rng, MODEL_WEIGHTS)
                district = area(dcode, _place_name(rng) + "区", AreaLevel.DISTRICT, city, f"{city.path}{dcode}/",
                                model)
                streets = [area(f"{dcode}{s + 1:03d}", _place_name(rng) + "街道", AreaLevel.STREET, district,
                                f"{district.path}{dcode}{s + 1:03d}/") for s in range(STREETS_PER_DISTRICT)]
                plan.districts.append((district, model, streets))
                model_of[district.id] = model
                district_index += 1
    Area.objects.bulk_create(areas, batch_size=5000)
    log(f"areas: {len(areas):,} ({province_count} provinces, {len(plan.districts):,} districts)")

    orgs = []
    next_org = plan.ids["organisation"]

    def org(name, kind, area_row, parent=None, populations=()):
        nonlocal next_org
        row = Organisation(id=next_org, name=name, kind=kind, area_id=area_row.id,
                           parent_id=parent.id if parent else None, populations=list(populations),
                           phone=f"0{rng.randint(10, 999)}-{rng.randint(1000000, 99999999)}")
        next_org += 1
        orgs.append(row)
        return row

    # The provincial department and city bureaus: their leaders read returns over many districts.
    above = {}
    for row in areas:
        if row.level == AreaLevel.PROVINCE:
            above[row.id] = org(f"{row.name}司法厅", OrganisationKind.BUREAU, row)
        elif row.level == AreaLevel.CITY:
            above[row.id] = org(f"{row.name}司法局", OrganisationKind.BUREAU, row, above[row.parent_id])
    for district, model, streets in plan.districts:
        bureau = org(f"{district.name}司法局", OrganisationKind.BUREAU, district, above[district.parent_id])
        by_district = {"bureau": bureau}
        if model == WorkModel.SHANGHAI:
            xinhang = org(f"{district.name}新航社区矫治工作站", OrganisationKind.NGO_CENTRE, district, bureau,
                          [Population.CORRECTION, Population.RESETTLEMENT])
            by_district |= {Population.CORRECTION: xinhang, Population.RESETTLEMENT: xinhang,
                            Population.YOUTH: org(f"{district.name}阳光社区青少年工作站", OrganisationKind.NGO_CENTRE,
                                                  district, bureau, [Population.YOUTH]),
                            Population.DRUG: org(f"{district.name}自强社区戒毒工作站", OrganisationKind.NGO_CENTRE,
                                                 district, bureau, [Population.DRUG])}
        plan.orgs_by_district[district.id] = by_district
        for street in streets:
            by_street = {OrganisationKind.JUDICIAL_OFFICE: org(f"{street.name}司法所", OrganisationKind.JUDICIAL_OFFICE,
                                                               street, bureau)}
            if model == WorkModel.HANGZHOU:
                by_street[OrganisationKind.NEIGHBOURHOOD] = org(f"{street.name}社区居委会",
                                                                OrganisationKind.NEIGHBOURHOOD, street,
                                                                populations=[Population.YOUTH])
            plan.orgs_by_street[street.id] = by_street
    Organisation.objects.bulk_create(orgs, batch_size=5000)
    log(f"organisations: {len(orgs):,}")


def _serving_org(plan: Plan, rules: dict, district, model, street, population):
    rule = rules[(model, population)]
    if rule.serving_kind == OrganisationKind.NGO_CENTRE:
        return plan.orgs_by_district[district.id][population], rule
    return plan.orgs_by_street[street.id][rule.serving_kind], rule


def place_people(plan: Plan, log) -> None:
    """Decide each person's street, population and organisation; then staff each organisation for its caseload."""
    rng = random.Random(plan.seed + 1)
    rules = {(r.work_model, r.population): r for r in ServiceRule.objects.all()}
    per_district = [plan.people // len(plan.districts) + (1 if i < plan.people % len(plan.districts) else 0)
                    for i in range(len(plan.districts))]
    load: dict[int, list[int]] = {}  # organisation id -> indexes of the people it serves
    role_of_org: dict[int, str] = {}
    for d_index, ((district, model, streets), count) in enumerate(zip(plan.districts, per_district)):
        for _n in range(count):
            street = rng.choice(streets)
            population = _weighted(rng, POPULATION_MIX[model])
            org, rule = _serving_org(plan, rules, district, model, street, population)
            index = len(plan.area)
            plan.area.append(street.id)
            plan.district_code.append(d_index)
            plan.population.append(POPULATIONS.index(population))
            plan.organisation.append(org.id)
            load.setdefault(org.id, []).append(index)
            roles = rule.owner_roles
            role_of_org[org.id] = (Role.SOCIAL_WORKER if Role.SOCIAL_WORKER in roles
                                   and org.kind != OrganisationKind.NEIGHBOURHOOD else roles[0])
    plan.owner = array("q", bytes(8 * len(plan.area)))

    users, teams = [], []
    next_user, next_team = plan.ids["user"], plan.ids["team"]
    password = make_password(BENCH_PASSWORD)
    serial: dict[str, int] = {}
    org_by_id = {o.id: o for o in Organisation.objects.filter(id__gte=plan.ids["organisation"])}

    def user(role, org_id, team_id=None, heads=False):
        nonlocal next_user
        serial[role] = serial.get(role, 0) + 1
        row = User(id=next_user, username=f"{ROLE_PREFIX[role]}{serial[role]:06d}", password=password, role=role,
                   organisation_id=org_id, team_id=team_id, heads_office=heads, is_active=True,
                   full_name=_name(rng, "M" if rng.random() < 0.5 else "F"), date_joined=timezone.now())
        next_user += 1
        users.append(row)
        return row

    for org_id, served in load.items():
        workers = []
        for w in range(math.ceil(len(served) / PEOPLE_PER_WORKER)):
            if w % WORKERS_PER_TEAM == 0:
                team = Team(id=next_team, organisation_id=org_id, name=f"第{w // WORKERS_PER_TEAM + 1}组")
                next_team += 1
                teams.append(team)
                user(Role.SUPERVISOR, org_id, team.id, heads=(w == 0))
            workers.append(user(role_of_org[org_id], org_id, team.id))
        for n, index in enumerate(served):
            plan.owner[index] = workers[n % len(workers)].id
    # Every 司法所 has a judicial officer for its own duties (check-ins, returns); every bureau a leader.
    for org in org_by_id.values():
        if org.kind == OrganisationKind.JUDICIAL_OFFICE and role_of_org.get(org.id) != Role.JUDICIAL_OFFICER:
            user(Role.JUDICIAL_OFFICER, org.id, heads=True)
        elif org.kind == OrganisationKind.BUREAU:
            user(Role.BUREAU_LEADER, org.id, heads=True)
    user(Role.ADMINISTRATOR, None)
    Team.objects.bulk_create(teams, batch_size=5000)
    User.objects.bulk_create(users, batch_size=5000)
    log(f"staff: {len(users):,} accounts in {len(teams):,} teams")


ROLE_PREFIX = {Role.SOCIAL_WORKER: "sw", Role.JUDICIAL_OFFICER: "jo", Role.SUPERVISOR: "sv",
               Role.COMMUNITY_WORKER: "cw", Role.BUREAU_LEADER: "bl", Role.ADMINISTRATOR: "ad",
               Role.VOLUNTEER: "vo", Role.EXTERNAL: "ex"}


def _name(rng: random.Random, sex: str) -> str:
    given = Names.first_names_male if sex == "M" else Names.first_names_female
    surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
    return surname + "".join(rng.choice(given) for _ in range(1 if rng.random() < 0.3 else 2))


_SURNAMES = list(Names.last_names)
_SURNAME_WEIGHTS = list(Names.last_names.values())


# ---------------------------------------------------------------------------------------------------------------
# The big tables: COPY, one range of people per process.


def _columns(model, names: list[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def check_columns(model, names: list[str]) -> None:
    """A column the generator does not fill but the database requires would fail mid-way: refuse at once instead."""
    given = set(names) | {"id"}
    missing = [f.name for f in model._meta.concrete_fields
               if f.name not in given and not f.null and f.db_default is NOT_PROVIDED]
    if missing:
        raise RuntimeError(f"{model.__name__}: the generator does not fill {missing}; add them to demo/synthetic.py")

PERSON_FIELDS = ["id", "full_name", "pseudonym", "name_pinyin", "name_initials", "pseudonym_pinyin",
                 "pseudonym_initials", "name_fragments", "sex", "birth_date", "ethnicity", "id_number",
                 "id_number_hash", "id_last4_hash", "phone", "household_address", "residence_address", "area", "education",
                 "employment", "employer", "marital_status", "support_notes", "note", "organisation", "owner",
                 "is_active", "version", "created_at", "updated_at"]
ENROLMENT_FIELDS = ["id", "person", "population", "status", "organisation", "start_date", "end_date", "end_reason",
                    "correction_category", "offence", "sentence", "deciding_body", "checked_in_on", "release_source",
                    "release_date", "release_institution", "high_priority", "out_of_school", "out_of_work",
                    "out_of_care", "drug_order_kind", "created_at"]
LEVEL_FIELDS = ["id", "enrolment", "level", "since", "reason", "by", "at"]
CASE_FIELDS = ["id", "person", "population", "organisation", "owner", "protocol", "stage", "stage_since",
               "meeting_every_days", "meeting_mode", "meeting_place", "family_focus", "opened_at", "closed_at",
               "version", "created_at"]
CONTACT_FIELDS = ["id", "case", "mode", "place", "planned_start", "planned_minutes", "started_at", "ended_at", "met",
                  "participants", "accompanied_by", "family_present", "agenda_covered", "left_card",
                  "left_contact_details", "left_leaflet", "asked_family_to_pass_on", "process_note", "outcome",
                  "next_step", "warnings", "recorded_by", "created_at"]
DUTY_FIELDS = ["id", "kind", "title", "person", "case", "owner", "owner_role", "organisation", "due_on",
               "window_start", "rule_key", "source", "url", "status", "snoozed_until", "snooze_reason", "done_at",
               "done_note", "escalated_to", "escalated_at", "reminded_due_at", "reminded_overdue_at", "dedupe_key",
               "created_at"]
TABLES = [(Person, PERSON_FIELDS), (Enrolment, ENROLMENT_FIELDS), (LevelChange, LEVEL_FIELDS), (Case, CASE_FIELDS),
          (Contact, CONTACT_FIELDS), (Duty, DUTY_FIELDS)]


class Copier:
    """COPY rows into one table on this process's own connection."""

    def __init__(self, cursor, model, names):
        self.copy = cursor.copy(f'COPY {model._meta.db_table} ({", ".join(_columns(model, names))}) FROM STDIN')

    def __enter__(self):
        self.writer = self.copy.__enter__()
        return self.writer

    def __exit__(self, *exc):
        return self.copy.__exit__(*exc)


# Ids: each table's rows for person index i live in a fixed slot, so ranges written in parallel never collide.
ENROLMENT_SLOTS = 2  # a person has one or two population records (an earlier, ended one)
CONTACT_SLOTS_FACTOR = 3  # contacts vary per person; a range reserves up to 3× the average


_ZONE = None


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    global _ZONE
    _ZONE = _ZONE or timezone.get_current_timezone()  # looked up once: it is called tens of millions of times
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_ZONE)


def write_people_range(plan: Plan, start: int, end: int) -> dict[str, int]:
    """People [start, end): their files, population records, levels, cases, contacts and duties."""
    rng = random.Random(plan.seed * 1_000_003 + start)
    today = plan.today
    now = timezone.now()
    counts = dict.fromkeys(["people", "enrolments", "levels", "cases", "contacts", "duties"], 0)
    district_codes = plan.district_codes
    max_contacts = max(1, round(plan.contacts_per_person * 2))
    contacts_slot = math.ceil(plan.contacts_per_person * CONTACT_SLOTS_FACTOR)
    duties_slot = math.ceil(plan.duties_per_person) + 1

    people, enrolments, levels, cases, contacts, duties = [], [], [], [], [], []
    for i in range(start, end):
        person_id, case_id = plan.ids["person"] + i, plan.ids["case"] + i
        population = POPULATIONS[plan.population[i]]
        org_id, owner_id, area_id = plan.organisation[i], plan.owner[i], plan.area[i]
        active = rng.random() < ACTIVE_SHARE
        juvenile = population == Population.YOUTH and rng.random() < 0.7 or \
            population == Population.CORRECTION and rng.random() < 0.02
        age_days = rng.randint(14 * 365, 17 * 365 + 300) if juvenile else rng.randint(18 * 365 + 20, 68 * 365)
        birth = today - dt.timedelta(days=age_days)
        sex = "M" if rng.random() < (0.6 if population == Population.YOUTH else 0.86) else "F"
        name = _name(rng, sex)
        pseudonym = ("小" + name[-1]) if (juvenile or rng.random() < 0.03) else ""
        full_pinyin, initials = _keys(name)
        p_pinyin, p_initials = _keys(pseudonym) if pseudonym else ("", "")
        # The 17th digit is odd for men and even for women (GB 11643): the services check it against the sex.
        serial = rng.randint(0, 499) * 2 + (1 if sex == "M" else 0)
        first17 = f"{district_codes[plan.district_code[i]]}{birth:%Y%m%d}{serial:03d}"
        id_number = first17 + idnumbers.check_char(first17)
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        address = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2404)}室"
        if active:
            start_day = today - dt.timedelta(days=rng.randint(20, 3 * 365))
            end_day = None
        else:
            end_day = today - dt.timedelta(days=rng.randint(1, 2 * 365))
            start_day = end_day - dt.timedelta(days=rng.randint(180, 3 * 365))
        created = _aware(start_day, 9)
        people.append((person_id, name, pseudonym, full_pinyin, initials, p_pinyin, p_initials,
                       name_fragments(name, pseudonym), sex, birth, "汉族",
                       encrypt(id_number), keyed_hash(id_number), keyed_hash(id_number[-4:]), encrypt(phone),
                       address, address, area_id, rng.choice(["junior", "senior", "college", "primary"]),
                       "student" if juvenile else rng.choice(["employed", "flexible", "unemployed"]), "",
                       "single" if juvenile else rng.choice(["single", "married", "divorced"]), "", "", org_id,
                       owner_id, active, 1, created, now))

        enrolment_id = plan.ids["enrolment"] + i * ENROLMENT_SLOTS
        correction = population == Population.CORRECTION
        category = _weighted(rng, CATEGORIES) if correction else ""
        enrolments.append((
            enrolment_id, person_id, population, "active" if active else "ended", org_id, start_day, end_day,
            "" if active else "期满解除", category, rng.choice(OFFENCES) if correction else "",
            f"有期徒刑{rng.randint(1, 3)}年，缓刑{rng.randint(2, 4)}年" if category == "probation" else "",
            "人民法院" if correction else "", start_day + dt.timedelta(days=rng.randint(0, 9)) if correction else None,
            "prison" if population == Population.RESETTLEMENT else "",
            start_day if population == Population.RESETTLEMENT else None,
            "监狱" if population == Population.RESETTLEMENT else "",
            population == Population.RESETTLEMENT and rng.random() < 0.1,
            population == Population.YOUTH and rng.random() < 0.5, population == Population.YOUTH and rng.random() < 0.4,
            population == Population.YOUTH and rng.random() < 0.2,
            rng.choice(["detox", "rehab"]) if population == Population.DRUG else "", created))
        if rng.random() < 0.12:  # an earlier, ended record of the same population: someone who came back
            earlier_end = start_day - dt.timedelta(days=rng.randint(200, 900))
            earlier_start = earlier_end - dt.timedelta(days=365)
            resettled = population == Population.RESETTLEMENT
            enrolments.append((enrolment_id + 1, person_id, population, "ended", org_id, earlier_start, earlier_end,
                               "期满", _weighted(rng, CATEGORIES) if correction else "",
                               rng.choice(OFFENCES) if correction else "", "", "人民法院" if correction else "",
                               earlier_start if correction else None, "prison" if resettled else "",
                               earlier_start if resettled else None, "监狱" if resettled else "", False, False, False,
                               False, rng.choice(["detox", "rehab"]) if population == Population.DRUG else "",
                               _aware(earlier_start, 9)))
        if correction:
            levels.append((enrolment_id, enrolment_id, rng.choice(["strict", "normal", "normal", "lenient"]),
                           start_day, "入矫评估", None, created))

        stage = rng.choice(["intervention", "intervention", "open", "review"]) if active else "closed"
        cases.append((case_id, person_id, population, org_id, owner_id, None, stage, created,
                      rng.choice([7, 14, 30]), "office", "", False, created, None if active else _aware(end_day, 17),
                      1, created))

        last_day = today if active else end_day
        span = max(1, (last_day - start_day).days)
        n_contacts = min(contacts_slot, rng.randint(0, max_contacts))
        base = plan.ids["contact"] + i * contacts_slot
        for n in range(n_contacts):
            day = start_day + dt.timedelta(days=rng.randint(0, span))
            began = _aware(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
            mode = _weighted(rng, MODES)
            contacts.append((base + n, case_id, mode, "", None, None, began,
                             began + dt.timedelta(minutes=rng.choice((20, 30, 45, 60, 90))),
                             "person" if rng.random() < 0.9 else "family_only", "", None, rng.random() < 0.3, "[]",
                             False, False, False, False, rng.choice(NOTES), rng.choice(OUTCOMES), "", "[]", owner_id,
                             began))

        shared = pseudonym + "(化名)" if pseudonym else name[0] + "某"
        base = plan.ids["duty"] + i * duties_slot
        n_duties = max(1, round(rng.gauss(plan.duties_per_person, 0.5)))
        office = plan.orgs_by_street[area_id][OrganisationKind.JUDICIAL_OFFICE].pk
        for n in range(min(duties_slot, n_duties)):
            kind, rule, source, title = DUTY_KINDS[n % len(DUTY_KINDS)]
            office_duty = population == Population.CORRECTION and n == 1
            if office_duty:
                kind, rule, source, title = OFFICE_DUTY
            open_ = active and n < 2
            due = today + dt.timedelta(days=rng.randint(-10, 40)) if open_ else \
                start_day + dt.timedelta(days=rng.randint(0, span))
            # The office's duty is the person's legal supervision, not the case's: no case, the file's address.
            duties.append((base + n, kind, title.format(name=shared), person_id, None if office_duty else case_id,
                           None if office_duty else owner_id, Role.JUDICIAL_OFFICER if office_duty else "",
                           office if office_duty else org_id, due, None, rule, source,
                           f"/people/{person_id}/" if office_duty else f"/cases/{case_id}/",
                           "open" if open_ else "done", None, "",
                           None if open_ else _aware(due, 16), "", None, None, None, None,
                           f"synthetic:{case_id}:{n}", created))
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        for (model, names), rows, key in zip(TABLES, [people, enrolments, levels, cases, contacts, duties],
                                             counts):
            with Copier(cursor, model, names) as copy:
                for row in rows:
                    copy.write_row(row)
            counts[key] = len(rows)
    return counts


# Set before the worker processes fork, so they inherit the plan instead of receiving a copy of it per range.
_PLAN: Plan | None = None


def _write_range_in_child(bounds):
    start, end = bounds
    plan = _PLAN
    connections.close_all()  # a forked child must not share the parent's connection
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        return write_people_range(plan, start, end)


# ---------------------------------------------------------------------------------------------------------------
# The smaller tables: incidents, resources, consents, referrals, conferences.


def write_events(plan: Plan, log) -> dict[str, int]:
    rng = random.Random(plan.seed + 7)
    today, now = plan.today, timezone.now()
    n = plan.people
    creator = plan.owner[0]
    resources, resource_areas = [], []
    rid = plan.ids["resource"]
    by_district: dict[int, list[int]] = {}
    for district, _model, _streets in plan.districts:
        for kind, suffix in RESOURCE_KINDS:
            resources.append(Resource(id=rid, name=f"{district.name}{suffix}", kind=kind, services=suffix,
                                      created_by_id=creator, created_at=now))
            resource_areas.append(Resource.areas.through(resource_id=rid, area_id=district.id))
            by_district.setdefault(district.id, []).append(rid)
            rid += 1
    Resource.objects.bulk_create(resources, batch_size=5000)
    Resource.areas.through.objects.bulk_create(resource_areas, batch_size=5000)

    incidents, consents, referrals, conferences = [], [], [], []
    district_of = [d for d, _m, _s in plan.districts]
    for k in range(max(1, n * 3 // 100)):  # ~3 in 100 people have a critical incident on file
        i = rng.randrange(n)
        when = _aware(today - dt.timedelta(days=rng.randint(0, 700)), rng.randint(0, 23))
        incidents.append(Incident(
            id=plan.ids["incident"] + k, person_id=plan.ids["person"] + i, case_id=plan.ids["case"] + i,
            kind=rng.choice(INCIDENT_KINDS), occurred_at=when, place="住所附近", description="（合成数据）",
            immediate_actions="联系家属，报告督导", conference_due_on=when.date() + dt.timedelta(days=3),
            recorded_by_id=plan.owner[i], recorded_at=when))
    for k in range(max(1, n // 10)):  # referrals rely on a recorded consent to share
        i = rng.randrange(n)
        sent = today - dt.timedelta(days=rng.randint(0, 700))
        consents.append(Consent(id=plan.ids["consent"] + k, person_id=plan.ids["person"] + i,
                                case_id=plan.ids["case"] + i, kind="sharing", given=True, given_by="本人",
                                method="written", on=sent, recorded_by_id=plan.owner[i], recorded_at=now))
        district = district_of[plan.district_code[i]]
        referrals.append(Referral(id=plan.ids["referral"] + k, case_id=plan.ids["case"] + i,
                                  resource_id=rng.choice(by_district[district.id]), reason="就业或心理支持",
                                  consent_id=plan.ids["consent"] + k,
                                  status=rng.choice(["sent", "accepted", "in_progress", "completed"]), sent_on=sent,
                                  created_by_id=plan.owner[i], created_at=now))
    for k in range(max(1, n // 50)):
        i = rng.randrange(n)
        day = today - dt.timedelta(days=rng.randint(-14, 700))
        held = day < today
        conferences.append(Conference(
            id=plan.ids["conference"] + k, person_id=plan.ids["person"] + i, case_id=plan.ids["case"] + i,
            scheduled_for=_aware(day, 14), place="司法所会议室", presenter_id=plan.owner[i],
            status="held" if held else "scheduled", held_on=day if held else None, created_by_id=plan.owner[i],
            created_at=now))
    for model, rows in [(Incident, incidents), (Consent, consents), (Referral, referrals), (Conference, conferences)]:
        model.objects.bulk_create(rows, batch_size=5000)
    counts = {"incidents": len(incidents), "referrals": len(referrals), "conferences": len(conferences),
              "resources": len(resources)}
    log(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    return counts


# ---------------------------------------------------------------------------------------------------------------


GENERATED = [Area, Organisation, Team, User, Person, Enrolment, LevelChange, Case, Contact, Duty, Incident, Consent,
             Resource, Referral, Conference]


def _first_ids() -> dict[str, int]:
    from django.db.models import Max

    return {model._meta.model_name: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for model in GENERATED}


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for model in [*GENERATED, Resource.areas.through]:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"GREATEST((SELECT MAX(id) FROM {table}), 1))")


def generate(*, people: int, seed: int = 2026, contacts_per_person: float = 10, duties_per_person: float = 3,
             jobs: int | None = None, chunk: int = 10_000, require_empty: bool = True, log=print) -> dict[str, int]:
    """Generate the data set. With jobs=1 everything is written on this process's connection, inside the caller's
    transaction (the tests); otherwise by `jobs` forked processes, each committing its own ranges."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The synthetic data set is loaded with PostgreSQL's COPY: set DATABASE_URL to a "
                           "PostgreSQL database.")
    # Never beside real data: a real installation that has no people yet still has its areas and accounts.
    if require_empty and (Person.objects.exists() or User.objects.exists() or Area.objects.exists()):
        raise RuntimeError("This database already holds areas, accounts or people: generate synthetic data only into "
                           "a new, migrated database of its own.")
    for model, names in TABLES:
        check_columns(model, [n for n in names if n != "id"])
    started = time.monotonic()
    plan = Plan(people=people, today=timezone.localdate(), seed=seed, contacts_per_person=contacts_per_person,
                duties_per_person=duties_per_person, ids=_first_ids())
    # A level change takes its enrolment's id (one each), so both tables start from the same free id.
    plan.ids["enrolment"] = plan.ids["levelchange"] = max(plan.ids["enrolment"], plan.ids["levelchange"])
    with transaction.atomic():  # a failed run leaves no half-built country behind
        build_structure(plan, log)
        place_people(plan, log)
    plan.district_codes = [d.code for d, _m, _s in plan.districts]
    global _PLAN
    _PLAN = plan
    ranges = [(s, min(people, s + chunk)) for s in range(0, people, chunk)]
    jobs = jobs or multiprocessing.cpu_count()
    totals: dict[str, int] = {}

    def add(done, counts):
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        if done % max(1, len(ranges) // 10) == 0 or done == len(ranges):
            log(f"  {totals['people']:,} people written ({time.monotonic() - started:.0f} s)")

    if jobs == 1:
        for done, (start, end) in enumerate(ranges, 1):
            add(done, write_people_range(plan, start, end))
    else:
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for done, counts in enumerate(pool.imap_unordered(_write_range_in_child, ranges), 1):
                add(done, counts)
    totals |= write_events(plan, log)
    _reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    totals["seconds"] = round(time.monotonic() - started)
    return totals
