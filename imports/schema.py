"""What each import reads: its columns in the template, how each cell is checked, and what it becomes.

Headers are the Chinese the offices use on their hand-over lists; codes are the words they write (男/女, 缓刑…)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

SEX = {"男": "M", "女": "F"}
CATEGORY = {"管制": "control", "缓刑": "probation", "假释": "parole", "暂予监外执行": "medical"}
RELEASE_SOURCE = {"刑满释放": "prison", "解除社区矫正": "correction"}
YES_NO = {"是": True, "否": False, "": False}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, date, code, id_number, street
    codes: dict = field(default_factory=dict)
    example: str = ""
    max_length: int = 200


PERSON = [
    Column("full_name", "姓名", True, example="张某某", max_length=50),
    Column("id_number", "身份证号", True, "id_number", example="110101199001011234"),
    Column("sex", "性别", False, "code", SEX, example="男"),
    Column("phone", "联系电话", example="13800000000", max_length=30),
    Column("residence_address", "居住地址", example="某街道某小区1号楼"),
    Column("street_code", "街道代码", True, "street", example="110101001"),
]

KINDS = {
    "people": {
        "title": _("People (files only)"),
        "population": None,
        "columns": PERSON,
    },
    "court_notices": {
        "title": _("Court notices (community correction)"),
        "population": "correction",
        "columns": PERSON + [
            Column("correction_category", "矫正类别", True, "code", CATEGORY, example="缓刑"),
            Column("offence", "罪名", True, example="盗窃罪", max_length=100),
            Column("sentence", "刑罚", True, example="有期徒刑1年，缓刑2年", max_length=100),
            Column("deciding_body", "决定机关", True, example="某区人民法院", max_length=100),
            Column("start_date", "矫正起始日", True, "date", example="2026-11-01"),
            Column("end_date", "矫正终止日", True, "date", example="2028-10-31"),
        ],
    },
    "release_notices": {
        "title": _("Prison release notices (resettlement assistance)"),
        "population": "resettlement",
        "columns": PERSON + [
            Column("release_source", "释放类别", True, "code", RELEASE_SOURCE, example="刑满释放"),
            Column("release_date", "释放日期", True, "date", example="2026-12-15"),
            Column("release_institution", "释放单位", True, example="某监狱", max_length=100),
            Column("offence", "原罪名", example="盗窃罪", max_length=100),
            Column("high_priority", "重点帮教对象", False, "code", YES_NO, example="否"),
        ],
    },
}


def parse_date(value) -> dt.date:
    """Dates as offices type them: 2026-11-01, 2026/11/1, 2026.11.1, 2026年11月1日, or a real Excel date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for old, new in (("年", "-"), ("月", "-"), ("日", ""), ("/", "-"), (".", "-")):
        text = text.replace(old, new)
    year, month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)
