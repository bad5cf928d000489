import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def overdue_home_visit(demo_world):
    from django.utils import timezone

    from accounts.models import User
    from casework.services import appointment_book, case_open
    from people.models import Person

    worker = User.objects.get(username="sh_social2")
    person = Person.objects.filter(owner=worker, enrolments__population="resettlement", cases__isnull=True,
                                   pseudonym="").first()
    case = case_open(actor=worker, person=person, population="resettlement")
    appointment_book(actor=worker, case=case, planned_at=timezone.now() - dt.timedelta(days=2), mode="home_visit",
                     place="家中")
    return person.shared_name


def test_an_overdue_home_visit_leaves_the_day_list_once_recorded(sign_in, live_server, overdue_home_visit):
    page = sign_in("sh_social2")  # lands on the day list
    overdue = page.get_by_test_id("overdue")
    expect(overdue).to_contain_text(overdue_home_visit)
    overdue.locator("a", has_text=overdue_home_visit).click()
    page.click("text=记录接触")
    page.check("input[name=mode][value=home_visit]")
    page.check("input[name=met][value=person]")
    page.fill("textarea[name=process_note]", "按约家访，了解就业情况")
    page.click("button.primary")
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_test_id("overdue")).not_to_contain_text(overdue_home_visit)
