"""The reading rules wired into real crawls of sites served by the hostile test server: the
effective home page behind a redirect stub, the year of month-day dates read on the item's own
page, resources answered with an HTML page, and the same findings for the same site twice."""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta

import pytest_twisted
from conftest import AS_OF, crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import ColumnRow, FindingRow, PageRow, RunRow, TargetRow

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FOOTER = (
    "<div class='footer'><a href='{{SITE}}/wzdt/'>网站地图</a> <a href='{{SITE}}/lxwm/'>联系我们</a>"
    "<p>主办：清溪县人民政府办公室 联系电话：0794-6223310 网站标识码：3610240001"
    " 赣ICP备05003418号 <a href='http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1'>"
    "赣公网安备 36102402000101号</a></p>"
    "<span id='_ideConac'><a href='http://bszs.conac.cn/sitename?id=1'><img src='{{SITE}}/dzjg.png' alt='党政机关'></a></span>"
    "<a href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3610240001'>我为政府网站找错</a></div>"
)


def page(title: str, body: str, footer: bool = True) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>"
        "<link rel='stylesheet' href='{{SITE}}/css/style.css'></head><body>"
        "<div class='header'><form action='{{SITE}}/search/'><input type='text' name='q'></form></div>"
        f"{body}{FOOTER if footer else ''}</body></html>"
    )


def items(rows: list[tuple[str, str, str]]) -> str:
    return "".join(
        f"<li><a href='{href}'>{title}</a><span>{shown}</span></li>" for href, title, shown in rows
    )


def _name() -> str:
    return "r" + uuid.uuid4().hex[:8]


def _findings(db_url: str, run_id: int) -> list[FindingRow]:
    with open_session(db_url) as s:
        return list(s.scalars(select(FindingRow).where(FindingRow.run_id == run_id)))


def _pages(db_url: str, run_id: int) -> dict[str, PageRow]:
    with open_session(db_url) as s:
        return {p.url: p for p in s.scalars(select(PageRow).where(PageRow.run_id == run_id))}


def recent(days: int) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


NAV = (
    "<div class='nav'><ul><li><a href='{{SITE}}/xwdt/'>新闻动态</a></li>"
    "<li><a href='{{SITE}}/tzgg/'>通知公告</a></li><li><a href='{{SITE}}/zwgk/'>政务公开</a></li></ul></div>"
)


def real_home(newest_days: int = 2) -> str:
    rows = [
        ("{{SITE}}" + f"/xwdt/a{i}.html", f"县政府召开第{i}次常务会议", recent(newest_days + i))
        for i in range(3)
    ]
    return page("清溪县人民政府", f"{NAV}<ul class='news'>{items(rows)}</ul>")


# ---- redirect stubs --------------------------------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_the_effective_home_page_is_behind_the_stubs(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": "<html><head><meta http-equiv='refresh' content='0;url=go.html'></head><body></body></html>",
            "/go.html": "<html><body><script>window.location.href='portal/'+'index.html';</script></body></html>",
            "/portal/index.html": real_home(),
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    pages = _pages(sqlite_url, runs[name])
    effective = home + "portal/index.html"
    assert pages[effective].is_home is True
    assert [hop["kind"] for hop in pages[effective].facts["home_chain"]] == [
        "meta_refresh",
        "script",
    ]
    assert pages[effective].facts["home_chain"][1]["to"] == effective
    assert pages[home].is_home is False and pages[home].facts["redirect"]["to"] == home + "go.html"
    checks = {f.check for f in _findings(sqlite_url, runs[name])}
    assert "homepage_stale" not in checks  # judged on the real home page, which is fresh
    assert "missing_element" not in checks  # its footer, not the stub's
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs[name])
        assert run.home_evidence["url"] == effective


@pytest_twisted.ensureDeferred
async def test_a_stub_to_another_site_is_not_judged_as_a_home_page(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": "<html><body><script>location.href='http://localhost:{{PORT}}/site/x/';</script></body></html>"
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    pages = _pages(sqlite_url, runs[name])
    assert pages[home].is_home and pages[home].facts["redirect"]["followed"] is False
    assert _findings(sqlite_url, runs[name]) == []  # no evidence about this site's own pages


# ---- the year of month-day dates -------------------------------------------------------------


def yearless_home(item_page_date: str) -> dict[str, str]:
    rows = [
        (f"show.jsp?id={i}", f"县领导调研重点项目建设第{i}站", md)
        for i, md in enumerate(["11-20", "11-13", "11-06"])
    ]
    return {
        "/": page("清溪县人民政府", f"{NAV}<ul class='news'>{items(rows)}</ul>"),
        "/show.jsp": page(
            "文章",
            f"<h1>县领导调研</h1><p>发布时间：{item_page_date}</p><p>{'正文内容。' * 60}</p>",
        ),
        "*": page("栏目", "<ul><li>内容</li></ul>"),
    }


@pytest_twisted.ensureDeferred
async def test_an_uncertain_year_is_read_on_the_item_page_zombie(server, sqlite_url):
    name = _name()
    home = server.add_site(name, yearless_home("2023-11-20 09:30"))
    runs = await crawl([site(name, home)], sqlite_url)
    home_page = _pages(sqlite_url, runs[name])[home]
    assert home_page.newest_item_date == date(2023, 11, 20)
    assert home_page.facts["item_page"]["date"] == "2023-11-20"
    [stale] = [f for f in _findings(sqlite_url, runs[name]) if f.check == "homepage_stale"]
    assert stale.detail["newest_date"] == "2023-11-20"
    assert stale.detail["evidence"][0]["year"] == "item"


@pytest_twisted.ensureDeferred
async def test_an_uncertain_year_is_read_on_the_item_page_fresh(server, sqlite_url):
    name = _name()
    home = server.add_site(name, yearless_home(f"{AS_OF.year}-11-20"))
    runs = await crawl([site(name, home)], sqlite_url)
    assert _pages(sqlite_url, runs[name])[home].newest_item_date == date(AS_OF.year, 11, 20)
    assert "homepage_stale" not in {f.check for f in _findings(sqlite_url, runs[name])}


@pytest_twisted.ensureDeferred
async def test_when_nothing_settles_the_year_there_is_no_veto(server, sqlite_url):
    name = _name()
    pages = yearless_home("")
    pages["/show.jsp"] = page("文章", "<h1>县领导调研</h1><p>" + "正文内容。" * 60 + "</p>")
    home = server.add_site(name, pages)
    runs = await crawl([site(name, home)], sqlite_url)
    home_page = _pages(sqlite_url, runs[name])[home]
    assert home_page.facts["item_page"]["date"] is None
    checks = {f.check: f for f in _findings(sqlite_url, runs[name])}
    assert "homepage_stale" not in checks
    unsure = checks["homepage_year_uncertain"]  # said so, without a veto
    assert unsure.severity == "info" and unsure.detail["item_page"]["url"].endswith("show.jsp?id=0")


@pytest_twisted.ensureDeferred
async def test_a_column_list_of_month_days_reads_its_newest_item(server, sqlite_url):
    name = _name()
    rows = [
        (f"view.jsp?id={i}", f"关于第{i}批项目的公示", md)
        for i, md in enumerate(["10-11", "10-02", "09-20"])
    ]
    home = server.add_site(
        name,
        {
            "/": real_home(),
            "/tzgg/": page("通知公告", f"<ul class='list'>{items(rows)}</ul>"),
            "/tzgg/view.jsp": page("公示", f"<p>发布日期：2023-10-11</p><p>{'正文。' * 80}</p>"),
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    with open_session(sqlite_url) as s:
        column = s.scalars(
            select(ColumnRow).where(ColumnRow.run_id == runs[name], ColumnRow.url == home + "tzgg/")
        ).one()
        assert (column.newest_date, column.year_uncertain) == (date(2023, 10, 11), False)
        assert column.evidence[-1]["item_page"]["date"] == "2023-10-11"


# ---- resources answered with an HTML page -----------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_resources_answered_with_an_html_page(server, sqlite_url):
    name = _name()
    error_page = "<html><head><title>提示</title></head><body><p>对不起，您访问的页面不存在！</p></body></html>"
    body = (
        "<img src='img/gone.png'><script src='js/menu.js'></script><img src='img/ok.png'>"
        "<img src='img/raw.jpg'><link rel='stylesheet' href='css/site.css'>"
    )
    home = server.add_site(
        name,
        {
            "/": real_home().replace("</body>", body + "</body>"),
            "/img/gone.png": {
                "body": error_page,
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            },
            "/js/menu.js": {
                "body": real_home(),
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            },
            "/img/ok.png": PNG,
            "/img/raw.jpg": {
                "body_b64": base64.b64encode(b"\xff\xd8\xff\xe0JFIF").decode(),
                "headers": {"Content-Type": "application/octet-stream"},
            },
            "/css/site.css": {"body": "body{margin:0}", "headers": {"Content-Type": "text/plain"}},
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    with open_session(sqlite_url) as s:
        targets = {
            t.url: t for t in s.scalars(select(TargetRow).where(TargetRow.run_id == runs[name]))
        }
    assert (targets[home + "img/gone.png"].reason, targets[home + "img/gone.png"].note_code) == (
        "soft_404", "page_says_not_found",
    )  # fmt: skip
    assert (targets[home + "js/menu.js"].reason, targets[home + "js/menu.js"].note_code) == (
        "error_link", "resource_html",
    )  # fmt: skip
    assert targets[home + "img/ok.png"].reason == ""
    assert targets[home + "img/raw.jpg"].reason == ""  # octet-stream is tolerated
    assert targets[home + "css/site.css"].reason == ""  # text/plain is tolerated
    broken = {f.url: f for f in _findings(sqlite_url, runs[name]) if f.check == "broken_link"}
    assert {home + "img/gone.png", home + "js/menu.js"} <= set(broken)


# ---- the same site, the same findings ---------------------------------------------------------


def big_site() -> dict[str, object]:
    pages: dict[str, object] = {"/": real_home(newest_days=30)}
    articles = []
    for i in range(40):
        footer = i % 3 != 0  # a third of the articles lost their footer: a stable minor finding
        pages[f"/xwdt/a{i}.html"] = page(
            f"文章{i}",
            f"<h1>文章{i}</h1><p>发布日期：{recent(40 + i)}</p><p>{'正文。' * 50}</p>",
            footer,
        )
        articles.append(("{{SITE}}" + f"/xwdt/a{i}.html", f"文章标题第{i}条", recent(40 + i)))
    pages["/xwdt/"] = page("新闻动态", f"<ul class='list'>{items(articles)}</ul>")
    pages["/beian.html"] = "<html><body><img src='ga.png'>备案信息</body></html>"  # a badge page
    pages["*"] = page("栏目", "<ul><li>内容</li></ul>")
    return pages


@pytest_twisted.ensureDeferred
async def test_the_same_site_crawled_twice_gets_the_same_findings(server, sqlite_url):
    name = _name()
    home = server.add_site(name, big_site())
    first = await crawl(
        [site(name, home)], sqlite_url, INSPECTOR_ELEMENT_SAMPLE=5, INSPECTOR_SITE_CONCURRENCY=8
    )
    second = await crawl(
        [site(name, home)], sqlite_url, INSPECTOR_ELEMENT_SAMPLE=5, INSPECTOR_SITE_CONCURRENCY=2
    )

    def findings(run_id: int) -> list[tuple]:
        return sorted(
            (f.check, f.url, f.identity, repr(sorted(f.detail.items())))
            for f in _findings(sqlite_url, run_id)
        )

    assert findings(first[name]) == findings(second[name])
    with open_session(sqlite_url) as s:
        sample = s.get(RunRow, first[name]).stats["element_sample"]
    assert len(sample["pages"]) == 5 and not any("beian" in u for u in sample["pages"])


# ---- the evidence beside the verdict, in the report ---------------------------------------------


@pytest_twisted.ensureDeferred
async def test_the_veto_shows_what_was_read_in_the_report(server, sqlite_url, tmp_path):
    from reports.render import render_reports

    name = _name()
    pages = yearless_home("2023-11-20 09:30")
    pages["/index.html"], pages["/"] = (
        pages["/"],
        ("<html><body><script>location.replace('index.html')</script></body></html>"),
    )
    home = server.add_site(name, pages)
    runs = await crawl([site(name, home)], sqlite_url)
    [stale] = [f for f in _findings(sqlite_url, runs[name]) if f.check == "homepage_stale"]
    assert stale.detail["home_url"] == home + "index.html"
    assert stale.detail["home_chain"][0]["kind"] == "script"
    assert stale.detail["item_page"]["date"] == "2023-11-20"
    with open_session(sqlite_url) as s:
        render_reports(s, tmp_path / "zh")
        render_reports(s, tmp_path / "en", lang="en")
    zh = (tmp_path / "zh" / "sites" / f"{name}.html").read_text(encoding="utf-8")
    for shown in (
        "首页跳转",
        "location.replace",
        "条目页核实的日期",
        "2023-11-20",
        "年份取自条目页的发布日期",
    ):
        assert shown in zh, shown
    en = (tmp_path / "en" / "sites" / f"{name}.html").read_text(encoding="utf-8")
    assert "year from the item page" in en and "Home page redirects" in en


# ---- closed sites in a crawl: probed, and a closure notice is a proper closure ----------------


def test_a_crawl_probes_closed_sites_and_reads_closure_notices(server, tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    online = server.add_site(_name(), {"/": real_home()})
    notice = server.add_site(
        _name(),
        {"/": "<html><head><meta charset='utf-8'><title>石门县商务局</title></head><body>"
              "<p>本网站已于2023年12月31日停止运行，相关信息请访问石门县人民政府门户网站 "
              "http://www.shimen.gov.cn 。</p></body></html>"},
    )  # fmt: skip
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        f"stillon,仍可访问局,{online},department,closed,,\n"
        f"notice,已发关停公告局,{notice},department,closed,,\n"
        f"gone,已关停局,http://127.0.0.1:{server.dead_port}/,department,closed,,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'i.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry), "--db", db,
         "--set", "DOWNLOAD_TIMEOUT=3"],
        capture_output=True, text=True, cwd=repo, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    with open_session(db) as s:
        runs = {r.site_id: r for r in s.scalars(select(RunRow))}
        assert runs["stillon"].verdict == "closed_online"
        assert runs["notice"].verdict == "closed_ok"
        assert runs["notice"].verdict_detail["closed_state"]["state"] == "notice"
        assert "停止运行" in runs["notice"].verdict_detail["closed_state"]["error"]
        assert runs["gone"].verdict == "closed_ok"
        assert runs["gone"].verdict_detail["closed_state"]["state"] == "offline"
    # A second crawl within the day does not probe again: the fresh probes say.
    again_done = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry), "--db", db,
         "--set", "DOWNLOAD_TIMEOUT=3"],
        capture_output=True, text=True, cwd=repo, timeout=180,
    )  # fmt: skip
    assert again_done.returncode == 0
    from inspector.store.models import ProbeRow

    with open_session(db) as s:
        assert len(list(s.scalars(select(ProbeRow)))) == 3


def test_explain_follows_a_stub_home_page_and_says_so(server) -> None:
    from inspector.crawl.policy import CrawlPolicy
    from inspector.explain import explain_target, render_text
    from inspector.profile import load_profile

    home = server.add_site(
        _name(),
        {"/": "<html><body><script>top.location.href='portal/'</script></body></html>",
         "/portal/": real_home()},
    )  # fmt: skip
    policy = CrawlPolicy.from_profile(load_profile("census2015"))
    report = explain_target(home, AS_OF, policy, is_home=True)
    assert [(h["url"], h["to"], h["kind"]) for h in report["home_chain"]] == [
        (home, home + "portal/", "script")
    ]
    assert report["date"] == recent(2)
    assert "home via" in render_text(report)


# ---- header and footer written by the home page's own scripts --------------------------------

TOP_JS = (
    'document.write(\'<div class="nav"><ul><li><a href="{{SITE}}/rsxx/">人事信息</a></li>\');\n'
    "document.write('<li><a href=\"{{SITE}}/zcjd/\">政策解读</a></li></ul>');\n"
    'document.write(\'<form action="{{SITE}}/search/"><input type="text" name="q"></form></div>\');'
)
BOTTOM_JS = "document.write('" + FOOTER.replace("'", '"') + "');"


def fresh_news() -> str:
    """A fresh news list: three items, the newest two days before T."""
    rows = [
        ("{{SITE}}" + f"/xwdt/a{i}.html", f"县政府召开第{i}次常务会议", recent(2 + i))
        for i in range(3)
    ]
    return f"<div class='main'><ul class='news'>{items(rows)}</ul></div>"


def scripted_home() -> str:
    return (
        "<html><head><meta charset='utf-8'><title>北京朝阳</title></head><body>"
        "<script src='{{SITE}}/resource/js/home_top.js'></script>"
        f"{fresh_news()}"
        "<script src='{{SITE}}/resource/js/home_bottom.js'></script></body></html>"
    )


@pytest_twisted.ensureDeferred
async def test_menus_and_footer_written_by_scripts_are_read(server, sqlite_url):
    name = _name()
    home = server.add_site(
        name,
        {
            "/": scripted_home(),
            "/resource/js/home_top.js": TOP_JS,
            "/resource/js/home_bottom.js": BOTTOM_JS,
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    home_page = _pages(sqlite_url, runs[name])[home]
    assert home_page.facts["elements"]["icp"]["found"] is True
    assert home_page.facts["elements"]["search"]["found"] is True
    assert "人事信息" in home_page.facts["names"]
    with open_session(sqlite_url) as s:
        columns = {
            c.name: c for c in s.scalars(select(ColumnRow).where(ColumnRow.run_id == runs[name]))
        }
    assert columns["人事信息"].item_count is not None  # a menu written by script: crawled too
    missing = {
        f.detail.get("element")
        for f in _findings(sqlite_url, runs[name])
        if f.check == "missing_element"
    }
    assert missing == set()


@pytest_twisted.ensureDeferred
async def test_unreadable_header_and_footer_scripts_leave_the_elements_undecided(
    server, sqlite_url
):
    name = _name()
    home = server.add_site(
        name, {"/": scripted_home(), "*": page("栏目", "<ul><li>内容</li></ul>")}
    )
    server.add_site(name, {"/": scripted_home(), "/resource/js/home_top.js": {"status": 404, "body": ""},
                           "/resource/js/home_bottom.js": {"status": 404, "body": ""}})  # fmt: skip
    runs = await crawl([site(name, home)], sqlite_url)
    checks = {f.check for f in _findings(sqlite_url, runs[name])}
    assert "missing_element" not in checks and "missing_column" not in checks
    home_page = _pages(sqlite_url, runs[name])[home]
    assert home_page.facts["elements"]["icp"]["written_by"] == [home + "resource/js/home_bottom.js"]


# ---- Hanweb datastore lists --------------------------------------------------------------------


def hanweb_list(rows: list[tuple[str, str, str]]) -> str:
    """A Hanweb JCMS column page: the list is a datastore its dataproxy script shows."""
    records = "".join(
        f"<record><![CDATA[<table><tr><td><a href='{href}' title='{title}'>{title}</a></td>"
        f"<td class='bt_time'>{shown}</td></tr></table>]]></record>\n"
        for href, title, shown in rows
    )
    return page(
        "工作动态",
        f"{NAV}<div id='4201'><script type='text/xml'><datastore><recordset>\n{records}"
        "</recordset></datastore></script></div>"
        "<script>$('#4201').dataproxy({perpage: 15});</script>",
    )


@pytest_twisted.ensureDeferred
async def test_hanweb_datastore_lists_are_read_and_their_links_crawled(server, sqlite_url):
    name = _name()
    rows = [
        ("{{SITE}}/art/2026/11/20/art_4201_1.html", "县政府召开常务会议", recent(8)),
        ("{{SITE}}/art/2026/11/12/art_4201_2.html", "县领导调研重点项目", recent(16)),
        ("{{SITE}}/art/2026/11/03/art_4201_3.html", "全县安全生产工作会议召开", recent(25)),
    ]
    article = page("文章", f"<h1>会议</h1><p>发布时间：{recent(8)}</p><p>{'正文。' * 80}</p>")
    home = server.add_site(
        name,
        {
            "/": real_home(),
            "/xwdt/": hanweb_list(rows),
            "/art/2026/11/20/art_4201_1.html": article,
            "/art/2026/11/12/art_4201_2.html": article,
            "/art/2026/11/03/art_4201_3.html": {"status": 404, "body": "not found"},
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    pages = _pages(sqlite_url, runs[name])
    # The records' articles were found and fetched as pages of the site ...
    assert home + "art/2026/11/20/art_4201_1.html" in pages
    # ... their broken one is reported, found on the column page ...
    broken = {f.url: f for f in _findings(sqlite_url, runs[name]) if f.check == "broken_link"}
    dead = home + "art/2026/11/03/art_4201_3.html"
    assert dead in broken, sorted(broken)
    assert home + "xwdt/" in str(broken[dead].detail)
    # ... and the column's newest item is the records' newest, not "no items".
    with open_session(sqlite_url) as s:
        column = s.scalars(
            select(ColumnRow).where(ColumnRow.run_id == runs[name], ColumnRow.name == "新闻动态")
        ).one()
    assert column.newest_date == AS_OF - timedelta(days=8)
    assert column.item_count == 3


# ---- lists drawn by script -----------------------------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_a_list_its_scripts_draw_is_not_an_empty_column(server, sqlite_url):
    """A 集约化 column whose list arrives by ajax: nobody could read its items, so it is neither
    empty nor stale (a false 空白栏目 would count toward the veto); a column that shows 暂无信息 is
    still empty."""
    name = _name()
    drawn = page(
        "工作动态",
        f"{NAV}<h2>新闻动态</h2><ul id='newsList' class='list'></ul><div id='pager'></div>"
        "<script>$(function(){ $.ajax({url:'/api/article/list?channelId=12&page=1',"
        "success:function(d){ $('#newsList').html(render(d)); }}); });</script>",
    )
    home = server.add_site(
        name,
        {
            "/": real_home(),
            "/xwdt/": drawn,
            "/tzgg/": page("通知公告", f"{NAV}<h2>通知公告</h2><p>暂无信息</p>"),
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home)], sqlite_url)
    empty = {
        f.detail["column"] for f in _findings(sqlite_url, runs[name]) if f.check == "column_empty"
    }
    assert "新闻动态" not in empty
    assert "通知公告" in empty
    with open_session(sqlite_url) as s:
        column = s.scalars(
            select(ColumnRow).where(ColumnRow.run_id == runs[name], ColumnRow.name == "新闻动态")
        ).one()
    assert column.evidence == [{"script_list": "$.ajax"}]


def loaded_home(footer: str) -> str:
    """A home page whose footer and header the browser loads as HTML parts."""
    return (
        "<html><head><meta charset='utf-8'><title>清溪县人民政府</title></head><body>"
        f"<div id='header'></div>{fresh_news()}{footer}"
        "<script>$(function(){ $('#header').load('{{SITE}}/inc/top.html');"
        " $('#footer').load('{{SITE}}/inc/common.html'); });</script></body></html>"
    )


@pytest_twisted.ensureDeferred
async def test_header_and_footer_loaded_as_html_parts_are_read(server, sqlite_url):
    """`$('#footer').load(url)` and `<iframe src=…bottom.htm>`: the parts are fetched and what
    they show counts (no 缺少网站标识码 for a footer the browser loads); a part that cannot be
    fetched leaves the elements undecided, never missing."""
    name = _name()
    header = f"<html><body>{NAV}<form action='{{{{SITE}}}}/search/'><input name='q'></form></body></html>"
    home = server.add_site(
        name,
        {
            "/": loaded_home("<div id='footer'></div>"),
            "/inc/top.html": header,
            "/inc/common.html": f"<html><body>{FOOTER}</body></html>",
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    framed = _name()
    framed_home = server.add_site(
        framed,
        {
            "/": loaded_home(
                "<iframe src='{{SITE}}/inc/bottom.htm' width='100%'></iframe>"
            ).replace("$('#footer').load('{{SITE}}/inc/common.html');", ""),
            "/inc/top.html": header,
            "/inc/bottom.htm": {"status": 404, "body": ""},
            "*": page("栏目", "<ul><li>内容</li></ul>"),
        },
    )
    runs = await crawl([site(name, home), site(framed, framed_home)], sqlite_url)
    loaded = _pages(sqlite_url, runs[name])[home]
    assert loaded.facts["elements"]["site_code"]["found"] is True
    assert loaded.facts["elements"]["search"]["found"] is True
    assert sorted(loaded.facts["scripts_read"]) == [home + "inc/common.html", home + "inc/top.html"]
    checks = {f.check: f.detail for f in _findings(sqlite_url, runs[name])}
    assert "missing_element" not in checks, checks["missing_element"]
    # The iframe's part is gone: its elements are undecided, not missing.
    framed_page = _pages(sqlite_url, runs[framed])[framed_home]
    assert framed_page.facts["elements"]["icp"]["written_by"] == [framed_home + "inc/bottom.htm"]
    missing = {
        f.detail.get("element")
        for f in _findings(sqlite_url, runs[framed])
        if f.check == "missing_element"
    }
    assert missing.isdisjoint({"site_code", "icp", "police_record", "party_gov_logo"})
