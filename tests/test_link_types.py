"""Every kind of link the peer suites (LinkChecker, lychee) exercise, on small inline pages.

Pages are parsed the way the crawler parses them: bytes -> decode_html -> parse_html ->
extract_links. Expectations follow what a visitor's browser loads or navigates to.
"""

from __future__ import annotations

import pytest

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import TEXT_MAX, Link, base_url_of, extract_links

PAGE = "http://www.example.gov.cn/xxgk/index.html"
DIR = "http://www.example.gov.cn/xxgk/"


def links(html: str | bytes, page: str = PAGE) -> list[Link]:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return extract_links(parse_html(decode_html(body, None)[0]), page)


def urls(html: str | bytes, page: str = PAGE) -> list[str]:
    return [link.url for link in links(html, page)]


def triples(html: str | bytes, page: str = PAGE) -> list[tuple[str, str, str]]:
    return [(link.element, link.attribute, link.url) for link in links(html, page)]


# ---- element / attribute pairs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "element", "attribute"),
    [
        ('<a href="t.html">x</a>', "a", "href"),
        (
            '<map name="m"><area shape="rect" coords="0,0,1,1" href="t.html" alt="x"></map>',
            "area",
            "href",
        ),
        ('<img src="t.html">', "img", "src"),
        ('<script src="t.html"></script>', "script", "src"),
        ('<link rel="stylesheet" href="t.html">', "link", "href"),
        ('<link rel="icon" href="t.html">', "link", "href"),
        ('<link rel="shortcut icon" href="t.html">', "link", "href"),
        ('<link rel="canonical" href="t.html">', "link", "href"),
        ('<iframe src="t.html"></iframe>', "iframe", "src"),
        ('<frameset><frame src="t.html"></frameset>', "frame", "src"),
        ('<embed src="t.html" type="application/x-shockwave-flash">', "embed", "src"),
        ('<object data="t.html" type="application/pdf"></object>', "object", "data"),
        ('<video src="t.html"></video>', "video", "src"),
        ('<video poster="t.html"></video>', "video", "poster"),
        ('<audio src="t.html"></audio>', "audio", "src"),
        ('<video><source src="t.html" type="video/mp4"></video>', "source", "src"),
        ('<picture><source srcset="t.html"><img alt=""></picture>', "source", "srcset"),
        ('<video><track kind="captions" src="t.html"></video>', "track", "src"),
        ('<input type="image" src="t.html" alt="搜索">', "input", "src"),
        ('<INPUT TYPE="IMAGE" SRC="t.html">', "input", "src"),
        ('<body background="t.html"><p>x</p></body>', "body", "background"),
        ('<table background="t.html"><tr><td>x</td></tr></table>', "table", "background"),
        ('<table><tr background="t.html"><td>x</td></tr></table>', "tr", "background"),
        ('<table><tr><td background="t.html">x</td></tr></table>', "td", "background"),
        ('<table><tr><th background="t.html">x</th></tr></table>', "th", "background"),
        ('<meta http-equiv="refresh" content="0;url=t.html">', "meta", "content"),
    ],
)
def test_link_element_and_attribute(html: str, element: str, attribute: str) -> None:
    assert triples(html) == [(element, attribute, DIR + "t.html")]


@pytest.mark.parametrize(
    "html",
    [
        '<input type="text" src="t.html">',  # src on a non-image input means nothing
        "<input src=t.html>",
        '<form action="t.html"><button formaction="t.html">go</button></form>',  # not links
        '<html manifest="t.html"><body></body></html>',  # AppCache, gone from browsers
        '<blockquote cite="t.html">q</blockquote><q cite="t.html">q</q>',  # not navigable
        '<div style="background:url(t.html)">x</div>',  # CSS is not parsed
        "<style>body{background:url(t.html)}</style>",
        '<applet code="A.class" archive="t.html" codebase="t/"></applet>',
        '<object classid="clsid:1234" codebase="t.html"></object>',
        '<meta rel="icon" href="t.html">',  # href on <meta> is not HTML
        '<a name="t.html">anchor target</a>',
        "<table background><tr><td background=''>x</td></tr></table>",  # empty background
        "<pre>http://www.example.gov.cn/pre</pre><code>https://x.example/c</code>",  # bare text
        "<script>location.href='http://x.example/'</script>",
        "<!-- <a href=t.html>commented out</a> -->",
        "<textarea><a href=t.html>not markup</a></textarea>",
    ],
)
def test_not_links(html: str) -> None:
    assert urls(html) == []


# ---- <link rel> hints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "dns-prefetch",
        "preconnect",
        "DNS-Prefetch",
        " preconnect ",
        "preconnect dns-prefetch",
        "alternate",
        "search",
    ],
)
def test_link_hints_skipped(rel: str) -> None:
    assert (
        urls(f'<link rel="{rel}" href="//hm.baidu.com"><link rel="{rel}" href="/feed.xml">') == []
    )


def test_link_rel_with_a_resource_token_is_kept() -> None:
    html = (
        '<link rel="alternate stylesheet" href="/big.css"><link rel="preload" href="/font.woff2">'
    )
    assert urls(html) == [
        "http://www.example.gov.cn/big.css",
        "http://www.example.gov.cn/font.woff2",
    ]


def test_link_without_rel_is_kept() -> None:
    assert urls('<link href="/a.css">') == ["http://www.example.gov.cn/a.css"]


# ---- srcset -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("a.jpg", ["a.jpg"]),
        ("a.jpg 1x, b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg 480w,b.jpg 800w", ["a.jpg", "b.jpg"]),
        ("  a.jpg   1x ,\n\t b.jpg\t2x  ", ["a.jpg", "b.jpg"]),
        ("a.jpg, b.jpg 2x", ["a.jpg", "b.jpg"]),  # a comma right after a URL ends the candidate
        ("a.jpg,, b.jpg", ["a.jpg", "b.jpg"]),
        # Commas inside a URL belong to it (the URL runs to the next whitespace).
        (
            "/img/w_100,h_50/a.jpg 1x, /img/w_200,h_100/a.jpg 2x",
            ["/img/w_100,h_50/a.jpg", "/img/w_200,h_100/a.jpg"],
        ),
        ("a.jpg?x=1,2 1x", ["a.jpg?x=1,2"]),
        ("a.jpg 100w 50h, b.jpg", ["a.jpg", "b.jpg"]),
        ("", []),
        (" , ", []),
    ],
)
def test_srcset_candidates(srcset: str, expected: list[str]) -> None:
    got = [
        link.url
        for link in links(f'<img srcset="{srcset}" alt="图">')
        if link.attribute == "srcset"
    ]
    assert got == [
        DIR + u if not u.startswith("/") else "http://www.example.gov.cn" + u for u in expected
    ]


def test_srcset_data_uri_is_not_split_into_a_relative_link() -> None:
    # Splitting at every comma would turn the base64 payload into a bogus relative URL.
    html = '<img src="a.png" srcset="data:image/png;base64,iVBORw0KGgo= 1x, b.png 2x">'
    assert triples(html) == [("img", "src", DIR + "a.png"), ("img", "srcset", DIR + "b.png")]


def test_img_src_and_srcset_both_listed_with_the_alt_text() -> None:
    got = links('<img src="s.jpg" srcset="m.jpg 2x, l.jpg 3x" alt=" 县长 信箱 ">')
    assert [(link.attribute, link.url, link.text) for link in got] == [
        ("src", DIR + "s.jpg", "县长 信箱"),
        ("srcset", DIR + "m.jpg", "县长 信箱"),
        ("srcset", DIR + "l.jpg", "县长 信箱"),
    ]


# ---- meta refresh ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("0;url=t.html", DIR + "t.html"),
        ("0; URL='t.html'", DIR + "t.html"),
        ('0; url="t.html"', DIR + "t.html"),
        ("5; url=http://www.gov.cn/", "http://www.gov.cn/"),
        ("  3 ;  Url = t.html  ", DIR + "t.html"),
        ("0,url=t.html", DIR + "t.html"),
        ("0 url=t.html", DIR + "t.html"),
        ("0; t.html", DIR + "t.html"),  # "url=" is optional
        ("0.5;url=t.html", DIR + "t.html"),
        ("0;url=t.jsp;jsessionid=AB12", DIR + "t.jsp;jsessionid=AB12"),  # ';' inside the URL
        ("0; url='new page.html'", DIR + "new page.html"),  # quoted URL with a space
        ("0; url='t.html' trailing", DIR + "t.html"),
        ("0;url=/zwgk/", "http://www.example.gov.cn/zwgk/"),
    ],
)
def test_meta_refresh_url(content: str, expected: str) -> None:
    quoted = f"'{content}'" if '"' in content else f'"{content}"'
    assert triples(f'<meta http-equiv="Refresh" content={quoted}>') == [
        ("meta", "content", expected)
    ]


@pytest.mark.parametrize(
    "content", ["5", "0;", "  10  ", "url=t.html", "", "abc; url=t.html", "0x; url=t.html"]
)
def test_meta_refresh_without_a_target(content: str) -> None:
    # A bare number reloads the page itself; without a number browsers ignore the refresh.
    assert urls(f'<meta http-equiv="refresh" content="{content}">') == []


def test_other_meta_http_equiv_ignored() -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8; url=t.html">'
    assert urls(html) == []


# ---- base href ---------------------------------------------------------------------------------


def test_relative_base() -> None:
    assert urls('<base href="../zwgk/"><a href="t.html">x</a>') == [
        "http://www.example.gov.cn/zwgk/t.html"
    ]


def test_absolute_base() -> None:
    html = (
        '<base href="https://cdn.example.gov.cn/static/"><img src="a.png"><a href="/b.html">b</a>'
    )
    assert urls(html) == [
        "https://cdn.example.gov.cn/static/a.png",
        "https://cdn.example.gov.cn/b.html",
    ]


def test_first_base_with_href_wins() -> None:
    html = '<base target="_blank"><base href="/one/"><base href="/two/"><a href="t.html">x</a>'
    assert urls(html) == ["http://www.example.gov.cn/one/t.html"]


def test_empty_base_href_means_the_page_itself() -> None:
    assert urls('<base href=""><base href="/two/"><a href="t.html">x</a>') == [DIR + "t.html"]


def test_base_applies_to_links_before_it() -> None:
    html = '<html><head><link rel=stylesheet href="a.css"><base href="/s/"></head></html>'
    assert urls(html) == ["http://www.example.gov.cn/s/a.css"]


@pytest.mark.parametrize("href", ["javascript:void(0)", "mailto:a@b.cn", "data:text/html,x"])
def test_unusable_base_is_ignored(href: str) -> None:
    assert urls(f'<base href="{href}"><a href="t.html">x</a>') == [DIR + "t.html"]


def test_base_url_of() -> None:
    doc = parse_html('<base href="sub/">')
    assert base_url_of(doc, PAGE) == DIR + "sub/"
    assert base_url_of(parse_html("<p>no base</p>"), PAGE) == PAGE


# ---- links that are never fetched -------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "javascript:void(0)",
        "JavaScript:openWin('a.html')",
        "  javascript:;",
        "\njavascript:go()",
        "java\nscript:go()",  # browsers drop tabs and newlines anywhere in a URL
        "mailto:zwgk@example.gov.cn",
        "MAILTO:x@y.cn",
        " mailto:x@y.cn?subject=%E4%BD%A0",
        "tel:12345",
        "TEL:+86-10-12345678",
        "sms:10086",
        "data:text/plain,hello",
        " DATA:image/png;base64,AAAA",
        "#",
        "#top",
        " #main",
        "#内容",
        "",
        "   ",
        "about:blank",
        "file:///C:/Users/admin/Desktop/通知.doc",
        "ftp://ftp.example.gov.cn/a.zip",
        "vbscript:msgbox(1)",
    ],
)
def test_skipped_hrefs(href: str) -> None:
    assert links(f'<a href="{href}">x</a><img src="{href}">') == []


def test_unopenable_urls_are_dropped_without_breaking_the_page() -> None:
    # "http://" is what CMS link fields hold when left empty; "]" is forbidden in a host
    # (urljoin raises ValueError). Neither may crash extraction or become a link to this page.
    html = (
        '<a href="http://">空链接</a><a href="https://">x</a><a href="HTTP://">x</a>'
        '<a href="http://?q=1">x</a><a href="http://localhost]">x</a>'
        '<a href="https://example]org/x">x</a><a href="http://[::1">x</a>'
        '<a href="/ok.html">ok</a>'
    )
    assert urls(html) == ["http://www.example.gov.cn/ok.html"]


def test_same_scheme_relative_references_resolve_like_browsers() -> None:
    html = '<a href="http:/a.html">1</a><a href="http:b.html">2</a>'
    assert urls(html) == ["http://www.example.gov.cn/a.html", DIR + "b.html"]


# ---- URL forms ---------------------------------------------------------------------------------


def test_relative_forms() -> None:
    html = (
        '<a href="t.html">1</a><a href="./t.html">2</a><a href="../t.html">3</a>'
        '<a href="/t.html">4</a><a href="?page=2">5</a><a href="../../../t.html">6</a>'
    )
    assert urls(html) == [
        DIR + "t.html",
        DIR + "t.html",
        "http://www.example.gov.cn/t.html",
        "http://www.example.gov.cn/t.html",
        DIR + "index.html?page=2",
        "http://www.example.gov.cn/t.html",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("http://www.example.gov.cn/", "http://cdn.example.com/a.js"),
        ("https://www.example.gov.cn/", "https://cdn.example.com/a.js"),
    ],
)
def test_protocol_relative(page: str, expected: str) -> None:
    assert urls('<script src="//cdn.example.com/a.js"></script>', page) == [expected]


def test_backslashes_are_slashes_before_the_query_only() -> None:
    html = (
        r'<a href="..\zwgk\t.html">1</a>'
        r'<a href="\\cdn.example.com\a.js">2</a>'
        r'<a href="down.jsp?file=D:\upload\2019\通知.doc">3</a>'
        r'<a href="a\b.html#sec\1">4</a>'
    )
    got = links(html)
    assert [(link.url, link.fragment) for link in got] == [
        ("http://www.example.gov.cn/zwgk/t.html", ""),
        ("http://cdn.example.com/a.js", ""),
        (DIR + "down.jsp?file=D:\\upload\\2019\\通知.doc", ""),
        (DIR + "a/b.html", "sec\\1"),
    ]


def test_spaces_and_chinese_paths_kept_as_written() -> None:
    html = (
        '<a href="/zwgk/通知 公告.html">1</a>'
        '<a href="  /zwgk/a b.pdf  ">2</a>'
        '<img src="附件/图片.jpg" alt="图片">'
        '<a href="http://www.example.gov.cn/搜索?q=政务 公开">3</a>'
    )
    assert urls(html) == [
        "http://www.example.gov.cn/zwgk/通知 公告.html",
        "http://www.example.gov.cn/zwgk/a b.pdf",  # leading/trailing spaces stripped
        DIR + "附件/图片.jpg",
        "http://www.example.gov.cn/搜索?q=政务 公开",
    ]


def test_newlines_and_tabs_inside_a_url_are_removed() -> None:
    # Browsers drop tab, CR and LF anywhere in a URL (long hrefs wrapped by CMS editors).
    assert urls('<a href="/zwgk/\t2024/\r\nt.html">x</a>') == [
        "http://www.example.gov.cn/zwgk/2024/t.html"
    ]
    assert urls('<a href="/zwgk/2024/\n  t.html">x</a>') == [
        "http://www.example.gov.cn/zwgk/2024/  t.html"
    ]


def test_percent_encoding_preserved() -> None:
    html = (
        '<a href="/zwgk/%E9%80%9A%E7%9F%A5.html">1</a>'
        '<a href="/a%20b.html">2</a>'
        '<a href="/q?x=%FC&amp;y=%2F">3</a>'
        '<a href="/%7euser/">4</a>'
    )
    assert urls(html) == [
        "http://www.example.gov.cn/zwgk/%E9%80%9A%E7%9F%A5.html",
        "http://www.example.gov.cn/a%20b.html",
        "http://www.example.gov.cn/q?x=%FC&y=%2F",  # entities decoded, escapes untouched
        "http://www.example.gov.cn/%7euser/",
    ]


def test_fragments_split_off_and_recorded() -> None:
    html = (
        '<a href="t.html#sec2">1</a><a href="t.html#">2</a><a href="/a?b=1#c=d#e">3</a>'
        '<a href="t.html#%E7%AC%AC%E4%B8%80%E7%AB%A0">4</a><a href="t.html#:~:text=通知">5</a>'
    )
    assert [(link.url, link.fragment) for link in links(html)] == [
        (DIR + "t.html", "sec2"),
        (DIR + "t.html", ""),
        ("http://www.example.gov.cn/a?b=1", "c=d#e"),
        (DIR + "t.html", "%E7%AC%AC%E4%B8%80%E7%AB%A0"),
        (DIR + "t.html", ":~:text=通知"),
    ]
    assert all("#" not in link.url for link in links(html))


def test_fragment_on_a_link_to_this_page_is_kept() -> None:
    # "index.html#top" names this page explicitly: unlike "#top" it is a link (the anchor check
    # can look at it), and it is what LinkChecker's http_anchor.html expects.
    assert [(link.url, link.fragment) for link in links('<a href="index.html#sec">x</a>')] == [
        (PAGE, "sec")
    ]


def test_case_of_scheme_and_host() -> None:
    # Host names are case-insensitive: one spelling, so a target is checked once; the path keeps its case.
    assert urls('<a href="HTTP://WWW.Example.COM/A.html">x</a>') == [
        "http://www.example.com/A.html"
    ]


def test_links_no_browser_can_open_are_flagged_on_request() -> None:
    from inspector.crawl.extract.encoding import parse_html
    from inspector.crawl.extract.links import extract_links

    html = '<a href="file:///C:/Users/x/通知.doc">附件</a><a href="D:\\docs\\a.xls">表</a><a href="http://">空</a><a href="mailto:a@b.cn">信</a>'
    assert urls(html) == []  # dropped by default
    found = [
        (link.url, link.invalid)
        for link in extract_links(parse_html(html), PAGE, include_invalid=True)
    ]
    assert found == [
        ("file:///C:/Users/x/通知.doc", "file_url"),
        ("D:\\docs\\a.xls", "file_url"),
        ("http://", "no_host"),
    ]


def test_entities_in_attributes_are_decoded() -> None:
    html = '<a href="list.jsp?a=1&amp;b=2&lt;3&#38;c=&#x4e2d;">x</a>'
    assert urls(html) == [DIR + "list.jsp?a=1&b=2<3&c=中"]


# ---- link text -------------------------------------------------------------------------------


def test_anchor_text_is_whitespace_normalised() -> None:
    assert [link.text for link in links("<a href=t.html>\n  关于  印发\t<b>通知</b>\n</a>")] == [
        "关于 印发 通知"
    ]


def test_image_link_named_by_its_alt_then_title() -> None:
    html = (
        '<a href="1.html"><img src="i.png" alt="政务公开"></a>'
        '<a href="2.html" title="网站地图"><img src="j.png"></a>'
        '<a href="3.html"><img src="k.png" title="无障碍"></a>'
        '<a href="4.html"><img src="l.png"></a>'
    )
    texts = {link.url.rsplit("/", 1)[1]: link.text for link in links(html)}
    assert texts == {
        "1.html": "政务公开",
        "i.png": "政务公开",
        "2.html": "网站地图",
        "j.png": "",
        "3.html": "无障碍",
        "k.png": "无障碍",
        "4.html": "",
        "l.png": "",
    }


def test_area_and_input_named_by_alt_others_by_title() -> None:
    html = (
        '<map><area href="a.html" alt="东区"></map><input type=image src="go.png" alt="搜索">'
        '<iframe src="f.html" title="视频"></iframe><script src="s.js"></script>'
    )
    assert [link.text for link in links(html)] == ["东区", "搜索", "视频", ""]


def test_text_is_truncated() -> None:
    (link,) = links(f"<a href=t.html>{'长' * (TEXT_MAX + 50)}</a>")
    assert link.text == "长" * TEXT_MAX


def test_gbk_page_text_and_urls() -> None:
    html = '<meta charset="gb2312"><a href="/zwgk/通知.html">县政府通知</a>'.encode("gbk")
    (link,) = links(html)
    assert (link.url, link.text) == ("http://www.example.gov.cn/zwgk/通知.html", "县政府通知")


# ---- markup that is not clean ------------------------------------------------------------------


def test_uppercase_tags_and_attributes() -> None:
    html = '<A HREF="a.html">A</A><IMG SRC="b.png" ALT="B"><LINK REL="STYLESHEET" HREF="c.css"><IFRAME SRC="d.html"></IFRAME>'
    assert triples(html) == [
        ("a", "href", DIR + "a.html"),
        ("img", "src", DIR + "b.png"),
        ("link", "href", DIR + "c.css"),
        ("iframe", "src", DIR + "d.html"),
    ]


def test_malformed_html() -> None:
    html = (
        "<table><tr><td><a href=one.html>one<td><a href=two.html?a=1&b=2>two"  # unclosed, unquoted
        "<p><a href='three.html' class=x>three</p>"
        '<a b=c "boo" href="four.html">four</a>'  # junk attribute
        '<a href \n=\n"five.html">five</a>'  # spaces around "="
        "<a href=six.html/>six</a>"
        "<div><a href=seven.html>seven</div></div></span>"
        '<a href="eight.html>eight</a><a href="nine.html">nine</a>'  # unterminated quote
    )
    got = urls(html)
    assert got[:6] == [
        DIR + "one.html",
        DIR + "two.html?a=1&b=2",
        DIR + "three.html",
        DIR + "four.html",
        DIR + "five.html",
        DIR + "six.html/",
    ]
    assert got[6] == DIR + "seven.html"


def test_content_after_a_stray_html_end_tag_is_kept() -> None:
    html = "<html><body><a href=a.html>a</a></body></html><div><a href=b.html>b</a></div>"
    assert urls(html) == [DIR + "a.html", DIR + "b.html"]


def test_custom_elements() -> None:
    html = (
        '<gov-header href="/x.html" src="/y.js"><a href="/inside.html">里面</a></gov-header>'
        "<my-card><img src=/card.png></my-card>"
    )
    # Attributes of unknown elements are not links; ordinary links inside them are.
    assert urls(html) == [
        "http://www.example.gov.cn/inside.html",
        "http://www.example.gov.cn/card.png",
    ]


def test_minified_html() -> None:
    html = (
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><link href=/a.css rel=stylesheet>"
        "<link href=//fonts.example.com rel=preconnect><script src=/b.js></script><body><nav><ul>"
        "<li><a href=/zwgk/ title=政务公开></a><li><a href=/hdjl/>互动交流</a></ul></nav>"
        "<img src=/c.png alt=图><a href=http://www.gov.cn>中国政府网</a>"
    )
    assert [(link.url, link.text) for link in links(html)] == [
        ("http://www.example.gov.cn/a.css", ""),
        ("http://www.example.gov.cn/b.js", ""),
        ("http://www.example.gov.cn/zwgk/", "政务公开"),
        ("http://www.example.gov.cn/hdjl/", "互动交流"),
        ("http://www.example.gov.cn/c.png", "图"),
        ("http://www.gov.cn", "中国政府网"),
    ]


def test_xhtml_with_namespace_and_xml_declaration() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><base href="base/" /></head>'
        '<body><a href="t.txt">x</a></body></html>'
    )
    assert urls(html) == [DIR + "base/t.txt"]


def test_document_order_and_every_occurrence() -> None:
    html = (
        '<link rel=stylesheet href="/a.css"><script src="/b.js"></script>'
        '<a href="/c.html">c</a><img src="/d.png"><a href="/c.html">c again</a>'
        '<iframe src="/e.html"></iframe><meta http-equiv=refresh content="9;url=/f.html">'
    )
    assert [u.rsplit("/", 1)[1] for u in urls(html)] == [
        "a.css",
        "b.js",
        "c.html",
        "d.png",
        "c.html",
        "e.html",
        "f.html",
    ]


def test_empty_and_comment_only_documents() -> None:
    assert urls("") == []
    assert urls("<!-- nothing -->") == []
    assert urls("   \n") == []


# ---- joining without urljoin -----------------------------------------------------------------


def test_the_plain_join_is_urljoin_on_real_and_awkward_links() -> None:
    # BaseUrl joins the common shapes itself (a third of link extraction was urljoin); whatever
    # it joins must be exactly what urljoin makes, including urljoin's quirks (dropped empty `?`
    # and `#`, parameters, dot segments, `..` above the root, tabs and newlines removed).
    import random
    from pathlib import Path
    from urllib.parse import urljoin

    from inspector.crawl.extract.links import _ATTRS, LINK_TAGS, BaseUrl

    values = set()
    for path in sorted((Path(__file__).parent / "fixtures").rglob("*.htm*")):
        doc = parse_html(decode_html(path.read_bytes(), None)[0])
        for el in doc.iter(*LINK_TAGS):
            values.update((el.get(a) or "").strip() for a in _ATTRS.get(el.tag, ()))
    atoms = ["", "/", "//", ".", "..", "../", "./", "a", "b.html", "c/", "?", "#", "q=1", ";p", ";",
             ":", "h:80", "[", "]", "\t", "\n", " ", "\x01", "%2e", "通知", "http:", "https:",
             "HTTP:", "//h", "?a#b", "#f", "\\"]  # fmt: skip
    rnd = random.Random(2026)
    values.update("".join(rnd.choices(atoms, k=rnd.randint(1, 6))) for _ in range(6000))
    bases = [
        PAGE, DIR, "http://h.gov.cn", "https://H.Gov.CN:8080/a/b/c.html?x=1#y",
        "http://h/a//b.html", "http://h/a;p/b.html", "http://h/a/b;p", "http://h/./a/",
        "http://[::1]:80/a/b", "http://h?x", "http://h/a b/c.html", "ftp://h/a/",
    ]  # fmt: skip
    assert len(values) > 4000
    for base in bases:
        joiner = BaseUrl(base)
        for value in values:
            try:
                want: str | None = urljoin(base, value)
            except ValueError:
                want = None
            assert joiner.join(value) == want, (base, value)


# ---- where on the page a link sits ----------------------------------------------------------------


def test_each_link_knows_its_position_on_the_page() -> None:
    html = """<html><head><link rel="stylesheet" href="s.css"></head><body>
    <div class="top"><a href="home.html">首页</a></div>
    <div id="mainNav"><ul><li><a href="gzdt/">工作动态</a></li></ul></div>
    <div class="crumbs"><a href="xxgk/">信息公开</a></div>
    <div class="content border-bottom"><p><a href="article.html">正文链接</a></p>
      <img src="pic.jpg" alt="图片"></div>
    <div class="topnews"><a href="news.html">要闻</a></div>
    <div class="footer"><ul class="menu"><li><a href="about.html">关于我们</a></li></ul>
      <p>版权所有 <a href="http://beian.miit.gov.cn/">ICP备案</a></p></div>
    <footer><a href="map.html">网站地图</a></footer>
    </body></html>"""
    positions = {link.text or link.url.rsplit("/", 1)[-1]: link.position for link in links(html)}
    assert positions == {
        "s.css": "",
        "首页": "nav",
        "工作动态": "nav",
        "信息公开": "nav",
        "正文链接": "content",
        "图片": "content",
        "要闻": "content",
        # A menu inside the footer is the footer's.
        "关于我们": "footer",
        "ICP备案": "footer",
        "网站地图": "footer",
    }
