"""Reader processes (INSPECTOR_READ_PROCESSES, inspector/crawl/readpool.py): a site's ordinary
pages read on other cores give the crawl exactly what reading them in the crawl process gives —
pages, facts, links, findings — and a reader that dies costs nothing but the other core.

Real crawls of one site on the test server, once with the pages read in the crawl process and
once with one reader process, into two SQLite databases, compared row by row.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from conftest import crawl, open_session, site
from scrapy import signals
from sqlalchemy import select
from test_security import RULES, same_facts_everywhere
from test_security_crawl import HACKED_HOME, page

from inspector.crawl.readpool import read_processes
from inspector.crawl.signals import site_judged
from inspector.settings_check import SettingError, convert
from inspector.store.models import FindingRow, LinkRow, PageRow

SETTINGS = {"INSPECTOR_STATIC_HOSTS": {"www.am888-bocai.invalid": ""}}
ARTICLES = 8


def _article(i: int) -> str:
    return page(
        f"县政府召开第{i}次常务会议",
        f"<p>发布时间：2026-11-{10 + i:02d}</p><p>会议研究部署冬季安全生产工作。</p>"
        f'<a href="a{(i + 1) % ARTICLES}.html#top">下一篇</a><a href="missing{i}.html">相关文件</a>',
    )


SITE: dict[str, Any] = {
    "/": HACKED_HOME.replace(
        "</ul></body>",
        "".join(f'<li><a href="a{i}.html">会议{i}</a></li>' for i in range(ARTICLES))
        + '<li><a href="list/">通知公告</a></li><li><a href="gbk.html">旧版页面</a></li>'
        '<li><a href="hacked.html">被篡改的页面</a></li><li><a href="wording.html">讲话</a></li>'
        '<li><a href="gone.html">已删除</a></li></ul></body>',
    ),
    **{f"/a{i}.html": _article(i) for i in range(ARTICLES)},
    "/list/": page(
        "通知公告",
        "<ul>"
        + "".join(
            f'<li><a href="../a{i}.html">会议通知{i}</a><span>2026-11-{10 + i:02d}</span></li>'
            for i in range(ARTICLES)
        )
        + "</ul>",
    ),
    "/gbk.html": {
        "body": '<html><head><meta charset="gbk"><title>旧版页面</title></head><body>'
        '<p>发布日期：2026年11月02日</p><a href="search?q=政务公开">搜索政务公开</a></body></html>',
        "encoding": "gbk",
    },
    # Hidden gambling links on an inner page: security facts read by the reader process.
    "/hacked.html": page(
        "县政府召开常务会议",
        "<style>.yc{position:absolute;left:-9999px}</style>"
        '<div class="yc"><a href="http://www.am888-bocai.invalid/">澳门娱乐城</a></div>'
        "<p>发布时间：2026-11-20</p>",
    ),
    "/wording.html": page(
        "学习贯彻讲话精神",
        "<p>发布时间：2025-11-20</p><p>全县上下认真学习贯彻习近萍总书记重要讲话精神。</p>",
    ),
    "/gone.html": page("页面不存在", "<p>对不起，您访问的页面不存在或已被删除。</p>"),
}
INNER_PAGES = ARTICLES + 4  # list, gbk, hacked, wording; gone.html is a page too
PAGE_FIELDS = (
    "url", "final_url", "status", "content_type", "size", "depth", "title", "is_home", "kind",
    "pub_date", "newest_item_date", "meta_date", "encoding_declared", "encoding_used",
    "not_found_hint", "fingerprint", "facts",
)  # fmt: skip


def _stored(db_url: str, run_id: int) -> dict[str, Any]:
    """What a run stored, in a form two crawls of the same site can be compared in. An inner
    page's fingerprint is left out: it is taken only while the site's soft-404 probe is
    unanswered, so whether a page has one depends on when it arrived, in either mode."""
    with open_session(db_url) as s:
        pages = {
            p.url: {f: getattr(p, f) for f in PAGE_FIELDS if f != "fingerprint" or p.is_home}
            for p in s.scalars(select(PageRow).where(PageRow.run_id == run_id))
        }
        links = sorted(
            (r.source_url, r.target_url, r.element, r.attribute, r.text, r.fragment, r.position)
            for r in s.scalars(select(LinkRow).where(LinkRow.run_id == run_id))
        )
        findings = sorted(
            (f.check, f.url, json.dumps(f.detail, ensure_ascii=False, sort_keys=True))
            for f in s.scalars(select(FindingRow).where(FindingRow.run_id == run_id))
        )
    return {"pages": pages, "links": links, "findings": findings}


async def _crawl(server: Any, db_url: str, readers: int, hook: Any = None) -> tuple[dict, dict]:
    crawlers: list[Any] = []

    def attach(crawler: Any) -> None:
        crawlers.append(crawler)
        if hook is not None:
            crawler.signals.connect(hook, signal=signals.spider_opened, weak=False)

    base = server.add_site("readers", SITE)
    runs = await crawl(
        [site("readers", base)], db_url, crawler_hook=attach,
        INSPECTOR_READ_PROCESSES=readers, **SETTINGS,
    )  # fmt: skip
    return _stored(db_url, runs["readers"]), crawlers[0].stats.get_stats()


@pytest_twisted.ensureDeferred
async def test_pages_read_by_a_reader_process_give_the_same_run(server, tmp_path):
    readers_at_checks: list[Any] = []

    def watch(spider: Any) -> None:
        def judged(**_: Any) -> None:
            readers_at_checks.append(spider.reader.pool)

        assert spider.reader.pool is not None
        spider.crawler.signals.connect(judged, signal=site_judged, weak=False)

    here, here_stats = await _crawl(server, f"sqlite:///{tmp_path / 'here.db'}", 0)
    apart, stats = await _crawl(server, f"sqlite:///{tmp_path / 'apart.db'}", 1, watch)
    # The last site's checks ran with the readers already stopped (their memory given back).
    assert readers_at_checks == [None]
    assert "inspector/pages_read_apart" not in here_stats
    # Every inner HTML page went to the reader; the home page and the 404s did not.
    inner = [p for p in apart["pages"].values() if not p["is_home"] and p["status"] == 200]
    assert len(inner) == INNER_PAGES + 1
    assert stats["inspector/pages_read_apart"] == len(inner)
    assert stats["inspector/pages_read_again_here"] == 0
    assert apart == here
    # What the comparison covers: facts of each kind the readers produce.
    pages = apart["pages"]
    base = next(p["url"] for p in pages.values() if p["is_home"])
    assert pages[base + "hacked.html"]["facts"]["security"]["hidden"]
    assert pages[base + "wording.html"]["facts"]["security"]["wording"]
    assert pages[base + "list/"]["kind"] == "list"
    assert pages[base + "gbk.html"]["encoding_used"] in ("gbk", "gb18030")
    assert pages[base + "gone.html"]["not_found_hint"]
    checks = {check for check, _url, _detail in apart["findings"]}
    assert {"hidden_links", "wording_error", "broken_link"} <= checks


@pytest_twisted.ensureDeferred
async def test_a_reader_that_dies_leaves_its_pages_to_the_crawl_process(server, tmp_path):
    def kill_readers(spider: Any) -> None:
        for pid in spider.reader.pids():
            os.kill(pid, signal.SIGKILL)

    here, _ = await _crawl(server, f"sqlite:///{tmp_path / 'here.db'}", 0)
    apart, stats = await _crawl(server, f"sqlite:///{tmp_path / 'apart.db'}", 1, kill_readers)
    inner = [p for p in apart["pages"].values() if not p["is_home"] and p["status"] == 200]
    assert stats["inspector/pages_read_apart"] == 0
    assert stats["inspector/pages_read_again_here"] == len(inner) > 0
    assert apart == here


def test_read_processes_setting():
    cores = len(os.sched_getaffinity(0))
    assert read_processes("auto") == cores - 1
    assert read_processes("auto", crawler_processes=cores) == 0
    assert read_processes(3) == 3
    assert read_processes("0") == 0
    assert convert("INSPECTOR_READ_PROCESSES", " Auto ", "auto") == "auto"
    assert convert("INSPECTOR_READ_PROCESSES", "2", "auto") == "2"
    for bad in ("two", "-1", "1.5", "999"):
        with pytest.raises(SettingError, match="expects a number of reader processes"):
            convert("INSPECTOR_READ_PROCESSES", bad, "auto")


def test_a_reader_gets_the_compiled_lexicons_and_imports_no_scrapy_nor_pypinyin():
    """The reader's side imports no Scrapy, Twisted, SQLAlchemy or pypinyin (pypinyin's
    dictionaries are ~56 MB, needed only to generate the misspellings), and the lexicons it gets
    pickled find exactly what the crawl process's find."""
    code = (
        "import sys, inspector.crawl.reader; "
        "print(sorted(m for m in ('scrapy', 'twisted', 'sqlalchemy', 'pypinyin') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert done.stdout.strip() == "[]"
    covered = same_facts_everywhere(RULES, pickle.loads(pickle.dumps(RULES)))
    assert min(covered.get(k, 0) for k in ("hidden", "scripts", "wording")) >= 4, covered
