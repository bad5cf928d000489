"""A worker imports a hand-over list in a real browser and watches the background check and import complete."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_worker_imports_a_list_and_sees_the_progress_complete(sign_in, live_server, tmp_path):
    from django.core.management import call_command

    from imports.tests.test_imports import release_rows, workbook
    from orgs.selectors import streets_for_new_people
    from accounts.models import User

    officer = User.objects.get(username="bj_officer")
    street = streets_for_new_people(user=officer).first().code
    path = tmp_path / "刑满释放人员名单.xlsx"
    path.write_bytes(workbook(release_rows(30, street, seed=5)).read())

    page = sign_in("bj_officer")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "release_notices")
    page.set_input_files("input[name=file]", str(path))
    page.click("button.primary")
    expect(page.get_by_test_id("job")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the worker make run starts
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "done", timeout=10000)
    expect(page.get_by_test_id("job-summary")).to_contain_text("30")
    page.get_by_test_id("commit").click()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "done", timeout=10000)
    expect(page.get_by_test_id("job-message")).to_contain_text("30")
