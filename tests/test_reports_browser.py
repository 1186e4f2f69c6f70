"""Reports in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped with a reason when Chromium or Playwright is missing, unless INSPECTOR_REQUIRE_BROWSER=1
(CI): then a missing browser is a failure. Screenshots go to test-artifacts/ (gitignored).

The test session runs Twisted's asyncio reactor (pytest-twisted) on the main thread, and
Playwright's sync API refuses to start inside a running event loop: the browser lives in a
thread of its own, and each test hands it a function to run there (`BrowserThread.run`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest_reports import (
    ARTIFACTS,
    BROWSER_ARGS,
    CHROMIUM,
    KNOWN_ANCHOR,
    KNOWN_BROKEN,
    ReportDB,
    broken,
    build_province,
    finding,
    homepage_stale,
    stale_column,
)

from reports.render import render_reports, site_filename

pytestmark = pytest.mark.browser

REQUIRE = os.environ.get("INSPECTOR_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (INSPECTOR_REQUIRE_BROWSER=1: the browser tests must run)")
    pytest.skip(f"{reason}; set INSPECTOR_REQUIRE_BROWSER=1 to make this a failure")


class BrowserThread:
    """One Chromium, driven from its own thread; `run(fn)` calls fn(browser) there."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name="playwright", daemon=True)
        self._thread.start()
        if not self._ready.wait(120):
            raise TimeoutError("Chromium did not start within 120 s")
        if self._error is not None:
            raise self._error

    def _serve(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                # Debian's Chromium, never a downloaded one; no network features at all.
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
                self._ready.set()
                while (job := self._jobs.get()) is not None:
                    fn, box, done = job
                    try:
                        box["value"] = fn(browser)
                    except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
                        box["error"] = exc
                    done.set()
                browser.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            self._error = exc
            self._ready.set()

    def run(self, fn: Callable[[Any], Any], timeout: float = 300) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()
        self._jobs.put((fn, box, done))
        if not done.wait(timeout):
            raise TimeoutError(f"browser job did not finish within {timeout} s")
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(60)


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserThread]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[test]')")
    thread = BrowserThread()
    yield thread
    thread.close()


@dataclass
class Watched:
    """A page with everything that would betray script execution or a fetch recorded."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def watch(browser: Any) -> Watched:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watched = Watched(page)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda m: (
            watched.errors.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: watched.errors.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: watched.requests.append(r.url) if not r.url.startswith("file://") else None,
    )
    return watched


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


# Everything below looks for what must never exist in a report: an event handler attribute, a
# javascript:/data:/vbscript: URL in any URL-bearing attribute, an image, a foreign script.
DOM_AUDIT = """() => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'srcset', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' has ' + name);
      if (urlAttrs.includes(name) && /^(javascript|data|vbscript):/.test(value)) bad.push(el.tagName + ' ' + name + '=' + attr.value);
    }
  }
  for (const a of document.links) {
    if (!['http:', 'https:', 'file:'].includes(a.protocol)) bad.push('link protocol ' + a.protocol + ' ' + a.href);
  }
  return {bad, images: document.images.length, scripts: document.scripts.length,
          injected: typeof window.__xss !== 'undefined'};
}"""

PAYLOADS = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "</style><script>window.__xss=1</script>",
]


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose titles, anchor texts, URLs (and registry entry) carry script payloads."""
    root = tmp_path_factory.mktemp("xss")
    db = ReportDB.create(root / "xss.db")
    evil = db.site(
        f"xss-{PAYLOADS[0]}",
        f"网站{PAYLOADS[0]}{PAYLOADS[2]}",
        "javascript:alert(1)",
        organizer=PAYLOADS[3],
        site_code=PAYLOADS[2],
    )
    base = "https://evil.gov.cn/"
    db.run(evil, date(2025, 11, 1), [broken(f"{base}old{PAYLOADS[2]}")])
    db.run(
        evil,
        date(2025, 11, 15),
        [
            broken(
                "javascript:alert(1)",
                home=True,
                sources=[
                    "javascript:alert(2)",
                    f"{base}{PAYLOADS[2]}",
                    "data:text/html,<script>alert(3)</script>",
                ],
                texts=PAYLOADS,
                note=PAYLOADS[0],
            ),
            broken(
                f"{base}a{PAYLOADS[0]}.html",
                reason="error_link",
                note=PAYLOADS[2],
                sources=[f"{base}?q={PAYLOADS[4]}"],
            ),
            broken(
                f"JaVaScRiPt:alert(document.domain)//{PAYLOADS[2]}",
                reason=PAYLOADS[0],
                status=None,
                texts=[PAYLOADS[4]],
            ),
            stale_column(PAYLOADS[0], f"{base}col{PAYLOADS[2]}/", category=PAYLOADS[2]),
            homepage_stale(base, "2025-09-01", 75, PAYLOADS[4], "javascript:alert(4)"),
            finding(
                "closed_site_online",
                "javascript:alert(5)",
                title=PAYLOADS[0],
                final_url="javascript:alert(6)",
            ),
            finding(PAYLOADS[0], base, **{PAYLOADS[2]: PAYLOADS[3], "link": "javascript:alert(7)"}),
        ],
    )
    with db.session() as s:
        return render_reports(s, root / "out")


def test_nothing_executes_in_hostile_reports(browser: BrowserThread, hostile_reports: Path) -> None:
    browser.run(lambda b: _nothing_executes(b, hostile_reports))


def _nothing_executes(browser: Any, hostile_reports: Path) -> None:
    pages = [hostile_reports, *sorted((hostile_reports.parent / "sites").glob("*.html"))]
    assert len(pages) == 2
    for path in pages:
        w = watch(browser)
        w.page.goto(path.as_uri())
        w.page.wait_for_load_state("load")
        audit = w.page.evaluate(DOM_AUDIT)
        if path == hostile_reports:
            w.page.fill("#filter", PAYLOADS[0])  # the payload typed into the filter is just text
            w.page.click("#sites thead th:nth-child(2) button")
        shot(w.page, f"xss-{path.stem[:40]}.png")
        assert w.dialogs == [], f"{path.name}: a dialog fired: {w.dialogs}"
        assert w.errors == [], f"{path.name}: {w.errors}"
        assert w.requests == [], f"{path.name} fetched {w.requests}"
        assert audit["bad"] == [], f"{path.name}: {audit['bad']}"
        assert audit["images"] == 0 and not audit["injected"]
        assert audit["scripts"] == (1 if path == hostile_reports else 0)
        if path != hostile_reports:
            # The payloads are shown to the reader as text, which is what an inspector needs.
            assert PAYLOADS[0] in w.page.inner_text("body")
        w.page.close()


@pytest.fixture(scope="module")
def province_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("province")
    db = ReportDB.create(root / "province.db")
    expected = build_province(db)
    with db.session() as s:
        return render_reports(s, root / "out"), expected


def visible_sites(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#sites tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.site)"
    )


def test_overview_in_the_browser(
    browser: BrowserThread, province_reports: tuple[Path, dict[str, Any]]
) -> None:
    browser.run(lambda b: _overview(b, province_reports))


def _overview(browser: Any, province_reports: tuple[Path, dict[str, Any]]) -> None:
    index, expected = province_reports
    w = watch(browser)
    page = w.page
    page.goto(index.as_uri())
    body = page.inner_text("body")
    assert "登记8个，关停2个，例外1个，应自查5个" in body
    assert "合格" in body and "不合格（站点无法访问）" in body and "已关停但仍可访问" in body
    assert page.inner_text("#counts [data-key=registered] .n") == str(expected["registered"])
    assert page.inner_text("#shown-count") == "8"
    shot(page, "overview.png")

    # The filter really filters, on name and on site code, and the counter follows.
    page.fill("#filter", "教育局")
    assert visible_sites(page) == ["demo-dept"]
    assert page.inner_text("#shown-count") == "1"
    page.fill("#filter", "1234000001")
    assert visible_sites(page) == ["demo-portal"]
    page.fill("#filter", "")
    page.select_option("#verdict-filter", "pass")
    assert sorted(visible_sites(page)) == sorted(["demo-portal", "../weird id/<x>"])
    page.select_option("#verdict-filter", "")
    assert len(visible_sites(page)) == 8
    shot_filter = page.fill("#filter", "示例县")
    assert shot_filter is None and visible_sites(page) == ["demo-stale"]
    shot(page, "overview-filtered.png")
    page.fill("#filter", "")

    # Sorting by score: ascending (unscored first), then descending.
    score_header = page.locator("#sites thead th", has_text="得分").locator("button")
    score_header.click()
    scores = page.eval_on_selector_all(
        "#sites tbody tr td:nth-child(5)", "cells => cells.map(c => c.dataset.sort)"
    )
    numbers = [float(x) for x in scores if x]
    assert numbers == sorted(numbers) and scores.index(next(x for x in scores if x)) > 0
    score_header.click()
    assert visible_sites(page)[0] == "../weird id/<x>"  # 100 points
    assert page.get_attribute("#sites thead th:nth-child(5)", "aria-sort") == "descending"
    name_header = page.locator("#sites thead th:nth-child(1) button")
    name_header.click()
    ids = visible_sites(page)
    assert ids[0] == "../weird id/<x>" and ids[-1] == "demo-zombie"

    # The row links to the site's report, which shows the verdict and a known broken link.
    page.click("a.site-link[href='sites/demo-portal.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/sites/demo-portal.html")
    assert "合格" in page.inner_text("#verdict") and "85.54" in page.inner_text("#verdict")
    assert page.locator(f"#check-broken_link a[href='{KNOWN_BROKEN}']").is_visible()
    assert page.locator(f"#first-fix a[href='{KNOWN_BROKEN}']").is_visible()  # fix it first
    assert KNOWN_ANCHOR in page.inner_text("#check-broken_link")
    assert "页面不存在(404)" in page.inner_text("#check-broken_link")
    shot(page, "site-report.png")
    assert w.errors == [] and w.dialogs == [] and w.requests == []
    page.close()


def test_site_report_prints_on_a4(
    browser: BrowserThread, province_reports: tuple[Path, dict[str, Any]]
) -> None:
    browser.run(lambda b: _prints_on_a4(b, province_reports))


def _prints_on_a4(browser: Any, province_reports: tuple[Path, dict[str, Any]]) -> None:
    index, _ = province_reports
    w = watch(browser)
    w.page.goto((index.parent / "sites" / site_filename("demo-portal")).as_uri())
    w.page.emulate_media(media="print")
    assert w.page.is_hidden(".crumb")  # navigation is not printed
    pdf = w.page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "site-report.pdf").write_bytes(pdf)
    # A4 is 595 × 842 points.
    assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf
    assert w.errors == []
    w.page.close()


def test_veto_site_in_the_browser(
    browser: BrowserThread, province_reports: tuple[Path, dict[str, Any]]
) -> None:
    browser.run(lambda b: _veto_site(b, province_reports))


def _veto_site(browser: Any, province_reports: tuple[Path, dict[str, Any]]) -> None:
    index, _ = province_reports
    w = watch(browser)
    w.page.goto((index.parent / "sites" / "demo-stale.html").as_uri())
    assert "不合格" in w.page.inner_text("#verdict")
    vetoes = w.page.inner_text("#vetoes")
    assert "首页长期未更新" in vetoes and "空白栏目达到5个" in vetoes
    assert w.errors == []
    w.page.close()
