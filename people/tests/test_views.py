"""The web pages a worker uses: list, search, file, forms — scoped and audited."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from people.models import Person


def test_the_person_list_requires_sign_in(client):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_worker_of_district_a_gets_404_for_a_person_of_district_b(login, beijing_person):
    response = login("sh_social").get(beijing_person.get_absolute_url())
    assert response.status_code == 404


def test_an_out_of_scope_edit_is_404_too(login, beijing_person):
    assert login("sh_officer").get(reverse("people:edit", args=[beijing_person.pk])).status_code == 404


def test_the_worker_finds_xiaoyu_by_typing_xy(login, xiaoyu):
    response = login("sh_social").get(reverse("people:list"), {"q": "xy"}, HTTP_HX_REQUEST="true",
                                      HTTP_HX_TARGET="results")
    assert response.status_code == 200
    assert "小宇" in response.text and "<html" not in response.text  # htmx gets the results fragment only


def test_the_file_page_shows_the_full_id_to_the_owner_and_records_the_view(login, xiaoyu, staff):
    response = login("sh_social").get(xiaoyu.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    assert xiaoyu.id_number in response.text
    assert "抢劫罪" in response.text
    event = AuditEvent.objects.filter(action="person.viewed", person=xiaoyu).latest("id")
    assert event.actor == staff("sh_social") and event.ip_address == "10.1.2.3" and event.channel == "web"


def test_a_supervisor_sees_the_id_number_masked(login, xiaoyu):
    text = login("sh_supervisor").get(xiaoyu.get_absolute_url()).text
    assert xiaoyu.id_number not in text
    assert f"{xiaoyu.id_number[:6]}************" in text


def test_a_volunteer_sees_an_assigned_person_without_id_number_or_offence(login, staff):
    volunteer = staff("sh_volunteer")
    person = Person.objects.filter(assignments__user=volunteer, enrolments__population="correction").first()
    text = login("sh_volunteer").get(person.get_absolute_url()).text
    assert person.id_number not in text and person.id_number[-4:] not in text
    offence = person.enrolments.get(population="correction").offence
    assert offence not in text


def test_a_leader_states_a_reason_before_the_file_opens(login, adult):
    offence = adult.enrolments.exclude(offence="").first().offence
    client = login("sh_leader")
    first = client.get(adult.get_absolute_url())
    assert first.status_code == 200 and offence not in first.text and 'name="reason"' in first.text
    assert not AuditEvent.objects.filter(action="person.viewed", person=adult).exists()
    client.post(adult.get_absolute_url(), {"reason": "年度检查"})
    opened = client.get(adult.get_absolute_url())
    assert offence in opened.text
    assert AuditEvent.objects.get(action="person.viewed", person=adult).reason == "年度检查"


def test_a_juveniles_file_is_only_for_the_case_team_and_the_office_head(login, xiaoyu):
    assert xiaoyu.is_juvenile
    for username in ("sh_leader", "sh_admin"):  # would read an adult living there (with a reason)
        assert login(username).get(xiaoyu.get_absolute_url()).status_code == 404, username
    for username in ("sh_social", "sh_supervisor", "sh_officer"):  # owner, owner's team, the 司法所's head
        assert login(username).get(xiaoyu.get_absolute_url()).status_code == 200, username


def test_creating_a_person_with_a_bad_id_shows_the_error_and_saves_nothing(login, staff):
    worker = staff("sh_social")
    street = worker.organisation.area.children.first()
    count = Person.objects.count()
    response = login("sh_social").post(reverse("people:create"), {
        "full_name": "周某某", "sex": "M", "id_number": "310104200102031231", "area": street.pk, "ethnicity": "汉族"})
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert Person.objects.count() == count


def test_creating_a_person_through_the_form_opens_the_file(login, staff):
    from people.idnumbers import check_char

    worker = staff("sh_social")
    street = worker.organisation.area.children.first()
    first17 = "31010420050607443"
    response = login("sh_social").post(reverse("people:create"), {
        "full_name": "周明", "id_number": first17 + check_char(first17), "area": street.pk, "ethnicity": "汉族",
        "owner": worker.pk})
    person = Person.objects.filter(full_name="周明").latest("pk")  # the demo may hold another 周明
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.sex == "M" and person.organisation == worker.organisation


def test_editing_with_a_stale_version_reports_a_conflict(login, xiaoyu):
    client = login("sh_social")
    form = {"full_name": xiaoyu.full_name, "pseudonym": "小宇", "sex": "M", "birth_date": xiaoyu.birth_date.isoformat(),
            "ethnicity": "汉族", "id_number": xiaoyu.id_number, "area": xiaoyu.area_id, "owner": xiaoyu.owner_id,
            "employer": "甲", "version": xiaoyu.version}
    assert client.post(reverse("people:edit", args=[xiaoyu.pk]), form).status_code == 302
    stale = client.post(reverse("people:edit", args=[xiaoyu.pk]), {**form, "employer": "乙"})
    assert stale.status_code == 200 and "errorlist" in stale.text
    xiaoyu.refresh_from_db()
    assert xiaoyu.employer == "甲"


def test_the_enrolment_form_swaps_in_the_fields_of_the_chosen_population(login, xiaoyu):
    response = login("sh_social").get(reverse("people:enrolment_add", args=[xiaoyu.pk]), {"population": "drug"},
                                      HTTP_HX_REQUEST="true")
    assert 'name="drug_order_kind"' in response.text and 'name="offence"' not in response.text


def test_the_person_list_takes_the_same_number_of_queries_whatever_the_page_size(login, monkeypatch):
    from people import views

    client = login("sh_leader")
    counts = []
    for rows in (2, 25):
        monkeypatch.setattr(views, "PAGE_SIZE", rows)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("people:list")).status_code == 200
        counts.append(len(queries))
    # The page's area, office and owner are read by key, one query each, not joined (people.selectors.person_search).
    # sh_leader sees more than 25 people, so both first pages are full and both count them.
    assert counts[0] == counts[1] <= 8, counts


def test_the_file_page_query_count_does_not_grow_with_family_size(login, xiaoyu, staff):
    from people.services import support_member_save

    client = login("sh_social")
    client.get(xiaoyu.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        client.get(xiaoyu.get_absolute_url())
    for n in range(5):
        support_member_save(actor=staff("sh_social"), person=xiaoyu, data={"name": f"亲属{n}", "relation": "舅舅"})
    with CaptureQueriesContext(connection) as after:
        client.get(xiaoyu.get_absolute_url())
    assert len(after) == len(before)


def test_the_audit_trail_page_lists_who_opened_the_file(login, xiaoyu):
    client = login("sh_social")
    client.get(xiaoyu.get_absolute_url())
    page = client.get(reverse("people:audit", args=[xiaoyu.pk]))
    assert page.status_code == 200 and "person.viewed" in page.text


def test_a_volunteer_cannot_read_the_audit_trail(login, staff):
    person = Person.objects.filter(assignments__user=staff("sh_volunteer")).first()
    assert login("sh_volunteer").get(reverse("people:audit", args=[person.pk])).status_code == 403


def test_a_worker_disables_a_file_with_a_reason_and_it_leaves_the_list(login, xiaoyu):
    client = login("sh_social")
    assert client.post(reverse("people:set_active", args=[xiaoyu.pk]), {"reason": ""}).status_code == 200
    client.post(reverse("people:set_active", args=[xiaoyu.pk]), {"reason": "重复建档"})
    xiaoyu.refresh_from_db()
    assert not xiaoyu.is_active
    assert "小宇" not in client.get(reverse("people:list"), {"q": "xy"}).text
    assert client.get(xiaoyu.get_absolute_url()).status_code == 200  # still there for those who keep it
