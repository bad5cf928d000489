"""The seed's crisis response in a real browser: record 小宇's incident, then schedule and hold the conference."""

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_worker_records_an_incident_and_holds_the_conference(sign_in, live_server, xiaoyu_pk):
    from accounts.models import User

    supervisor = User.objects.get(username="sh_supervisor")
    now = dt.datetime.now().replace(second=0, microsecond=0)
    page = sign_in("sh_social")
    page.goto(f"{live_server.url}/people/{xiaoyu_pk}/")
    page.click("a.button:has-text('登记危机事件')")
    page.select_option("select[name=kind]", "suicide_attempt")
    page.fill("input[name=occurred_at]", (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "某招待所")
    page.fill("textarea[name=description]", "与同龄人相约服药，自杀未遂，已送医")
    page.fill("textarea[name=immediate_actions]", "陪同就医，通知家属和督导")
    page.click("button.primary")
    expect(page.get_by_test_id("risk-flag")).to_contain_text("高")
    expect(page.get_by_test_id("conference-due")).not_to_be_empty()

    page.click("a.button:has-text('安排个案讨论会')")
    page.fill("input[name=scheduled_for]", (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "街道司法所会议室")
    page.check(f"input[name=staff][value='{supervisor.pk}']")
    page.fill("textarea[name=externals]", "周医生，精神科医生，区精神卫生中心\n吴老师，心理咨询师，区心理咨询中心")
    page.click("button.primary")
    expect(page.get_by_test_id("conference-status")).to_have_text("已安排")
    expect(page.locator("body")).to_contain_text("周医生")

    page.fill("textarea[name=background]", "小宇矫正期间情绪低落，与父亲沟通少")
    page.fill("textarea[name=service_so_far]", "接案以来每周面谈一次")
    page.fill("textarea[name=dim_self_worth]", "自我价值感低")
    page.fill("textarea[name=dim_family_communication]", "父亲以责骂为主")
    page.fill("input[name=decision_0]", "每周两次面谈并评估自杀风险")
    page.select_option("select[name=owner_0]", str(User.objects.get(username="sh_social").pk))
    page.fill("input[name=due_0]", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    page.fill("input[name=decision_1]", "安排专业督导跟进")
    page.select_option("select[name=owner_1]", str(supervisor.pk))
    page.fill("input[name=due_1]", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    page.click("button.primary:has-text('登记讨论会')")
    expect(page.get_by_test_id("conference-status")).to_have_text("已召开")
    expect(page.get_by_test_id("decision")).to_have_count(2)

    page.goto(f"{live_server.url}/today/")
    expect(page.locator("body")).to_contain_text("每周两次面谈并评估自杀风险")
