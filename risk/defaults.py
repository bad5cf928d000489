"""The needs and risk screen as data: domains, items and result bands an administrator may change.

This is Tongxing's own structured-professional-judgement aid, written from openly published research on the
"central eight" needs areas and from the seed's practice. It is not a copy of any proprietary instrument (LSI-R,
COMPAS) and has not been validated as a predictor: it organises the worker's judgement, with a rationale for every
concern, and never decides anything on its own. docs/risk.md says so at length.
"""

SOURCE = "同行结构化筛查（非标准化量表，供专业判断参考）"

# domain, code, order, text, guidance, max score, part of the suicide/self-harm screen
ITEMS = [
    ("criminal_history", "ch_prior", 10, "此前有违法犯罪记录", "本次以外的判决、行政处罚或劳动教养记录", 2, False),
    ("criminal_history", "ch_early", 20, "首次违法时未满18周岁", "", 2, False),
    ("attitudes", "att_offence", 30, "对所犯罪行缺乏认识或为其辩解", "谈话中的态度和表述", 2, False),
    ("associates", "asc_peers", 40, "经常与有违法犯罪行为的朋辈交往", "如“无良朋辈”", 2, False),
    ("family", "fam_conflict", 50, "家庭关系紧张或沟通方式以责骂为主", "家人对其的关注与认可", 2, False),
    ("family", "fam_support", 60, "缺乏家庭支持或监护", "未成年人的监护是否落实", 2, False),
    ("school_work", "sw_status", 70, "失学或失业，或学习、工作不稳定", "", 2, False),
    ("leisure", "lei_unstructured", 80, "闲暇时间无组织、无正当活动", "", 2, False),
    ("substance", "sub_use", 90, "饮酒或吸毒影响生活", "近六个月的情况", 2, False),
    ("accommodation", "acc_unstable", 100, "居无定所或居住不稳定", "", 2, False),
    ("emotional", "emo_distress", 110, "情绪低落、焦虑或自我价值感低", "", 2, False),
    ("emotional", "emo_identity", 120, "身份认同困惑或期望与现实落差大", "种子文档篇一的分析维度", 2, False),
    ("suicide", "sui_thoughts", 130, "近期有自杀或自伤的想法", "直接询问；回答“是”即为阳性", 1, True),
    ("suicide", "sui_history", 140, "曾有自杀未遂或自伤行为", "", 1, True),
    ("suicide", "sui_plan", 150, "有具体计划或可获得的手段（药物、刀具等）", "", 1, True),
]

# level, lowest total that reaches it, months until the next screen, days until a flag at this level is reviewed
BANDS = [
    ("low", 0, 6, 90),
    ("medium", 8, 3, 30),
    ("high", 15, 1, 7),
]


def ensure_screen(item_model, band_model) -> None:
    """Create missing rows; rows an administrator edited are left alone."""
    for domain, code, order, text, guidance, max_score, suicide in ITEMS:
        item_model.objects.get_or_create(code=code, defaults={
            "domain": domain, "order": order, "text": text, "guidance": guidance, "max_score": max_score,
            "is_suicide_screen": suicide})
    for level, min_total, reassess_months, review_days in BANDS:
        band_model.objects.get_or_create(level=level, defaults={
            "min_total": min_total, "reassess_months": reassess_months, "flag_review_days": review_days,
            "source": SOURCE})
