"""A leader's dashboard draws its charts in a real browser (the canvases are not blank)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAINTED = """(node) => {
  const canvas = node.querySelector("canvas");
  if (!canvas) return 0;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  return painted;
}"""


def test_a_leaders_dashboard_renders_its_charts(sign_in, live_server, tmp_path):
    page = sign_in("sh_leader")
    page.goto(f"{live_server.url}/reports/dashboard/")
    chart = page.get_by_test_id("chart-populations")
    expect(chart.locator("canvas")).to_have_count(1)
    page.wait_for_timeout(800)  # the chart's entry animation
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    for name in ("populations", "offices", "trend"):
        assert page.get_by_test_id(f"chart-{name}").evaluate(PAINTED) > 500, name
