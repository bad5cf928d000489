"""The analysis dimensions of a case conference, as the seed's first part names them (configurable rows)."""

DIMENSIONS = [
    ("self_worth", "案主对自我存在价值的定义"),
    ("family_communication", "与家人的沟通方式"),
    ("parents_relationship", "父母情感交流及相处模式对案主的影响"),
    ("family_reaction", "家人对危机事件的反应"),
    ("teacher_influence", "教师（班主任）对案主心理发展的影响"),
    ("personality", "自身存在的性格缺陷"),
    ("family_structure", "家庭结构和教育模式"),
    ("peers", "朋辈群体"),
    ("school_environment", "学校环境"),
    ("expectation_gap", "心理期望值与现实状况的落差"),
    ("role_models", "榜样影响"),
    ("identity_crisis", "身份认同危机"),
]


def ensure_dimensions(model) -> None:
    for order, (code, name) in enumerate(DIMENSIONS, start=1):
        model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
