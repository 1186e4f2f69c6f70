"""The reports fit a phone (390 px), a desktop (1400 px) and A4 paper, in real headless Chromium.

Nothing may stick out to the right: the document is no wider than the viewport, no element's
box passes the right edge, and no badge sticks out of its table cell (a cut-off 未整改 badge
was the defect). Print is checked with print media at the width of A4 inside its margins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest_reports import ReportDB, build_province
from test_reports_browser import BrowserThread, browser, shot, watch  # noqa: F401 - fixture

from reports.render import render_reports

pytestmark = pytest.mark.browser

# A4 is 210 mm wide; report.css prints with 12 mm side margins: 186 mm at 96 px per inch.
A4_PRINT_WIDTH = round(186 / 25.4 * 96)
WIDTHS = [("phone", 390, "screen"), ("desktop", 1400, "screen"), ("a4", A4_PRINT_WIDTH, "print")]

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const describe = (el, r) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
    + ' right=' + Math.round(r.right) + ' «' + (el.textContent || '').trim().slice(0, 30) + '»';
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > width + 0.5) out.push(describe(el, r));
    if (el.classList.contains('badge')) {
      const cell = el.closest('td, th');
      if (cell) {
        const c = cell.getBoundingClientRect();
        if (r.right > c.right + 0.5 || r.left < c.left - 0.5) out.push('outside its cell: ' + describe(el, r));
      }
    }
  }
  return {width, scroll: document.documentElement.scrollWidth, out};
}"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    db = ReportDB.create(root / "province.db")
    build_province(db)
    with db.session() as s:
        return render_reports(s, root / "out")


def fits(page: Any, name: str) -> dict[str, Any]:
    result = page.evaluate(OVERFLOW)
    shot(page, f"layout-{name}.png")
    return result


@pytest.mark.parametrize("name,width,media", WIDTHS)
@pytest.mark.parametrize(
    "report", ["index.html", "sites/demo-portal.html", "sites/demo-stale.html"]
)
def test_reports_fit_the_width(
    browser: BrowserThread,  # noqa: F811 - the fixture imported above
    reports: Path,
    report: str,
    name: str,
    width: int,
    media: str,
) -> None:
    path = reports.parent / report

    def run(b: Any) -> dict[str, Any]:
        w = watch(b)
        w.page.set_viewport_size({"width": width, "height": 900})
        w.page.emulate_media(media=media)
        w.page.goto(path.as_uri())
        result = fits(w.page, f"{name}-{Path(report).stem}")
        assert w.errors == []
        w.page.close()
        return result

    result = browser.run(run)
    assert result["width"] == width
    assert result["scroll"] <= width, f"{report} at {width} px is {result['scroll']} px wide"
    assert result["out"] == [], f"{report} at {width} px: {result['out'][:10]}"
