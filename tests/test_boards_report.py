"""The 互动交流 part of a site report, from a real crawl, in headless Chromium: the board table
(messages, answered share, median days, the overdue messages with links), the 整改建议, and
message titles that carry script payloads shown as text."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from conftest import crawl, open_session, site
from test_reports_browser import DOM_AUDIT, PAYLOADS, BrowserThread, browser, shot, watch  # noqa: F401 - fixture

from reports.render import render_reports, site_filename

pytestmark = pytest.mark.browser
T = date(2026, 3, 20)


def board_site() -> dict[str, str]:
    def day(n: int) -> str:
        return (T - timedelta(days=n)).isoformat()

    rows = [(f"p{i}", f"留言{i}{payload}", day(120 + i), "") for i, payload in enumerate(PAYLOADS)]
    rows += [("ok1", "咨询办证时间", day(60), day(55)), ("ok2", "道路维修", day(200), day(190))]
    body = "".join(
        f"<tr><td><a href='{{{{SITE}}}}/ldxx/{k}.html' title='{t.replace(chr(39), '')}'>{t}</a></td><td>{asked}</td><td>{ans}</td>"
        f"<td>{'已回复' if ans else '未回复'}</td></tr>"
        for k, t, asked, ans in rows
    )
    pages = {
        "/": "<html><head><meta charset='utf-8'><title>报告测试县</title></head><body>"
        "<a href='{{SITE}}/ldxx/'>县长信箱</a><a href='{{SITE}}/zxft/'>在线访谈</a></body></html>",
        "/ldxx/": "<html><head><meta charset='utf-8'><title>县长信箱</title></head><body><table>"
        f"<tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>{body}</table></body></html>",
    }
    for k, _title, asked, ans in rows:
        pages[f"/ldxx/{k}.html"] = (
            f"<html><head><meta charset='utf-8'><title>信件</title></head><body><table><tr><td>留言时间</td><td>{asked}</td></tr>"
            + (
                f"<tr><td>回复时间</td><td>{ans}</td></tr><tr><td>回复内容</td><td>已办理完毕。</td></tr>"
                if ans
                else "<tr><td>回复内容</td><td></td></tr>"
            )
            + "</table></body></html>"
        )
    return pages


@pytest_twisted.ensureDeferred
async def test_board_table_in_the_site_report(
    browser: BrowserThread,  # noqa: F811 - the fixture imported above
    server,
    tmp_path: Path,
) -> None:
    server.add_site("report-boards", board_site())
    db = f"sqlite:///{tmp_path / 'r.db'}"
    await crawl([site("rb", server.site_url("report-boards", "/"))], db, as_of=T)
    with open_session(db) as s:
        index = render_reports(s, tmp_path / "reports")
    page = index.parent / "sites" / site_filename("rb")
    browser.run(lambda b: _check(b, page))


def _check(chromium: Any, page: Path) -> None:
    w = watch(chromium)
    w.page.goto(page.as_uri())
    boards = w.page.inner_text("#boards")
    assert "县长信箱" in boards and "在线访谈" in boards and "不检查" in boards
    assert "\t7\t28.6%\t7.5\t9.5" in boards  # 7 messages, 2 answered, after 5 and 10 days
    assert "超过三个月未回应的留言" in boards
    for payload in PAYLOADS:
        assert payload in boards  # shown as text, never run
    links = w.page.eval_on_selector_all("#boards a", "els => els.map(e => e.href)")
    assert sum(1 for href in links if "/ldxx/p" in href) == len(PAYLOADS)
    vetoes = w.page.inner_text("#vetoes")
    assert "5 条留言超过三个月未回应" in vetoes and "kinds" not in vetoes
    audit = w.page.evaluate(DOM_AUDIT)
    assert audit["bad"] == [] and not audit["injected"]
    assert w.dialogs == [] and w.errors == []
    shot(w.page, "boards-report.png")
    w.page.close()
