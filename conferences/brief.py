"""The conference brief and training case material as Word documents, under the pseudonym only.

What identifies the person is removed or generalised: the real name (and the given name alone), family members'
names (replaced by their relation), ID numbers, phone numbers, addresses, the employer or school, and exact dates
(day dropped; date of birth becomes an age). Free text written by workers is passed through the same filter,
because names and phone numbers turn up in notes; a filter cannot know a name it was never told, so the brief takes
only text written for the conference, and the page reminds the writer to leave other people's names out.
"""

import io
import re

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

# Written with or without separators (spaces, hyphens), as people type them.
ID_NUMBER = re.compile(r"(?<!\d)\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx](?![\dXx])|(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*[日号]")
NUMERIC_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.]\d{1,2}")
MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*\d{1,2}\s*[日号]")


def pseudonym_of(person) -> str:
    return person.pseudonym or "案主"


class Pseudonymiser:
    def __init__(self, person, *, training: bool = False):
        self.training = training
        self.label = label = pseudonym_of(person)
        pairs = [(person.full_name, label)]
        if len(person.full_name) >= 3:  # the given name alone, as colleagues write it ("小宇", "建国")
            pairs.append((person.full_name[1:], label))
        for member in person.supporters.all():
            if member.name:
                pairs.append((member.name, member.relation or "家属"))
                if len(member.name) >= 3:  # "建国" for 王建国
                    pairs.append((member.name[1:], member.relation or "家属"))
        for text in (person.residence_address, person.household_address):
            if text:
                pairs.append((text, "[地址]"))
        if person.employer:
            pairs.append((person.employer, "[单位或学校]"))
        # Longest first, so a full name goes before the given name inside it.
        self.pairs = sorted({p for p in pairs if p[0].strip()}, key=lambda p: -len(p[0]))
        self.phones = [p for p in [person.phone, *[m.phone for m in person.supporters.all()]] if p]

    def __call__(self, text: str) -> str:
        text = text or ""
        for phone in self.phones:
            text = text.replace(phone, "[电话]")
        text = ID_NUMBER.sub("[身份证号]", text)
        text = MOBILE.sub("[电话]", text)
        text = LANDLINE.sub("[电话]", text)
        for real, replacement in self.pairs:
            text = text.replace(real, replacement)
        text = FULL_DATE.sub(r"\1年\2月", text)
        text = NUMERIC_DATE.sub(r"\1年\2月", text)
        return MONTH_DAY.sub(r"\1月", text)


def _month(day) -> str:
    return f"{day.year}年{day.month}月"


def _document(title: str) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(title, level=1)
    return doc


def _age_text(person, training: bool) -> str:
    age = person.age
    if age is None:
        return "不详"
    if training:
        return "未成年" if age < 18 else f"{age // 10 * 10}多岁"
    return f"{age}岁"


def conference_brief(conference, *, training: bool = False) -> bytes:
    """个案讨论会材料 (or 培训案例 when `training`): background, service so far, incidents, screening and, once held,
    the analysis and decisions. Always in Chinese, whatever the reader's interface language."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _conference_brief(conference, training=training)


def _conference_brief(conference, *, training: bool) -> bytes:
    from casework.models import Contact
    from risk.models import Screening

    person = conference.person
    clean = Pseudonymiser(person, training=training)
    first = person.enrolments.order_by("start_date").values_list("start_date", flat=True).first()

    def when(day) -> str:
        """A month; in training material, counted from the start of the service so no real date remains."""
        if not training or first is None:
            return _month(day)
        return f"服务第{(day.year - first.year) * 12 + day.month - first.month + 1}个月"

    label = pseudonym_of(person)
    doc = _document("培训案例材料" if training else "个案讨论会材料")
    if not training:
        doc.add_paragraph(f"会议时间：{_month(conference.scheduled_for)}　地点：{clean(conference.place)}")
    doc.add_paragraph("本材料仅使用化名，已删除或概括身份证号、住址、电话、家庭成员姓名和确切日期，仅供讨论和培训使用，"
                      "不得外传。")
    doc.add_heading("一、基本情况", level=2)
    populations = "、".join(e.get_population_display() for e in person.enrolments.filter(status="active"))
    doc.add_paragraph(f"{label}，{person.get_sex_display()}，{_age_text(person, training)}，"
                      f"文化程度：{person.get_education_display() or '不详'}，就业：{person.get_employment_display() or '不详'}；"
                      f"服务类别：{populations or '—'}。")
    correction = person.enrolments.filter(population="correction").order_by("-start_date").first()
    if correction and correction.offence:
        doc.add_paragraph(f"因{clean(correction.offence)}被判处{clean(correction.sentence)}，"
                          f"{when(correction.start_date)}起接受社区矫正。")
    family = [f"{m.relation}（{m.get_attitude_display()}{'，同住' if m.lives_with else ''}）"
              for m in person.supporters.filter(is_active=True)]
    if family:
        doc.add_paragraph("家庭与支持系统：" + "；".join(family) + "。")
    doc.add_heading("二、背景", level=2)
    # Only what was written for the conference: the file's own notes name friends and teachers too freely.
    if conference.background:
        doc.add_paragraph(clean(conference.background))
    doc.add_heading("三、接案以来的服务", level=2)
    contacts = Contact.objects.filter(case__person=person).order_by("started_at")
    count = contacts.count()
    if count:
        first_contact, last_contact = contacts.first(), contacts.last()
        doc.add_paragraph(f"共接触{count}次，自{when(first_contact.started_at)}至{when(last_contact.started_at)}。")
    if conference.service_so_far:
        doc.add_paragraph(clean(conference.service_so_far))
    doc.add_heading("四、危机事件", level=2)
    for incident in person.incidents.all():
        doc.add_paragraph(f"{when(incident.occurred_at)}，{incident.get_kind_display()}：{clean(incident.description)}"
                          f" 即时处置：{clean(incident.immediate_actions)}")
    doc.add_heading("五、需求与风险筛查", level=2)
    screening = Screening.objects.filter(person=person).first()
    if screening:
        doc.add_paragraph(f"{when(screening.done_on)}筛查：总分{screening.total}，结果{screening.get_level_display()}"
                          f"{'，自杀风险筛查阳性' if screening.suicide_positive else ''}。")
        for answer in screening.answers.select_related("item").filter(score__gt=0):
            doc.add_paragraph(f"{answer.item.get_domain_display()}·{answer.item.text}：{answer.score}分，"
                              f"{clean(answer.rationale)}", style="List Bullet")
    else:
        doc.add_paragraph("尚未进行结构化筛查。")
    if conference.status == "held":
        doc.add_heading("六、讨论分析", level=2)
        for analysis in conference.analyses.select_related("dimension"):
            doc.add_paragraph(f"{analysis.dimension.name}：{clean(analysis.notes)}", style="List Bullet")
        if conference.recommendations:
            doc.add_heading("七、建议", level=2)
            doc.add_paragraph(clean(conference.recommendations))
        if conference.decisions.exists():
            doc.add_heading("八、跟进决定", level=2)
            for decision in conference.decisions.select_related("owner"):
                who = decision.owner.get_role_display() if training else decision.owner.display_name
                doc.add_paragraph(f"{clean(decision.text)}（{who}，{when(decision.due_on)}前）", style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def document_text(content: bytes) -> str:
    """All the text of a generated document (paragraphs and tables), for checks."""
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


