
from django.urls import reverse

from people.models import Enrolment
from supervision.models import Sanction


def test_an_officer_records_two_reprimands_and_the_page_suggests_a_warning(login):
    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").first()
    client = login("bj_officer")
    url = reverse("supervision:enrolment", args=[enrolment.pk])
    for day in ("2026-09-01", "2026-10-01"):
        client.post(url, {"action": "sanction", "kind": "reprimand", "on": day, "facts": "未按时报告"})
    assert Sanction.objects.filter(enrolment=enrolment).count() == 2
    page = client.get(url)
    assert 'data-testid="suggestion"' in page.text and "警告" in page.text


def test_a_volunteer_cannot_open_legal_supervision(login, staff):
    volunteer = staff("bj_volunteer")
    enrolment = Enrolment.objects.filter(population="correction", person__assignments__user=volunteer).first()
    if enrolment:
        assert login("bj_volunteer").get(reverse("supervision:enrolment", args=[enrolment.pk])).status_code == 403


def test_a_bad_date_is_a_message_not_a_500(login):
    enrolment = Enrolment.objects.filter(population="correction", status="active",
                                         person__owner__username="bj_officer").first()
    response = login("bj_officer").post(reverse("supervision:enrolment", args=[enrolment.pk]),
                                        {"action": "leave", "destination": "天津", "reason": "x", "leave_on": "tomorrow",
                                         "return_on": "2026-12-01"}, follow=True)
    assert response.status_code == 200 and "2026-12-31" in response.text
