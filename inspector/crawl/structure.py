"""Once-per-site analysis: columns (栏目) from the home page and site map, list-page facts,
and the footer elements the census requires.

Policy (keywords, patterns) comes from the rules profile — `[categories]`, `[columns]` and
`[elements]` of `checks/rules/census2015.toml` — with the same defaults kept here as module
constants so the module works standalone.

The pages are parsed with lxml through `parse_html` (the same parser and the same stray-`</html>`
repair as the per-page extraction), rather than BeautifulSoup: one tree model for the whole
project, `list_page_facts` can hand its tree straight to the date extractor, and the profile's
element patterns are CSS selectors that lxml's cssselect compiles to XPath once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector

from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import parse_html
from inspector.facts import ColumnFacts
from inspector.vocabulary import DEFAULT_COLUMN_RULES, ColumnRules, categorise, normalise_name

__all__ = [
    "DEFAULT_COLUMN_RULES",
    "DEFAULT_ELEMENT_PATTERNS",
    "ColumnRules",
    "categorise",
    "discover_columns",
    "discover_sitemap_columns",
    "find_footer_elements",
    "find_sitemap_url",
    "list_page_facts",
    "normalise_name",
]

# --- policy defaults (mirrored in census2015.toml) ---------------------------------------------


# Footer elements. Per element, matchers tried in this order (first hit gives the value):
#   text      regexes over the area's visible text (value: group 1, else the match)
#   link_text regexes over link texts and image alt/title (value: the link URL)
#   href      regexes over href/src of a, img, script, iframe, embed (value: the URL)
#   css       CSS selectors (value: the element's href/src, else tag#id)
DEFAULT_ELEMENT_PATTERNS: Mapping[str, Mapping[str, Sequence[str]]] = {
    "site_code": {"text": [r"网站标识码\s*[:：]?\s*([A-Za-z0-9]{10})"]},
    "icp": {"text": [r"([\u4e00-\u9fa5]\s*ICP\s*备\s*\d+\s*号?(?:\s*-\s*\d+)?)"]},
    "police_record": {
        "text": [r"([\u4e00-\u9fa5]\s*公网安备\s*\d+\s*号)"],
        "href": [r"beian\.gov\.cn", r"beian\.mps\.gov\.cn"],
    },
    "party_gov_logo": {
        "href": [r"conac\.cn"],
        "css": [
            "#_ideConac",
            "[id*=ideConac]",
            "img[src*=dzjg]",
            "[class*=dzjg] img",
            'img[alt*="党政机关"]',
            '[title*="党政机关"]',
        ],
    },
    "sitemap": {"link_text": [r"网站地图|站点地图"]},
    "search": {
        "css": [
            "form input[type=text]",
            "form input[type=search]",
            "form input:not([type])",
            "[id*=search] input",
            "[class*=search] input",
            "[id*=sousuo] input",
            "[class*=sousuo] input",
        ]
    },
    "contact": {
        "text": [
            r"((?:联系|咨询|服务)电话\s*[:：]?\s*[\d\-－() （）]{7,})",
            r"(电话\s*[:：]\s*[\d\-－() （）]{7,})",
            r"(地址\s*[:：]\s*[^\s|｜]{4,40})",
            r"(联系我们|联系方式)",
        ]
    },
    "find_error": {
        "link_text": [r"我为政府网站找错", r"网站找错"],
        "href": [r"zfwzzc", r"pucha", r"zfwzgl\.www\.gov\.cn/exposure", r"jiucuo"],
        "css": ["#_jiucuo_", "#_span_jiucuo", 'img[title*="找错"]', 'img[alt*="找错"]'],
    },
}

# Containers that are page chrome, not content (list pages and site maps skip their links).
_CHROME_ATTR = r"nav|menu|daohang|header|footer|foot|bottom|copyright|crumb|banquan"
# Footer containers: by tag, or by id/class in the second half of the page.
_FOOTER_ATTR_RE = re.compile(r"foot|bottom|copyright|banquan|dibu", re.IGNORECASE)
# Block headings by class/id: "tit", "news-title", "hd", "lm_name", or camelCase "boxTitle".
_HEADING_ATTR_RE = re.compile(
    r"(?:^|[-_\s])(?:tit|title|hd|head|bt|name|lanmu|lm)(?:$|[-_\s\d])", re.IGNORECASE
)
_HEADING_CAMEL_RE = re.compile(r"[a-z](?:Tit|Title|Head|Name)(?:$|[-_\sA-Z\d])")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b"})
_FOOTER_TAIL_SHARE = 0.3  # the last 30% of the page's elements when no footer is marked
_SPACE_RE = re.compile(r"\s+")

_LINKS = etree.XPath("descendant-or-self::a[@href]")
# Navigation containers: <nav>, lists in a header, and elements whose id/class matches $attr
# (the profile's nav_attr regex, passed as an XPath variable).
_NAV_CONTAINERS = etree.XPath(
    "//nav | //header//ul"
    " | //*[re:test(@id, '^(header|head)', 'i') or re:test(@class, '(^|\\s)(header|head)', 'i')]//ul"
    " | //*[re:test(@id, $attr, 'i') or re:test(@class, $attr, 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
_TEXT_OF = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
)


# --- public functions --------------------------------------------------------------------------


def discover_columns(
    html: str,
    base_url: str,
    categories: Mapping[str, Sequence[str]],
    *,
    scope_hosts: set[str] | None = None,
    rules: ColumnRules | Mapping[str, Any] | None = None,
) -> list[ColumnFacts]:
    """Columns linked from a home page: navigation menus (source "nav") and block headings
    with a 更多/more link (source "more"), deduplicated by URL in that order."""
    rules = _rules(rules)
    doc = parse_html(html)
    base = _base_href(doc, base_url)
    scope = _scope(scope_hosts, base_url)
    found: dict[str, ColumnFacts] = {}
    for name, url, parent in _nav_links(doc, base, rules):
        _add(found, name, url, parent, "nav", categories, scope)
    for name, url in _more_links(doc, base, rules):
        _add(found, name, url, "", "more", categories, scope)
    return list(found.values())


def discover_sitemap_columns(
    html: str,
    base_url: str,
    categories: Mapping[str, Sequence[str]],
    scope_hosts: set[str] | None = None,
    *,
    rules: ColumnRules | Mapping[str, Any] | None = None,
) -> list[ColumnFacts]:
    """Columns listed on a 网站地图 page, each with the heading it sits under as `parent`."""
    rules = _rules(rules)
    doc = parse_html(html)
    base = _base_href(doc, base_url)
    scope = _scope(scope_hosts, base_url)
    found: dict[str, ColumnFacts] = {}
    for name, url, parent in _sitemap_links(doc, base, rules):
        _add(found, name, url, parent, "sitemap", categories, scope)
    return list(found.values())


def find_sitemap_url(
    html: str, base_url: str, *, rules: ColumnRules | Mapping[str, Any] | None = None
) -> str | None:
    """URL of the site map linked from a page (link text 网站地图/站点地图), or None."""
    rules = _rules(rules)
    doc = parse_html(html)
    base = _base_href(doc, base_url)
    for link in _LINKS(doc):
        text = normalise_name(_link_text(link), rules)
        if any(marker in text for marker in rules.sitemap_texts):
            url = _absolute(base, link.get("href"))
            if url:
                return url
    return None


def list_page_facts(
    html: str,
    base_url: str,
    as_of: date,
    *,
    rules: ColumnRules | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Facts of a column's list page (page one).

    `item_count`: links of the main list (the largest group of sibling item links with
    title-like texts outside the page chrome); `newest_date`: the newest list-item date, or the
    visible publication date when the column shows a single article; `empty_marker`: the page
    shows 暂无信息/正在建设中… and no dated item; `kind` and `item_dates` for the record.
    """
    rules = _rules(rules)
    doc = parse_html(html)
    dates = extract_dates(doc, as_of, url=base_url)
    newest = dates.newest_item_date
    if newest is None and dates.pub_date is not None:
        shown = any(
            c.accepted and c.date == dates.pub_date and not c.rule.startswith(("meta:", "url"))
            for c in dates.candidates
        )
        newest = dates.pub_date if shown else None
    item_count = _count_items(doc, rules)
    marker = _empty_marker(doc, rules)
    return {
        "item_count": item_count,
        "newest_date": newest,
        "empty_marker": bool(marker) and not dates.item_dates,
        "kind": dates.kind,
        "item_dates": list(dates.item_dates),
    }


def find_footer_elements(
    html: str,
    base_url: str,
    patterns: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The census page elements (site code, ICP, police record, 党政机关 logo, site map, search,
    contact, 找错) found in the footer area, else anywhere on the page.

    `patterns` is the profile's `[elements]` table (element → matchers); None uses
    DEFAULT_ELEMENT_PATTERNS. Each element maps to {"found": True, "value": ..., "where":
    "footer" | "page"} or {"found": False}.
    """
    patterns = DEFAULT_ELEMENT_PATTERNS if patterns is None else patterns
    doc = parse_html(html)
    base = _base_href(doc, base_url)
    areas = [("footer", _Area(_footer_roots(doc))), ("page", _Area([_body(doc)]))]
    result: dict[str, dict[str, Any]] = {}
    for element, spec in patterns.items():
        result[element] = {"found": False}
        for where, area in areas:
            if not area.roots:
                continue
            value = _match_element(spec, area, base)
            if value is not None:
                result[element] = {"found": True, "value": value, "where": where}
                break
    return result


# --- columns: navigation -----------------------------------------------------------------------


def _nav_links(
    doc: etree._Element, base: str, rules: ColumnRules
) -> Iterator[tuple[str, str, str]]:
    containers = _NAV_CONTAINERS(doc, attr=rules.nav_attr)
    for container in containers:
        for link in _LINKS(container):
            name = normalise_name(_link_text(link), rules)
            url = _absolute(base, link.get("href"))
            if url and _column_like(name, url, rules):
                yield name, url, _nav_parent(link, container, rules)


def _nav_parent(link: etree._Element, container: etree._Element, rules: ColumnRules) -> str:
    """The menu entry a submenu link hangs under: the first link of an enclosing li/dl."""
    node = link.getparent()
    while node is not None:
        if node.tag in ("li", "dl"):
            first = next((a for a in _LINKS(node) if _link_text(a).strip()), None)
            if first is not None and first is not link:
                return normalise_name(_link_text(first), rules)
        if node is container:
            break
        node = node.getparent()
    return ""


# --- columns: 更多 links --------------------------------------------------------------------


def _more_links(doc: etree._Element, base: str, rules: ColumnRules) -> Iterator[tuple[str, str]]:
    order = {element: i for i, element in enumerate(doc.iter(etree.Element))}
    for link in _LINKS(doc):
        if not _is_more_link(link, rules):
            continue
        url = _absolute(base, link.get("href"))
        if not url or _ignored_url(url, rules):
            continue
        name = _block_name(link, url, base, order, rules)
        if name and len(name) <= rules.max_name_length:
            yield name, url


def _is_more_link(link: etree._Element, rules: ColumnRules) -> bool:
    raw = _link_text(link)
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
    more: etree._Element,
    url: str,
    base: str,
    order: Mapping[etree._Element, int],
    rules: ColumnRules,
) -> str:
    """Name of the block a 更多 link belongs to: a tab/heading link to the same URL, else the
    nearest heading before it, looked for in ever larger ancestors."""
    blocks = list(_block_ancestors(more))
    for node in blocks:
        for link in _LINKS(node):
            if link is not more and _absolute(base, link.get("href")) == url:
                name = normalise_name(_link_text(link), rules)
                if name and not _is_more_link(link, rules):
                    return name
    position = order.get(more, 0)
    for node in blocks:
        heading = _heading_before(node, position, order, rules)
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
        if order.get(element, position) >= position or not _is_heading(element):
            continue
        # A heading holding other links is a list item's title, not the block's name (a
        # heading linking to the block's own URL was recognised before we got here).
        if any(not _is_more_link(a, rules) for a in _LINKS(element)):
            continue
        # The 更多>> text of a link inside the heading is stripped by normalise_name.
        name = normalise_name(" ".join(_TEXT_OF(element)), rules)
        if name and len(name) <= rules.max_name_length:
            best = name
    return best


def _is_heading(element: etree._Element) -> bool:
    if element.tag in _HEADING_TAGS:
        return True
    attrs = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
    return bool(attrs) and bool(_HEADING_ATTR_RE.search(attrs) or _HEADING_CAMEL_RE.search(attrs))


# --- columns: site map -------------------------------------------------------------------------


def _sitemap_links(
    doc: etree._Element, base: str, rules: ColumnRules
) -> Iterator[tuple[str, str, str]]:
    area = _sitemap_area(doc, rules)
    heading = ""
    for element in area.iter(etree.Element):
        if _in_chrome(element, area):
            continue
        if element.tag != "a" and _is_heading(element) and not _LINKS(element):
            text = normalise_name(element.text_content(), rules)
            if text and len(text) <= rules.max_name_length:
                heading = text
            continue
        if element.tag != "a" or not element.get("href"):
            continue
        name = normalise_name(_link_text(element), rules)
        url = _absolute(base, element.get("href"))
        if not url or not _column_like(name, url, rules):
            continue
        if _heading_ancestor(element, area):
            heading = name
            yield name, url, ""
        else:
            yield name, url, heading


def _sitemap_area(doc: etree._Element, rules: ColumnRules) -> etree._Element:
    """The site map's own content: a container named like a map, else the page body."""
    marked = doc.xpath(
        "//*[re:test(@id, 'sitemap|wzdt|site-map|site_map|webmap|map', 'i')"
        " or re:test(@class, 'sitemap|wzdt|site-map|site_map|webmap|map', 'i')]",
        namespaces={"re": "http://exslt.org/regular-expressions"},
    )
    # Site maps are often several sibling blocks (<dl class="map"> per group): take the
    # outermost marked elements, and their common parent when there are several.
    marked_set = set(marked)
    roots = [e for e in marked if not any(a in marked_set for a in e.iterancestors())]
    if len(roots) > 1:
        parents = {e.getparent() for e in roots}
        roots = [parents.pop()] if len(parents) == 1 else []
    best = roots[0] if roots else None
    if best is not None and len(_LINKS(best)) >= 3:
        return best
    return _body(doc)


def _heading_ancestor(link: etree._Element, stop: etree._Element) -> bool:
    node = link.getparent()
    for _ in range(3):
        if node is None or node is stop:
            return False
        if _is_heading(node):
            return True
        node = node.getparent()
    return False


# --- list pages ------------------------------------------------------------------------------------


def _count_items(doc: etree._Element, rules: ColumnRules) -> int:
    """Size of the largest group of sibling item links with title-like texts."""
    body = _body(doc)
    groups: dict[etree._Element, int] = {}
    for link in _LINKS(body):
        name = normalise_name(_link_text(link), rules)
        url = link.get("href", "").strip()
        if len(name) < 5 or url.startswith(("javascript", "#", "mailto:")):
            continue
        if _in_chrome(link, body):
            continue
        item = _item_of(link)
        container = item.getparent()
        if container is not None:
            groups[container] = groups.get(container, 0) + 1
    return max(groups.values(), default=0)


def _item_of(link: etree._Element) -> etree._Element:
    node = link
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node.tag in ("li", "tr", "dd", "dt"):
            return node
    return link.getparent() if link.getparent() is not None else link


def _empty_marker(doc: etree._Element, rules: ColumnRules) -> str:
    body = _body(doc)
    for text in _TEXT_OF(body):
        stripped = text.strip()
        if not stripped or len(stripped) > 40:
            continue
        for marker in rules.empty_markers:
            if marker in stripped and not _in_chrome(text.getparent(), body):
                return marker
    return ""


def _in_chrome(element: etree._Element | None, stop: etree._Element) -> bool:
    """Whether an element sits in navigation, header or footer chrome (below `stop`)."""
    node = element
    while node is not None and node is not stop:
        if node.tag in ("nav", "header", "footer"):
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _chrome_re().search(attrs):
            return True
        node = node.getparent()
    return False


@functools.cache
def _chrome_re() -> re.Pattern[str]:
    return re.compile(_CHROME_ATTR, re.IGNORECASE)


# --- footer elements ---------------------------------------------------------------------------


class _Area:
    """Part of a page searched for elements, with its text computed once."""

    def __init__(self, roots: Sequence[etree._Element]) -> None:
        self.roots = list(roots)
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            parts: list[str] = []
            for root in self.roots:
                parts.extend(_TEXT_OF(root))
                if root.tail:
                    parts.append(root.tail)
            self._text = _SPACE_RE.sub(" ", " ".join(parts))
        return self._text

    def elements(self, tags: Iterable[str]) -> Iterator[etree._Element]:
        wanted = set(tags)
        for root in self.roots:
            for element in root.iter(etree.Element):
                if element.tag in wanted:
                    yield element


def _footer_roots(doc: etree._Element) -> list[etree._Element]:
    body = _body(doc)
    elements = list(body.iter(etree.Element))
    if not elements:
        return []
    half = len(elements) // 2
    roots: list[etree._Element] = []
    for i, element in enumerate(elements):
        if any(_is_ancestor(root, element) for root in roots):
            continue
        attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag == "footer" or (i >= half and _FOOTER_ATTR_RE.search(attrs)):
            roots.append(element)
    if roots:
        return roots
    cut = int(len(elements) * (1 - _FOOTER_TAIL_SHARE))
    index = {element: i for i, element in enumerate(elements)}
    return [e for e in elements[cut:] if index.get(e.getparent(), -1) < cut]


def _is_ancestor(ancestor: etree._Element, element: etree._Element) -> bool:
    node = element.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _match_element(spec: Mapping[str, Sequence[str]], area: _Area, base: str) -> str | None:
    for pattern in spec.get("text", ()):
        match = _regex(pattern).search(area.text)
        if match:
            value = match.group(1) if match.groups() else match.group()
            return _SPACE_RE.sub("", value)
    for pattern in spec.get("link_text", ()):
        for link in area.elements(("a",)):
            if _regex(pattern).search(_link_text(link, with_images=True)):
                return _absolute(base, link.get("href")) or _link_text(link).strip()
    for pattern in spec.get("href", ()):
        for element in area.elements(("a", "img", "script", "iframe", "embed", "link")):
            url = element.get("href") or element.get("src") or ""
            if url and _regex(pattern).search(url):
                return _absolute(base, url) or url
    for selector in spec.get("css", ()):
        for root in area.roots:
            hits = _css(selector)(root)
            if hits:
                return _describe(hits[0], base)
    return None


def _describe(element: etree._Element, base: str) -> str:
    url = element.get("href") or element.get("src")
    if url:
        return _absolute(base, url) or url
    ident = element.get("id") or element.get("name") or ""
    return f"{element.tag}#{ident}" if ident else element.tag


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


# --- shared helpers ----------------------------------------------------------------------------


def _rules(rules: ColumnRules | Mapping[str, Any] | None) -> ColumnRules:
    if isinstance(rules, ColumnRules):
        return rules
    return ColumnRules.from_mapping(rules)


def _add(
    found: dict[str, ColumnFacts],
    name: str,
    url: str,
    parent: str,
    source: str,
    categories: Mapping[str, Sequence[str]],
    scope: set[str],
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
        external=_host_key(url) not in scope,
    )


def _column_like(name: str, url: str, rules: ColumnRules) -> bool:
    if not name or len(name) > rules.max_name_length:
        return False
    lowered = name.lower()
    if lowered in {text.lower() for text in rules.ignore_texts}:
        return False
    if any(part.lower() in lowered for part in rules.ignore_substrings):
        return False
    return not _ignored_url(url, rules)


def _ignored_url(url: str, rules: ColumnRules) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True  # javascript:, mailto:, tel:
    path = parts.path.lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if extension in rules.ignore_extensions:
        return True
    return bool(_article_re(rules.article_path).search(path))


@functools.lru_cache(maxsize=8)
def _article_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _absolute(base: str, href: str | None) -> str:
    """Absolute URL without fragment; "" for empty, fragment-only and script links."""
    if not href:
        return ""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "vbscript:")):
        return ""
    try:
        return urldefrag(urljoin(base, href)).url
    except ValueError:  # malformed URLs such as "http://[bad"
        return ""


def _base_href(doc: etree._Element, base_url: str) -> str:
    base = doc.find(".//base[@href]")
    return urljoin(base_url, base.get("href").strip()) if base is not None else base_url


def _scope(scope_hosts: set[str] | None, base_url: str) -> set[str]:
    hosts = scope_hosts if scope_hosts else {urlsplit(base_url).hostname or ""}
    return {_host_key_of_host(h) for h in hosts}


def _host_key(url: str) -> str:
    return _host_key_of_host(urlsplit(url).hostname or "")


def _host_key_of_host(host: str) -> str:
    host = host.lower().strip().rstrip(".")
    if "://" in host:
        host = urlsplit(host).hostname or ""
    host = host.split(":", 1)[0] if host.count(":") == 1 else host
    return host[4:] if host.startswith("www.") else host


def _link_text(link: etree._Element, *, with_images: bool = False) -> str:
    text = "".join(_TEXT_OF(link))
    if not text.strip():
        text = link.get("title") or ""
    if with_images:
        extras = [img.get("alt") or img.get("title") or "" for img in link.iter("img")]
        text = " ".join([text, *extras])
    return text


def _body(doc: etree._Element) -> etree._Element:
    body = doc.find("body")
    return body if body is not None else doc
