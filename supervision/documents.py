"""Printable documents of the legal steps, filled from the record, as Word files an office edits and prints.

Official documents carry the person's real name (they go to the person, the court and the procuratorate), so only
the roles that take these decisions generate them, and each generation is audited.
"""

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _document(title: str, issuer: str) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word and WPS pick the CJK font from here
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(issuer)
    run.bold, run.font.size = True, Pt(16)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(18)
    return doc


def _bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _person_line(enrolment) -> str:
    person = enrolment.person
    born = _chinese_date(person.birth_date) if person.birth_date else "—"
    return (f"社区矫正对象：{person.full_name}，{person.get_sex_display()}，{born}出生，"
            f"身份证号 {person.id_number or '—'}，居住地 {person.residence_address or person.area.full_name}。")


def _signature(doc: Document, issuer: str, day: dt.date) -> None:
    for text in ("", issuer, _chinese_date(day)):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def warning_decision(sanction, *, issuer: str) -> bytes:
    """警告决定书 (Measures 35)."""
    enrolment = sanction.enrolment
    doc = _document("社区矫正对象警告决定书", issuer)
    doc.add_paragraph(_person_line(enrolment))
    doc.add_paragraph(f"矫正类别：{enrolment.get_correction_category_display()}；罪名：{enrolment.offence}；"
                      f"刑罚：{enrolment.sentence}；矫正期限自{_chinese_date(enrolment.start_date)}起至"
                      f"{_chinese_date(enrolment.end_date) if enrolment.end_date else '—'}止。")
    doc.add_paragraph(f"经查：{sanction.facts}")
    doc.add_paragraph("根据《中华人民共和国社区矫正法》第二十八条、《中华人民共和国社区矫正法实施办法》第三十五条的规定，"
                      "决定给予警告。")
    doc.add_paragraph("如不服本决定，可以自收到本决定书之日起向本机关提出申辩。")
    _signature(doc, issuer, sanction.on)
    return _bytes(doc)


def leave_approval(leave, *, issuer: str) -> bytes:
    """外出审批表 (CCL 27)."""
    enrolment = leave.enrolment
    doc = _document("社区矫正对象外出审批表", issuer)
    doc.add_paragraph(_person_line(enrolment))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in [("外出目的地", leave.destination), ("外出事由", leave.reason),
                         ("外出时间", f"{_chinese_date(leave.leave_on)}至{_chinese_date(leave.return_on)}，共{leave.days}天"),
                         ("审批机关", leave.get_approval_level_display()),
                         ("审批意见", f"{leave.get_status_display()}。{leave.decision_note}")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph("外出期间应遵守有关规定，返回后及时向司法所报告（销假）。")
    _signature(doc, issuer, dt.date.today())
    return _bytes(doc)


def end_of_correction_certificate(enrolment, *, issuer: str) -> bytes:
    """解除社区矫正证明书 (CCL 44)."""
    doc = _document("解除社区矫正证明书", issuer)
    doc.add_paragraph(_person_line(enrolment))
    doc.add_paragraph(f"该对象因{enrolment.offence}，经{enrolment.deciding_body}判处{enrolment.sentence}，"
                      f"于{_chinese_date(enrolment.start_date)}起接受社区矫正。")
    end = enrolment.end_date or dt.date.today()
    doc.add_paragraph(f"矫正期限已于{_chinese_date(end)}届满，依照《中华人民共和国社区矫正法》第四十四条的规定，"
                      "依法解除社区矫正，特此证明。")
    _signature(doc, issuer, end)
    return _bytes(doc)


def revocation_proposal(revocation, *, issuer: str) -> bytes:
    """提请撤销缓刑（假释）建议书 / 收监执行建议书 (CCL 46, 49), copied to the procuratorate."""
    enrolment = revocation.enrolment
    is_prison = revocation.kind == "prison"
    ask = {"probation": "撤销缓刑", "parole": "撤销假释", "prison": "收监执行"}[revocation.kind]
    title = f"提请{ask}建议书"
    doc = _document(title, issuer)
    doc.add_paragraph(f"{revocation.court}：")
    doc.add_paragraph(_person_line(enrolment))
    doc.add_paragraph(f"该对象因{enrolment.offence}，经{enrolment.deciding_body or '原决定机关'}判处（决定）"
                      f"{enrolment.sentence}，于{_chinese_date(enrolment.start_date)}起在本辖区接受社区矫正。")
    sanctions = list(enrolment.sanctions.exclude(kind="revocation").order_by("on"))
    if sanctions:
        doc.add_paragraph("矫正期间受到的处理：" + "；".join(
            f"{_chinese_date(s.on)}{s.get_kind_display().split(' ')[0]}" for s in sanctions) + "。")
    doc.add_paragraph(f"经查：{revocation.evidence}")
    basis = "第四十九条" if is_prison else "第四十六条"
    doc.add_paragraph(f"根据《中华人民共和国社区矫正法》{basis}的规定，建议对该社区矫正对象依法{ask}。")
    if revocation.arrest_requested:
        doc.add_paragraph("该对象可能逃跑或者可能发生社会危险，依照《中华人民共和国社区矫正法》第四十七条（第四十八条）的规定，"
                          "提请人民法院决定予以逮捕。")
    doc.add_paragraph("此致")
    doc.add_paragraph(revocation.court)
    doc.add_paragraph("抄送：同级人民检察院")
    _signature(doc, issuer, revocation.proposed_on)
    return _bytes(doc)


def correction_team_record(enrolment, *, issuer: str) -> bytes:
    """矫正小组成员名单 and duties (CCL 25), signed by each member at the intake."""
    doc = _document("社区矫正小组成员名单", issuer)
    doc.add_paragraph(_person_line(enrolment))
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("姓名", "身份", "备注", "签名")):
        cell.text = text
    for member in enrolment.team_members.all():
        notes = "、".join(text for text, on in (("女性", member.is_woman), ("熟悉未成年人身心特点", member.knows_minors))
                         if on)
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = member.name, member.get_role_display(), notes
    doc.add_paragraph("矫正小组职责：督促社区矫正对象遵守法律法规和监督管理规定，协助落实矫正方案，及时报告社区矫正对象"
                      "的思想、行为和生活情况，参与对社区矫正对象的教育帮扶（《中华人民共和国社区矫正法》第二十五条）。")
    _signature(doc, issuer, dt.date.today())
    return _bytes(doc)
