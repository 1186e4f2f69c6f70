"""Security checks on real crawls (issue 15): facts gathered while crawling, cloaking fetches
served by a test server that looks at the User-Agent and Referer, the veto, and a person's
review (`inspector review`) carried over to the next crawl. SQLite and PostgreSQL."""

from __future__ import annotations

import json

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
CLOAKED = page(
    "澳门新葡京娱乐城_百家乐_真人视讯",
    '<a href="http://www.am888-bocai.invalid/">澳门娱乐城 百家乐 时时彩</a>',
)


@pytest.fixture(scope="module")
def security_sites(server):
    server.add_site("hacked", {"/": HACKED_HOME, "/a.html": A_PAGE})
    server.add_site("clean", {"/": CLEAN_HOME, "/a.html": A_PAGE})
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
    runs = await crawl(sites, db_url, **SETTINGS)
    security = {"hidden_links", "malicious_script", "cloaking", "wording_error"}

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
