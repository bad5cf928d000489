"""The top bar every page carries: the links a role sees, the current section, who is signed in, the language switch
(tongxing/navigation.py)."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse


def _links(page: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    return [(href, bool(current)) for href, current in re.findall(r'<a href="([^"]+)"( aria-current="page")?>', nav)]


def test_each_role_sees_its_own_links_and_the_current_section_is_marked(login):
    worker = login("sh_social").get(reverse("people:list")).text
    links = _links(worker)
    assert ("/people/", True) in links and ("/today/", False) in links and ("/cases/", False) in links
    assert "/audit/" not in [href for href, _ in links] and "退出" in worker

    administrator = _links(login("sh_admin").get(reverse("duties:day_list")).text)
    assert ("/today/", True) in administrator and "/audit/" in [href for href, _ in administrator]
    assert "/cases/" not in [href for href, _ in administrator]


def test_the_top_bar_follows_the_language_it_is_read_in(login):
    client = login("sh_social")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("duties:day_list")).text
    assert 'aria-label="Main navigation"' in page and ">People</a>" in page and "Sign out" in page
    assert 'value="zh-hans">中文</button>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("duties:day_list")).text
    assert 'aria-label="主导航"' in page and ">服务对象</a>" in page and 'value="en">English</button>' in page


def test_what_the_top_bar_shows_of_the_user_and_the_address_is_escaped(login, staff):
    worker = staff("sh_social")
    worker.full_name = '<b onmouseover="x()">社工</b>'
    worker.save(update_fields=["full_name"])
    worker.organisation.name = "阳光&<i>站</i>"
    worker.organisation.save(update_fields=["name"])
    page = login("sh_social").get(reverse("people:list"), {"q": '"><script>'}).text
    assert "<b onmouseover" not in page and "&lt;b onmouseover=&quot;x()&quot;&gt;社工&lt;/b&gt;" in page
    assert "阳光&amp;&lt;i&gt;站&lt;/i&gt;" in page
    assert '<input type="hidden" name="next" value="/people/?q=%22%3E%3Cscript%3E">' in page
    # The address as the browser sent it: quotes and ampersands reach the page unencoded, and are escaped there.
    page = login("sh_social").get("/people/?q=x'&population=y").text
    assert '<input type="hidden" name="next" value="/people/?q=x&#x27;&amp;population=y">' in page


def test_a_visitor_not_signed_in_gets_the_brand_and_the_language_switch_only(db):
    page = Client().get(reverse("login")).text
    header = re.search(r'<header class="topbar">.*?</header>', page, re.S).group(0)
    assert '<nav class="nav"' not in header and "退出" not in header
    assert 'name="language" value="en"' in header and 'name="csrfmiddlewaretoken"' in header
