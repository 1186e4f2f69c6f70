"""The crawl reads texts through fast paths that must give what the plain lxml reads give: the
body's text as UTF-8 serialised by libxml2 (encoding.text_utf8, page.body_utf8) against
text_content(), template scripts and style sheets through templatetexts.element_text against
el.text, and the security facts fed only the links whose href can name a host against all
links — on every security fixture and every real saved page."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_security import AS_OF, FIXTURES, REALPAGES, RULES

from inspector.crawl.extract import templatetexts
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import PageElements, link_rows, page_elements, title_of
from inspector.crawl.extract.page import body_text, body_utf8, page_facts, text_fingerprint
from inspector.crawl.extract.security import page_security
from inspector.crawl.extract.templatetexts import element_text
from inspector.crawl.scope import scope_key

PAGES = sorted(FIXTURES.rglob("*.htm*")) + sorted(REALPAGES.glob("*.htm*"))


def _doc(path: Path):
    return parse_html(decode_html(path.read_bytes(), None)[0])


def test_the_corpus_is_there() -> None:
    assert len(list(REALPAGES.glob("*.htm*"))) >= 40, "../shared/realpages is missing"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_body_text_and_element_texts_equal_lxmls_own_reads(path: Path) -> None:
    doc = _doc(path)
    body = doc.find("body")
    expected = body.text_content() if body is not None else ""
    assert body_utf8(doc).decode("utf-8") == expected
    assert body_text(doc) == expected
    title = title_of(doc)
    read = page_facts(doc, AS_OF, title=title, url="http://a.gov.cn/", is_home=False)
    assert read["text_utf8"] == expected.encode("utf-8")
    assert read["fingerprint"] == text_fingerprint(expected, title)
    for el in doc.iter("script", "style"):
        assert element_text(el) == (el.text or "")
        assert element_text(el) == (el.text or "")  # the second read: the kept str


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>t</title></head></html>",  # no body
        "<html><body><!-- 注释 -->正文<![CDATA[x]]><p>段落&amp;符号</p>尾</body></html>",
        "<html><body>\n\t<div>  空白\u3000全角  </div>\n</body></html>",
    ],
)
def test_body_text_of_odd_documents(html: str) -> None:
    doc = parse_html(html)
    body = doc.find("body")
    assert body_utf8(doc).decode("utf-8") == (body.text_content() if body is not None else "")


def test_texts_of_the_same_length_and_ends_are_told_apart() -> None:
    head, tail = "var a = '" + "x" * 40, "y" * 40 + "';"
    one = parse_html(f"<html><head><script>{head}中间一{tail}</script></head></html>")
    two = parse_html(f"<html><head><script>{head}中间二{tail}</script></head></html>")
    first = element_text(next(one.iter("script")))
    second = element_text(next(two.iter("script")))
    assert "中间一" in first and "中间二" in second
    assert element_text(next(one.iter("script"))) == first  # the first is read right again
    # Kept texts are bounded: a flood of distinct scripts does not grow the memory without end.
    for i in range(200):
        element_text(next(parse_html(f"<script>{'z' * 100_000}{i:05d}</script>").iter("script")))
    assert 0 < templatetexts.KEPT.kept <= templatetexts.MAX_KEPT
    small = templatetexts.KeptTexts(limit=250_000)
    for i in range(5):
        small.text(next(parse_html(f"<script>{'z' * 100_000}{i:05d}</script>").iter("script")))
    assert small.kept == 200_010  # the two newest; the three oldest were dropped


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_security_facts_need_only_the_links_that_can_name_a_host(path: Path) -> None:
    doc = _doc(path)
    url = (
        f"http://{path.name.split('__')[0]}/page.html"
        if path.is_relative_to(REALPAGES)
        else "http://www.qingshan.gov.cn/xwdt/202511/t20251120_1.html"
    )
    walked = page_elements(doc)
    every = PageElements(
        anchors=[(a, h) for a in doc.iter("a") if (h := a.get("href"))],
        others=walked.others,
        complete=True,
    )
    assert all("//" in h or "\\" in h for _, h in walked.anchors)
    kwargs = {"site_hosts": frozenset({scope_key(url)}), "on": AS_OF, "title": title_of(doc)}
    assert page_security(doc, url, RULES, seen=walked, **kwargs) == page_security(
        doc, url, RULES, seen=every, **kwargs
    )


@pytest.mark.parametrize(
    "href",
    [
        "http://www.hgty-bet.example.com/",
        "//www.hgty-bet.example.com/",
        "  HTTPS://WWW.HGTY-BET.EXAMPLE.COM/x",
        "http:\\\\www.hgty-bet.example.com\\x",
        "\\\\www.hgty-bet.example.com/",
    ],
)
def test_every_way_of_naming_another_host_reaches_the_hidden_link_check(href: str) -> None:
    # Only links whose href can name a host are collected: each form a browser follows to
    # another host is among them, and its hidden link is found through the link pass.
    url = "http://www.qingshan.gov.cn/index.html"
    doc = parse_html(
        "<html><head><title>青山县人民政府</title></head><body><p>政务公开</p>"
        f'<div style="display:none"><a href="{href}">皇冠体育 百家乐</a></div></body></html>'
    )
    seen = PageElements()
    link_rows(doc, url, include_invalid=True, seen=seen)
    assert [h for _, h in seen.anchors] == [href]
    facts = page_security(
        doc, url, RULES, site_hosts=frozenset({scope_key(url)}), on=AS_OF, seen=seen
    )
    assert facts["hidden"][0]["links"][0]["host"] == "hgty-bet.example.com"
    assert facts["hidden"][0]["technique"] == "display:none"
