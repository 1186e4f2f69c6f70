"""The security facts read the elements the crawl's link pass collected (PageElements) instead
of walking the tree again: the facts must be exactly those of their own walk, on every security
fixture and every real saved page, and a page cut at its link limit falls back to the own walk."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_security import AS_OF, FIXTURES, REALPAGES, RULES

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import PageElements, link_rows, page_elements, title_of
from inspector.crawl.extract.security import page_security
from inspector.crawl.scope import scope_key

PAGES = sorted(FIXTURES.rglob("*.htm*")) + sorted(REALPAGES.glob("*.htm*"))


def _url(path: Path) -> str:
    if path.is_relative_to(REALPAGES):
        return f"http://{path.name.split('__')[0]}/page.html"
    return "http://www.qingshan.gov.cn/xwdt/202511/t20251120_1.html"


def _facts(path: Path, limit: int = 0) -> tuple[dict, dict, PageElements]:
    doc = parse_html(decode_html(path.read_bytes(), None)[0])
    url = _url(path)
    kwargs = {"site_hosts": frozenset({scope_key(url)}), "on": AS_OF, "title": title_of(doc)}
    own = page_security(doc, url, RULES, **kwargs)
    seen = PageElements()
    link_rows(doc, url, include_invalid=True, limit=limit, seen=seen)
    return own, page_security(doc, url, RULES, seen=seen, **kwargs), seen


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_collected_elements_give_the_own_walks_facts(path: Path) -> None:
    own, shared, seen = _facts(path)
    assert seen.complete
    walked = page_elements(parse_html(decode_html(path.read_bytes(), None)[0]))
    assert len(seen.anchors) == len(walked.anchors)
    assert [el.tag for el in seen.others] == [el.tag for el in walked.others]
    assert shared == own


def test_a_page_cut_at_its_link_limit_is_walked_whole(tmp_path: Path) -> None:
    # The hidden gambling link comes after the link pass's limit: the facts still have it.
    links = "".join(f'<li><a href="/xwdt/{i}.html">新闻{i}</a></li>' for i in range(10))
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>青山县人民政府</title></head><body><ul>{links}</ul>"
        '<div style="display:none"><a href="http://www.hgty.example.com/">皇冠体育 百家乐</a></div>'
        "</body></html>",
        encoding="utf-8",
    )
    own, shared, seen = _facts(page, limit=5)
    assert not seen.complete
    assert own["hidden"][0]["links"][0]["url"] == "http://www.hgty.example.com/"
    assert shared == own


def test_security_pages_were_found() -> None:
    assert len([p for p in PAGES if p.is_relative_to(FIXTURES)]) >= 30
