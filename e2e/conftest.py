"""Browser tests: pytest-playwright driving Debian's chromium against Django's live server."""

import os
import shutil

import pytest

from demo.builder import demo_loaded, load_demo

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread while fixtures still use the synchronous ORM
# (set for the whole test process, as pytest-playwright's documentation advises; never in deployment).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Browser tests need {CHROMIUM}; CI installs it with `make browser-deps`.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make browser-deps)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def demo_world(transactional_db):
    """The demo, committed (the live server sees committed data only); a transactional test empties the DB after it."""
    if not demo_loaded():
        load_demo()


@pytest.fixture
def sign_in(page, live_server, demo_world):
    def go(username: str, password: str = "tongxing-demo"):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/today/**")
        return page

    return go


@pytest.fixture
def xiaoyu_pk(demo_world):
    from people.models import Person

    return Person.objects.get(pseudonym="小宇").pk
