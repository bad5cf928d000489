"""The strict Content Security Policy holds on the busiest pages: nothing is refused in a real browser."""

import pytest

pytestmark = pytest.mark.e2e


def test_no_page_breaks_the_content_security_policy(sign_in, live_server, xiaoyu_pk):
    page = sign_in("sh_social")
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    for path in ("/today/", f"/people/{xiaoyu_pk}/", "/people/?q=xiao", "/reports/dashboard/",
                 f"/risk/people/{xiaoyu_pk}/", "/imports/", "/api/docs", "/account/two-factor/setup/"):
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/people/")
    page.fill("#q", "小")  # htmx search under the policy
    page.wait_for_timeout(600)
    assert refused == []
    # The control: an injected inline script is refused, and the listener hears it.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                  " document.body.appendChild(s); }")
    page.wait_for_timeout(300)
    assert refused and page.evaluate("() => window.x") is None
