"""The Word documents of the legal steps: they open in Word/WPS (python-docx here) and carry the record's facts."""

import datetime as dt
import io

from docx import Document
from django.urls import reverse

from audit.models import AuditEvent
from people.models import Enrolment
from supervision import services


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def bj_enrolment():
    return Enrolment.objects.filter(population="correction", status="active",
                                    person__owner__username="bj_officer").select_related("person").first()


def test_the_warning_decision_names_the_person_the_facts_and_the_law(login, staff):
    enrolment = bj_enrolment()
    warning = services.sanction_record(actor=staff("bj_leader"), enrolment=enrolment, kind="warning",
                                       on=dt.date(2026, 11, 20), facts="无正当理由未按时报告两次")
    response = login("bj_leader").get(reverse("supervision:document", args=[enrolment.pk, "warning", warning.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = text_of(response.content)
    assert enrolment.person.full_name in text and "无正当理由未按时报告两次" in text and "第三十五条" in text
    assert "2026年11月20日" in text and "东城区司法局" in text
    assert AuditEvent.objects.filter(action="document.warning", person=enrolment.person).exists()


def test_the_leave_form_and_the_certificate_carry_their_dates(login, staff):
    enrolment = bj_enrolment()
    leave, _w = services.leave_apply(actor=staff("bj_officer"), enrolment=enrolment, destination="天津市", reason="务工",
                                     leave_on=dt.date(2026, 12, 10), return_on=dt.date(2026, 12, 14))
    services.leave_decide(actor=staff("bj_leader"), leave=leave, approve=True)
    client = login("bj_officer")
    leave_text = text_of(client.get(reverse("supervision:document", args=[enrolment.pk, "leave", leave.pk])).content)
    assert "天津市" in leave_text and "共5天" in leave_text
    certificate = text_of(client.get(reverse("supervision:document", args=[enrolment.pk, "certificate"])).content)
    assert "解除社区矫正证明书" in certificate and enrolment.offence in certificate


def test_a_social_worker_does_not_generate_legal_documents(login):
    enrolment = bj_enrolment()
    assert login("bj_social").get(reverse("supervision:document", args=[enrolment.pk, "certificate"])).status_code in (
        403, 404)
