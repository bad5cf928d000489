import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_social_worker_finds_xiaoyu_by_typing_xy_and_opens_his_file(sign_in, live_server):
    page = sign_in("sh_social")
    page.click("nav >> text=服务对象")
    page.fill("#q", "xy")  # htmx swaps the results in as the worker types
    result = page.locator("#results .person-row", has_text="小宇")
    expect(result).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=xy"))
    result.click()
    expect(page.locator("h1")).to_contain_text("小宇")
    expect(page.locator("body")).to_contain_text("抢劫罪")
    expect(page.locator("body")).to_contain_text("有期徒刑2年，缓刑3年")


def test_the_person_list_and_page_fit_a_375_px_phone(sign_in, live_server, page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in("sh_social")
    page.click("nav >> text=服务对象")
    page.fill("#q", "xy")
    page.locator("#results .person-row", has_text="小宇").click()
    expect(page.locator("h1")).to_contain_text("小宇")
    # Nothing forces sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="test-results/person-page-375.png", full_page=True)


def test_choosing_a_population_swaps_in_its_own_fields(sign_in, live_server, xiaoyu_pk):
    page = sign_in("sh_social")
    page.goto(f"{live_server.url}/people/{xiaoyu_pk}/populations/new/")
    expect(page.locator("input[name=offence]")).to_be_visible()
    page.select_option("select[name=population]", "resettlement")
    expect(page.locator("input[name=release_date]")).to_be_visible()
    expect(page.locator("input[name=offence]")).to_have_count(0)
