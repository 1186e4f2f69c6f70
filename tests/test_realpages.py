"""Date extraction, column and footer discovery on real saved government pages.

The pages live outside the project (../shared/realpages, described in SOURCES.md there) and are
never copied in. Every label below was read off the page by a person: for an article the
publication date the page shows, for home and list pages the newest item date. Where the
extractor disagrees with a label, the extractor is wrong.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from checks.columns import columns_present, required_columns
from inspector.crawl.columns import discover_columns, shown_names
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.notfound import closed_notice, not_found_hint
from inspector.crawl.extract.redirect import find_redirect
from inspector.crawl.extract.scripts import written_html
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.listpage import list_page_facts
from inspector.crawl.sitemap import find_sitemap_url
from inspector.facts import PageDates
from inspector.profile import load_profile

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
PROFILE = Path(__file__).resolve().parents[1] / "checks" / "rules" / "census2015.toml"
pytestmark = pytest.mark.skipif(
    not REALPAGES.is_dir(), reason=f"real pages not available at {REALPAGES} (see SOURCES.md)"
)

AS_OF = date(2025, 11, 28)
# The yichun home page was generated on 2023-10-11 (its "页面生成时间" meta); its list items show
# month-day only, which a reader resolves against that day.
YICHUN_AS_OF = date(2023, 10, 11)


JSCM_AS_OF = date(2018, 3, 25)  # the 2018 home pages are read as of their capture (SOURCES.md)


@dataclass(frozen=True)
class Label:
    kind: str
    date: date | None
    meta: date | None = None  # the meta date, where it disagrees with what is shown
    note: str = ""
    as_of: date | None = None  # the day the page is read as of (default AS_OF)
    redirect: str | None = None  # where a redirect stub sends the browser
    # Home pages: for each required column of census2015, whether the page shows it (True /
    # False), or None where the page's own markup cannot tell (menus written by external
    # scripts). Footer elements: True / False / "script" (written by the page's own scripts).
    columns: dict[str, bool | None] | None = None
    elements: dict[str, bool | str] | None = None
    breadcrumb: tuple[str, ...] | None = None


REQUIRED = (
    "政府信息公开 信息公开指南 信息公开目录 信息公开年报 依申请公开 新闻动态 通知公告 政策文件 "
    "政策解读 办事服务 互动交流 领导信箱 咨询投诉 征集调查 人事信息 规划计划 机构职能"
).split()
ELEMENTS = "site_code icp police_record party_gov_logo sitemap search contact find_error".split()


def shown(absent: str = "", unknown: str = "") -> dict[str, bool | None]:
    """Column labels: every required column shown but those named absent or unknown."""
    out: dict[str, bool | None] = dict.fromkeys(REQUIRED, True)
    out.update(dict.fromkeys(absent.split(), False))
    out.update(dict.fromkeys(unknown.split(), None))
    return out


def elements(present: str, script: str = "") -> dict[str, bool | str]:
    out: dict[str, bool | str] = {e: e in present.split() for e in ELEMENTS}
    out.update(dict.fromkeys(script.split(), "script"))
    return out


D = date
LABELS: dict[str, Label] = {
    "fgw.zj.gov.cn__article__gne-gzggw1.html": Label(
        "article", D(2016, 11, 22), note="发布日期; meta Maketime 2019-03-22 is the CMS build"
    ),
    "www.12333sh.gov.cn__other__home-redirect-2018.html": Label(
        "other",
        None,
        note="JS redirect stub (GBK)",
        redirect="http://www.12333sh.gov.cn/201712333/index.shtml",
    ),
    "www.apta.gov.cn__home__2018.html": Label(
        "home",
        None,
        note="entrance page of four image buttons (meaning in their title): no single destination, "
        "nothing dated; its columns live behind the buttons",
        columns=dict.fromkeys(REQUIRED),
    ),
    "www.bjdx.gov.cn__article__mhx-shufa.html": Label("article", D(2024, 9, 27), note="日期："),
    "www.bjgtj.gov.cn__other__home-redirect-2018.html": Label(
        "other",
        None,
        note="mojibake title, then a second document with location.href",
        redirect="https://www.bjgtj.gov.cn/col/col3664/index.html",
    ),
    "www.bjsat.gov.cn__other__home-redirect-2018.html": Label(
        "other",
        None,
        note="URL built by concatenation: 'http:/'+'/'+'www.bjsat.gov.cn/bjsat/'",
        redirect="http://www.bjsat.gov.cn/bjsat/",
    ),
    "www.bnpo.gov.cn__home__splash-2018.html": Label(
        "home", None, note="splash page", redirect="https://www.bnpo.gov.cn/index"
    ),
    "www.bynr.gov.cn__article__500b350d.html": Label(
        "article", D(2022, 2, 11), note="unlabelled date under the title, meta agrees"
    ),
    "www.cac.gov.cn__article__mhx-znsh.html": Label(
        "article",
        D(2020, 2, 18),
        note="span#pubtime; hidden 'publishdate:2024/01/05' is a CMS marker",
    ),
    "www.chinaneast.gov.cn__article__a0cb0242.html": Label(
        "article", D(2005, 8, 16), note="GB2312 page; '2005年08月16日 来源：新华网'"
    ),
    "www.cmse.gov.cn__article__t20120624_43188.html": Label("article", D(2012, 6, 24)),
    "www.cmse.gov.cn__article__t20210106_47506.html": Label(
        "article", D(2021, 1, 5), note="发布日期 2021-01-05 although the URL says t20210106"
    ),
    "www.fcgs.gov.cn__article__mhx-bailong.html": Label(
        "article", D(2024, 9, 12), note="header clock '今天：2024年2月22日 星期四' is not the date"
    ),
    "www.foshan.gov.cn__article__mhx-20240625.html": Label("article", D(2024, 6, 25)),
    "www.gd.gov.cn__article__mhx-huangkunming.html": Label(
        "article", D(2023, 2, 25), note="'时间 : '"
    ),
    "www.gov.cn__article__gne-gongbao-2007-23.html": Label(
        "article",
        D(2007, 8, 20),
        note="公报 page: nothing visible is labelled as published; the only visible date is the "
        "resolution's adoption date (2007年6月29日…通过) in the text, so the census falls back to "
        "meta firstpublishedtime. The page has a stray </html> after its header include.",
    ),
    "www.gz.gov.cn__article__post_9360641.html": Label("article", D(2023, 12, 5)),
    "www.henan.gov.cn__article__mhx-xiju.html": Label(
        "article", D(2022, 8, 11), note="meta lastmodifiedtime 2025-06-18 is not a publication"
    ),
    "www.hongshan.gov.cn__article__mhx-wugang.html": Label("article", D(2023, 6, 8)),
    "www.jinan.gov.cn__article__mhx-gengxin.html": Label(
        "article", D(2024, 6, 19), note="sidebar list of '06-01' items is not the page's date"
    ),
    "www.liaoyang.gov.cn__article__mhx-sywdh.html": Label(
        "article", D(2023, 6, 12), note="label '时间发布：'; '出生日期2002年01月05日' in the text"
    ),
    "www.miit.gov.cn__article__mhx-sandian.html": Label(
        "article", D(2009, 9, 30), meta=D(2023, 5, 12), note="PubDate rewritten by a CMS migration"
    ),
    "www.moe.gov.cn__article__mhx-ljzh.html": Label(
        "article", D(2024, 6, 13), note="发布日期 at the bottom wins over 生成日期 2024-06-04"
    ),
    "www.nfra.gov.cn__article__merged_cells_page_source.html": Label(
        "article", D(2025, 6, 3), note="sidebar '留言时间：2025-04-27' entries are not the date"
    ),
    "www.nfra.gov.cn__article__page_source_debug.html": Label("article", D(2024, 7, 12)),
    "www.nmg.gov.cn__article__d232c5df.html": Label("article", D(2022, 2, 11)),
    "www.qingdao.gov.cn__article__mhx-jianzhi.html": Label("article", D(2022, 12, 6)),
    "www.sc.gov.cn__article__mhx-mianyang.html": Label(
        "article", D(2020, 9, 15), meta=D(2022, 10, 14), note="'2020年09月15日 09时32分 来源:'"
    ),
    "www.shaanxi.gov.cn__article__mhx-luntan.html": Label("article", D(2013, 12, 23)),
    "www.shanghai.gov.cn__article__mhx-minjin.html": Label("article", D(2023, 8, 19)),
    "www.shanxi.gov.cn__article__gne-shanxi1.html": Label("article", D(2019, 9, 18)),
    "www.sjz.gov.cn__article__mhx-zhuanke.html": Label("article", D(2024, 7, 2)),
    "www.taiyuan.gov.cn__article__mhx-jinci.html": Label(
        "other", None, note="static museum page; 1997年6月21日 in the text is history, not a date"
    ),
    "www.wanzai.gov.cn__article__7215380191c5400397df5d7d0b5fd06b.html": Label(
        "article", D(2023, 5, 11), meta=D(2023, 8, 16), note="only 生成日期 is shown"
    ),
    "www.wanzai.gov.cn__article__9c059bf058ef4db8b3c8f920e22186fe.html": Label(
        "article",
        D(2017, 5, 15),
        meta=D(2022, 4, 24),
        note="header clock '2023年10月11日 星期三' from the day it was saved",
    ),
    "www.wlmq.gov.cn__article__mhx-jxjy.html": Label(
        "article", D(2024, 3, 3), note="many 报名/培训时间 dates in the text"
    ),
    "www.xa.gov.cn__article__mhx-huyi-wlaqxcz.html": Label("article", D(2024, 9, 10)),
    "www.yichun.gov.cn__article__36796cdc82d04268913f2884cf2fe579.html": Label(
        "article", D(2023, 4, 18), meta=D(2023, 5, 16), note="发文日期 in the 信息公开 table"
    ),
    "www.yichun.gov.cn__article__3f093ec317ba4609b241d0c79175c7cd.html": Label(
        "article", D(2023, 3, 31), meta=D(2023, 5, 16), note="发文日期 in the 信息公开 table"
    ),
    "www.yichun.gov.cn__home.html": Label(
        "home",
        D(2023, 10, 11),
        as_of=YICHUN_AS_OF,
        note="newest list item; month-day dates, year from item URLs and 页面生成时间",
        columns=shown(absent="人事信息"),
        elements=elements("site_code icp police_record party_gov_logo sitemap search find_error"),
    ),
    "xxgk.jl.gov.cn__article__e8847578.html": Label(
        "article",
        D(2022, 1, 28),
        note="the census reads the shown 发布日期; the source dataset's gold date is the "
        "成文日期 2022-01-27 shown in the same table",
    ),  # --- 2018 home pages (read as of 2018-03-25) and a list page ---
    "alt.gov.cn__home__jscm2018.html": Label(
        "home",
        D(2018, 3, 22),
        as_of=JSCM_AS_OF,
        note="image menu (alt), hover submenus with display:none, conac badge by document.write,"
        " 找错 image linking errorInfo/jcInfo; the 书记信箱 button is an image without alt",
        columns=shown(absent="政策文件"),
        elements=elements("icp party_gov_logo search find_error"),
    ),
    "beidou.gov.cn__home__jscm2018.html": Label(
        "home",
        D(2018, 3, 22),
        as_of=JSCM_AS_OF,
        note="month-day dates whose year is in each item's URL (/201803/t20180322_…); "
        "a 友情链接 entry in the 帮助 menu; ICD咨询邮箱 is its 咨询 channel",
        columns=shown(
            absent="政府信息公开 信息公开指南 信息公开目录 信息公开年报 依申请公开 政策解读 办事服务 "
            "领导信箱 征集调查 人事信息 规划计划 机构职能"
        ),
        elements=elements("icp sitemap search contact"),
    ),
    "bgpc.gov.cn__home__jscm2018.html": Label(
        "home",
        D(2018, 3, 21),
        as_of=JSCM_AS_OF,
        note="ICP number without 备/号 (京ICP14006156); 网站地图 only inside an HTML comment",
        columns=shown(
            absent="信息公开指南 信息公开目录 信息公开年报 依申请公开 新闻动态 政策解读 领导信箱 "
            "人事信息 规划计划 机构职能"
        ),
        elements=elements("icp party_gov_logo search contact"),
    ),
    "bjchy.gov.cn__home__jscm2018.html": Label(
        "home",
        D(2018, 3, 16),
        as_of=JSCM_AS_OF,
        note="declares gb2312, saved as UTF-8; header, menus and footer written by external "
        "scripts (home_top.js, home_bottom.js); [03-06] month-day lists beside [2018-03-16] ones; "
        "old items inside HTML comments",
        columns=shown(
            unknown="信息公开指南 信息公开目录 信息公开年报 依申请公开 政策解读 领导信箱 咨询投诉 "
            "征集调查 规划计划 机构职能"
        ),
        elements=elements("", script=" ".join(ELEMENTS)),
    ),
    "bnpo.gov.cn__home__jscm2018.html": Label(
        "home",
        None,
        as_of=JSCM_AS_OF,
        redirect="https://bnpo.gov.cn/index",
        note="splash: 点击进入 with self.location='index' in onclick and a timer",
    ),
    "egb.ordos.gov.cn__list__xxgknb-nodehtmlparser.html": Label(
        "list",
        D(2020, 9, 3),
        note="TRS list in a table; pager written by document.write; 网站标识码 shown and in the "
        "jiucuo script; the search input stands outside its (empty) form",
        elements=elements(" ".join(ELEMENTS)),
        breadcrumb=("信息公开", "信息公开年报"),
    ),
}

# 网站标识码 as shown in each page's static markup; None where the page shows none. gd.gov.cn's
# footer (4400000131) is written by JavaScript, which a crawler without a browser cannot see.
SITE_CODES: dict[str, str | None] = {
    "fgw.zj.gov.cn__article__gne-gzggw1.html": "3300000020",
    "www.bjdx.gov.cn__article__mhx-shufa.html": "1101150005",
    "www.bynr.gov.cn__article__500b350d.html": "1508000002",
    "www.fcgs.gov.cn__article__mhx-bailong.html": "4506000001",
    "www.gd.gov.cn__article__mhx-huangkunming.html": None,
    "www.gov.cn__article__gne-gongbao-2007-23.html": "bm01000001",
    "www.gz.gov.cn__article__post_9360641.html": "4401000004",
    "www.hongshan.gov.cn__article__mhx-wugang.html": "4201110038",
    "www.moe.gov.cn__article__mhx-ljzh.html": "bm05000001",
    "www.nfra.gov.cn__article__merged_cells_page_source.html": "bm55000001",
    "www.nfra.gov.cn__article__page_source_debug.html": "bm55000001",
    "www.nmg.gov.cn__article__d232c5df.html": "1500000001",
    "www.qingdao.gov.cn__article__mhx-jianzhi.html": "3702000025",
    "www.sc.gov.cn__article__mhx-mianyang.html": "5100000062",
    "www.shaanxi.gov.cn__article__mhx-luntan.html": "6100000017",
    "www.shanxi.gov.cn__article__gne-shanxi1.html": "1400000045",
    "www.sjz.gov.cn__article__mhx-zhuanke.html": "1301000003",
    "www.taiyuan.gov.cn__article__mhx-jinci.html": "1401000055",
    "www.wanzai.gov.cn__article__7215380191c5400397df5d7d0b5fd06b.html": "3609220011",
    "www.wanzai.gov.cn__article__9c059bf058ef4db8b3c8f920e22186fe.html": "3609220011",
    "www.wlmq.gov.cn__article__mhx-jxjy.html": "6501000002",
    "www.xa.gov.cn__article__mhx-huyi-wlaqxcz.html": "6101000007",
    "www.yichun.gov.cn__article__36796cdc82d04268913f2884cf2fe579.html": "3609000002",
    "www.yichun.gov.cn__article__3f093ec317ba4609b241d0c79175c7cd.html": "3609000002",
    "www.yichun.gov.cn__home.html": "3609000002",
    "www.12333sh.gov.cn__other__home-redirect-2018.html": None,
    "www.apta.gov.cn__home__2018.html": None,
    "www.cac.gov.cn__article__mhx-znsh.html": None,
    "xxgk.jl.gov.cn__article__e8847578.html": None,
}

GBK_PAGES = {
    "www.12333sh.gov.cn__other__home-redirect-2018.html",
    "www.apta.gov.cn__home__2018.html",
    "www.chinaneast.gov.cn__article__a0cb0242.html",
}


@cache
def text_of(name: str) -> tuple[str, str]:
    text, _declared, used = decode_html((REALPAGES / name).read_bytes(), None)
    return text, used


def page_names() -> list[str]:
    return sorted(p.name for p in REALPAGES.glob("*.html")) if REALPAGES.is_dir() else []


def site_url(name: str) -> str:
    return f"https://{name.split('__', 1)[0]}/"


def test_every_saved_page_is_labelled():
    assert set(page_names()) == set(LABELS), "label the new pages in LABELS"


def read(name: str, as_of: date | None = None) -> PageDates:
    label = LABELS[name]
    text, _ = text_of(name)
    return extract_dates(
        parse_html(text), as_of or label.as_of or AS_OF, is_home=label.kind == "home"
    )


def newest_answer(dates: PageDates) -> date | None:
    """The date the product stands by: for a page of items, the newest whose year is settled
    when a newer month-day's year is uncertain (that one proves nothing)."""
    if dates.kind in ("home", "list") and dates.year_uncertain:
        return dates.newest_settled
    return dates.date


@pytest.mark.parametrize("name", sorted(LABELS))
def test_page_date_matches_the_label(name: str):
    label = LABELS[name]
    if not (REALPAGES / name).exists():
        pytest.skip(f"{name} is not in {REALPAGES}")
    result = read(name)
    assert (result.kind, newest_answer(result)) == (label.kind, label.date), label.note
    if label.meta is not None:
        assert result.meta_date == label.meta
    text, _ = text_of(name)
    doc = parse_html(text)
    assert not_found_hint(doc, title_of(doc)) == ""  # no real page here is an error page
    assert closed_notice(doc, title_of(doc)) is None


def test_meta_only_page_says_where_its_date_came_from():
    text, _ = text_of("www.gov.cn__article__gne-gongbao-2007-23.html")
    result = extract_dates(parse_html(text), AS_OF)
    chosen = [c for c in result.candidates if c.accepted and c.date == result.pub_date]
    assert [c.rule for c in chosen] == ["meta:firstpublishedtime"]


@pytest.mark.parametrize(
    ("name", "clock"),
    [
        ("www.wanzai.gov.cn__article__9c059bf058ef4db8b3c8f920e22186fe.html", date(2023, 10, 11)),
        ("www.fcgs.gov.cn__article__mhx-bailong.html", date(2024, 2, 22)),
    ],
)
def test_header_clocks_on_real_pages_are_rejected(name: str, clock: date):
    text, _ = text_of(name)
    result = extract_dates(parse_html(text), AS_OF)
    assert [c.date for c in result.candidates if c.reason == "clock"] == [clock]


def test_yichun_home_items():
    text, _ = text_of("www.yichun.gov.cn__home.html")
    result = extract_dates(parse_html(text), YICHUN_AS_OF, is_home=True)
    assert len(result.item_dates) >= 30
    assert min(result.item_dates) == date(2023, 8, 21)
    assert result.pub_date is None
    title_years = [c.text for c in result.candidates if c.reason == "title_year"]
    assert "2023年" in title_years  # "2023年度全市综合考核工作分析部署会召开"


@pytest.mark.parametrize("name", sorted(GBK_PAGES))
def test_gbk_pages_decode_cleanly(name: str):
    text, used = text_of(name)
    assert used == "gb18030"
    assert "\ufffd" not in text


@cache
def categories() -> dict[str, list[str]]:
    return tomllib.loads(PROFILE.read_text(encoding="utf-8"))["categories"]


def test_yichun_home_columns():
    text, _ = text_of("www.yichun.gov.cn__home.html")
    base = "https://www.yichun.gov.cn/"
    columns = {c.url.removeprefix(base): c for c in discover_columns(text, base, categories())}
    expected = {
        # url: (name, category, source, parent)
        "ycsrmzf/szf/szf.shtml": ("市政府", "other", "nav", ""),
        "ycsrmzf/zwgk/zwgk.shtml": ("政务公开", "other", "nav", ""),
        "ycsrmzf/zwdt/list.shtml": ("政务动态", "news", "nav", "政务公开"),
        "ycsrmzf/zfgg/list.shtml": ("政府公告", "notice", "nav", "政务公开"),
        "ycsrmzf/jxszc/list.shtml": ("江西省政策", "policy", "nav", "政务公开"),
        "ycsrmzf/zcjdfa/list.shtml": ("政策解读", "policy", "nav", "政务公开"),
        "ycsrmzf/tjgb/xxgk_list.shtml": ("统计公报", "other", "nav", "数据开放"),
        "ycsrmzf/zwyw/list.shtml": ("政务要闻", "news", "more", ""),
        "ycsrmzf/xsqdt/list.shtml": ("县市区动态", "news", "more", ""),
        "ycsrmzf/bmxx/list.shtml": ("部门信息", "other", "more", ""),
        "ycsrmzf/zfwj/xxgk_lists.shtml": ("政府文件", "policy", "more", ""),
    }
    for url, (name, category, source, parent) in expected.items():
        column = columns[url]
        assert (column.name, column.category, column.source, column.parent) == (
            name,
            category,
            source,
            parent,
        ), url
        assert column.external is False
    gov = columns["http://www.gov.cn/pushinfo/v150203/index.htm"]
    assert (gov.name, gov.source, gov.external) == ("国务院信息", "more", True)
    names = {c.name for c in columns.values()}
    assert not names & {"首页", "EN", "网站无障碍", "关怀版", "用户中心", "繁体", "网站地图"}
    assert not any("/202310/" in url for url in columns)  # article links are not columns


def test_yichun_home_footer():
    text, _ = text_of("www.yichun.gov.cn__home.html")
    base = "https://www.yichun.gov.cn/"
    found = find_footer_elements(text, base)
    assert found["site_code"] == {"found": True, "value": "3609000002", "where": "footer"}
    assert found["icp"] == {"found": True, "value": "赣ICP备06000141号", "where": "footer"}
    assert found["police_record"] == {
        "found": True,
        "value": "赣公网安备36090202000004号",
        "where": "footer",
    }
    assert found["party_gov_logo"]["where"] == "footer"
    assert "conac.cn" in found["party_gov_logo"]["value"]
    assert found["sitemap"]["value"] == base + "ycsrmzf/wzdt/wzdt.shtml"
    assert found["find_error"]["where"] == "footer"  # the zfwzgl 找错 script
    assert (found["search"]["found"], found["search"]["where"]) == (True, "page")  # in the header
    assert found["contact"] == {"found": False}  # no phone, address or 联系我们 on this home page
    assert find_sitemap_url(text, base) == base + "ycsrmzf/wzdt/wzdt.shtml"


@pytest.mark.parametrize("name", sorted(SITE_CODES))
def test_site_codes(name: str):
    text, _ = text_of(name)
    found = find_footer_elements(text, site_url(name))["site_code"]
    expected = SITE_CODES[name]
    assert found.get("value") == expected


@pytest.mark.parametrize("name", page_names())
def test_columns_on_every_page_look_like_columns(name: str):
    text, _ = text_of(name)
    for column in discover_columns(text, site_url(name), categories()):
        assert 0 < len(column.name) <= 20, column
        assert column.url.startswith(("http://", "https://")), column
        assert "#" not in column.url, column
        assert column.category in {*categories(), "other"}, column
        assert column.source in {"nav", "more"}, column


# --- redirect stubs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LABELS))
def test_redirect_stubs_and_their_destination(name: str):
    label = LABELS[name]
    text, _ = text_of(name)
    found = find_redirect(parse_html(text), site_url(name))
    assert (found.url if found else None) == label.redirect, label.note
    if found is not None:
        assert found.evidence  # what was read, for the report


# --- year inference on real pages, read long after they were generated -----------------------


def test_zombie_portal_read_today_is_dated_by_its_evidence():
    """yichun's home shows 10-11 items; read in 2025 they are 2023-10-11 (their URLs are
    /202310/…, the page says 页面生成时间 2023-10-11), not 2025-10-11."""
    result = read("www.yichun.gov.cn__home.html", as_of=AS_OF)
    assert (result.newest_item_date, result.year_uncertain) == (date(2023, 10, 11), False)
    assert result.generated == date(2023, 10, 11)
    bases = {c.year for c in result.candidates if c.rule == "list_item" and c.year}
    assert bases <= {"url", "generated", "page"}


@pytest.mark.parametrize(
    ("name", "newest", "basis"),
    [
        ("beidou.gov.cn__home__jscm2018.html", date(2018, 3, 22), "url"),
        ("www.yichun.gov.cn__home.html", date(2023, 10, 11), "url"),
    ],
)
def test_month_day_items_take_their_year_from_their_urls(name: str, newest: date, basis: str):
    result = read(name, as_of=AS_OF)
    top = max((c for c in result.candidates if c.rule == "list_item" and c.accepted),
              key=lambda c: c.date)  # fmt: skip
    assert (top.date, top.year) == (newest, basis)


def test_month_day_items_without_evidence_stay_uncertain():
    """bjchy's [09-15] items carry no dated URL; read in 2025 nothing settles their year: the
    newest settled date stays the [2018-03-16] one and the page says its newest is uncertain."""
    result = read("bjchy.gov.cn__home__jscm2018.html", as_of=AS_OF)
    assert result.year_uncertain is True
    assert result.newest_settled == date(2018, 3, 16)


# --- columns, footer elements, breadcrumbs ----------------------------------------------------


@cache
def profile():
    return load_profile("census2015")


def presence_of(name: str) -> dict[str, bool]:
    text, _ = text_of(name)
    base = site_url(name)
    names = [c.name for c in discover_columns(text, base, categories())] + shown_names(text, base)
    found = columns_present(names, required_columns(profile()), "portal").found
    return {column: bool(found.get(column)) for column in REQUIRED}


COLUMN_PAGES = sorted(n for n, label in LABELS.items() if label.columns is not None)
ELEMENT_PAGES = sorted(n for n, label in LABELS.items() if label.elements is not None)
# Label disagreements we know of and accept, with the reason (kept short on purpose).
KNOWN_COLUMN_MISSES: dict[tuple[str, str], str] = {}
KNOWN_ELEMENT_MISSES: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("name", COLUMN_PAGES)
def test_required_columns_shown_on_real_home_pages(name: str):
    label = LABELS[name]
    found = presence_of(name)
    wrong = {
        column: found[column]
        for column, shown_there in label.columns.items()
        if shown_there is not None
        and found[column] != shown_there
        and (name, column) not in KNOWN_COLUMN_MISSES
    }
    assert wrong == {}, label.note


def element_answer(found: dict) -> bool | str:
    if found.get("found"):
        return True
    return "script" if found.get("written_by") else False


@pytest.mark.parametrize("name", ELEMENT_PAGES)
def test_footer_elements_on_real_pages(name: str):
    label = LABELS[name]
    text, _ = text_of(name)
    found = find_footer_elements(text, site_url(name))
    wrong = {
        element: element_answer(found[element])
        for element, expected in label.elements.items()
        if element_answer(found[element]) != expected
        and (name, element) not in KNOWN_ELEMENT_MISSES
    }
    assert wrong == {}, label.note


def test_police_record_is_not_the_icp_query_site():
    """miibeian.gov.cn (the ICP query) is not beian.gov.cn (the police record)."""
    text, _ = text_of("alt.gov.cn__home__jscm2018.html")
    assert find_footer_elements(text, site_url("alt"))["police_record"] == {"found": False}


def test_breadcrumb_names_the_column_and_its_parent():
    name = "egb.ordos.gov.cn__list__xxgknb-nodehtmlparser.html"
    text, _ = text_of(name)
    facts = list_page_facts(text, site_url(name) + "xxgk/xxgknb/", AS_OF)
    assert tuple(facts["breadcrumb"]) == LABELS[name].breadcrumb
    assert (facts["item_count"], facts["newest_date"]) == (10, date(2020, 9, 3))


def test_friend_links_and_link_directories_are_not_columns():
    text, _ = text_of("www.yichun.gov.cn__home.html")
    found = discover_columns(text, "https://www.yichun.gov.cn/", categories())
    names = {c.name for c in found}
    assert not names & {"市发改委", "袁州区", "宜春学院", "宜春市人大网"}
    text, _ = text_of("beidou.gov.cn__home__jscm2018.html")
    found = discover_columns(text, "http://beidou.gov.cn/", categories())
    assert not any(c.external for c in found)  # the 友情链接 footer block of other hosts
    assert "常见问题" in {c.name for c in found}  # a 友情链接 *entry* does not hide its menu


def test_columns_behind_image_menus_and_hover_submenus():
    text, _ = text_of("alt.gov.cn__home__jscm2018.html")
    found = {c.name: c for c in discover_columns(text, "http://www.alt.gov.cn/", categories())}
    assert {"政务公开", "网上办事", "政民互动"} <= set(found)  # image buttons (alt)
    assert {"人事信息", "规划信息", "政府信息公开"} <= set(found)  # hidden submenu divs
    assert found["人事信息"].category == "personnel"


def test_header_and_footer_written_by_scripts_are_not_missing():
    text, _ = text_of("bjchy.gov.cn__home__jscm2018.html")
    found = find_footer_elements(text, "http://bjchy.gov.cn/")
    assert found["icp"]["written_by"] == ["http://bjchy.gov.cn/resource/js/home_bottom.js"]
    assert found["search"]["written_by"] == ["http://bjchy.gov.cn/resource/js/home_top.js"]
    # Once the crawl has read what the scripts write, the elements are judged from it.
    bottom = (
        "document.write('<div class=\"footer\">京ICP备05083331号 网站标识码：1101050001</div>');"
    )
    found = find_footer_elements(text, "http://bjchy.gov.cn/", written=[written_html(bottom)])
    assert found["icp"] == {"found": True, "value": "京ICP备05083331号", "where": "footer"}
    assert found["police_record"] == {"found": False}


def test_declared_gb2312_saved_as_utf8_decodes_cleanly():
    text, used = text_of("bjchy.gov.cn__home__jscm2018.html")
    assert used == "utf-8" and "\ufffd" not in text and "朝阳要闻" in text


# --- accuracy per rule, the figures reported ---------------------------------------------------


def accuracy() -> dict[str, tuple[int, int]]:
    """(right, judged) per rule over every labelled page."""
    figures = {"date": [0, 0], "redirect": [0, 0], "columns": [0, 0], "elements": [0, 0]}
    for name, label in LABELS.items():
        result = read(name)
        figures["date"][0] += (result.kind, newest_answer(result)) == (label.kind, label.date)
        figures["date"][1] += 1
        text, _ = text_of(name)
        found = find_redirect(parse_html(text), site_url(name))
        figures["redirect"][0] += (found.url if found else None) == label.redirect
        figures["redirect"][1] += 1
        if label.columns is not None:
            present = presence_of(name)
            judged = [(c, v) for c, v in label.columns.items() if v is not None]
            figures["columns"][0] += sum(present[c] == v for c, v in judged)
            figures["columns"][1] += len(judged)
        if label.elements is not None:
            elems = find_footer_elements(text, site_url(name))
            figures["elements"][0] += sum(
                element_answer(elems[e]) == v for e, v in label.elements.items()
            )
            figures["elements"][1] += len(label.elements)
    return {rule: (right, total) for rule, (right, total) in figures.items()}


def test_accuracy_on_the_labelled_real_pages(capsys):
    figures = accuracy()
    with capsys.disabled():
        for rule, (right, total) in figures.items():
            print(f"\n  real pages, {rule}: {right}/{total} = {right / total:.1%}", end="")
    right, total = figures["date"]
    assert right / total >= 0.95
    right, total = figures["columns"]
    assert right / total >= 0.90
    right, total = figures["elements"]
    assert right / total >= 0.90
