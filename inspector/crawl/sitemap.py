"""The site map (网站地图): where it is linked, and the columns it lists with their parents.

A required column counts as present when it appears only in the site map, so the site map is
read whenever the home page links one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lxml import etree

from inspector.crawl.columns import (
    ColumnRules,
    categorise,
    column_like,
    column_rules,
    normalise_name,
)
from inspector.crawl.markup import (
    LINKS,
    absolute,
    base_href,
    body_of,
    friend_link_blocks,
    host_key,
    in_blocks,
    in_chrome,
    is_heading,
    link_text,
    prepare,
    scope_keys,
)
from inspector.facts import ColumnFacts

__all__ = ["discover_sitemap_columns", "find_sitemap_url"]

_MARKED = etree.XPath(
    "//*[re:test(@id, 'sitemap|wzdt|site-map|site_map|webmap|map', 'i')"
    " or re:test(@class, 'sitemap|wzdt|site-map|site_map|webmap|map', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def find_sitemap_url(
    html: str, base_url: str, *, rules: ColumnRules | Mapping[str, Any] | None = None
) -> str | None:
    """URL of the site map linked from a page (link text 网站地图/站点地图), or None."""
    rules = column_rules(rules)
    doc = prepare(html)
    base = base_href(doc, base_url)
    for link in LINKS(doc):
        text = normalise_name(link_text(link), rules)
        if any(marker in text for marker in rules.sitemap_texts):
            url = absolute(base, link.get("href"))
            if url:
                return url
    return None


def discover_sitemap_columns(
    html: str,
    base_url: str,
    categories: Mapping[str, Sequence[str]],
    scope_hosts: set[str] | None = None,
    *,
    rules: ColumnRules | Mapping[str, Any] | None = None,
) -> list[ColumnFacts]:
    """Columns listed on a 网站地图 page, each with the heading it sits under as `parent`."""
    rules = column_rules(rules)
    doc = prepare(html)
    base = base_href(doc, base_url)
    scope = scope_keys(scope_hosts, base_url)
    friends = friend_link_blocks(doc)
    found: dict[str, ColumnFacts] = {}
    for name, url, parent in _sitemap_links(doc, base, rules):
        if url in found:
            continue
        canonical, category = categorise(name, categories)
        found[url] = ColumnFacts(
            name=name,
            canonical=canonical,
            category=category,
            url=url,
            parent=parent,
            source="sitemap",
            external=host_key(url) not in scope,
        )
    # Links of a 友情链接 group are not columns (checked on the URL's first element only).
    blocked = {absolute(base, a.get("href")) for a in LINKS(doc) if in_blocks(a, friends)}
    return [c for c in found.values() if c.url not in blocked]


def _sitemap_links(
    doc: etree._Element, base: str, rules: ColumnRules
) -> Iterator[tuple[str, str, str]]:
    area = _sitemap_area(doc)
    heading = ""
    for element in area.iter(etree.Element):
        if in_chrome(element, area):
            continue
        if element.tag != "a" and is_heading(element) and not LINKS(element):
            text = normalise_name(element.text_content(), rules)
            if text and len(text) <= rules.max_name_length:
                heading = text
            continue
        if element.tag != "a" or not element.get("href"):
            continue
        name = normalise_name(link_text(element), rules)
        url = absolute(base, element.get("href"))
        if not url or not column_like(name, url, rules):
            continue
        if _heading_ancestor(element, area):
            heading = name
            yield name, url, ""
        else:
            yield name, url, heading


def _sitemap_area(doc: etree._Element) -> etree._Element:
    """The site map's own content: a container named like a map, else the page body."""
    marked = _MARKED(doc)
    # Site maps are often several sibling blocks (<dl class="map"> per group): take the
    # outermost marked elements, and their common parent when there are several.
    marked_set = set(marked)
    roots = [e for e in marked if not any(a in marked_set for a in e.iterancestors())]
    if len(roots) > 1:
        parents = {e.getparent() for e in roots}
        roots = [parents.pop()] if len(parents) == 1 else []
    best = roots[0] if roots else None
    if best is not None and len(LINKS(best)) >= 3:
        return best
    return body_of(doc)


def _heading_ancestor(link: etree._Element, stop: etree._Element) -> bool:
    node = link.getparent()
    for _ in range(3):
        if node is None or node is stop:
            return False
        if is_heading(node):
            return True
        node = node.getparent()
    return False
