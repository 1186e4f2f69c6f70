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

from inspector.crawl.columns import discover_columns
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.notfound import not_found_hint
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.sitemap import find_sitemap_url

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
PROFILE = Path(__file__).resolve().parents[1] / "checks" / "rules" / "census2015.toml"
pytestmark = pytest.mark.skipif(
    not REALPAGES.is_dir(), reason=f"real pages not available at {REALPAGES} (see SOURCES.md)"
)

AS_OF = date(2025, 11, 28)
# The yichun home page was generated on 2023-10-11 (its "页面生成时间" meta); its list items show
# month-day only, which a reader resolves against that day.
YICHUN_AS_OF = date(2023, 10, 11)


@dataclass(frozen=True)
class Label:
    kind: str
    date: date | None
    meta: date | None = None  # the meta date, where it disagrees with what is shown
    note: str = ""


D = date
LABELS: dict[str, Label] = {
    "fgw.zj.gov.cn__article__gne-gzggw1.html": Label(
        "article", D(2016, 11, 22), note="发布日期; meta Maketime 2019-03-22 is the CMS build"
    ),
    "www.12333sh.gov.cn__other__home-redirect-2018.html": Label(
        "other", None, note="JS redirect stub"
    ),
    "www.apta.gov.cn__home__2018.html": Label("home", None, note="splash page, nothing dated"),
    "www.bjdx.gov.cn__article__mhx-shufa.html": Label("article", D(2024, 9, 27), note="日期："),
    "www.bjgtj.gov.cn__other__home-redirect-2018.html": Label("other", None),
    "www.bjsat.gov.cn__other__home-redirect-2018.html": Label("other", None),
    "www.bnpo.gov.cn__home__splash-2018.html": Label("home", None, note="splash page"),
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
    "www.yichun.gov.cn__home.html": Label("home", D(2023, 10, 11), note="newest list item"),
    "xxgk.jl.gov.cn__article__e8847578.html": Label(
        "article",
        D(2022, 1, 28),
        note="the census reads the shown 发布日期; the source dataset's gold date is the "
        "成文日期 2022-01-27 shown in the same table",
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


@pytest.mark.parametrize("name", sorted(LABELS))
def test_page_date_matches_the_label(name: str):
    label = LABELS[name]
    if not (REALPAGES / name).exists():
        pytest.skip(f"{name} is not in {REALPAGES}")
    text, _ = text_of(name)
    doc = parse_html(text)
    is_home = label.kind == "home"
    as_of = YICHUN_AS_OF if name == "www.yichun.gov.cn__home.html" else AS_OF
    result = extract_dates(doc, as_of, is_home=is_home)
    assert (result.kind, result.date) == (label.kind, label.date), label.note
    if label.meta is not None:
        assert result.meta_date == label.meta
    assert not_found_hint(doc, "") == ""


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
