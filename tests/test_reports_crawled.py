"""Reports of real crawls in headless Chromium: the demo site, and a site full of script payloads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select
from test_reports_browser import DOM_AUDIT, BrowserThread, browser, shot, watch  # noqa: F401 - fixture

from inspector.demo.server import AS_OF, PLANTED, resolve_url
from inspector.registry import load_registry
from inspector.store.models import RunRow
from reports.render import render_reports, site_filename

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]


@pytest_twisted.ensureDeferred
async def test_demo_reports_in_the_browser(
    browser: BrowserThread,  # noqa: F811 - the fixture imported above
    demo_server,
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    # The demo registry (one active portal, one closed site, one exception) on this server's port.
    sites = [
        s.__class__(
            **{
                **{f: getattr(s, f) for f in s.__dataclass_fields__},
                "url": s.url.replace(":8770/", f":{demo_server.port}/"),
            }
        )
        for s in load_registry(REPO / "seeds" / "demo.csv")
    ]
    await crawl(sites, db, as_of=AS_OF, DOWNLOAD_TIMEOUT=3)
    with open_session(db) as s:
        index = render_reports(s, tmp_path / "reports")
        # The crawl records the timeout it used: the reports word timeouts with it.
        stats = s.scalars(select(RunRow.stats).where(RunRow.site_id == "demo")).one()
        assert stats["download_timeout"] == 3
    planted = resolve_url(PLANTED[0]["url_path_or_url"], demo_server.port, demo_server.dead_port)
    browser.run(lambda b: _check_demo(b, index, planted))


# Words a county webmaster must never read in a Chinese report: exception classes and texts,
# detail keys, Python values, the profile's file name.
ENGLISH_TOKENS = [
    "Error",
    "Exception",
    "Traceback",
    "took longer than",
    "Connection was refused",
    "fragment",
    "source_count",
    "note_code",
    "on_home_page",
    "None",
    "True",
    "False",
    "census2015",
]


def _check_demo(b: Any, index: Path, planted: str) -> None:
    w = watch(b)
    page = w.page
    page.goto(index.as_uri())
    body = page.inner_text("body")
    assert "登记3个，关停1个，例外1个，应自查1个" in body
    assert page.inner_text("#counts [data-key=registered] .n") == "3"
    shot(page, "demo-overview.png")
    page.fill("#filter", "旧版")
    assert page.eval_on_selector_all(
        "#sites tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.site)"
    ) == ["demo-old"]
    page.fill("#filter", "")
    page.click(f"a.site-link[href='sites/{site_filename('demo')}']")
    page.wait_for_load_state("load")
    verdict = page.inner_text("#verdict")
    assert "合格" in verdict and "不合格" not in verdict
    broken = page.inner_text("#check-broken_link")
    assert planted in broken and "页面不存在(404)" in broken
    assert page.locator(f"a[href='{planted}']").count() >= 1
    body = page.inner_text("body")
    assert "乡镇动态" in body  # the stale column, with its evidence
    # Plain Chinese: the timeout the crawl used, no exception text, no programmer's words.
    assert "15秒" not in body
    leaks = [token for token in ENGLISH_TOKENS if token.lower() in body.lower()]
    assert leaks == [], f"the webmaster reads {leaks}"
    assert "已0天" not in body
    # The home page is one page, named by its title, though linked as / and /index.html.
    home_sources = page.locator("#check-broken_link .sources").first.inner_text()
    assert "演示县人民政府" in home_sources and "/index.html" not in home_sources
    # The stale column's evidence: its newest items with titles, dates and links.
    rows = page.eval_on_selector_all(
        "#check-column_stale table.items tbody tr",
        "rows => rows.map(r => [r.cells[0].innerText, r.cells[1].innerText,"
        " r.querySelector('a') ? r.querySelector('a').href : ''])",
    )
    assert len(rows) >= 2 and all(title and not title[0].isdigit() for title, _, _ in rows)
    assert [d for _, d, _ in rows] == sorted((d for _, d, _ in rows), reverse=True)
    assert all(href.startswith("http://127.0.0.1:") for _, _, href in rows)
    # 先整改这些 first: the home page's broken links, with page, link text and position.
    fix = page.inner_text("#first-fix")
    assert "先整改这些" in fix and "位于首页" in fix and "演示县人民政府" in fix
    assert "页面位置" in fix and any(p in fix for p in ("导航栏", "正文", "页脚"))
    assert "改为正确地址或删除" in fix
    shot(page, "demo-site-report.png")
    if os.environ.get("INSPECTOR_UPDATE_SCREENSHOTS") == "1":
        # README's picture of the report's first screen (only on request: CI leaves docs/ alone).
        page.set_viewport_size({"width": 1100, "height": 900})
        page.screenshot(path=str(REPO / "docs" / "report-first-screen.png"))
    assert w.errors == [] and w.dialogs == [] and w.requests == []
    page.close()


HOSTILE_HOME = """<html><head><meta charset="utf-8"><title>首页<script>window.__xss=1;alert('title')</script></title></head>
<body><a href="javascript:alert('href')">链接<script>alert('text')</script></a>
<a href="missing&quot;&gt;&lt;img src=x onerror=alert('url')&gt;.html">坏链"><img src=x onerror=alert('anchor')></a>
<a href="gone.html"><img src="nothing.png" alt="&lt;svg onload=alert('alt')&gt;"></a>
<a href="col/index.html">栏目</script><script>alert('col')</script></a></body></html>"""


@pytest_twisted.ensureDeferred
async def test_crawled_script_payloads_never_execute_in_reports(
    browser: BrowserThread,  # noqa: F811 - the fixture imported above
    server,
    tmp_path: Path,
) -> None:
    home = server.add_site(
        "xss",
        {"/": HOSTILE_HOME, "/col/index.html": "<html><title></title><body>暂无信息</body></html>"},
    )
    db = f"sqlite:///{tmp_path / 'xss.db'}"
    await crawl([site("xss", home, name="<script>alert('name')</script>站")], db)
    with open_session(db) as s:
        index = render_reports(s, tmp_path / "reports")
    browser.run(lambda b: _check_hostile(b, index))


def _check_hostile(b: Any, index: Path) -> None:
    pages = [index, *sorted((index.parent / "sites").glob("*.html"))]
    assert len(pages) == 2
    for path in pages:
        w = watch(b)
        w.page.goto(path.as_uri())
        w.page.wait_for_load_state("load")
        audit = w.page.evaluate(DOM_AUDIT)
        shot(w.page, f"crawled-xss-{path.stem[:30]}.png")
        assert w.dialogs == [] and not audit["injected"], f"{path.name}: script ran: {w.dialogs}"
        assert audit["bad"] == [], f"{path.name}: {audit['bad']}"
        hrefs = w.page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
        assert w.errors == [] and w.requests == []
        if path != index:
            text = w.page.inner_text("body")
            assert "onerror=alert('url')" in text  # shown as text: the evidence an inspector needs
        w.page.close()
