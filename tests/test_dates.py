"""Publication dates on synthetic pages: every format, every rule, every rejection."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from inspector.crawl.extract.dates import extract_dates, extract_dates_from_html, parse_date
from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.notfound import not_found_hint
from inspector.facts import PageDates

AS_OF = date(2025, 11, 28)
PARAGRAPH = (
    "为深入贯彻落实党中央、国务院关于加强政府网站建设管理的决策部署，进一步提升政务公开水平。" * 4
)


def page(body: str, head: str = "", title: str = "测试页面") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def article(byline: str, head: str = "", extra: str = "") -> str:
    return page(
        f"<h1>关于开展政府网站普查工作的通知</h1><div class='info'>{byline}</div>"
        f"<div class='content'><p>{PARAGRAPH}</p></div>{extra}",
        head,
    )


def dates_of(html: str, as_of: date = AS_OF, **kwargs) -> PageDates:
    return extract_dates_from_html(html, as_of, **kwargs)


def rejected(result: PageDates, reason: str) -> list[str]:
    return [c.text for c in result.candidates if not c.accepted and c.reason == reason]


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("2025-11-20", date(2025, 11, 20)),
        ("2025/11/20", date(2025, 11, 20)),
        ("2025.11.20", date(2025, 11, 20)),
        ("2025年11月20日", date(2025, 11, 20)),
        ("2025 年 11 月 20 日", date(2025, 11, 20)),
        ("2025-1-5", date(2025, 1, 5)),
        ("2025年1月5日", date(2025, 1, 5)),
        ("2025-11-20 10:30:00", date(2025, 11, 20)),
        ("2025-11-20 10:30", date(2025, 11, 20)),
        ("2020年09月15日 09时32分", date(2020, 9, 15)),
        ("２０２５－１１－２０", date(2025, 11, 20)),  # full-width digits and hyphens
        ("[2025-11-20]", date(2025, 11, 20)),
        ("二〇一五年九月二十一日", date(2015, 9, 21)),
        ("二零一五年十月一日", date(2015, 10, 1)),
        ("二〇一五年十二月三十一日", date(2015, 12, 31)),
        ("二〇二五年一月十日", date(2025, 1, 10)),
    ],
)
def test_labelled_date_formats(shown: str, expected: date):
    result = dates_of(article(f"发布时间：{shown}"))
    assert result.kind == "article"
    assert result.pub_date == expected
    assert result.date == expected


@pytest.mark.parametrize(
    "label",
    [
        "发布时间：",
        "发布日期：",
        "发布日期:",
        "发布日期 : ",
        "发布日期&nbsp;:&nbsp;",
        "日期：",
        "时间：",
        "时间 : ",
        "发稿时间：",
        "发文日期：",
        "成文日期：",
        "生成日期：",
        "时间发布：",
    ],
)
def test_labels(label: str):
    result = dates_of(article(f"<span>{label}2025-11-20 09:00</span><span>来源：本网</span>"))
    accepted = [c for c in result.candidates if c.accepted and c.rule.startswith("label:")]
    assert result.pub_date == date(2025, 11, 20)
    assert accepted and accepted[0].rule == "label:" + label.replace("&nbsp;", "").strip(" :：")


def test_label_and_value_in_separate_cells_of_an_information_table():
    table = (
        "<table class='xxgk'><tr><td>索引号：</td><td>11360900014742224A/2023-0040295</td>"
        "<td>发文日期：</td><td>2023-04-18</td></tr>"
        "<tr><th>发布日期</th><td>2023年04月20日</td></tr></table>"
    )
    result = dates_of(article("", extra=table))
    assert result.pub_date == date(2023, 4, 20)  # 发布日期 outranks 发文日期
    assert {c.rule for c in result.candidates if c.accepted} >= {"label:发文日期", "label:发布日期"}


def test_publication_label_outranks_document_dates_in_any_order():
    # xxgk.jl.gov.cn: 成文日期 comes first in the table, the census reads 发布日期.
    table = "<dl><dd>成文日期：2022年01月27日</dd><dd>发布日期：2022年01月28日</dd></dl>"
    assert dates_of(article("", extra=table)).pub_date == date(2022, 1, 28)


def test_document_date_is_used_when_nothing_else_is_shown():
    head = '<meta name="PubDate" content="2023-08-16 10:33:59">'
    result = dates_of(article("", head, extra="<dl><dd>生成日期：2023-05-11</dd></dl>"))
    assert result.pub_date == date(2023, 5, 11)
    assert result.meta_date == date(2023, 8, 16)


def test_byline_date_followed_by_source():
    result = dates_of(article("<span>2023-12-05</span><span>来源：广州日报</span>"))
    assert result.pub_date == date(2023, 12, 5)
    assert any(c.rule == "byline" for c in result.candidates)


def test_byline_date_after_the_source():
    result = dates_of(article("<span>来源：新华网&nbsp;&nbsp;2023-12-05 10:00</span>"))
    assert result.pub_date == date(2023, 12, 5)
    assert [c.rule for c in result.candidates if c.accepted] == ["byline"]


def test_list_table_with_a_date_column_header_is_a_list():
    rows = "".join(
        f"<tr><td>{i}</td><td><a href='/xxgk/{i}.html'>第{i}号文件</a></td><td>2025-11-{20 - i}</td></tr>"
        for i in range(1, 5)
    )
    html = page(f"<table><tr><th>序号</th><th>标题</th><th>发布日期</th></tr>{rows}</table>")
    result = dates_of(html)
    assert result.kind == "list"
    assert result.newest_item_date == date(2025, 11, 19)


def test_generic_labels_of_other_dates_are_not_publication_dates():
    extra = (
        "<p>出生日期2002年01月05日</p><table><tr><td>作出处罚决定的日期</td>"
        "<td>2024年7月8日</td></tr></table><div>留言时间：2025-04-27</div>"
    )
    result = dates_of(article("发布时间：2024-07-12", extra=extra))
    assert result.pub_date == date(2024, 7, 12)
    other = {c.rule for c in result.candidates if c.date == date(2025, 4, 27)}
    assert other == {"label:留言时间"}
    # Without the publication label nothing of these is taken as the page's date.
    assert dates_of(article("", extra=extra)).pub_date is None


def test_dates_in_running_text_are_not_publication_dates():
    body = f"<p>{PARAGRAPH}1997年6月21日董寿平先生去世后，美术馆正式开放。{PARAGRAPH}</p>"
    result = dates_of(page(body))
    assert result.kind == "other"
    assert result.pub_date is None
    assert [c.rule for c in result.candidates if c.date] == ["text"]


def test_standalone_date_element():
    result = dates_of(article("<span id='pubtime'>2020年02月18日 09:15</span>"))
    assert result.pub_date == date(2020, 2, 18)


def test_ambiguous_numbers_are_not_dates():
    body = (
        "<p>电话：0478-8655532</p><p>版本 1.2.3</p><p>2001.10.1.2</p><p>编号 12025-11-20</p>"
        "<p>1-10月德清县固定资产投资</p><p>http://www.gov.cn/guoqing/2018-05/03/content.htm</p>"
    )
    result = dates_of(page(body))
    assert [c for c in result.candidates if c.date] == []


# --- meta tags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta name="PubDate" content="2016-11-22 09:53">', date(2016, 11, 22)),
        ('<meta name="publishdate" content="2024-06-13">', date(2024, 6, 13)),
        ('<meta name="firstpublishedtime" content="2007-08-20-23:59:59">', date(2007, 8, 20)),
        (
            '<meta property="article:published_time" content="2024-09-12T10:10:00+08:00">',
            date(2024, 9, 12),
        ),
        ('<meta name="Maketime" content="2019-03-22 12:28:37">', date(2019, 3, 22)),
        ('<meta name="PubDate" content="2023-08-19 10∶08">', date(2023, 8, 19)),
    ],
)
def test_meta_dates(meta: str, expected: date):
    result = dates_of(page(f"<h1>标题</h1><p>{PARAGRAPH}</p>", meta))
    assert result.kind == "article"
    assert result.pub_date == expected
    assert result.meta_date == expected


def test_pubdate_outranks_maketime():
    head = '<meta name="Maketime" content="2019-03-22"><meta name="PubDate" content="2016-11-22">'
    assert dates_of(page(f"<p>{PARAGRAPH}</p>", head)).pub_date == date(2016, 11, 22)


def test_visible_date_wins_over_a_disagreeing_meta_date():
    # miit.gov.cn: an article shown as 2009-09-30 whose PubDate a CMS migration set to 2023.
    head = '<meta name="PubDate" content="2023-05-12 23:20">'
    result = dates_of(article("发布时间：2009-09-30 10:53", head))
    assert result.pub_date == date(2009, 9, 30)
    assert result.meta_date == date(2023, 5, 12)
    assert result.date == date(2009, 9, 30)


def test_url_date_is_the_last_resort():
    html = page(f"<h1>标题</h1><p>{PARAGRAPH}</p>")
    result = dates_of(html, url="http://www.cmse.gov.cn/xwzx/202101/t20210106_47506.html")
    assert result.kind == "article"
    assert result.pub_date == date(2021, 1, 6)
    shown = dates_of(article("发布日期：2021-01-05"), url="http://x.gov.cn/t20210106_1.html")
    assert shown.pub_date == date(2021, 1, 5)


# --- list items -------------------------------------------------------------------------------


def list_page(items: list[str], head: str = "") -> str:
    lis = "".join(items)
    return page(f"<div class='nav'><a href='/'>首页</a></div><ul class='list'>{lis}</ul>", head)


def test_list_page_items_with_dates():
    items = [
        f"<li><a href='/tzgg/2025{m:02d}/a{m}.shtml'>关于第{m}批事项的公告</a><span>2025-{m:02d}-10</span></li>"
        for m in (11, 10, 9, 8)
    ]
    result = dates_of(list_page(items))
    assert result.kind == "list"
    assert result.item_dates == (
        date(2025, 11, 10),
        date(2025, 10, 10),
        date(2025, 9, 10),
        date(2025, 8, 10),
    )
    assert result.newest_item_date == date(2025, 11, 10)
    assert result.pub_date is None
    assert result.date == date(2025, 11, 10)


@pytest.mark.parametrize(
    "item",
    [
        "<li><span>[{d}]</span><a href='/a.html'>标题在日期之后的列表项</a></li>",
        "<tr><td><a href='/a.html'>表格行里的列表项</a></td><td>{d}</td></tr>",
        "<li><a href='/a.html'>日期在链接文字末尾 ({d})</a></li>",
        "<div class='item'><a href='/a.html'>用 div 排的列表项</a><em>{d}</em></div>",
    ],
)
def test_list_item_shapes(item: str):
    items = [item.format(d=d) for d in ("2025-11-20", "2025-11-19", "2025-11-18")]
    wrapper = "<table>{}</table>" if item.startswith("<tr>") else "{}"
    result = dates_of(page(wrapper.format("".join(items))))
    assert result.kind == "list"
    assert result.newest_item_date == date(2025, 11, 20)


@pytest.mark.parametrize("shown", ["11-20", "(11-20)", "[11-20]", "11月20日", "11/20"])
def test_list_item_dates_without_year_take_the_year_of_as_of(shown: str):
    items = [
        f"<li><a href='/a{i}.html'>没有年份的列表项{i}</a><span>{shown}</span></li>"
        for i in range(3)
    ]
    result = dates_of(page(f"<ul>{''.join(items)}</ul>"))
    assert result.item_dates == (date(2025, 11, 20),) * 3


def test_list_item_dates_without_year_after_as_of_are_last_year():
    items = [
        "<li><a href='/a.html'>新年第一条</a><span>01-05</span></li>",
        "<li><a href='/b.html'>去年年底的一条</a><span>12-30</span></li>",
        "<li><a href='/c.html'>去年年底的另一条</a><span>12-29</span></li>",
    ]
    result = dates_of(page(f"<ul>{''.join(items)}</ul>"), as_of=date(2025, 1, 10))
    assert result.item_dates == (date(2025, 1, 5), date(2024, 12, 30), date(2024, 12, 29))
    assert result.newest_item_date == date(2025, 1, 5)


def test_yearless_numbers_outside_lists_are_ignored():
    body = "<table><tr><td>比分</td><td>3-5</td></tr><tr><td>11-20</td></tr></table>"
    assert [c for c in dates_of(page(body)).candidates if c.date] == []


def test_article_with_a_sidebar_list_stays_an_article():
    related = "".join(
        f"<li><a href='/r{i}.html'>相关阅读第{i}条</a><span>06-0{i}</span></li>"
        for i in range(1, 6)
    )
    result = dates_of(
        article("发布日期：2024-06-19 07:27", extra=f"<ul class='related'>{related}</ul>")
    )
    assert result.kind == "article"
    assert result.pub_date == date(2024, 6, 19)
    assert len(result.item_dates) == 5


def test_home_page_newest_item():
    items = "".join(
        f"<li><a href='/xw/{d}.html'>首页新闻{d}</a><span class='time'>{d}</span></li>"
        for d in ("10-11", "10-10", "2023-09-23", "2023-10-07")
    )
    html = page(f"<div class='top'>今天是2023年10月11日 星期三</div><ul>{items}</ul>")
    result = dates_of(html, as_of=date(2023, 10, 11), is_home=True)
    assert result.kind == "home"
    assert result.newest_item_date == date(2023, 10, 11)
    assert result.date == date(2023, 10, 11)
    assert rejected(result, "clock") == ["2023年10月11日"]


# --- rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clock",
    [
        "<div class='top'>今天是2025年11月28日 星期五</div>",
        "<div class='top'>今天是：2025年11月28日</div>",
        "<div>当前时间：2025-11-28 10:20</div>",
        "<span class='site-date'>2025年11月28日 星期五</span>",
        "<div>星期五 2025年11月28日</div>",
        "<div id='clock'>2025-11-28</div>",
        "<div class='date-now'><span>2025年11月28日</span></div>",
    ],
)
def test_header_clocks_are_rejected(clock: str):
    html = page(f"{clock}<h1>标题</h1><div class='content'><p>{PARAGRAPH}</p></div>")
    result = dates_of(html)
    assert result.pub_date is None
    assert len(rejected(result, "clock")) == 1
    assert all(c.rule == "clock" for c in result.candidates if c.reason == "clock")


def test_clock_does_not_hide_the_real_date():
    html = article("发布日期：2017-05-15 10:49:00", extra="")
    html = html.replace("<body>", "<body><div>2023年10月11日 星期三</div>")
    result = dates_of(html)
    assert result.pub_date == date(2017, 5, 15)
    assert rejected(result, "clock") == ["2023年10月11日"]


def test_copyright_lines_are_rejected():
    footer = (
        "<div class='footer'>Copyright ©2005-2025 宜春市人民政府 版权所有</div>"
        "<div class='footer'>版权所有：某某市人民政府 2025-01-01 更新</div>"
    )
    result = dates_of(page(f"<p>{PARAGRAPH}</p>{footer}"))
    assert result.pub_date is None
    assert rejected(result, "copyright") == ["2025-01-01", "2005-2025"]


def test_future_dates_are_rejected():
    result = dates_of(article("发布时间：2026-01-01"))
    assert result.pub_date is None
    assert rejected(result, "future") == ["2026-01-01"]
    items = "".join(
        f"<li><a href='/{d}.html'>列表项{d}</a><span>{d}</span></li>"
        for d in ("2026-03-01", "2025-11-20", "2025-11-19", "2025-11-18")
    )
    listed = dates_of(page(f"<ul>{items}</ul>"))
    assert listed.newest_item_date == date(2025, 11, 20)


def test_meta_dates_in_the_future_are_rejected():
    result = dates_of(page(f"<p>{PARAGRAPH}</p>", '<meta name="PubDate" content="2030-01-01">'))
    assert result.meta_date is None
    assert rejected(result, "future") == ["2030-01-01"]


@pytest.mark.parametrize("shown", ["2025-02-30", "2025-13-01", "2025年2月29日"])
def test_impossible_dates_are_rejected(shown: str):
    result = dates_of(article(f"发布时间：{shown}"))
    assert result.pub_date is None
    assert rejected(result, "invalid") == [shown]


def test_bare_years_in_titles_are_never_dates():
    items = "".join(
        f"<li><a href='/{i}.html'>{t}</a></li>"
        for i, t in enumerate(["2025年工作总结", "二〇二五年工作要点", "关于2024年度考核的通知"])
    )
    result = dates_of(
        page(f"<ul>{items}</ul><p>{PARAGRAPH}2018年以来成效明显。</p>", title="2025年工作总结")
    )
    assert result.pub_date is None
    assert result.item_dates == ()
    title_years = [c for c in result.candidates if c.reason == "title_year"]
    assert [c.text for c in title_years] == ["2025年", "二〇二五年", "2024年", "2025年"]
    assert [c.rule for c in title_years] == ["link_text"] * 3 + ["title"]
    assert all(c.date is None and not c.accepted for c in title_years)


def test_hidden_dates_are_rejected():
    # cac.gov.cn keeps a CMS marker "publishdate:2024/01/05" in a display:none div.
    hidden = "<div style='display: none'>Produced By CMS publishdate:2024/01/05 22:09:58</div>"
    result = dates_of(article("<span>2020年02月18日 09:15</span>", extra=hidden))
    assert result.pub_date == date(2020, 2, 18)
    assert rejected(result, "hidden") == ["2024/01/05 22:09:58"]


# --- kinds and not-found pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "phrase"),
    [
        ("页面不存在", "<p>返回首页</p>", "页面不存在"),
        ("提示", "<div class='err'>抱歉，您访问的页面不存在！</div>", "您访问的页面不存在"),
        ("404 Not Found", "<h1>404 Not Found</h1><hr>nginx", "404 Not Found"),
        ("Error", "<p>PAGE NOT FOUND</p>", "Page not found"),
        ("宜春市人民政府", "<p>该信息已删除或已过期</p>", "该信息已删除"),
    ],
)
def test_not_found_pages(title: str, body: str, phrase: str):
    html = page(
        f"<div class='nav'><a href='/'>首页</a><a href='/xw/'>新闻</a></div>{body}", title=title
    )
    doc = parse_html(html)
    assert phrase.lower() in not_found_hint(doc, title).lower()  # the message as the page shows it
    assert extract_dates(doc, AS_OF).kind == "not_found"


def test_articles_that_mention_404_are_not_not_found_pages():
    body = (
        "<h1>关于整治“404 Not Found”页面的通知</h1><div>发布日期：2025-11-20</div>"
        f"<p>{PARAGRAPH}页面不存在的问题要及时整改。</p>"
    )
    html = page(body, title="关于整治页面不存在问题的通知")
    doc = parse_html(html)
    assert not_found_hint(doc, "关于整治页面不存在问题的通知") == ""
    assert extract_dates(doc, AS_OF).kind != "not_found"


def test_phrases_inside_scripts_do_not_count():
    html = page("<p>欢迎</p><script>var msg = '页面不存在';</script>")
    assert not_found_hint(parse_html(html), "首页") == ""


def test_kind_other_when_nothing_is_dated():
    assert dates_of(page("<p>欢迎访问</p>")).kind == "other"
    empty = dates_of("")
    assert (empty.kind, empty.date, empty.candidates) == ("other", None, ())


# --- API details --------------------------------------------------------------------------------


def test_works_on_documents_parsed_by_lxml_directly():
    html = article("发布日期：2024-06-13")
    for doc in (lxml.html.fromstring(html), lxml.html.document_fromstring(html)):
        assert extract_dates(doc, AS_OF, title="x").pub_date == date(2024, 6, 13)


def test_candidates_record_rule_and_text():
    head = '<meta name="PubDate" content="2022-04-24 10:00:43">'
    result = dates_of(article("发布日期：2017-05-15 10:49:00", head))
    label = next(c for c in result.candidates if c.rule == "label:发布日期")
    meta = next(c for c in result.candidates if c.rule == "meta:PubDate")
    assert (label.text, label.date, label.accepted) == (
        "2017-05-15 10:49:00",
        date(2017, 5, 15),
        True,
    )
    assert (meta.text, meta.date) == ("2022-04-24 10:00:43", date(2022, 4, 24))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007-08-20-23:59:59", date(2007, 8, 20)),
        ("发布于2025年1月2日", date(2025, 1, 2)),
        ("二〇一五年九月二十一日", date(2015, 9, 21)),
        ("no date", None),
        ("2025-02-30", None),
    ],
)
def test_parse_date(text: str, expected: date | None):
    assert parse_date(text) == expected


# --- dates written by scripts, and the year of month-day dates ---------------------------------


def test_dates_written_by_document_write_are_read():
    items = "".join(
        f"<li><a href='/a{i}.html'>列表项第{i}条标题</a><span><script>var s='2022-07-{15 - i} 09:30';"
        f"document.write(s.substring(5,10));</script></span></li>"
        for i in range(3)
    )
    result = dates_of(page(f"<ul>{items}</ul>"))
    assert result.newest_item_date == date(2022, 7, 15)  # the full date the script holds
    plain = dates_of(page('<p>发布时间：<script>document.write("2024-05-06")</script></p>'))
    assert plain.pub_date == date(2024, 5, 6)


def test_the_document_is_left_unchanged():
    doc = parse_html(page("<p><script>document.write('2024-05-06')</script></p>"))
    before = lxml.html.tostring(doc)
    extract_dates(doc, AS_OF)
    assert lxml.html.tostring(doc) == before


def yearless_items(urls: list[str], shown: list[str]) -> str:
    return "".join(
        f"<li><a href='{u}'>没有年份的列表项{i}</a><span>{s}</span></li>"
        for i, (u, s) in enumerate(zip(urls, shown, strict=True))
    )


def test_the_year_of_a_month_day_comes_from_the_item_url():
    html = page("<ul>" + yearless_items(
        ["/xw/202310/t20231011_1.html", "/xw/2023/10/09/art_1.html", "/xw/202309/abc.html"],
        ["10-11", "10-09", "09-28"],
    ) + "</ul>")  # fmt: skip
    result = dates_of(html)
    assert result.item_dates == (date(2023, 10, 11), date(2023, 10, 9), date(2023, 9, 28))
    assert {c.year for c in result.candidates if c.rule == "list_item"} == {"url"}
    assert result.year_uncertain is False


def test_a_url_across_new_year_picks_the_nearest_year():
    html = page(
        "<ul>" + yearless_items(["/xw/202401/t20240103_1.html"] * 3, ["12-30"] * 3) + "</ul>"
    )
    assert dates_of(html).newest_item_date == date(2023, 12, 30)


def test_the_generation_time_bounds_the_year():
    head = '<meta name="others" content="页面生成时间 2024-03-02 10:11:12">'
    html = page(
        "<ul>" + yearless_items(["/a.jsp?id=1"] * 3, ["03-01", "12-28", "02-11"]) + "</ul>", head
    )
    result = dates_of(html)
    assert result.generated == date(2024, 3, 2)
    assert result.item_dates == (date(2024, 3, 1), date(2023, 12, 28), date(2024, 2, 11))
    maketime = page(
        "<ul>" + yearless_items(["/a.jsp"] * 3, ["05-01"] * 3) + "</ul>",
        '<meta name="Maketime" content="2019-05-03 08:00:00">',
    )
    assert dates_of(maketime).newest_item_date == date(2019, 5, 1)


def test_full_dates_elsewhere_on_the_page_settle_the_year():
    full = "".join(
        f"<li><a href='/t{i}.html'>有年份的列表项{i}</a><span>2021-06-{10 - i:02d}</span></li>"
        for i in range(3)
    )
    html = page(
        f"<ul>{full}</ul><ul>"
        + yearless_items(["/x.jsp"] * 3, ["06-09", "06-02", "05-20"])
        + "</ul>"
    )
    result = dates_of(html)
    assert result.newest_item_date == date(2021, 6, 10)
    assert {c.year for c in result.candidates if c.year} == {"page"}


def test_no_evidence_leaves_the_year_uncertain():
    html = page(
        "<ul>"
        + yearless_items(["/p.htm?id=1", "/p.htm?id=2", "/p.htm?id=3"], ["11-20", "11-13", "11-06"])
        + "</ul>"
    )
    result = dates_of(html)
    assert result.newest_item_date == date(2025, 11, 20)  # the reading against T …
    assert result.year_uncertain is True  # … which proves nothing
    assert result.newest_settled is None
    assert {c.year for c in result.candidates if c.rule == "list_item"} == {"uncertain"}


def test_a_fresh_month_day_list_beside_old_full_dates_stays_uncertain():
    """Full dates from June and a 11-20 item read in November: a year-old reading (2024-11-20)
    is not close to the page's newest full date, so nothing settles it either way."""
    full = "".join(
        f"<li><a href='/t{i}.html'>旧通知{i}</a><span>2025-06-{10 - i:02d}</span></li>"
        for i in range(3)
    )
    html = page(
        f"<ul>{full}</ul><ul>"
        + yearless_items(["/x.jsp"] * 3, ["11-20", "11-18", "11-15"])
        + "</ul>"
    )
    result = dates_of(html)
    assert (result.year_uncertain, result.newest_settled) == (True, date(2025, 6, 10))


def test_infer_year_directly():
    from inspector.crawl.extract.years import infer_year, url_date

    assert url_date("/xxgk/202310/t20231011_123.html") == (2023, 10, 11)
    assert url_date("/art/2019/5/6/art_12_3301.html") == (2019, 5, 6)
    assert url_date("/zwgk/202310/abc.shtml") == (2023, 10, None)
    assert url_date("/list.jsp?id=20231011") is None
    assert infer_year(2, 29, date(2025, 3, 1)).date == date(2024, 2, 29)
    assert infer_year(2, 30, AS_OF) is None
    reading = infer_year(10, 11, AS_OF, url="/a/t20231011_1.html", generated=date(2024, 1, 1))
    assert (reading.date, reading.basis, reading.certain) == (date(2023, 10, 11), "url", True)
