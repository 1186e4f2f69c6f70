"""Security checks on real crawls (issue 15): facts gathered while crawling, cloaking fetches
served by a test server that looks at the User-Agent and Referer, the veto, and a person's
review (`inspector review`) carried over to the next crawl. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, RunRow

HEAD = '<html><head><meta charset="utf-8"><title>{title}</title>{extra}</head><body>'
MENU = """<ul class="nav"><li><a href="index.html">首页</a></li>
<li class="drop"><a href="xwdt/">新闻动态</a><ul class="sub" style="display:none">
<li><a href="xwdt/zwyw/">政务要闻</a></li><li><a href="xwdt/bmdt/">部门动态</a></li></ul></li></ul>
<div class="tab" style="display:none"><a href="tzgg/">通知公告</a></div>
<script src="https://s9.cnzz.com/z_stat.php?id=1000&web_id=1000"></script>
<script src="https://hm.baidu.com/hm.js?abcdef"></script>
<script id="_jiucuo_" sitecode="1000000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>
<span id="_ideConac"><script src="https://dcs.conac.cn/js/33/000/0000/60000000/CA330000000000000000.js"></script></span>
"""
ARTICLE = (
    "<p>发布时间：2026-11-20</p><p>11月20日，县政府召开常务会议，传达学习习近平总书记重要讲话精神，"
    "研究部署冬季安全生产工作。</p>"
)


def page(title: str, body: str, extra: str = "") -> str:
    return HEAD.format(title=title, extra=extra) + MENU + body + "</body></html>"


HACKED_HOME = page(
    "青山县人民政府",
    "<style>.yc{position:absolute;left:-9999px;top:-9999px}</style>"
    '<div class="yc"><a href="http://www.am888-bocai.invalid/">澳门娱乐城</a>'
    '<a href="http://www.am888-bocai.invalid/bjl/">百家乐</a></div>'
    '<ul><li><a href="a.html">县政府召开常务会议</a><span>2026-11-20</span></li></ul>',
)
CLEAN_HOME = page(
    "青山县人民政府",
    '<ul><li><a href="a.html">县政府召开常务会议</a><span>2026-11-20</span></li></ul>',
)
A_PAGE = page("县政府召开常务会议", ARTICLE)
# A 友情链接 block rewritten by an intruder: the gambling link in plain view.
FRIENDS_HOME = page(
    "青山县人民政府",
    '<ul><li><a href="a.html">县政府召开常务会议</a><span>2026-11-20</span></li></ul>'
    '<div class="yqlj">友情链接：<a href="http://www.gov.cn/">中国政府网</a>'
    '<a href="http://www.am888-bocai.invalid/">澳门娱乐城</a></div>',
)
CLOAKED = page(
    "澳门新葡京娱乐城_百家乐_真人视讯",
    '<a href="http://www.am888-bocai.invalid/">澳门娱乐城 百家乐 时时彩</a>',
)


@pytest.fixture(scope="module")
def security_sites(server):
    server.add_site("hacked", {"/": HACKED_HOME, "/a.html": A_PAGE})
    server.add_site("clean", {"/": CLEAN_HOME, "/a.html": A_PAGE})
    server.add_site("friends", {"/": FRIENDS_HOME, "/a.html": A_PAGE})
    server.add_site(
        "cloaked",
        {
            "/": {
                "body": CLEAN_HOME,
                "vary": [
                    {"user_agent": "Baiduspider", "page": CLOAKED},
                    {"referer": "baidu.com", "page": CLOAKED},
                ],
            },
            "/a.html": A_PAGE,
        },
    )
    return server


SETTINGS = {"INSPECTOR_STATIC_HOSTS": {"www.am888-bocai.invalid": ""}}


def _findings(db_url: str, run_id: int) -> list[FindingRow]:
    with open_session(db_url) as s:
        return list(s.scalars(select(FindingRow).where(FindingRow.run_id == run_id)))


def _run(db_url: str, run_id: int) -> RunRow:
    with open_session(db_url) as s:
        run = s.get_one(RunRow, run_id)
        s.expunge(run)
        return run


@pytest_twisted.ensureDeferred
async def test_a_crawl_finds_hidden_links_and_cloaking_and_stays_silent_on_a_clean_site(
    security_sites, db_url
):
    sites = [
        site(name, security_sites.site_url(name, "/")) for name in ("hacked", "clean", "cloaked")
    ]
    security_sites.requests(clear=True)
    runs = await crawl(sites, db_url, **SETTINGS)
    security = {"hidden_links", "spam_links", "malicious_script", "cloaking", "wording_error"}

    hacked = [f for f in _findings(db_url, runs["hacked"]) if f.check in security]
    assert [f.check for f in hacked] == ["hidden_links"]
    detail = hacked[0].detail
    assert detail["targets"] == [
        "http://www.am888-bocai.invalid/",
        "http://www.am888-bocai.invalid/bjl/",
    ]
    assert "left:-9999px" in detail["technique"] and "娱乐城" in detail["words"]
    run = _run(db_url, runs["hacked"])
    assert run.verdict == "fail" and "hidden_links" in run.verdict_detail["vetoes"]

    assert not [f for f in _findings(db_url, runs["clean"]) if f.check in security]
    assert "hidden_links" not in (_run(db_url, runs["clean"]).verdict_detail or {}).get(
        "vetoes", []
    )

    cloaked = [f for f in _findings(db_url, runs["cloaked"]) if f.check in security]
    assert sorted(f.detail["mode"] for f in cloaked) == ["baidu_referer", "baiduspider"]
    for f in cloaked:
        assert f.check == "cloaking" and f.severity == "veto"
        evidence = f.detail["evidence"]
        assert evidence["browser"]["title"] == "青山县人民政府"
        assert evidence["crawler"]["title"].startswith("澳门新葡京娱乐城")
        assert "am888-bocai.invalid" in evidence["new_hosts"]
    by_mode = {f.detail["mode"]: f.detail for f in cloaked}
    assert "Baiduspider" in by_mode["baiduspider"]["user_agent"]
    assert by_mode["baidu_referer"]["referer"].startswith("https://www.baidu.com/s?wd=")
    # Two extra fetches per sampled page, and the cloaked site's pages were all compared.
    asked = [r for r in security_sites.requests() if "/site/cloaked/" in r["path"]]
    agents = [r["headers"].get("User-Agent", "") for r in asked]
    assert sum("Baiduspider" in a for a in agents) == 2  # home + a.html
    assert json.dumps(detail, ensure_ascii=False)  # stored as JSON


@pytest_twisted.ensureDeferred
async def test_a_crawl_finds_gambling_links_in_plain_view(security_sites, db_url):
    """spam_links through a real crawl (readers, storage, checks, the verdict): found, flagged
    for review, a veto like the hidden ones."""
    runs = await crawl(
        [site("friends", security_sites.site_url("friends", "/"))], db_url, **SETTINGS
    )
    found = [f for f in _findings(db_url, runs["friends"]) if f.check.endswith("_links")]
    assert [f.check for f in found] == ["spam_links"]
    detail = found[0].detail
    assert detail["targets"] == ["http://www.am888-bocai.invalid/"]
    assert detail["needs_review"] is True and "娱乐城" in detail["words"]
    assert found[0].severity == "veto"
    assert "spam_links" in _run(db_url, runs["friends"]).verdict_detail["vetoes"]


def _review(db_url: str, *args: str) -> Any:
    from click.testing import CliRunner

    from inspector.cli import main

    return CliRunner().invoke(main, ["review", "--db", db_url, *args])


def _site_export(db_url: str, site_id: str) -> dict[str, Any]:
    from reports.export import export_data

    with open_session(db_url) as s:
        return export_data(s, [site_id])["sites"][0]


def _report_html(db_url: str, site_id: str, out: Path) -> str:
    from reports.render import render_reports

    with open_session(db_url) as s:
        render_reports(s, out, "zh", site_ids=[site_id])
    return next((out / "sites").glob("*.html")).read_text(encoding="utf-8")


@pytest_twisted.ensureDeferred
async def test_review_dismisses_a_false_positive_for_this_and_later_runs(
    security_sites, db_url, tmp_path
):
    target = [site("hacked", security_sites.site_url("hacked", "/"))]
    first = (await crawl(target, db_url, **SETTINGS))["hacked"]
    assert _run(db_url, first).verdict == "fail"

    listed = _review(db_url, "--site", "hacked")
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if "hidden_links" in x)
    short, severity, check = line.split("\t")[:3]
    assert (severity, check, len(short)) == ("veto", "hidden_links", 8)
    assert line.endswith("待人工复核")

    # Bad input: one line, exit 2.
    for args, says in (
        (["--dismiss", "ffffffff", "--note", "x"], "no finding 'ffffffff'"),
        (["--dismiss", short], "--dismiss needs --note"),
        (["--dismiss", short, "--confirm", short, "--note", "x"], "an id is given twice"),
        (["--all", "--confirm", short], "--list/--all only list"),
    ):
        bad = _review(db_url, "--site", "hacked", *args)
        assert bad.exit_code == 2 and says in bad.output, bad.output
        assert len(bad.output.strip().splitlines()) == 1 and "Traceback" not in bad.output
    bad = _review(db_url, "--site", "nosuchsite")
    assert bad.exit_code == 2 and "no site 'nosuchsite'" in bad.output

    done = _review(
        db_url, "--site", "hacked", "--dismiss", short, "--note", "测试页面，非暗链", "--by", "张三"
    )
    assert done.exit_code == 0, done.output
    assert "已排除" in done.output and "重新评分" in done.output
    run = _run(db_url, first)
    assert run.verdict == "pass" and "hidden_links" not in run.verdict_detail["vetoes"]
    assert "hidden_links" not in {f.check for f in _findings(db_url, first)}
    exported = _site_export(db_url, "hacked")
    assert [r["check"] for r in exported["reviewed"]] == ["hidden_links"]
    review = exported["reviewed"][0]["review"]
    assert review["decision"] == "dismissed" and review["note"] == "测试页面，非暗链"
    assert review["reviewer"] == "张三" and not review["outdated"]
    assert all(f["review"] is None for f in exported["findings"])
    html = _report_html(db_url, "hacked", tmp_path / "r1")
    section = html.split('<section id="reviewed">', 1)[1].split("</section>", 1)[0]
    assert "已复核" in section and "误报，已排除" in section and "测试页面，非暗链" in section
    assert "am888-bocai.invalid" in section
    assert 'id="vetoes"' not in html
    # Nothing left to review; --all still shows it with the decision.
    assert "hidden_links" not in _review(db_url, "--site", "hacked").output
    assert "已排除（误报）: 测试页面，非暗链" in _review(db_url, "--site", "hacked", "--all").output

    # The next crawl of the same site keeps the dismissal (tracking identity): not fixed, gone.
    second = (await crawl(target, db_url, **SETTINGS))["hacked"]
    assert second != first
    run = _run(db_url, second)
    assert run.verdict == "pass", run.verdict_detail
    exported = _site_export(db_url, "hacked")
    assert [r["check"] for r in exported["reviewed"]] == ["hidden_links"]
    assert not [f for f in exported["tracking"]["fixed"] if f["check"] == "hidden_links"]

    # Confirming instead keeps it counted: the veto is back, listed as confirmed.
    done = _review(db_url, "--site", "hacked", "--confirm", short, "--note", "已通知整改")
    assert done.exit_code == 0, done.output
    run = _run(db_url, second)
    assert run.verdict == "fail" and "hidden_links" in run.verdict_detail["vetoes"]
    exported = _site_export(db_url, "hacked")
    assert exported["reviewed"] == []
    counted = [f for f in exported["findings"] if f["check"] == "hidden_links"]
    assert counted[0]["review"]["decision"] == "confirmed"
    html = _report_html(db_url, "hacked", tmp_path / "r2")
    assert 'id="vetoes"' in html and "已确认" in html.split('<section id="reviewed">', 1)[1]


@pytest_twisted.ensureDeferred
async def test_a_dismissal_does_not_cover_a_new_hidden_target(security_sites, db_url):
    server = security_sites
    server.add_site("grows", {"/": HACKED_HOME, "/a.html": A_PAGE})
    target = [site("grows", server.site_url("grows", "/"))]
    await crawl(target, db_url, **SETTINGS)
    line = next(
        x for x in _review(db_url, "--site", "grows").output.splitlines() if "hidden_links" in x
    )
    short = line.split("\t")[0]
    assert _review(db_url, "--site", "grows", "--dismiss", short, "--note", "误报").exit_code == 0
    more = HACKED_HOME.replace(
        "</div>", '<a href="http://www.am888-bocai.invalid/ssc/">时时彩</a></div>', 1
    )
    server.add_site("grows", {"/": more, "/a.html": A_PAGE})
    run_id = (await crawl(target, db_url, **SETTINGS))["grows"]
    run = _run(db_url, run_id)
    assert run.verdict == "fail" and "hidden_links" in run.verdict_detail["vetoes"]
    assert "复核后出现新证据" in _review(db_url, "--site", "grows").output


SPAM_LINKS = (
    '<div><a href="http://www.am888-bocai.invalid/">澳门娱乐城</a>'
    '<a href="http://www.am888-bocai.invalid/ssc/">时时彩</a></div>'
)


@pytest_twisted.ensureDeferred
async def test_cloaking_is_found_on_every_cloaked_site_and_no_other(server, sqlite_url):
    """Four ways of cloaking, three sites that must stay silent."""
    spider, referer = {"user_agent": "Baiduspider"}, {"referer": "baidu.com"}
    inner_cloaked = page("县政府召开常务会议", ARTICLE + SPAM_LINKS)
    sites = {
        "ck-ua": {"/": {"body": CLEAN_HOME, "vary": [{**spider, "page": CLOAKED}]}},
        "ck-redirect": {
            "/": {
                "body": CLEAN_HOME,
                "vary": [
                    {
                        **referer,
                        "page": {
                            "status": 302,
                            "headers": {"Location": "http://www.am888-bocai.invalid/"},
                        },
                    }
                ],
            }
        },
        "ck-inner": {
            "/": CLEAN_HOME,
            "/a.html": {"body": A_PAGE, "vary": [{**spider, "page": inner_cloaked}]},
        },
        "ck-words": {
            "/": {
                "body": CLEAN_HOME,
                "vary": [
                    {
                        **spider,
                        "page": CLEAN_HOME.replace(
                            "</body>", "<p>澳门博彩 百家乐 真人视讯</p></body>"
                        ),
                    }
                ],
            }
        },
        "ok-blocked": {
            "/": {
                "body": CLEAN_HOME,
                "vary": [{**spider, "page": {"status": 403, "body": "forbidden"}}],
            }
        },
        "ok-same": {"/": CLEAN_HOME},
        "ok-spacing": {
            "/": {
                "body": CLEAN_HOME,
                "vary": [
                    {
                        **spider,
                        "page": CLEAN_HOME.replace(
                            "<title>青山县人民政府</title>", "<title> 青山县人民政府 </title>"
                        ),
                    }
                ],
            }
        },
    }
    for name, pages in sites.items():
        server.add_site(name, {"/a.html": A_PAGE, **pages})
    runs = await crawl(
        [site(name, server.site_url(name, "/")) for name in sites], sqlite_url, **SETTINGS
    )
    cloaked = {
        name
        for name, run_id in runs.items()
        if any(f.check == "cloaking" for f in _findings(sqlite_url, run_id))
    }
    assert cloaked == {"ck-ua", "ck-redirect", "ck-inner", "ck-words"}
    redirect = next(f for f in _findings(sqlite_url, runs["ck-redirect"]) if f.check == "cloaking")
    assert redirect.detail["mode"] == "baidu_referer"
    assert redirect.detail["evidence"]["redirect"] == "http://www.am888-bocai.invalid/"
