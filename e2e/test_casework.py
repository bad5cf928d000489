"""The seed's two intake protocols walked in a real browser, and a home visit recorded on a phone."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def a_person(username: str, population: str) -> int:
    from people.models import Person

    return (Person.objects.filter(owner__username=username, enrolments__population=population,
                                  enrolments__status="active", cases__isnull=True, pseudonym="")
            .order_by("pk").first().pk)


def record_contact(page, *, mode: str, met: str, start: str, end: str, note: str, extra=()):
    page.click("text=记录接触")
    page.check(f"input[name=mode][value={mode}]")
    page.check(f"input[name=met][value={met}]")
    page.fill("input[name=started_at]", f"{YESTERDAY}T{start}")
    page.fill("input[name=ended_at]", f"{YESTERDAY}T{end}")
    for name in extra:
        page.check(f"input[name={name}]")
    page.fill("textarea[name=process_note]", note)
    page.click("button.primary")


def act(page, label: str, reason: str = ""):
    page.click(f"a.button:has-text('{label}')")
    if reason:
        page.fill("textarea[name=reason]", reason)
    page.click("button.primary")


def approve_as(page, live_server, username: str, case_url: str, sign_in):
    page.click("button:has-text('退出')")
    sign_in(username)
    page.goto(case_url)
    page.click("a.button:has-text('审批')")
    page.fill("textarea[name=note]", "同意")
    page.click("button[name=approve][value='1']")


def sign_agreement_and_plan(page, case_url: str):
    page.click("a.button:has-text('服务协议')")
    page.fill("textarea[name=terms]", "每两周面谈一次")
    page.click("button.primary")
    page.click("a.button:has-text('编辑计划')")
    page.fill("input[name=goals-0-text]", "稳定就业")
    page.fill("textarea[name=goals-0-tasks]", "转介社区就业服务")
    page.click("button[name=submit]")
    expect(page).to_have_url(case_url)


def test_protocol_b_in_the_shanghai_district_from_the_first_step_to_intervention(sign_in, live_server, page):
    page = sign_in("sh_social2")
    page.goto(f"{live_server.url}/people/{a_person('sh_social2', 'resettlement')}/")
    page.click("text=接案")
    page.select_option("select[name=population]", "resettlement")
    page.click("button.primary")
    case_url = page.url
    expect(page.get_by_test_id("next-step")).to_contain_text("制定初次家访计划")
    page.click("text=标记此步骤完成")
    page.fill("textarea[name=note]", "访谈提纲：近况、困惑、家庭支持、生活来源")
    page.click("button.primary")
    expect(page.get_by_test_id("next-step")).to_contain_text("初次家访")
    record_contact(page, mode="home_visit", met="family_only", start="10:00", end="10:20",
                   note="本人外出打工，母亲接待", extra=("left_card", "left_leaflet", "asked_family_to_pass_on"))
    expect(page.get_by_test_id("next-step")).to_contain_text("主要问题")
    page.click("text=标记此步骤完成")
    page.click("button.primary")
    act(page, "开始预估")
    page.click("a.button:has-text('预估')")
    page.fill("textarea[name=main_problems]", "就业困难，对前途迷茫")
    page.fill("textarea[name=analysis]", "家属支持较好，本人有改变意愿")
    page.click("button.primary")
    record_contact(page, mode="home_visit", met="person", start="14:00", end="14:50", note="二次家访，进一步了解情况")
    expect(page.get_by_test_id("next-step")).to_contain_text("征求督导意见")
    page.click("button:has-text('退出')")
    sign_in("sh_supervisor")
    page.goto(case_url)
    page.click("a.button:has-text('督导意见')")
    page.fill("textarea[name=opinion]", "同意向机构申请开案，注意就业支持")
    page.click("button.primary")
    page.click("button:has-text('退出')")
    sign_in("sh_social2")
    page.goto(case_url)
    act(page, "申请开案", "符合开案条件")
    expect(page.get_by_test_id("stage")).to_have_text("开案申请中")
    approve_as(page, live_server, "sh_supervisor", case_url, sign_in)
    expect(page.get_by_test_id("stage")).to_have_text("已开案")
    page.click("button:has-text('退出')")
    sign_in("sh_social2")
    page.goto(case_url)
    sign_agreement_and_plan(page, case_url)
    approve_as(page, live_server, "sh_supervisor", case_url, sign_in)
    page.click("button:has-text('退出')")
    sign_in("sh_social2")
    page.goto(case_url)
    act(page, "开始介入")
    expect(page.get_by_test_id("stage")).to_have_text("介入")
    expect(page.locator(".steps li.done")).to_have_count(8)


def test_protocol_a_in_the_beijing_district_by_the_judicial_officer(sign_in, live_server, page):
    page = sign_in("bj_officer")
    page.goto(f"{live_server.url}/people/{a_person('bj_officer', 'correction')}/")
    page.click("text=接案")
    page.select_option("select[name=population]", "correction")
    page.click("button.primary")
    case_url = page.url
    expect(page.get_by_test_id("next-step")).to_contain_text("在司法所进行第一次面谈")
    expect(page.locator("ol.agenda li")).to_have_count(5)
    page.click("text=记录接触")
    for box in page.locator("input[name=agenda_covered]").all():
        box.check()
    page.check("input[name=mode][value=office]")
    page.check("input[name=met][value=person]")
    page.fill("input[name=started_at]", f"{YESTERDAY}T09:00")
    page.fill("input[name=ended_at]", f"{YESTERDAY}T09:25")
    page.fill("textarea[name=process_note]", "初次面谈，介绍工作内容；同意家访")
    page.click("button.primary")
    expect(page.get_by_test_id("next-step")).to_contain_text("家访")
    record_contact(page, mode="home_visit", met="person", start="15:00", end="15:50", note="家访，与家属交流")
    act(page, "开始预估")
    page.click("a.button:has-text('预估')")
    page.fill("textarea[name=main_problems]", "遵规意识弱")
    page.fill("textarea[name=analysis]", "需加强教育")
    page.click("button.primary")
    act(page, "申请开案", "建议开案")
    approve_as(page, live_server, "bj_supervisor", case_url, sign_in)
    page.click("button:has-text('退出')")
    sign_in("bj_officer")
    page.goto(case_url)
    sign_agreement_and_plan(page, case_url)
    approve_as(page, live_server, "bj_supervisor", case_url, sign_in)
    page.click("button:has-text('退出')")
    sign_in("bj_officer")
    page.goto(case_url)
    act(page, "开始介入")
    expect(page.get_by_test_id("stage")).to_have_text("介入")


def test_a_home_visit_with_the_person_absent_is_recorded_on_a_375_px_phone(sign_in, live_server, page):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in("sh_social2")
    page.goto(f"{live_server.url}/people/{a_person('sh_social2', 'resettlement')}/")
    page.click("text=接案")
    page.click("button.primary")
    record_contact(page, mode="home_visit", met="family_only", start="16:00", end="16:15",
                   note="本人不在家，仅见到母亲；请母亲转告社工来访",
                   extra=("left_card", "left_contact_details", "left_leaflet", "asked_family_to_pass_on"))
    expect(page.locator(".timeline")).to_contain_text("仅见到家属")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="test-results/home-visit-375.png", full_page=True)
    from casework.models import Contact

    visit = Contact.objects.latest("id")
    assert (visit.met, visit.left_leaflet, visit.left_card, visit.asked_family_to_pass_on) == (
        "family_only", True, True, True)
    assert re.search("本人不在家", visit.process_note)
