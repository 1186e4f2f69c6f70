"""Columns (栏目) a home page shows, found with every signal a reader uses.

A reader finds a site's columns in its navigation (nested lists, div/span menus, image buttons
whose meaning is in `alt`/`title`, menus written by script, submenus hidden until hover), in the
headings and tabs of the home page's blocks and their 更多 links, and in short links that name a
column anywhere on the page. 友情链接 blocks, `<select>` jump menus, dated list items (articles)
and link directories to other hosts are not the site's columns. A column's parent is the menu
entry it hangs under, else the column whose directory holds its URL.

Policy (keywords, patterns) comes from the rules profile's `[categories]` and `[columns]`
(`ColumnRules`), with the same defaults kept here so the module works standalone. The site map
is read by `inspector.crawl.sitemap`, list pages by `inspector.crawl.listpage`, the footer by
`inspector.crawl.footer`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from inspector.crawl.markup import (
    LINKS,
    TEXT_OF,
    absolute,
    ancestors,
    base_href,
    body_of,
    friend_link_blocks,
    host_key,
    in_blocks,
    is_heading,
    link_text,
    prepare,
    scope_keys,
)
from inspector.facts import ColumnFacts
from inspector.vocabulary import DEFAULT_COLUMN_RULES, ColumnRules, categorise, normalise_name

__all__ = [
    "DEFAULT_COLUMN_RULES",
    "ColumnRules",
    "article_url",
    "categorise",
    "column_like",
    "column_rules",
    "discover_columns",
    "ignored_url",
    "normalise_name",
    "shown_names",
    "url_name",
]


# Navigation containers: <nav>, lists in a header, and elements whose id/class matches $attr
# (the profile's nav_attr regex, passed as an XPath variable).
_NAV_CONTAINERS = etree.XPath(
    "//nav | //header//ul"
    " | //*[re:test(@id, '^(header|head)', 'i') or re:test(@class, '(^|\\s)(header|head)', 'i')]//ul"
    " | //*[re:test(@id, $attr, 'i') or re:test(@class, $attr, 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
# A date in a list item's text: the link is an article, not a column.
_ITEM_DATE_RE = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|(?<!\d)\d{1,2}\s*[-/月]\s*\d{1,2}(?!\d)"
)
_TAB_ATTR_RE = re.compile(r"tab|hd|title|tit|head", re.IGNORECASE)
LINK_DIRECTORY_MIN = 5  # this many links to other hosts side by side: a link directory


# --- public functions ---------------------------------------------------------------------------


SIBLING_GROUP_MIN, SIBLING_GROUP_MAX = 3, 16  # links in a group whose unknown ones are columns


def url_name(url: str, rules: ColumnRules = DEFAULT_COLUMN_RULES) -> str:
    """What an unlabelled link is read as from its URL alone (rules.url_names), or ""."""
    lowered = url.lower()
    for pair in rules.url_names:
        pattern, _, name = pair.rpartition("=")
        if pattern and _url_name_re(pattern).search(lowered):
            return name
    return ""


@functools.lru_cache(maxsize=32)
def _url_name_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def column_rules(rules: ColumnRules | Mapping[str, Any] | None) -> ColumnRules:
    if isinstance(rules, ColumnRules):
        return rules
    return ColumnRules.from_mapping(rules)


def discover_columns(
    html: str,
    base_url: str,
    categories: Mapping[str, Sequence[str]],
    *,
    scope_hosts: set[str] | None = None,
    rules: ColumnRules | Mapping[str, Any] | None = None,
    written: Sequence[str] = (),
) -> list[ColumnFacts]:
    """Columns linked from a home page, deduplicated by URL, first signal wins: navigation
    (source "nav"), block headings, tabs and 更多 links (source "more"), then short links that
    name a column anywhere (source "nav").

    `written` is HTML that the page's external scripts write (menus by `document.write`), read
    as if it were part of the page.
    """
    page = _Page(html, base_url, scope_hosts, column_rules(rules), written, categories)
    found: dict[str, ColumnFacts] = {}
    for name, url, parent in _nav_links(page):
        _add(found, page, name, url, parent, "nav", categories)
    for name, url in _heading_links(page):
        _add(found, page, name, url, "", "more", categories)
    for name, url in _more_links(page):
        _add(found, page, name, url, "", "more", categories)
    for name, url in _keyword_links(page):
        _add(found, page, name, url, "", "nav", categories)
    for name, url in _sibling_links(page, set(found)):
        _add(found, page, name, url, "", "nav", categories)
    return _with_path_parents(found)


def shown_names(
    html: str,
    base_url: str,
    *,
    rules: ColumnRules | Mapping[str, Any] | None = None,
    written: Sequence[str] = (),
) -> list[str]:
    """Every short name under which a home page shows a column, link or not: link texts and
    image-button labels (also of `#`/script links and tabs), block headings. Article titles
    (dated list items, article URLs) and 友情链接 blocks are left out."""
    page = _Page(html, base_url, None, column_rules(rules), written, {})
    names: dict[str, None] = {}
    limit = page.rules.keyword_name_length + 2
    for element in page.body.iter(etree.Element):
        if element.tag == "a" or element.tag == "area":
            text = element.get("alt") if element.tag == "area" else link_text(element)
            href = element.get("href") or ""
            if article_url(href.lower(), page.rules) or page.dated_item(element):
                continue
            text = text if (text or "").strip() else url_name(href, page.rules)
        elif is_heading(element) and not LINKS(element):
            text = " ".join(TEXT_OF(element))
        else:
            continue
        name = normalise_name(text or "", page.rules)
        if name and len(name) <= limit and not in_blocks(element, page.friends):
            names.setdefault(name, None)
    return list(names)


# --- the page being read ------------------------------------------------------------------------


class _Page:
    """One parsed home page with what every signal needs: base URL, scope, friend-link blocks."""

    def __init__(
        self,
        html: str,
        base_url: str,
        scope_hosts: set[str] | None,
        rules: ColumnRules,
        written: Sequence[str],
        categories: Mapping[str, Sequence[str]],
    ) -> None:
        self.categories = categories
        self.doc = prepare(html)
        self.body = body_of(self.doc)
        for extra in written:
            outer = prepare(f"<html><body><div data-written='external'>{extra}</div></body></html>")
            self.body.append(outer.find("body/div"))
        self.rules = rules
        self.base = base_href(self.doc, base_url)
        self.scope = scope_keys(scope_hosts, base_url)
        self.friends = friend_link_blocks(self.doc)
        self.used: set[etree._Element] = set()
        self._dated: dict[etree._Element, bool] = {}

    def candidate(
        self, link: etree._Element, *, any_external: bool = False
    ) -> tuple[str, str] | None:
        """(name, url) of a link that may be a column, else None. A link to another host is
        one only when its name says a column (a provincial 政务服务网), unless `any_external`."""
        if link in self.used or in_blocks(link, self.friends):
            return None
        name = normalise_name(link_text(link), self.rules)
        url = absolute(self.base, link.get("href"))
        if not url or not column_like(name, url, self.rules):
            return None
        if self.external(url) and not any_external and not self.says_column(name):
            return None
        return name, url

    def says_column(self, name: str) -> bool:
        if categorise(name, self.categories)[1] != "other":
            return True
        return any(word in name for word in self.rules.column_words)

    def external(self, url: str) -> bool:
        return host_key(url) not in self.scope

    def dated_item(self, link: etree._Element) -> bool:
        """Whether a link is the title of a dated list item (an article)."""
        node = link
        for _ in range(3):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "ul", "ol", "table", "tbody"):
                return False
            node = parent
            if node.tag in ("li", "tr", "dd", "p"):
                break
        known = self._dated.get(node)
        if known is None:
            texts = [t for t in TEXT_OF(node) if t.strip()]
            outside = [t for t in texts if not _inside(t.getparent(), link)]
            known = any(_ITEM_DATE_RE.search(t) for t in outside) and len(LINKS(node)) <= 3
            self._dated[node] = known
        return known


def _inside(element: etree._Element | None, link: etree._Element) -> bool:
    node = element
    while node is not None:
        if node is link:
            return True
        node = node.getparent()
    return False


# --- signals ------------------------------------------------------------------------------------


def _nav_links(page: _Page) -> Iterator[tuple[str, str, str]]:
    for container in _NAV_CONTAINERS(page.doc, attr=page.rules.nav_attr):
        if in_blocks(container, page.friends):
            continue
        for link in LINKS(container):
            found = page.candidate(link)
            if found is not None and not page.dated_item(link):
                page.used.add(link)
                yield found[0], found[1], _nav_parent(link, container, page.rules)


def _nav_parent(link: etree._Element, container: etree._Element, rules: ColumnRules) -> str:
    """The menu entry a submenu link hangs under: the first link of an enclosing li/dl."""
    node = link.getparent()
    while node is not None:
        if node.tag in ("li", "dl"):
            first = next((a for a in LINKS(node) if link_text(a).strip()), None)
            if first is not None and first is not link:
                return normalise_name(link_text(first), rules)
        if node is container:
            break
        node = node.getparent()
    return ""


def _heading_links(page: _Page) -> Iterator[tuple[str, str]]:
    """Links that are a block's heading or one of its tabs (通知公告 | 政策文件 over a list)."""
    limit = page.rules.keyword_name_length + 2
    for element in page.body.iter(etree.Element):
        if not (is_heading(element) or _is_tab_list(element)):
            continue
        links = LINKS(element)
        if not links or len(links) > 8:
            continue
        for link in links:
            found = page.candidate(link)
            if found is None or len(found[0]) > limit or page.dated_item(link):
                continue
            page.used.add(link)
            yield found


def _is_tab_list(element: etree._Element) -> bool:
    if element.tag not in ("ul", "ol", "div", "span", "p"):
        return False
    attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(attrs.strip()) and "tab" in attrs.lower() and bool(_TAB_ATTR_RE.search(attrs))


def _more_links(page: _Page) -> Iterator[tuple[str, str]]:
    order = {element: i for i, element in enumerate(page.doc.iter(etree.Element))}
    for link in LINKS(page.body):
        if not _is_more_link(link, page.rules) or in_blocks(link, page.friends):
            continue
        url = absolute(page.base, link.get("href"))
        if not url or ignored_url(url, page.rules):
            continue
        name = _block_name(link, url, page, order)
        if name and len(name) <= page.rules.max_name_length and column_like(name, url, page.rules):
            yield name, url  # a home-page block, even one fed by another site (国务院信息)


def _is_more_link(link: etree._Element, rules: ColumnRules) -> bool:
    raw = "".join(TEXT_OF(link))
    if raw.strip():
        return normalise_name(raw, rules) == "" and any(
            more.lower() in raw.lower() for more in rules.more_texts
        )
    # An icon-only link in a "more" box: <span class="more"><a href="/tzgg/"></a></span>
    for node in (link, link.getparent()):
        if node is not None and "more" in (node.get("class") or "").lower():
            return True
    return False


def _block_name(
    more: etree._Element, url: str, page: _Page, order: Mapping[etree._Element, int]
) -> str:
    """Name of the block a 更多 link belongs to: a tab/heading link to the same URL, else the
    nearest heading before it, looked for in ever larger ancestors."""
    blocks = list(_block_ancestors(more))
    for node in blocks:
        for link in LINKS(node):
            if link is not more and absolute(page.base, link.get("href")) == url:
                name = normalise_name(link_text(link), page.rules)
                if name and not _is_more_link(link, page.rules):
                    return name
    position = order.get(more, 0)
    for node in blocks:
        heading = _heading_before(node, position, order, page.rules)
        if heading:
            return heading
    return ""


def _block_ancestors(element: etree._Element, levels: int = 6) -> Iterator[etree._Element]:
    node = element.getparent()
    for _ in range(levels):
        if node is None or node.tag in ("body", "html"):
            return
        yield node
        node = node.getparent()


def _heading_before(
    node: etree._Element, position: int, order: Mapping[etree._Element, int], rules: ColumnRules
) -> str:
    """The last heading under `node` that starts before the 更多 link (pre-order: this includes
    a heading that contains the link, as in "通知公告 更多>>")."""
    best = ""
    for element in node.iter(etree.Element):
        if order.get(element, position) >= position or not is_heading(element):
            continue
        # A heading holding other links is a list item's title, not the block's name (a
        # heading linking to the block's own URL was recognised before we got here).
        if any(not _is_more_link(a, rules) for a in LINKS(element)):
            continue
        # The 更多>> text of a link inside the heading is stripped by normalise_name.
        name = normalise_name(" ".join(TEXT_OF(element)), rules)
        if name and len(name) <= rules.max_name_length:
            best = name
    return best


def _keyword_links(page: _Page) -> Iterator[tuple[str, str]]:
    """Short links anywhere whose name says a column (政府信息公开, 人事信息 in a hidden submenu)."""
    directories = _link_directories(page)
    for link in LINKS(page.body):
        found = page.candidate(link)
        if found is None or len(found[0]) > page.rules.keyword_name_length:
            continue
        name, url = found
        if page.dated_item(link) or (page.external(url) and in_blocks(link, directories)):
            continue
        if page.says_column(name):
            page.used.add(link)
            yield name, url


def _sibling_links(page: _Page, known: set[str]) -> Iterator[tuple[str, str]]:
    """Short links in a small group of links most of which are known columns (a 信息公开 box of
    指南, 目录, 年报, 行政处罚信息, 双随机抽查结果): a person reads the others as columns too. The
    group is the known link's paragraph or cell, then the block around it."""
    looked: set[etree._Element] = set()
    for link in LINKS(page.body):
        if absolute(page.base, link.get("href")) not in known:
            continue
        group = link.getparent()
        for _ in range(2):
            if group is None or group is page.body or group in looked:
                break
            looked.add(group)
            yield from _group_columns(page, group, known)
            group = group.getparent()


def _group_columns(page: _Page, group: etree._Element, known: set[str]) -> list[tuple[str, str]]:
    links = LINKS(group)
    if not SIBLING_GROUP_MIN <= len(links) <= SIBLING_GROUP_MAX:
        return []
    urls = [absolute(page.base, link.get("href")) for link in links]
    if 2 * sum(url in known for url in urls) < len(links):
        return []
    new: list[tuple[str, str]] = []
    for link, url in zip(links, urls, strict=True):
        if url in known:
            continue
        found = page.candidate(link)
        raw = "".join(TEXT_OF(link)).strip().lower()
        if found is None or not raw or any(more.lower() in raw for more in page.rules.more_texts):
            # 首页, 更多服务, a script link, an image (a banner named by its alt, as a 专题 block
            # of pictures is): no column, and no sign against the group.
            continue
        if (
            len(found[0]) > page.rules.keyword_name_length
            or page.external(found[1])
            or page.dated_item(link)
            or article_url(found[1], page.rules)
        ):
            return []  # an article or another site among them: not a group of columns
        new.append(found)
    return new


def _link_directories(page: _Page) -> set[etree._Element]:
    """Blocks made mostly of links to other hosts (lists of departments, counties, sites)."""
    external: dict[etree._Element, int] = {}
    total: dict[etree._Element, int] = {}
    for link in LINKS(page.body):
        url = absolute(page.base, link.get("href"))
        outside = bool(url) and page.external(url)
        for level, node in enumerate(ancestors(link, page.body)):
            if level >= 5:
                break
            total[node] = total.get(node, 0) + 1
            external[node] = external.get(node, 0) + outside
    return {
        node
        for node, count in external.items()
        if count >= LINK_DIRECTORY_MIN and count >= 0.6 * total[node]
    }


# --- shared helpers -----------------------------------------------------------------------------


def _add(
    found: dict[str, ColumnFacts],
    page: _Page,
    name: str,
    url: str,
    parent: str,
    source: str,
    categories: Mapping[str, Sequence[str]],
) -> None:
    if url in found:
        return
    canonical, category = categorise(name, categories)
    found[url] = ColumnFacts(
        name=name,
        canonical=canonical,
        category=category,
        url=url,
        parent=parent,
        source=source,
        external=page.external(url),
    )


def _with_path_parents(found: dict[str, ColumnFacts]) -> list[ColumnFacts]:
    """Columns without a known parent get the column whose directory holds their URL
    (/zwgk/tzgg/ under /zwgk/), when there is exactly one such nearest column."""
    directories: dict[tuple[str, str], ColumnFacts] = {}
    for column in found.values():
        parts = urlsplit(column.url)
        path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
        if path.count("/") >= 2:
            directories.setdefault((host_key(column.url), path), column)
    result = []
    for column in found.values():
        if not column.parent:
            parent = _directory_parent(column, directories)
            if parent is not None:
                column = replace(column, parent=parent.name)
        result.append(column)
    return result


def _directory_parent(
    column: ColumnFacts, directories: Mapping[tuple[str, str], ColumnFacts]
) -> ColumnFacts | None:
    parts = urlsplit(column.url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.path and not parts.path.endswith("/"):
        segments = segments[:-1]  # the list page's own file name
    host = host_key(column.url)
    for depth in range(len(segments) - 1, 0, -1):
        candidate = directories.get((host, "/" + "/".join(segments[:depth]) + "/"))
        if candidate is not None and candidate.url != column.url:
            return candidate
    return None


def column_like(name: str, url: str, rules: ColumnRules) -> bool:
    if not name or len(name) > rules.max_name_length:
        return False
    lowered = name.lower()
    if lowered in _lowered(rules.ignore_texts):
        return False
    if any(part in lowered for part in _lowered(rules.ignore_substrings)):
        return False
    return not ignored_url(url, rules)


@functools.lru_cache(maxsize=16)
def _lowered(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(text.lower() for text in texts)


def ignored_url(url: str, rules: ColumnRules) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True  # javascript:, mailto:, tel:
    path = parts.path.lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if extension in rules.ignore_extensions:
        return True
    return article_url(f"{path}?{parts.query.lower()}", rules)


def article_url(url: str, rules: ColumnRules) -> bool:
    return bool(_article_re(rules.article_path).search(url))


@functools.lru_cache(maxsize=8)
def _article_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)
