"""Default configuration rows: the seed's three organising models (seed 篇一 1–3; CCL 9 for community corrections).

Loaded by a migration on every new database; an administrator may edit them afterwards.
"""

SEED_1 = "seed 篇一 1. 上海的司法社工模式：新航（有刑事记录人员）、阳光（“三失”青少年）、自强（吸毒人员）三个社团"
SEED_2 = "seed 篇一 2. 以北京为主导的司法管理模式：司法系统垂直管理、兼职为主、只涉及有刑事记录的人员"
SEED_3 = "seed 篇一 3. 志愿者和社区工作者相结合的模式：以社区为基地、全体青少年为服务对象"
CCL_9 = "社区矫正法第9条：司法所根据社区矫正机构的委托承担社区矫正相关工作（各模式均适用）"

SERVICE_RULES = [
    # model, population, serving organisation kind, owner roles, approver role, intake protocol, source
    ("shanghai", "correction", "ngo_centre", ["social_worker"], "supervisor", "A", SEED_1),
    ("shanghai", "resettlement", "ngo_centre", ["social_worker"], "supervisor", "B", SEED_1),
    ("shanghai", "youth", "ngo_centre", ["social_worker"], "supervisor", "", SEED_1),
    ("shanghai", "drug", "ngo_centre", ["social_worker"], "supervisor", "", SEED_1),
    ("beijing", "correction", "judicial_office", ["judicial_officer"], "supervisor", "A", SEED_2),
    ("beijing", "resettlement", "judicial_office", ["judicial_officer"], "supervisor", "B", SEED_2),
    ("hangzhou", "youth", "neighbourhood", ["community_worker", "social_worker"], "supervisor", "", SEED_3),
    ("hangzhou", "correction", "judicial_office", ["judicial_officer", "social_worker"], "supervisor", "A", CCL_9),
    ("hangzhou", "resettlement", "judicial_office", ["judicial_officer", "social_worker"], "supervisor", "B", CCL_9),
]


def ensure_service_rules(service_rule_model) -> None:
    """Create the default rows that are missing; never overwrite an administrator's edits."""
    for model, population, kind, owners, approver, protocol, source in SERVICE_RULES:
        service_rule_model.objects.get_or_create(
            work_model=model, population=population,
            defaults={"serving_kind": kind, "owner_roles": owners, "approver_role": approver,
                      "intake_protocol": protocol, "source": source})
