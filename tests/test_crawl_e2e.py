"""End-to-end crawls against the hostile local server: every reason class, once per target."""

from __future__ import annotations

import json

import pytest
import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, LinkRow, PageRow, RunRow, TargetRow
from reports.export import export_data

CORE_HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>核心测试站首页</title></head><body>
<ul>
<li><a href="a.html">正常页面</a><span>2026-11-25</span></li>
<li><a href="{{BASE}}/status/404">首页坏链</a></li>
<li><a href="{{BASE}}/status/500">服务器错误</a></li>
<li><a href="{{BASE}}/hang">挂起页面</a></li>
<li><a href="{{BASE}}/reset">连接重置</a></li>
<li><a href="{{BASE}}/redirect-loop/a">重定向循环</a></li>
<li><a href="{{BASE}}/redirect-chain/15">重定向过多</a></li>
<li><a href="{{BASE}}/redirect-chain/2">正常重定向</a></li>
<li><a href="{{BASE}}/no-head/file.pdf">拒绝HEAD的附件</a></li>
<li><a href="http://127.0.0.1:{{DEAD_PORT}}/closed">关闭的端口</a></li>
<li><a href="http://nx.inspector.invalid/page.html">不存在的域名</a></li>
<li><a href="https://127.0.0.1:{{PORT}}/tls">证书错误</a></li>
<li><a href="{{BASE}}/not-html.pdf">附件却是网页</a></li>
<li><a href="{{BASE}}/empty.pdf">空附件</a></li>
<li><a href="{{BASE}}/garbage">乱码页面</a></li>
<li><a href="{{BASE}}/wrong-charset">错误字符集</a></li>
<li><a href="{{BASE}}/big/3">超大页面</a></li>
<li><a href="javascript:alert(1)">脚本</a> <a href="mailto:x@y.cn">邮件</a> <a href="tel:110">电话</a>
<a href="data:text/plain,hi">数据</a> <a href="#top">锚点</a></li>
</ul><img src="img/missing.png" alt="缺失图片"></body></html>"""

CORE_A = """<html><head><meta charset="utf-8"><title>正常页面</title></head><body>
<p>发布时间：2026-11-25</p><a href="{{BASE}}/status/404">同一坏链</a>
<a href="./">返回首页</a><a href="b.html">B</a></body></html>"""

CORE_B = """<html><head><meta charset="utf-8"><title>B</title></head><body>
<a href="{{BASE}}/status/404">同一坏链再次出现</a><img src="img/missing.png" alt="缺失图片"></body></html>"""


@pytest.fixture(scope="module")
def core_site(server):
    server.add_site("core", {"/": CORE_HOME, "/a.html": CORE_A, "/b.html": CORE_B})
    return server


def _targets(db_url: str, run_id: int) -> dict[str, TargetRow]:
    with open_session(db_url) as s:
        return {t.url: t for t in s.scalars(select(TargetRow).where(TargetRow.run_id == run_id))}


@pytest_twisted.ensureDeferred
async def test_every_reason_class_is_recorded_once_per_target(core_site, sqlite_url):
    base = f"http://127.0.0.1:{core_site.port}"
    runs = await crawl(
        [site("core", core_site.site_url("core", "/"))],
        sqlite_url,
        DOWNLOAD_MAXSIZE=1024 * 1024,
        INSPECTOR_STATIC_HOSTS={"nx.inspector.invalid": ""},
    )
    targets = _targets(sqlite_url, runs["core"])
    reasons = {url.replace(base, ""): t.reason for url, t in targets.items()}
    assert reasons["/status/404"] == "http_404"
    assert reasons["/status/500"] == "http_500"
    assert reasons["/hang"] == "timeout"
    assert reasons["/reset"] == "connection_reset"
    assert reasons["/redirect-loop/a"] == "redirect_loop"
    assert reasons["/redirect-chain/15"] == "too_many_redirects"
    assert reasons["/redirect-chain/2"] == ""
    assert reasons["/no-head/file.pdf"] == ""
    assert reasons["/not-html.pdf"] == "error_link"
    assert reasons["/empty.pdf"] == "error_link"
    assert reasons["/big/3"] == "too_large"
    assert reasons["/site/core/img/missing.png"] == "http_404"
    assert targets[f"http://127.0.0.1:{core_site.dead_port}/closed"].reason == "connection_refused"
    assert targets["http://nx.inspector.invalid/page.html"].reason == "dns"
    assert targets[f"https://127.0.0.1:{core_site.port}/tls"].reason == "tls"
    # Redirect chains are kept.
    chain = targets[base + "/redirect-chain/2"].redirects
    assert chain[0] == base + "/redirect-chain/2" and len(chain) == 3
    assert len(targets[base + "/redirect-loop/a"].redirects) >= 3
    # HEAD refused with 405: checked again with GET, which succeeded.
    assert targets[base + "/no-head/file.pdf"].method == "GET"
    # Links that are never fetched never become targets.
    assert not any(u.startswith(("javascript:", "mailto:", "tel:", "data:")) for u in targets)
    # Garbage and a wrong charset are recorded pages, not crashes.
    assert targets[base + "/garbage"].status == 200
    with open_session(sqlite_url) as s:
        wrong = s.scalars(select(PageRow).where(PageRow.url == base + "/wrong-charset")).one()
        assert wrong.encoding_used.replace("-", "") in ("gb18030", "gbk")
        assert "通知公告" in wrong.title
        run = s.get(RunRow, runs["core"])
        assert run.status == "finished"


@pytest_twisted.ensureDeferred
async def test_broken_link_findings_have_all_sources(core_site, sqlite_url):
    base = f"http://127.0.0.1:{core_site.port}"
    home = core_site.site_url("core", "/")
    runs = await crawl(
        [site("core", home)], sqlite_url, INSPECTOR_STATIC_HOSTS={"nx.inspector.invalid": ""}
    )
    with open_session(sqlite_url) as s:
        # One target row per unique URL, however many pages link to it.
        n404 = s.scalars(select(TargetRow).where(TargetRow.url == base + "/status/404")).all()
        assert len(n404) == 1
        occurrences = s.scalars(
            select(LinkRow).where(LinkRow.target_url == base + "/status/404")
        ).all()
        assert len(occurrences) == 3
        findings = {
            f.url: f for f in s.scalars(select(FindingRow).where(FindingRow.run_id == runs["core"]))
        }
        data = export_data(s)
    f404 = findings[base + "/status/404"]
    assert f404.check == "broken_link"
    assert f404.severity == "major"
    assert f404.detail["on_home_page"] is True
    assert f404.detail["source_count"] == 3
    assert set(f404.detail["sources"]) == {home, home + "a.html", home + "b.html"}
    assert f404.detail["reason"] == "http_404" and f404.detail["status"] == 404
    img = findings[home + "img/missing.png"]
    assert img.detail["element"] == "img" and img.detail["texts"] == ["缺失图片"]
    assert not any(u.startswith(("javascript:", "mailto:")) for u in findings)
    site_rec = data["sites"][0]
    assert site_rec["pages_crawled"] >= 3
    assert json.dumps(data, ensure_ascii=False)  # serialisable


@pytest_twisted.ensureDeferred
async def test_unreachable_site_is_a_finding_and_the_run_goes_on(server, sqlite_url):
    good = server.site_url("basic", "/")
    dead = f"http://127.0.0.1:{server.dead_port}/"
    runs = await crawl([site("dead", dead), site("good", good)], sqlite_url)
    with open_session(sqlite_url) as s:
        dead_run = s.get(RunRow, runs["dead"])
        assert dead_run.status == "unreachable"
        finding = s.scalars(select(FindingRow).where(FindingRow.run_id == runs["dead"])).one()
        assert finding.check == "site_unreachable" and finding.severity == "veto"
        assert finding.detail["reason"] == "connection_refused"
        assert "refused" in finding.detail["error"].lower()
        assert dead_run.verdict == "unreachable"
        good_run = s.get(RunRow, runs["good"])
        assert good_run.status == "finished" and good_run.pages_crawled >= 5


@pytest_twisted.ensureDeferred
async def test_home_page_answering_garbage_is_crawled_without_crash(server, sqlite_url):
    runs = await crawl([site("garbage", server.url("/garbage"))], sqlite_url)
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["garbage"])
        assert run.status == "finished"
        assert run.pages_crawled == 1


@pytest_twisted.ensureDeferred
async def test_crawl_trap_stays_bounded_and_is_recorded(server, sqlite_url):
    runs = await crawl(
        [site("trap", server.url("/trap/calendar"))], sqlite_url, INSPECTOR_MAX_QUERY_VARIANTS=20
    )
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["trap"])
        assert run.status == "finished"
        assert run.pages_crawled <= 25
        assert run.bounds_tripped["query_variants"]["count"] > 0


@pytest_twisted.ensureDeferred
async def test_max_pages_bound_is_recorded(server, sqlite_url):
    runs = await crawl(
        [site("basic", server.site_url("basic", "/"))], sqlite_url, INSPECTOR_MAX_PAGES=2
    )
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["basic"])
        assert run.pages_crawled == 2
        assert run.bounds_tripped["max_pages"]["count"] >= 1


@pytest_twisted.ensureDeferred
async def test_relative_links_base_href_gbk_and_meta_refresh(server, sqlite_url):
    home = server.site_url("basic", "/")
    runs = await crawl([site("basic", home)], sqlite_url)
    with open_session(sqlite_url) as s:
        pages = {
            p.url: p for p in s.scalars(select(PageRow).where(PageRow.run_id == runs["basic"]))
        }
        links = s.scalars(select(LinkRow).where(LinkRow.run_id == runs["basic"])).all()
    # <base href> on sub/b.html sends c.html to /other/c.html.
    assert home + "other/c.html" in pages
    assert home + "sub/b.html" in pages
    # The GBK page is decoded right.
    assert pages[home + "gbk.html"].title == "政策文件"
    # srcset candidates, iframes, stylesheets, scripts and meta refresh are links too.
    kinds = {(link.element, link.attribute) for link in links}
    assert {
        ("img", "srcset"),
        ("iframe", "src"),
        ("link", "href"),
        ("script", "src"),
        ("meta", "content"),
    } <= kinds
    # A link repeated on a page is one occurrence per appearance, one target overall.
    assert (
        sum(1 for link in links if link.target_url == home + "a.html" and link.source_url == home)
        == 4
    )
    anchors = [link for link in links if link.fragment == "top"]
    assert anchors and anchors[0].target_url == home + "a.html"


@pytest_twisted.ensureDeferred
async def test_exception_and_closed_sites_are_exported_not_fetched(server, sqlite_url):
    before = len(server.requests())
    runs = await crawl(
        [
            site("exc", server.url("/status/200?exc"), status="exception"),
            site("closed", server.url("/status/200?closed"), status="closed"),
        ],
        sqlite_url,
    )
    fetched = [r["path"] for r in server.requests()[before:]]
    assert not any("exc" in p or "closed" in p for p in fetched)
    with open_session(sqlite_url) as s:
        data = export_data(s)
    by_id = {x["site_id"]: x for x in data["sites"]}
    assert by_id["exc"]["verdict"] == "skipped" and by_id["exc"]["pages_crawled"] == 0
    assert by_id["closed"]["status"] == "closed"
    assert set(runs) == {"exc", "closed"}


@pytest_twisted.ensureDeferred
async def test_a_site_that_hangs_does_not_hold_up_the_others(server, sqlite_url):
    """Every inner page of one site hangs; the other site is crawled meanwhile, not after it."""
    hanging = "".join(f'<a href="p{i}.html">栏目{i}</a>' for i in range(12))
    pages = {
        f"/p{i}.html": {"body": "<html><body>迟到</body></html>", "delay": 30} for i in range(12)
    }
    stuck_home = server.add_site("stuck", {"/": f"<html><body>{hanging}</body></html>", **pages})
    stuck_home = stuck_home.replace("127.0.0.1", "stuck.example")
    runs = await crawl(
        [site("stuck", stuck_home), site("basic", server.site_url("basic", "/"))],
        sqlite_url,
        DOWNLOAD_TIMEOUT=2,
        INSPECTOR_SITE_CONCURRENCY=2,
        INSPECTOR_STATIC_HOSTS={"stuck.example": "127.0.0.1"},
    )
    with open_session(sqlite_url) as s:
        stuck = s.get(RunRow, runs["stuck"])
        basic = s.get(RunRow, runs["basic"])
        hung = s.scalars(
            select(TargetRow).where(TargetRow.run_id == stuck.id, TargetRow.reason == "timeout")
        ).all()
    assert len(hung) == 12  # each hanging page is a finding of its own site
    assert basic.status == "finished" and basic.pages_crawled >= 6
    assert basic.finished_at < stuck.finished_at  # done while the stuck site was still waiting


@pytest_twisted.ensureDeferred
async def test_max_depth_bound_is_recorded(server, sqlite_url):
    runs = await crawl(
        [site("basic", server.site_url("basic", "/"))], sqlite_url, INSPECTOR_MAX_DEPTH=1
    )
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["basic"])
        depths = set(s.scalars(select(PageRow.depth).where(PageRow.run_id == run.id)))
    assert depths <= {0, 1}
    assert run.bounds_tripped["max_depth"]["count"] >= 1
