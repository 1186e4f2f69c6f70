"""Helpers over a parsed page shared by the once-per-site readers (columns, site map, list pages,
footer, sampling): URLs and hosts, link texts, page chrome, headings, friend-link blocks.

Everything works on lxml trees from `parse_html`; the readers parse a page once and pass the
tree around. `prepare(html)` also inserts what inline scripts write (`document.write`), since a
visitor's browser shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.scripts import expand_script_writes

__all__ = [
    "LINKS",
    "TEXT_OF",
    "absolute",
    "ancestors",
    "base_href",
    "body_of",
    "host_key",
    "in_chrome",
    "friend_link_blocks",
    "in_blocks",
    "is_heading",
    "link_text",
    "prepare",
    "scope_keys",
    "text_of",
]

LINKS = etree.XPath("descendant-or-self::a[@href]")
TEXT_OF = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::select or ancestor::textarea)]"
)
# Containers that are page chrome, not content (list pages and site maps skip their links).
_CHROME_RE = re.compile(
    r"nav|menu|daohang|header|footer|foot|bottom|copyright|crumb|banquan|position|location"
    r"|dqwz|weizhi",
    re.IGNORECASE,
)
# Block headings by class/id: "tit", "news-title", "hd", "lm_name", or camelCase "boxTitle".
_HEADING_ATTR_RE = re.compile(
    r"(?:^|[-_\s])(?:tit|title|hd|head|bt|name|lanmu|lm|tt)(?:$|[-_\s\d])", re.IGNORECASE
)
_HEADING_CAMEL_RE = re.compile(r"[a-z](?:Tit|Title|Head|Name)(?:$|[-_\sA-Z\d])")
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b"})
# 友情链接 / 相关链接 blocks: by heading text, or by id/class.
FRIEND_LINK_WORDS = (
    "友情链接",
    "相关链接",
    "网站链接",
    "链接导航",
    "友链",
    "兄弟网站",
    "政府网站链接",
)
_FRIEND_ATTR_RE = re.compile(r"yqlj|friend|flink|youqing|yqlink", re.IGNORECASE)


def prepare(html: str) -> etree._Element:
    """Parse a page and insert what its inline scripts write (document.write)."""
    return expand_script_writes(parse_html(html), in_place=True)


def absolute(base: str, href: str | None) -> str:
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


def base_href(doc: etree._Element, base_url: str) -> str:
    base = doc.find(".//base[@href]")
    if base is None:
        return base_url
    try:
        return urljoin(base_url, base.get("href").strip())
    except ValueError:
        return base_url


def host_key(url: str) -> str:
    """A URL's host as compared for scope: lower case, without port 80/443 or `www.`."""
    try:
        host = urlsplit(url).hostname or "" if "://" in url else url
    except ValueError:
        return ""
    host = host.lower().strip().rstrip(".")
    host = host.split(":", 1)[0] if host.count(":") == 1 else host
    return host[4:] if host.startswith("www.") else host


def scope_keys(scope_hosts: Iterable[str] | None, base_url: str) -> set[str]:
    hosts = list(scope_hosts or ()) or [base_url]
    return {host_key(h) for h in hosts}


def body_of(doc: etree._Element) -> etree._Element:
    body = doc.find("body")
    return body if body is not None else doc


def text_of(element: etree._Element) -> str:
    return " ".join(t.strip() for t in TEXT_OF(element) if t.strip())


def link_text(link: etree._Element, *, with_images: bool = True) -> str:
    """What a link says: its text, else its title, else its images' alt/title."""
    text = "".join(TEXT_OF(link))
    if text.strip():
        return text
    if link.get("title"):
        return link.get("title") or ""
    if with_images:
        for img in link.iter("img", "input"):
            label = img.get("alt") or img.get("title") or ""
            if label.strip():
                return label
    return ""


def ancestors(element: etree._Element, stop: etree._Element | None = None) -> Iterator:
    node = element.getparent()
    while node is not None and node is not stop:
        yield node
        node = node.getparent()


def in_chrome(element: etree._Element | None, stop: etree._Element) -> bool:
    """Whether an element sits in navigation, header, footer or breadcrumb chrome."""
    node = element
    while node is not None and node is not stop:
        if node.tag in ("nav", "header", "footer"):
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _CHROME_RE.search(attrs):
            return True
        node = node.getparent()
    return False


def is_heading(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag in HEADING_TAGS:
        return True
    attrs = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
    return bool(attrs) and bool(_HEADING_ATTR_RE.search(attrs) or _HEADING_CAMEL_RE.search(attrs))


def friend_link_blocks(doc: etree._Element) -> set[etree._Element]:
    """友情链接 / 相关链接 blocks of a page: containers named so by id/class, and the block
    around a short heading that says so (the nearest ancestor holding several links)."""
    blocks: set[etree._Element] = set()
    for element in doc.iter(etree.Element):
        attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
        if attrs.strip() and _FRIEND_ATTR_RE.search(attrs):
            blocks.add(element)
    for text in TEXT_OF(doc):
        stripped = text.strip(" \t\r\n:：·|")
        if not stripped or len(stripped) > 10 or not stripped.startswith(FRIEND_LINK_WORDS):
            continue
        node = text.getparent()
        if node is not None and any(a.tag == "a" for a in (node, *ancestors(node))):
            continue  # a link named 友情链接 is a menu entry, not a block's heading
        for _ in range(4):
            if node is None or node.tag in ("body", "html"):
                break
            if len(LINKS(node)) >= 2:
                blocks.add(node)
                break
            node = node.getparent()
    return blocks


def in_blocks(element: etree._Element, blocks: set[etree._Element]) -> bool:
    """Whether `element` is one of `blocks` or sits inside one."""
    if not blocks:
        return False
    node = element
    while node is not None:
        if node in blocks:
            return True
        node = node.getparent()
    return False
