"""Columns, list-page facts and footer elements on small synthetic pages (inspector.crawl.columns)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from inspector.crawl.columns import (
    DEFAULT_COLUMN_RULES,
    ColumnRules,
    categorise,
    discover_columns,
    normalise_name,
)
from inspector.crawl.footer import DEFAULT_ELEMENT_PATTERNS, find_footer_elements
from inspector.crawl.listpage import list_page_facts
from inspector.crawl.sitemap import discover_sitemap_columns, find_sitemap_url

PROFILE = Path(__file__).resolve().parents[1] / "checks" / "rules" / "census2015.toml"
CATEGORIES = {
    "news": ["要闻", "动态", "新闻", "工作动态"],
    "notice": ["通知公告", "公告", "通知", "公示"],
    "policy": ["政策文件", "规范性文件", "文件", "政策"],
    "personnel": ["人事", "任免", "招聘"],
    "planning": ["规划", "计划", "总结"],
}
BASE = "http://www.example.gov.cn/"

HOME = """
<html><head><title>示例市人民政府</title></head><body>
<div class="header">
  <div class="top-links"><a href="/login.html">用户登录</a> <a href="http://english.example.gov.cn/">English</a></div>
  <div id="mainNav"><ul>
    <li><a href="/index.html">首页</a></li>
    <li><a href="/zwgk/">政务公开</a>
      <ul class="sub">
        <li><a href="/zwgk/tzgg/">通知公告</a></li>
        <li><a href="/zwgk/zcwj/"> 政策 文件 </a></li>
        <li><a href="/zwgk/rsxx/">人事信息</a></li>
      </ul></li>
    <li><a href="javascript:void(0)">无障碍浏览</a></li>
    <li><a href="mailto:web@example.gov.cn">写信</a></li>
    <li><a href="/files/guide.pdf">办事指南</a></li>
    <li><a href="/xwzx/202511/t20251120_123.html">一篇文章</a></li>
    <li><a href="/hdjl/">这是一个明显超过二十个字符长度的导航链接文字不会是栏目</a></li>
    <li><a href="https://example.gov.cn/zwfw/">政务服务</a></li>
    <li><a href="http://www.province.gov.cn/">省政府网</a></li>
    <li><a href="/zwgk/tzgg/#top">通知公告（重复）</a></li>
  </ul></div>
</div>
<div class="main">
  <div class="box">
    <div class="box-title"><span>ＭＯＲＥ要闻</span></div>
    <div class="tabs"><a href="/xwzx/ywdt/">要闻动态</a></div>
    <ul><li><a href="/xwzx/ywdt/202511/a.html">新闻标题一</a><span>11-20</span></li></ul>
    <span class="more"><a href="/xwzx/ywdt/"></a></span>
  </div>
  <div class="box">
    <div class="tit">部门动态 <a href="/bmdt/">更多&gt;&gt;</a></div>
    <ul><li><a href="/bmdt/202511/b.html">部门新闻标题</a></li></ul>
  </div>
  <div class="box">
    <h3>规划计划</h3>
    <ul><li><h4><a href="/ghjh/2025/11/c.html">短标题</a></h4></li></ul>
    <a href="/ghjh/">查看更多 »</a>
  </div>
  <div class="box">
    <div class="hd">通知公告</div>
    <a href="/zwgk/tzgg/">更多</a>
  </div>
  <div class="box">
    <h3>更多服务</h3><a href="/fw/">更多服务</a>
  </div>
</div>
<div class="footer"><a href="/wzdt/">网站地图</a></div>
</body></html>
"""


@pytest.fixture(scope="module")
def columns():
    return {c.url: c for c in discover_columns(HOME, BASE, CATEGORIES)}


def test_navigation_columns(columns):
    tzgg = columns[BASE + "zwgk/tzgg/"]
    assert (tzgg.name, tzgg.canonical, tzgg.category) == ("通知公告", "通知公告", "notice")
    assert (tzgg.source, tzgg.parent, tzgg.external) == ("nav", "政务公开", False)
    zcwj = columns[BASE + "zwgk/zcwj/"]
    assert (zcwj.name, zcwj.canonical, zcwj.category) == ("政策文件", "政策文件", "policy")
    assert columns[BASE + "zwgk/rsxx/"].category == "personnel"
    top = columns[BASE + "zwgk/"]
    assert (top.name, top.category, top.parent) == ("政务公开", "other", "")


def test_links_that_are_not_columns_are_ignored(columns):
    names = {c.name for c in columns.values()}
    for name in ("首页", "用户登录", "English", "无障碍浏览", "写信", "办事指南", "一篇文章"):
        assert name not in names
    assert not any(len(name) > 20 for name in names)


def test_scope_treats_www_and_bare_host_alike(columns):
    assert columns["https://example.gov.cn/zwfw/"].external is False
    # A link to another host is a column only when its name says one (省政府网 does not).
    assert "http://www.province.gov.cn/" not in columns
    scoped = {
        c.url: c
        for c in discover_columns(
            HOME, BASE, CATEGORIES, scope_hosts={"example.gov.cn", "province.gov.cn"}
        )
    }
    assert scoped["http://www.province.gov.cn/"].external is False
    assert all(not c.external for c in scoped.values())
    provincial = HOME.replace("https://example.gov.cn/zwfw/", "http://www.province.gov.cn/zwfw/")
    found = {c.url: c for c in discover_columns(provincial, BASE, CATEGORIES)}
    assert found["http://www.province.gov.cn/zwfw/"].external is True  # 政务服务 elsewhere


def test_deduplicated_by_url_first_source_wins(columns):
    assert len([c for c in columns.values() if c.url == BASE + "zwgk/tzgg/"]) == 1
    assert columns[BASE + "zwgk/tzgg/"].source == "nav"


def test_more_links_name_their_block(columns):
    ywdt = columns[BASE + "xwzx/ywdt/"]  # icon-only more link, named by the tab to the same URL
    assert (ywdt.name, ywdt.source, ywdt.category, ywdt.canonical) == (
        "要闻动态",
        "more",
        "news",
        "要闻",
    )
    bmdt = columns[BASE + "bmdt/"]  # heading that contains the 更多>> link
    assert (bmdt.name, bmdt.category) == ("部门动态", "news")
    ghjh = columns[BASE + "ghjh/"]  # h3 heading before the list, not the item's h4 title
    assert (ghjh.name, ghjh.category) == ("规划计划", "planning")
    assert BASE + "fw/" not in columns  # 更多服务 is a name, not a 更多 link


def test_normalise_name():
    assert normalise_name("  政策 文件 ") == "政策文件"
    assert normalise_name("通知公告 更多>>") == "通知公告"
    assert normalise_name("ＭＯＲＥ") == ""
    assert normalise_name("【要闻动态】") == "要闻动态"
    assert normalise_name("Ｗｏｒｋ　Ｎｅｗｓ") == "Work News"
    assert normalise_name("更多服务") == "服务"


def test_categorise_first_category_in_table_order_and_longest_keyword():
    assert categorise("工作动态", CATEGORIES) == ("工作动态", "news")
    assert categorise("政策解读", CATEGORIES) == ("政策", "policy")
    assert categorise("新闻公告", CATEGORIES) == ("新闻", "news")  # news comes first
    assert categorise("走进示例", CATEGORIES) == ("", "other")


SITEMAP = """
<html><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<div class="position">当前位置：首页 &gt; 网站地图</div>
<div class="sitemap">
  <div class="map-box"><h3><a href="/xwzx/">新闻中心</a></h3>
    <ul><li><a href="/xwzx/ywdt/">要闻动态</a></li><li><a href="/xwzx/bmdt/">部门动态</a></li></ul></div>
  <div class="map-box"><h3>政务公开</h3>
    <ul><li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/zwgk/zcwj/">政策文件</a></li>
        <li><a href="http://www.other.gov.cn/rsxx/">人事信息</a></li></ul></div>
</div>
<div class="footer"><a href="/wzdt/">网站地图</a><a href="/lxwm/">联系我们</a></div>
</body></html>
"""


def test_sitemap_columns_with_parents():
    found = {c.name: c for c in discover_sitemap_columns(SITEMAP, BASE + "wzdt/", CATEGORIES)}
    assert set(found) == {"新闻中心", "要闻动态", "部门动态", "通知公告", "政策文件", "人事信息"}
    assert found["新闻中心"].parent == ""
    assert found["要闻动态"].parent == "新闻中心"
    assert found["通知公告"].parent == "政务公开"
    assert (found["政策文件"].category, found["政策文件"].source) == ("policy", "sitemap")
    assert found["人事信息"].external is True
    assert found["要闻动态"].url == BASE + "xwzx/ywdt/"


def test_find_sitemap_url():
    assert find_sitemap_url(HOME, BASE) == BASE + "wzdt/"
    assert find_sitemap_url("<a href='/map.html'>站点地图</a>", BASE) == BASE + "map.html"
    assert find_sitemap_url("<p>没有地图</p>", BASE) is None


def list_html(items: str, extra: str = "") -> str:
    side = "".join(f"<li><a href='/c{i}/'>栏目{i}</a></li>" for i in range(8))
    return f"""<html><body>
    <div class="header"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
    <div class="left"><ul>{side}</ul></div>
    <div class="right"><ul class="list">{items}</ul>{extra}
      <div class="page"><a href="?p=1">1</a><a href="?p=2">2</a><a href="?p=2">下一页</a></div></div>
    <div class="footer">版权所有 © 2005-2025 示例市人民政府</div></body></html>"""


def test_list_page_facts_counts_items_and_finds_the_newest_date():
    items = "".join(
        f"<li><a href='/tzgg/2025{m:02d}/{d}.html'>关于第{m}月第{d}号事项的公告</a><span>2025-{m:02d}-{d:02d}</span></li>"
        for m, d in [(11, 20), (11, 3), (10, 15), (9, 1), (8, 8)]
    )
    facts = list_page_facts(list_html(items), BASE + "tzgg/", date(2025, 11, 28))
    assert facts["item_count"] == 5
    assert facts["newest_date"] == date(2025, 11, 20)
    assert facts["empty_marker"] is False
    assert facts["kind"] == "list"


def test_list_page_facts_empty_marker():
    facts = list_page_facts(
        list_html("", "<div class='empty'>暂无信息</div>"), BASE, date(2025, 11, 28)
    )
    assert (facts["item_count"], facts["newest_date"], facts["empty_marker"]) == (0, None, True)


def test_list_page_facts_single_article_column():
    html = list_html(
        "", "<h1>机构职能</h1><p>发布日期：2024-03-01</p><p>" + "本机关主要职责如下。" * 30 + "</p>"
    )
    facts = list_page_facts(html, BASE, date(2025, 11, 28))
    assert facts["newest_date"] == date(2024, 3, 1)
    assert facts["kind"] == "article"


def test_list_page_facts_ignores_meta_only_dates():
    html = list_html("").replace(
        "<body>", '<head><meta name="PubDate" content="2025-11-27"></head><body>'
    )
    assert list_page_facts(html, BASE, date(2025, 11, 28))["newest_date"] is None


FOOTER_PAGE = """
<html><body>
<div class="header"><form action="/search"><input type="text" name="q"></form></div>
<div class="main">{main}</div>
<div id="footer">
  <a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a>
  <p>主办：示例市人民政府办公室 地址：示例市人民路1号 联系电话：0795-1234567</p>
  <p><a href="https://beian.miit.gov.cn/">赣ICP备05004155号</a>
     政府网站标识码：3609000002
     <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=36090202000004">赣公网安备
     36090202000004号</a></p>
  <span id="_ideConac"><a href="http://bszs.conac.cn/sitename?id=1"><img src="/images/red.png"></a></span>
  <a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609000002">
     <img src="/images/zfwz.png" alt="政府网站找错"></a>
</div></body></html>
"""


def test_footer_elements_found_in_the_footer():
    found = find_footer_elements(FOOTER_PAGE.format(main="<p>正文</p>" * 50), BASE)
    assert set(found) == set(DEFAULT_ELEMENT_PATTERNS)
    assert found["site_code"] == {"found": True, "value": "3609000002", "where": "footer"}
    assert found["icp"] == {"found": True, "value": "赣ICP备05004155号", "where": "footer"}
    assert found["police_record"]["value"] == "赣公网安备36090202000004号"
    assert found["party_gov_logo"]["value"] == "http://bszs.conac.cn/sitename?id=1"
    assert found["sitemap"]["value"] == BASE + "wzdt/"
    assert found["contact"] == {"found": True, "value": "联系电话：0795-1234567", "where": "footer"}
    assert found["find_error"]["value"].startswith("https://zfwzgl.www.gov.cn/exposure/")
    assert found["search"] == {"found": True, "value": "input#q", "where": "page"}


def test_footer_elements_missing_and_fallback_to_page():
    html = (
        "<html><body><div class='top'>网站标识码：1234567890</div>"
        + "<p>正文段落</p>" * 40
        + "<div class='copyright'>版权所有</div></body></html>"
    )
    found = find_footer_elements(html, BASE)
    assert found["site_code"] == {"found": True, "value": "1234567890", "where": "page"}
    for element in ("icp", "police_record", "party_gov_logo", "sitemap", "search", "find_error"):
        assert found[element] == {"found": False}


def test_footer_without_markup_is_the_end_of_the_page():
    html = (
        "<html><body>"
        + "<p>正文段落</p>" * 30
        + "<p>京ICP备05070218号 京公网安备11010202000001号</p></body></html>"
    )
    found = find_footer_elements(html, BASE)
    assert found["icp"] == {"found": True, "value": "京ICP备05070218号", "where": "footer"}
    assert found["police_record"]["where"] == "footer"


def test_element_patterns_from_a_profile_override_the_defaults():
    patterns = {"site_code": {"text": [r"标识码[:：](\w{10})"]}, "weibo": {"href": [r"weibo\.com"]}}
    html = FOOTER_PAGE.format(main="<a href='https://weibo.com/gov'>官方微博</a>")
    found = find_footer_elements(html, BASE, patterns)
    assert set(found) == {"site_code", "weibo"}
    assert found["site_code"]["value"] == "3609000002"
    assert found["weibo"] == {"found": True, "value": "https://weibo.com/gov", "where": "page"}


def test_profile_sections_match_the_module_defaults():
    profile = tomllib.loads(PROFILE.read_text(encoding="utf-8"))
    elements = {
        k: {m: list(v) for m, v in spec.items()} for k, spec in DEFAULT_ELEMENT_PATTERNS.items()
    }
    assert profile["elements"] == elements
    assert ColumnRules.from_mapping(profile["columns"]) == DEFAULT_COLUMN_RULES
    assert list(profile["categories"]) == ["news", "notice", "policy", "personnel", "planning"]


def test_column_rules_from_a_profile():
    rules = {"ignore_texts": ["政务公开"], "max_name_length": 4}
    found = {c.name for c in discover_columns(HOME, BASE, CATEGORIES, rules=rules)}
    assert "政务公开" not in found
    assert "首页" in found  # the profile replaced the default ignore list
    assert all(len(name) <= 4 for name in found)


def test_sitemap_of_sibling_blocks_lists_every_group() -> None:
    """Site maps are often one <dl class="map"> per group: every group counts, not the biggest."""
    html = """<html><body><div class="main">
    <dl class="map"><dt><a href="/xxgk/">政府信息公开</a></dt><dd><a href="/xxgk/zn/">信息公开指南</a>
    <a href="/xxgk/ml/">信息公开目录</a><a href="/xxgk/nb/">信息公开年报</a></dd></dl>
    <dl class="map"><dt>新闻中心</dt><dd><a href="/xwdt/">要闻动态</a></dd></dl>
    <dl class="map"><dt><a href="/hdjl/">互动交流</a></dt><dd><a href="/hdjl/zjdc/">征集调查</a></dd></dl>
    </div></body></html>"""
    cols = discover_sitemap_columns(html, "http://www.a.gov.cn/wzdt/", {"news": ["要闻", "动态"]})
    by_name = {c.name: c for c in cols}
    assert {"政府信息公开", "信息公开指南", "要闻动态", "互动交流", "征集调查"} <= set(by_name)
    assert by_name["要闻动态"].parent == "新闻中心" and by_name["要闻动态"].category == "news"
    assert by_name["征集调查"].parent == "互动交流"


# --- what scripts write ----------------------------------------------------------------------


def test_written_html_concatenates_literals_unescape_and_variables():
    from inspector.crawl.extract.scripts import written_html

    assert (
        written_html("document.write('<a href=\"/x/\">'+'栏目'+'</a>');")
        == '<a href="/x/">栏目</a>'
    )
    assert "_ideConac" in written_html(
        "document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E\"));"
    )
    assert written_html("var d = '2023-10-11'; document.write(d.substring(5));") == "2023-10-11"
    assert written_html('document.writeln("a\\"b"); // document.write(\'x\')') == 'a"b'
    assert written_html("var n = 3; document.write(n + 1);") == ""


def test_menus_written_by_script_are_columns():
    html = """<html><body><div class="nav"><script>
    document.write('<ul><li><a href="/zwgk/">政务公开</a></li>');
    document.write('<li><a href="/hdjl/">互动交流</a></li></ul>');
    </script></div></body></html>"""
    assert {c.name for c in discover_columns(html, BASE, CATEGORIES)} == {"政务公开", "互动交流"}
    external = 'document.write(\'<div class="menu"><a href="/rsxx/">人事信息</a></div>\');'
    from inspector.crawl.extract.scripts import written_html

    found = discover_columns(
        "<html><body></body></html>", BASE, CATEGORIES, written=[written_html(external)]
    )
    assert [(c.name, c.category) for c in found] == [("人事信息", "personnel")]


def test_select_jump_menus_and_friend_link_blocks_are_not_columns():
    html = """<html><body><div class="main"><a href="/tzgg/">通知公告</a></div>
    <div class="links"><h3>友情链接</h3><a href="/zwgk/bmdt/">部门动态</a><a href="/zwgk/xzdt/">乡镇动态</a>
    <select onchange="location=this.value"><option value="/rsxx/">人事信息</option></select></div>
    </body></html>"""
    assert [c.name for c in discover_columns(html, BASE, CATEGORIES)] == ["通知公告"]


def test_dated_list_items_are_articles_not_columns():
    html = """<html><body><ul class="list">
    <li><a href="/xw/a.html">通知公告</a><span>2025-11-20</span></li>
    <li><a href="/xw/b.html">人事任免</a><span>[11-18]</span></li></ul></body></html>"""
    assert discover_columns(html, BASE, CATEGORIES) == []


def test_url_structure_gives_the_parent():
    html = """<html><body><div class="menu"><a href="/zwgk/">政务公开</a></div>
    <div class="box"><h3><a href="/zwgk/tzgg/index.html">通知公告</a></h3></div></body></html>"""
    found = {c.name: c for c in discover_columns(html, BASE, CATEGORIES)}
    assert found["通知公告"].parent == "政务公开"


def test_breadcrumb_of_a_column_page():
    from inspector.crawl.listpage import breadcrumb

    html = "<html><body><div class='dqwz'>当前位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a> &gt; <a href='/zwgk/tzgg/'>通知公告</a></div></body></html>"
    assert breadcrumb(html, BASE) == [
        ("政务公开", BASE + "zwgk/"),
        ("通知公告", BASE + "zwgk/tzgg/"),
    ]
    plain = "<html><body><p>您现在的位置：<a href='/'>首页</a>&gt;&gt;<a href='/xxgk/'>信息公开</a></p></body></html>"
    assert breadcrumb(plain, BASE) == [("信息公开", BASE + "xxgk/")]


# --- stable element sampling ---------------------------------------------------------------------


def test_element_sample_is_the_same_whatever_the_crawl_order():
    import random

    from inspector.crawl.sampling import BottomK, SampleCandidate, choose_sample

    pages = [SampleCandidate(f"{BASE}xw/{i}.html", "article", "style.css") for i in range(200)]
    pages += [SampleCandidate(f"{BASE}lb/{i}/", "list", "style.css") for i in range(20)]
    pages += [
        SampleCandidate(f"{BASE}beian{i}.html", "article", "") for i in range(3)
    ]  # badge pages
    pages += [SampleCandidate(f"{BASE}jgzn/{i}.html", "other", "style.css") for i in range(30)]
    expected = choose_sample(pages, 10)
    assert len(expected) == 10 and not any("beian" in u or "jgzn" in u for u in expected)
    for seed in range(5):
        order = pages[:]
        random.Random(seed).shuffle(order)
        sketch = BottomK(10)
        examined = {
            p.url
            for p in order
            if p.kind in ("article", "list") and sketch.offer(p.url, p.template)
        }
        assert choose_sample(order, 10) == expected
        assert set(expected) <= examined  # every final sample page was read when it arrived
        assert list(sketch.kept("style.css")) == expected
        assert len(examined) < 80  # and far fewer than all 220 content pages were read


def test_template_key_is_the_stylesheets():
    from inspector.crawl.extract.encoding import parse_html
    from inspector.crawl.sampling import template_key

    doc = parse_html(
        "<html><head><link rel='stylesheet' href='/css/Main.css?v=3'><link rel='StyleSheet' href='/css/list.css'></head></html>"
    )
    assert template_key(doc) == "list.css,main.css"
    assert template_key(parse_html("<html><body>备案信息</body></html>")) == ""


def test_links_beside_known_columns_in_a_small_group_are_columns():
    """A 信息公开 box of 指南/目录/年报 and two names without a keyword: a person reads all five
    as columns. Not when the group holds an article or another site, nor when few of its
    links are known columns."""
    box = (
        "<div class='box'><div class='hd'><span>信息公开</span></div>"
        "<p><a href='/xxgk/zn/'>信息公开指南</a> <a href='/xxgk/ml/'>信息公开目录</a>"
        " <a href='/xxgk/nb/'>信息公开年报</a></p>"
        "<p><a href='/xxgk/rs/'>人事信息</a> <a href='/xxgk/cf/'>行政处罚信息</a>"
        " <a href='/xxgk/sj/'>双随机抽查结果</a> <a href='/xxgk/more/'>更多服务</a></p></div>"
    )
    mixed = (
        "<ul><li><a href='/tzgg/'>通知公告</a></li><li><a href='/a/t20240105_1.html'>县长调研</a></li>"
        "<li><a href='/zt/lszx/'>绿色出行</a></li><li><a href='http://other.example.cn/'>兄弟单位</a></li></ul>"
        "<ul><li><a href='/zcwj/'>政策文件</a></li><li><a href='/zt/a/'>美丽乡村</a></li>"
        "<li><a href='/zt/b/'>文明创建</a></li><li><a href='/zt/c/'>乡村振兴示范</a></li></ul>"
    )
    banners = (
        "<div class='zt'><a href='/tzgg/'><img src='/zt/1.jpg' alt='专题专栏'></a>"
        "<a href='/zcwj/'><img src='/zt/2.jpg' alt='专题专栏'></a>"
        "<a href='/xxgk/rs/'><img src='/zt/3.jpg' alt='专题专栏'></a>"
        "<a href='/zt/hd/'><img src='/zt/4.jpg' alt='专题专栏'></a></div>"
    )
    html = f"<html><body>{box}{mixed}{banners}</body></html>"
    names = {c.name for c in discover_columns(html, BASE, CATEGORIES)}
    assert {"行政处罚信息", "双随机抽查结果"} <= names
    assert "服务" not in names  # 更多服务 is a 更多 link
    assert names.isdisjoint({"绿色出行", "美丽乡村", "文明创建", "乡村振兴示范"})
    assert BASE + "zt/hd/" not in {c.url for c in discover_columns(html, BASE, CATEGORIES)}
