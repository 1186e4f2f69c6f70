"""Mandatory columns and page elements, rules profiles, and checks that live outside the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import pytest_twisted
from conftest import REALPAGES, REPO, crawl, open_session, site
from sqlalchemy import select

from checks.columns import MissingColumns
from checks.elements import MissingElements
from inspector.crawl.columns import discover_columns
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import extract_links
from inspector.crawl.footer import find_footer_elements
from inspector.facts import LinkFacts, SiteSnapshot
from inspector.options import load_rules
from inspector.profile import ProfileError, load_profile
from inspector.store.models import FindingRow, RunRow
from inspector.testing import home_page, make_snapshot, page

PROFILE = load_profile("census2015")
URL = "http://www.demo.gov.cn/"

# Column groups of a complete county portal: (nav entry, its sub-columns).
GROUPS = {
    "政府信息公开": ["信息公开指南", "信息公开目录", "信息公开年报", "依申请公开"],
    "新闻动态": [],
    "通知公告": [],
    "政策文件": [],
    "政策解读": [],
    "办事服务": [],
    "互动交流": ["县长信箱", "咨询投诉", "征集调查"],
    "人事信息": [],
    "规划计划": [],
    "机构职能": [],
}
FOOTER = {
    "site_code": "<p>网站标识码：3609220001</p>",
    "icp": "<p>赣ICP备05004155号</p>",
    "police_record": '<p><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=36092202000123">赣公网安备 36092202000123号</a></p>',
    "party_gov_logo": '<span id="_ideConac"><a href="http://bszs.conac.cn/sitename?id=1"><img src="/images/dzjg.png" alt="党政机关"></a></span>',
    "sitemap": '<a href="/wzdt/index.html">网站地图</a>',
    "search": '<form action="/search/"><input type="text" name="q"><button>搜索</button></form>',
    "contact": "<p>联系电话：0795-1234567　地址：演示县政府大楼</p>",
    "find_error": '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609220001">我为政府网站找错</a>',
}


def home_html(
    drop_groups: tuple[str, ...] = (),
    drop_columns: tuple[str, ...] = (),
    drop_elements: tuple[str, ...] = (),
) -> str:
    nav = []
    for i, (group, children) in enumerate(GROUPS.items()):
        if group in drop_groups:
            continue
        subs = "".join(
            f'<li><a href="/c{i}/s{j}/">{c}</a></li>'
            for j, c in enumerate(children)
            if c not in drop_columns
        )
        link = f'<a href="/c{i}/">{group}</a>' if group not in drop_columns else ""
        nav.append(f"<li>{link}<ul>{subs}</ul></li>")
    footer = "".join(
        v for k, v in FOOTER.items() if k not in drop_elements and k not in ("search",)
    )
    search = FOOTER["search"] if "search" not in drop_elements else ""
    return f"""<html><head><meta charset="utf-8"><title>演示县人民政府</title></head><body>
    <div class="header">{search}</div><div class="nav"><ul>{"".join(nav)}</ul></div>
    <div class="main"><ul><li><a href="/c1/202611/t20261125_1.html">关于开展冬季安全生产大检查工作的通知</a><span>2026-11-25</span></li></ul></div>
    <div class="footer">{footer}<p>主办：演示县人民政府办公室</p></div></body></html>"""


def snapshot_of(
    html: str, kind: str = "portal", site_code: str = "", inner: list[str] = ()
) -> SiteSnapshot:
    """A snapshot built by the crawl's own extractors from HTML (no network)."""
    doc = parse_html(html)
    links = [
        LinkFacts(URL, link.url, link.element, link.attribute, link.text)
        for link in extract_links(doc, URL)
    ]
    columns = discover_columns(html, URL, PROFILE.section("categories"))
    patterns = PROFILE.section("elements")
    home = home_page(URL, size=len(html), elements=find_footer_elements(html, URL, patterns))
    pages = [
        page(f"{URL}p{i}.html", elements=find_footer_elements(h, f"{URL}p{i}.html", patterns))
        for i, h in enumerate(inner)
    ]
    return make_snapshot(
        site_id="demo",
        name="演示县",
        url=URL,
        kind=kind,
        site_code=site_code,
        home=home,
        pages=pages,
        links=links,
        columns=columns,
    )


def missing_columns(snap: SiteSnapshot) -> set[str]:
    return {f.detail["column"] for f in MissingColumns(PROFILE).check_site(snap)}


def missing_elements(snap: SiteSnapshot) -> dict[str, dict]:
    return {f.key: dict(f.detail) for f in MissingElements(PROFILE).check_site(snap)}


def test_complete_portal_has_every_column_and_element() -> None:
    snap = snapshot_of(home_html(), site_code="3609220001")
    assert missing_columns(snap) == set()
    assert missing_elements(snap) == {}


REQUIRED = {
    "信息公开指南": ((), ("信息公开指南",)),
    "信息公开目录": ((), ("信息公开目录",)),
    "信息公开年报": ((), ("信息公开年报",)),
    "依申请公开": ((), ("依申请公开",)),
    "新闻动态": (("新闻动态",), ()),
    "通知公告": (("通知公告",), ()),
    "政策文件": (("政策文件",), ()),
    "政策解读": (("政策解读",), ()),
    "办事服务": (("办事服务",), ()),
    "领导信箱": ((), ("县长信箱",)),
    "咨询投诉": ((), ("咨询投诉",)),
    "征集调查": ((), ("征集调查",)),
    "人事信息": (("人事信息",), ()),
    "规划计划": (("规划计划",), ()),
    "机构职能": (("机构职能",), ()),
}


@pytest.mark.parametrize("column", sorted(REQUIRED))
def test_each_required_column_missing_in_turn(column: str) -> None:
    groups, columns = REQUIRED[column]
    assert missing_columns(snapshot_of(home_html(groups, columns))) == {column}


def missing_details(snap: SiteSnapshot) -> dict[str, dict]:
    return {f.detail["column"]: dict(f.detail) for f in MissingColumns(PROFILE).check_site(snap)}


def test_a_missing_hub_does_not_make_its_sub_columns_missing() -> None:
    """A hub that is not there is one finding; its sub-columns, never looked for under it, are
    listed in its detail rather than reported one by one."""
    found = missing_details(snapshot_of(home_html(("政府信息公开",))))
    assert set(found) == {"政府信息公开"}
    assert found["政府信息公开"]["sub_columns_not_found"] == [
        "信息公开指南", "信息公开目录", "信息公开年报", "依申请公开",
    ]  # fmt: skip
    assert found["政府信息公开"]["looked_in"] == ["home"]
    assert set(missing_details(snapshot_of(home_html(("互动交流",))))) == {"互动交流"}


def test_sub_columns_count_wherever_the_site_shows_them() -> None:
    """信息公开指南 under 政务公开 (not the profile's 政府信息公开), 县长信箱 at the top level,
    and a hub with no heading of its own whose sub-columns are there."""
    html = (
        home_html(("互动交流",))
        .replace(
            "</body>",
            '<div class="box"><a href="/mail/">县长信箱</a> <a href="/zx/">咨询投诉</a>'
            ' <a href="/dc/">征集调查</a></div></body>',
        )
        .replace(">政府信息公开<", ">政务公开<")
    )
    assert missing_columns(snapshot_of(html)) == set()


def test_sub_columns_missing_under_a_hub_that_was_looked_into() -> None:
    found = missing_details(snapshot_of(home_html(drop_columns=("信息公开指南", "依申请公开"))))
    assert set(found) == {"信息公开指南", "依申请公开"}
    assert found["依申请公开"]["parent"] == "政府信息公开"


def test_leader_mailbox_is_a_pattern_and_departments_have_optional_columns() -> None:
    for mailbox in ("书记信箱", "局长信箱", "区长信箱", "主任信箱"):
        html = home_html().replace("县长信箱", mailbox)
        assert "领导信箱" not in missing_columns(snapshot_of(html))
    html = home_html(("政策解读", "规划计划"), ("征集调查",))
    assert missing_columns(snapshot_of(html, kind="department")) == set()
    assert missing_columns(snapshot_of(html, kind="portal")) == {"政策解读", "规划计划", "征集调查"}


def test_image_buttons_full_width_names_and_external_links_count() -> None:
    html = (
        home_html(("办事服务",), ("县长信箱",))
        .replace(
            "</body>",
            '<a href="http://www.jxzwfww.gov.cn/"><img src="/b.png" alt="办事服务"></a>'
            '<a href="/xx/" title="县长信箱"><img src="/m.png"></a>'
            '<a href="/p/">人事信息　更多&gt;&gt;</a></body>',
        )
        .replace('<a href="/c7/">人事信息</a>', "")
    )
    assert missing_columns(snapshot_of(html)) == set()


@pytest.mark.parametrize("element", sorted(FOOTER))
def test_each_element_missing_in_turn(element: str) -> None:
    found = missing_elements(snapshot_of(home_html(drop_elements=(element,))))
    assert set(found) == {element}
    assert found[element]["where"] == "home"


def test_site_code_mismatch_and_inner_pages_share() -> None:
    snap = snapshot_of(home_html(), site_code="3609220009")
    found = missing_elements(snap)
    assert found["site_code_mismatch"]["expected"] == "3609220009"
    assert found["site_code_mismatch"]["found"] == "3609220001"
    inner_ok = home_html()
    inner_bad = home_html(drop_elements=("police_record", "icp"))
    found = missing_elements(
        snapshot_of(home_html(), inner=[inner_ok, inner_bad, inner_bad, inner_ok])
    )
    assert set(found) == {"police_record@inner", "icp@inner"}
    assert found["icp@inner"]["share_missing"] == 0.5 and found["icp@inner"]["pages_checked"] == 4


@pytest.mark.skipif(not REALPAGES.is_dir(), reason=f"real pages not found at {REALPAGES}")
def test_real_home_page_columns_and_elements() -> None:
    """www.yichun.gov.cn's home page, read alone (no site map, no sub-pages): a careful reader
    finds every required column but 人事信息 (咨询投诉 is its 网上信访/我要写信), and every
    element but contact details."""
    text, _, _ = decode_html((REALPAGES / "www.yichun.gov.cn__home.html").read_bytes(), None)
    global URL
    saved, URL = URL, "https://www.yichun.gov.cn/"
    try:
        snap = snapshot_of(text, site_code="3609000002")
    finally:
        URL = saved
    assert missing_columns(snap) == {"人事信息"}
    assert set(missing_elements(snap)) == {"contact"}


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        (
            '[freshness]\nhomepage_days = "two weeks"\n',
            "freshness.homepage_days",
            "must be a number",
        ),
        ("[freshness.windows]\nnews = -1\n", "freshness.windows.news", "must be ≥ 1"),
        (
            '[[required_columns]]\nname = "领导信箱"\npatterns = ["(信箱"]\n',
            "required_columns[0] (领导信箱).patterns",
            "bad regular expression",
        ),
        (
            '[[required_columns]]\nname = "x"\nsynonyms = ["x"]\noptional_for = ["county"]\n',
            "required_columns[0] (x).optional_for",
            "unknown site kind",
        ),
        ('[[required_columns]]\nsynonyms = ["x"]\n', "required_columns[0]", "needs a `name`"),
        ('[elements.icp]\ncss = ["a[[["]\n', "elements.icp.css", "bad CSS selector"),
        ('[elements.icp]\nxpath = ["//a"]\n', "elements.icp.xpath", "unknown matcher"),
        ('[categories]\nnews = "要闻"\n', "categories.news", "must be a list"),
        ("[freshness\n", "toml", ""),
    ],
)
def test_malformed_profile_is_refused_with_file_key_and_problem(
    tmp_path: Path, body: str, key: str, problem: str
) -> None:
    path = _write(tmp_path / "bad.toml", '[profile]\nextends = "census2015"\n' + body)
    with pytest.raises(ProfileError) as err:
        load_rules(str(path))  # the profile, and every component that reads it, built once
    assert err.value.key == key and problem in err.value.problem
    assert str(path) in str(err.value)


def test_profiles_extend_and_cli_refuses_a_bad_one(tmp_path: Path) -> None:
    spot = load_profile("spotcheck2019")
    assert spot.name == "spotcheck2019" and spot.get("freshness.homepage_days") == 14
    bad = _write(tmp_path / "bad.toml", "[freshness]\nhomepage_days = 0\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector.cli",
            "crawl",
            "--registry",
            "seeds/demo.csv",
            "--rules",
            str(bad),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "bad.toml: [freshness.homepage_days] must be ≥ 1" in proc.stderr


PLUGIN = '''
"""A province's own check, outside the project."""
from checks.base import Check, Finding, Severity


class NoEnglishVersion(Check):
    """The province wants an English version linked from the home page."""

    code = "no_english_version"

    def check_site(self, site):
        names = {link.text for link in site.links}
        if not any("English" in n for n in names):
            yield Finding(self.code, Severity.MINOR, site.site.url, {"wanted": "English"})


class Broken(Check):
    code = "broken_plugin"

    def check_site(self, site):
        raise RuntimeError("this plugin is broken")
'''


@pytest_twisted.ensureDeferred
async def test_a_check_outside_the_project_by_dotted_path_and_a_failing_one(
    server, sqlite_url, tmp_path, monkeypatch
):
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "province_checks.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugin_dir))
    runs = await crawl(
        [site("basic", server.site_url("basic", "/"))],
        sqlite_url,
        INSPECTOR_CHECKS={"province_checks.NoEnglishVersion": 900, "province_checks.Broken": 50},
    )
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["basic"])
        checks = {f.check for f in s.scalars(select(FindingRow).where(FindingRow.run_id == run.id))}
    assert "no_english_version" in checks and "broken_link" in checks  # the others went on
    assert "this plugin is broken" in run.check_errors["province_checks.Broken"]
    # And from the command line, by --set, for a stored run.
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector.cli",
            "check",
            "--run",
            str(runs["basic"]),
            "--db",
            sqlite_url,
            "--set",
            json.dumps({"province_checks.NoEnglishVersion": 900}).join(["INSPECTOR_CHECKS=", ""]),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no_english_version" in proc.stdout


@pytest_twisted.ensureDeferred
async def test_crawl_records_missing_columns_and_elements(server, sqlite_url):
    html = home_html(("规划计划",), ("县长信箱",), ("police_record",))
    home = server.add_site("mandatory", {"/": html, "*": "<html><body><p>栏目页</p></body></html>"})
    runs = await crawl(
        [site("mandatory", home, site_code="3609220001")], sqlite_url, INSPECTOR_SOFT404_PROBES=0
    )
    with open_session(sqlite_url) as s:
        findings = s.scalars(select(FindingRow).where(FindingRow.run_id == runs["mandatory"])).all()
        assert s.get(RunRow, runs["mandatory"]).rules == "census2015"
    assert {f.detail["column"] for f in findings if f.check == "missing_column"} == {
        "规划计划",
        "领导信箱",
    }
    homes = {
        f.detail["element"]
        for f in findings
        if f.check == "missing_element" and f.detail["where"] == "home"
    }
    assert homes == {"police_record"}


def test_elements_written_by_unread_scripts_are_not_missing() -> None:
    html = (
        home_html(drop_elements=tuple(FOOTER))
        .replace("</body>", '<script src="/js/home_bottom.js"></script></body>')
        .replace("<p>主办：演示县人民政府办公室</p>", "")
    )
    snap = snapshot_of(html)
    assert snap.home.elements["icp"]["written_by"] == [URL + "js/home_bottom.js"]
    assert set(missing_elements(snap)) == {"search"}  # the header's search box is not scripted


def test_inner_pages_are_content_pages_of_the_site() -> None:
    from dataclasses import replace

    bad = home_html(drop_elements=("icp",))
    snap = snapshot_of(home_html(), inner=[bad, home_html()])
    snap.pages = [
        snap.pages[0],
        replace(snap.pages[1], kind="other"),
        replace(snap.pages[2], kind="article"),
    ]
    assert missing_elements(snap) == {}  # the utility page is not one of the site's content pages


def test_no_menus_seen_no_column_missing() -> None:
    """An entrance page of image buttons without labels: no column found at all, nothing says
    which columns the site has."""
    html = (
        "<html><body><a href='/Information'><img src='a.jpg'></a>"
        "<a href='/Officer'><img src='b.jpg'></a></body></html>"
    )
    assert missing_columns(snapshot_of(html)) == set()
