"""Links done right: soft 404s, error links, polite external checks, anchors, robots, UA."""

from __future__ import annotations

import uuid

import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, PageRow, RunRow, TargetRow

PAGE = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
LONG_ARTICLE = "　".join(
    ["本县持续推进政务公开标准化规范化建设，进一步提升政府网站服务水平。"] * 40
)


def _findings(db_url: str, run_id: int) -> dict[str, FindingRow]:
    with open_session(db_url) as s:
        return {f.url: f for f in s.scalars(select(FindingRow).where(FindingRow.run_id == run_id))}


def _targets(db_url: str, run_id: int) -> dict[str, TargetRow]:
    with open_session(db_url) as s:
        return {t.url: t for t in s.scalars(select(TargetRow).where(TargetRow.run_id == run_id))}


def _name() -> str:
    return "s" + uuid.uuid4().hex[:8]


@pytest_twisted.ensureDeferred
async def test_soft_404_by_content_and_not_on_an_article_mentioning_404(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body='<a href="gone.html">已删除的文章</a><a href="article.html">关于404的文章</a>',
            ),
            "/gone.html": PAGE.format(
                title="提示", body="<p>抱歉，您访问的页面不存在！</p><a href='./'>返回首页</a>"
            ),
            "/article.html": PAGE.format(
                title="网站改版说明",
                body=f"<p>发布时间：2026-11-20</p><p>改版后旧地址会出现 404 Not Found，请更新收藏夹。{LONG_ARTICLE}</p>",
            ),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    gone = findings[home + "gone.html"]
    assert gone.check == "broken_link" and gone.detail["reason"] == "soft_404"
    assert "页面不存在" in gone.detail["note"]
    assert home + "article.html" not in findings


@pytest_twisted.ensureDeferred
async def test_soft_404_by_fingerprint_of_a_url_that_cannot_exist(server, sqlite_url):
    # The site answers every unknown URL with 200 and a generic page that says nothing about
    # "not found": only the fingerprint learnt from a random URL can tell.
    name = _name()
    generic = PAGE.format(
        title="演示站",
        body="<div class='nav'>首页 新闻 公告</div><p>欢迎访问本站。当前地址 /whatever 12345</p>",
    )
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="演示站首页",
                body='<a href="news.html">新闻</a><a href="old/removed.html">旧文章</a>',
            ),
            "/news.html": PAGE.format(
                title="新闻", body=f"<p>发布时间：2026-11-20</p>{LONG_ARTICLE}"
            ),
            "*": generic,
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    removed = findings[home + "old/removed.html"]
    assert removed.detail["reason"] == "soft_404"
    assert "cannot exist" in removed.detail["note"]
    assert home + "news.html" not in findings
    with open_session(sqlite_url) as s:
        probes = s.get(RunRow, runs[name]).stats["not_found_probes"]
    assert probes and probes[0]["status"] == 200 and probes[0]["fingerprint"]


@pytest_twisted.ensureDeferred
async def test_once_the_probe_answered_only_pages_titled_like_it_are_fingerprinted(
    server, sqlite_url
):
    # Two pages with different title keys never share a fingerprint, so once the probe's page
    # is known the crawl fingerprints only the pages titled like it; the soft 404 found deep in
    # the site (read long after the probe answered) is still found, the article is not.
    name = _name()
    generic = PAGE.format(title="演示站", body="<p>欢迎访问本站。当前地址 /whatever 12345</p>")
    chain = {
        f"/d{i}.html": PAGE.format(title=f"栏目{i}", body=f'<a href="d{i + 1}.html">下一层</a>')
        for i in range(1, 4)
    }
    chain["/d4.html"] = PAGE.format(
        title="新闻",
        body=f'<p>发布时间：2026-11-20</p>{LONG_ARTICLE}<a href="old/removed.html">旧文章</a>',
    )
    home = server.add_site(
        name,
        {
            "/": PAGE.format(title="演示站首页", body='<a href="d1.html">栏目</a>'),
            **chain,
            "*": generic,
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    assert findings[home + "old/removed.html"].detail["reason"] == "soft_404"
    assert home + "d4.html" not in findings
    with open_session(sqlite_url) as s:
        rows = s.execute(
            select(PageRow.url, PageRow.fingerprint).where(PageRow.run_id == runs[name])
        )
        prints = {row[0]: row[1] for row in rows}
    assert prints[home + "old/removed.html"] and prints[home]  # titled like the probe; home
    assert prints[home + "d4.html"] == ""  # read after the probe answered, another title


@pytest_twisted.ensureDeferred
async def test_redirect_to_home_for_unknown_urls_counts_as_broken(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body='<a href="real.html">真实页面</a><a href="missing.html">缺失页面</a>',
            ),
            "/real.html": PAGE.format(title="真实", body="<p>内容</p>"),
            "*": {"status": 302, "headers": {"Location": "{{SITE}}/"}},
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    missing = findings[home + "missing.html"]
    assert missing.detail["reason"] == "soft_404" and "home page" in missing.detail["note"]
    assert home + "real.html" not in findings


@pytest_twisted.ensureDeferred
async def test_error_links_attachment_html_empty_and_parked_domain(server, sqlite_url):
    name = _name()
    parked = _name()
    server.add_site(
        parked,
        {
            "/": PAGE.format(
                title="example.gov.cn",
                body="<h1>This domain is for sale!</h1><p>Buy this domain today.</p>",
            )
        },
    )
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body=(
                    '<a href="{{BASE}}/not-html.pdf">通知附件</a>'
                    '<a href="{{BASE}}/empty.pdf">空附件</a>'
                    f'<a href="http://old-bureau.example:{{{{PORT}}}}/status/302?location={{{{BASE}}}}/site/{parked}/">原农业局网站</a>'
                    '<a href="http://live.example:{{PORT}}/site/'
                    + parked
                    + '/index-ok.html">正常外链</a>'
                ),
            )
        },
    )
    runs = await crawl(
        [site(name, home)],
        sqlite_url,
        INSPECTOR_STATIC_HOSTS={"old-bureau.example": "127.0.0.1", "live.example": "127.0.0.1"},
    )
    findings = _findings(sqlite_url, runs[name])
    by_note = {
        url.rsplit("/", 2)[-2] if url.endswith("/") else url.rsplit("/", 1)[-1]: f.detail
        for url, f in findings.items()
    }
    assert by_note["not-html.pdf"]["reason"] == "error_link"
    assert "HTML" in by_note["not-html.pdf"]["note"]
    assert (
        by_note["empty.pdf"]["reason"] == "error_link" and "empty" in by_note["empty.pdf"]["note"]
    )
    parked_finding = next(
        f for u, f in findings.items() if u.startswith("http://old-bureau.example")
    )
    assert parked_finding.detail["reason"] == "error_link"
    assert "for sale" in parked_finding.detail["note"].lower()


@pytest_twisted.ensureDeferred
async def test_an_error_page_saved_as_the_attachment_is_an_error_link(server, sqlite_url):
    """A .pdf whose bytes are an HTML page, served with the PDF type (what a web server does
    with a file named .pdf): a small attachment's first bytes are read. A small real PDF and a
    large attachment (not read) are fine."""
    name = _name()
    pdf = {"Content-Type": "application/pdf"}
    gone = "<html><head><title>提示</title></head><body>文件不存在或已被删除</body></html>"
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body='<a href="{{SITE}}/gone.pdf">附件一</a><a href="{{SITE}}/small.pdf">附件二</a>'
                '<a href="{{SITE}}/large.pdf">附件三</a>',
            ),
            "/gone.pdf": {"body": gone, "headers": pdf},
            "/small.pdf": {
                "body": "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
                "headers": pdf,
            },
            "/large.pdf": {"body": "%PDF-1.4\n" + "0" * 20000, "headers": pdf},
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    gone_finding = findings[home + "gone.pdf"]
    assert gone_finding.detail["reason"] == "error_link"
    assert gone_finding.detail["note_code"] == "attachment_html"
    assert home + "small.pdf" not in findings and home + "large.pdf" not in findings


@pytest_twisted.ensureDeferred
async def test_external_url_checked_once_for_all_sites_of_the_run(server, sqlite_url):
    key = uuid.uuid4().hex
    shared = f"http://national.example:{server.port}/status/200?shared={key}"
    a, b = _name(), _name()
    body = f'<a href="{shared}">中国政府网</a>'
    home_a = server.add_site(a, {"/": PAGE.format(title="A", body=body)})
    home_b = server.add_site(b, {"/": PAGE.format(title="B", body=body)})
    # Two sites on the same server would share one scope; give B its own host name.
    home_b = home_b.replace("127.0.0.1", "site-b.example")
    runs = await crawl(
        [site(a, home_a), site(b, home_b)],
        sqlite_url,
        INSPECTOR_STATIC_HOSTS={"national.example": "127.0.0.1", "site-b.example": "127.0.0.1"},
    )
    hits = [r for r in server.requests() if f"shared={key}" in r["path"]]
    assert len(hits) == 1 and hits[0]["method"] == "HEAD"
    for sid in (a, b):
        assert _targets(sqlite_url, runs[sid])[shared].status == 200


@pytest_twisted.ensureDeferred
async def test_retry_after_is_honoured(server, sqlite_url):
    key = uuid.uuid4().hex
    url = f"http://busy.example:{server.port}/retry-after?k={key}"
    name = _name()
    home = server.add_site(
        name, {"/": PAGE.format(title="首页", body=f'<a href="{url}">繁忙的外部站点</a>')}
    )
    runs = await crawl(
        [site(name, home)], sqlite_url, INSPECTOR_STATIC_HOSTS={"busy.example": "127.0.0.1"}
    )
    target = _targets(sqlite_url, runs[name])[url]
    assert target.status == 200 and target.reason == ""
    hits = [r for r in server.requests() if f"k={key}" in r["path"]]
    assert len(hits) >= 2
    assert hits[-1]["time"] - hits[0]["time"] >= 0.9  # waited as Retry-After asked


@pytest_twisted.ensureDeferred
async def test_host_that_keeps_timing_out_is_not_hammered(server, sqlite_url):
    key = uuid.uuid4().hex
    urls = [f"http://stuck.example:{server.port}/hang?{key}={i}" for i in range(8)]
    name = _name()
    links = "".join(f'<a href="{u}">外链{i}</a>' for i, u in enumerate(urls))
    home = server.add_site(name, {"/": PAGE.format(title="首页", body=links)})
    runs = await crawl(
        [site(name, home)],
        sqlite_url,
        INSPECTOR_STATIC_HOSTS={"stuck.example": "127.0.0.1"},
        DOWNLOAD_TIMEOUT=2,
        INSPECTOR_EXTERNAL_HOST_CONCURRENCY=2,
        INSPECTOR_HOST_TIMEOUT_LIMIT=2,
    )
    targets = _targets(sqlite_url, runs[name])
    assert all(targets[u].reason == "timeout" for u in urls)
    skipped = [u for u in urls if targets[u].note.startswith("not fetched")]
    assert len(skipped) >= 5
    fetched = {r["path"] for r in server.requests() if key in r["path"]}
    assert len(fetched) <= 3


@pytest_twisted.ensureDeferred
async def test_missing_anchor_is_info_not_broken(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body='<a href="doc.html#chapter2">第二章</a><a href="doc.html#nowhere">不存在的锚点</a><a href="doc.html#top">顶部</a>',
            ),
            "/doc.html": PAGE.format(title="文档", body='<h2 id="chapter2">第二章</h2>'),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = {
        u: f
        for u, f in _findings(sqlite_url, runs[name]).items()
        if f.check in ("missing_anchor", "broken_link")
    }
    assert set(findings) == {home + "doc.html#nowhere"}
    f = findings[home + "doc.html#nowhere"]
    assert (
        f.check == "missing_anchor" and f.severity == "info" and f.detail["fragment"] == "nowhere"
    )


@pytest_twisted.ensureDeferred
async def test_robots_recorded_not_obeyed_by_default(demo_server, sqlite_url):
    # The demo site's robots.txt disallows /search/.
    runs = await crawl([site("demo", demo_server.url("/"))], sqlite_url, DOWNLOAD_TIMEOUT=3)
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["demo"])
        assert run.stats["robots"]["status"] == 200 and run.stats["robots"]["disallow_all"] is False
        pages = {p.url for p in s.scalars(select(PageRow).where(PageRow.run_id == run.id))}
    assert demo_server.url("/search/index.html") in pages


@pytest_twisted.ensureDeferred
async def test_robots_obeyed_when_the_setting_says_so(demo_server, sqlite_url):
    runs = await crawl(
        [site("demo", demo_server.url("/"))], sqlite_url, DOWNLOAD_TIMEOUT=3, ROBOTSTXT_OBEY=True
    )
    targets = _targets(sqlite_url, runs["demo"])
    blocked = targets[demo_server.url("/search/index.html")]
    assert blocked.reason == "robots" and blocked.status is None
    findings = _findings(sqlite_url, runs["demo"])
    assert demo_server.url("/search/index.html") not in findings  # not fetched is not broken


@pytest_twisted.ensureDeferred
async def test_user_agent_names_the_tool_and_contact_url(server, sqlite_url):
    name = _name()
    home = server.add_site(name, {"/": PAGE.format(title="首页", body="<p>x</p>")})
    await crawl(
        [site(name, home)], sqlite_url, INSPECTOR_CONTACT_URL="https://inspect.example.gov.cn/about"
    )
    hits = [r for r in server.requests() if r["path"].startswith(f"/site/{name}/")]
    agent = hits[0]["headers"]["User-Agent"]
    assert "inspector/" in agent and "https://inspect.example.gov.cn/about" in agent


@pytest_twisted.ensureDeferred
async def test_links_no_browser_can_open_are_broken_without_a_fetch(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": PAGE.format(
                title="首页",
                body='<a href="file:///C:/Users/编辑/通知.doc">附件</a><a href="http://">空链接</a>',
            )
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    findings = _findings(sqlite_url, runs[name])
    doc = findings["file:///C:/Users/编辑/通知.doc"]
    assert (
        doc.check == "broken_link"
        and doc.detail["reason"] == "invalid_url"
        and doc.detail["on_home_page"]
    )
    assert "file:" in doc.detail["note"]
    assert findings["http://"].detail["reason"] == "invalid_url"


@pytest_twisted.ensureDeferred
async def test_non_ascii_query_is_sent_in_the_page_encoding(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": {
                "body": PAGE.format(
                    title="首页", body='<a href="search.html?q=通知">搜索通知</a>'
                ).replace("utf-8", "gbk"),
                "encoding": "gbk",
            },
            "/search.html?q=通知": PAGE.format(title="结果", body="<p>x</p>"),
        },
    )
    await crawl([site(name, home)], sqlite_url)
    paths = [
        r["path"] for r in server.requests() if r["path"].startswith(f"/site/{name}/search.html")
    ]
    assert paths and paths[0].endswith("?q=%CD%A8%D6%AA")  # 通知 in GBK, as a browser sends it
