"""Link extraction from one parsed page: the crawl's hot path, plain lxml.

One `iter()` over the tags that can point somewhere (libxml2 filters the tags in C; the union
xpath of `//tag[@attr]` branches it replaces cost 5-40x more and grew quadratically with page
size); each distinct raw URL is joined once per page. Links that are never fetched (javascript:,
mailto:, tel:, data:, pure fragments) and strings no browser could open (`http://`, an
unbalanced `]` in the host) are dropped here so nothing downstream can report them broken or
choke on them.

URLs are read the way browsers read them (WHATWG URL, HTML `srcset` and `<meta refresh>`
algorithms): backslashes count as slashes before the query only, `srcset` candidates are split
at whitespace-then-comma (URLs may contain commas), a refresh URL may be quoted or bare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import tostring as _tostring

from inspector.crawl.extract.resources import expected_resource
from inspector.crawl.extract.scripts import datastore_records

# (element, attributes) read for each tag, in this order.
_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    # Lazy-loading CMS templates keep the real image in data-original / data-src.
    "img": ("src", "srcset", "data-original", "data-src"),
    "script": ("src",),
    "link": ("href",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),  # only <input type=image>
    # Table-layout CMS templates paint their banners and cells with `background=` images.
    "body": ("background",),
    "table": ("background",),
    "tr": ("background",),
    "td": ("background",),
    "th": ("background",),
}
LINK_TAGS: tuple[str, ...] = (*_ATTRS, "meta")
# What the security facts read besides links and meta refreshes (PageElements.others); <style>
# is the one tag the link pass walks for them alone.
_SEEN_TAGS = frozenset(("script", "style", "iframe", "frame"))
_SPECIAL = frozenset(("meta", "link", "input", *_SEEN_TAGS))  # tags with a rule of their own
_SEEN_WALK: tuple[str, ...] = (*LINK_TAGS, "style")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "about:", "file:", "ftp:")
# <link rel> values that are hints, not resources a visitor loads; a link is skipped when all of
# its rel tokens are hints.
_LINK_REL_SKIP = {"dns-prefetch", "preconnect", "alternate", "search"}
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_REFRESH = re.compile(r"""\s*[0-9.]+\s*(?:[;,\s]\s*(?:url\s*=\s*)?(.*))?$""", re.I | re.S)
_SPACE = re.compile(r"\s+")
TEXT_MAX = 200
# Page positions by tag, then by id/class. Matched against "class id" of each ancestor of a link;
# footer words must start a token ("border-bottom" is not a footer), header words must be one.
_FOOTER_ATTR = re.compile(r"(?:^|\s)(?:footer|foot|bottom|copyright|banquan|dibu)", re.I)
_NAV_ATTR = re.compile(
    r"nav|menu|daohang|crumb|(?:^|\s)(?:header|head|top)(?:$|\s|[-_\d]|bar|nav|menu)", re.I
)
_POSITION_RANK = {"content": 0, "nav": 1, "footer": 2, "head": 3}


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, without fragment (for an invalid link: the value as written)
    fragment: str
    element: str
    attribute: str
    text: str
    invalid: str = ""  # why no browser can open it ("file_url", "no_host", "bad_url"); "" when fine
    # What the element expects the URL to be (image, icon, script, stylesheet, font; "" for
    # pages and anything else): a resource answered with an HTML page is broken for the reader.
    expects: str = ""
    # Where on the page the link sits: "nav" (navigation, header, menus, breadcrumbs), "footer",
    # "content", or "" for what is not shown (the <head>). The report tells a webmaster where
    # to look with it.
    position: str = ""


@dataclass(slots=True)
class PageElements:
    """What the link pass met that the security facts read (link_rows fills it when given one):
    the security facts then need no walk of their own over the tree, the costliest part of
    them on a real page."""

    # (<a>, its href as written) of the links whose href can name a host ("//" or "\\" in it):
    # the others stay on the page's own host, which the security facts trust.
    anchors: list[tuple[Any, str]] = field(default_factory=list)
    # <script>, <style>, <iframe>, <frame> and <meta http-equiv=refresh>, in document order
    others: list[Any] = field(default_factory=list)
    complete: bool = False  # the pass read the whole page (not stopped at its link limit)


def page_elements(doc) -> PageElements:  # noqa: ANN001 - lxml element
    """What link_rows collects in a PageElements, by a walk of its own: for a page the link pass
    stopped at its limit, or a caller without a link pass."""
    seen = PageElements(complete=True)
    for el in doc.iter("a", "meta", *_SEEN_TAGS):
        tag = el.tag
        if tag == "a":
            if (href := el.get("href")) and ("//" in href or "\\" in href):
                seen.anchors.append((el, href))
        elif tag != "meta" or (el.get("http-equiv") or "").lower() == "refresh":
            seen.others.append(el)
    return seen


def _srcset_urls(value: str) -> list[str]:
    """The candidate URLs of a srcset, as the HTML "parse a srcset attribute" algorithm reads them."""
    urls = []
    pos, end = 0, len(value)
    while pos < end:
        m = _SRCSET_URL.match(value, pos)
        if m is None:
            break
        url = m.group(1)
        pos = m.end()
        if url.endswith(","):
            url = url.rstrip(",")  # "a.jpg,b.jpg 2x" has no descriptor: the comma ends it
        else:
            comma = value.find(",", pos)  # skip the descriptors ("2x", "100w")
            pos = end if comma < 0 else comma + 1
        if url:
            urls.append(url)
    return urls


def _refresh_url(content: str) -> str | None:
    """The URL of a `<meta http-equiv=refresh>` content: `5;url=x`, `0; URL='x'`, `0, x`."""
    m = _REFRESH.match(content)
    if m is None or not m.group(1):
        return None  # no number (browsers ignore it) or a plain reload of the page
    url = m.group(1)
    if url[0] in "'\"":
        url = url[1:].partition(url[0])[0]
    return url.strip() or None


def _text_of(el) -> str:  # noqa: ANN001 - lxml element
    tag = el.tag
    if tag in ("a", "area"):
        # text_content()'s string, serialised in C (it ran an XPath per link)
        text = _tostring(el, method="text", encoding=str, with_tail=False) if tag == "a" else ""
        if not text.strip():
            # Image buttons: the alt of the image inside the link is its visible name.
            text = el.get("title") or el.get("alt") or ""
            if not text and tag == "a":
                for img in el.iter("img"):
                    text = img.get("alt") or img.get("title") or ""
                    break
    elif tag in ("img", "input"):
        text = el.get("alt") or el.get("title") or ""
    else:
        text = el.get("title") or ""
    text = _SPACE.sub(" ", text).strip()
    return text[:TEXT_MAX]


def base_url_of(doc, page_url: str) -> str:  # noqa: ANN001
    """The page's base URL: the first `<base>` with an href attribute wins, as in browsers."""
    for base in doc.iter("base"):
        href = base.get("href")
        if href is None:
            continue
        href = href.strip()
        if not href:
            return page_url
        try:
            joined = urljoin(page_url, href.replace("\\", "/"))
        except ValueError:
            return page_url
        return joined if joined.startswith(("http://", "https://")) else page_url
    return page_url


def extract_links(
    doc,  # noqa: ANN001
    page_url: str,
    *,
    include_invalid: bool = False,
    limit: int = 0,
) -> list[Link]:
    """Every link occurrence on the page, in document order (the first `limit`, when given:
    a hostile page of 200,000 links costs what its first few thousand cost).

    With `include_invalid`, links no browser can open (a `file:///C:/…` path to the editor's
    disk, `http://` without a host) are returned too, flagged in `Link.invalid`: for the census
    they are broken links, though there is nothing to fetch.
    """
    rows = link_rows(doc, page_url, include_invalid=include_invalid, limit=limit)
    return [Link(*row) for row in rows]


# (url, fragment, element, attribute, text, invalid, expects, position): a Link's fields, in
# its order.
LinkRow = tuple[str, str, str, str, str, str, str, str]


def link_rows(
    doc,  # noqa: ANN001
    page_url: str,
    *,
    include_invalid: bool = False,
    limit: int = 0,
    seen: PageElements | None = None,
) -> list[LinkRow]:
    """`extract_links` as plain tuples: the crawl's hot path builds no object per occurrence.
    With `seen`, the elements the security facts read are collected on the way."""
    base = BaseUrl(base_url_of(doc, page_url))
    joined: dict[str, tuple[str, str, str] | None] = {}
    rows: list[LinkRow] = []
    position_of = _PositionFinder()

    def resolve(raw: str) -> tuple[str, str, str] | None:
        hit = joined.get(raw, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        found = _resolve(base, raw)
        if found is not None:
            result: tuple[str, str, str] | None = (found[0], found[1], "")
        elif include_invalid and (why := invalid_reason(raw)):
            result = (raw.strip(), "", why)
        else:
            result = None
        joined[raw] = result
        return result

    append = rows.append
    # Collecting for the security facts costs a test per element only on the few tags it reads.
    others, anchors = (seen.others, seen.anchors) if seen is not None else (None, None)
    for el in doc.iter(*(LINK_TAGS if seen is None else _SEEN_WALK)):
        tag = el.tag
        if tag == "a":
            if (value := el.get("href")) is None:
                continue
            if anchors is not None and ("//" in value or "\\" in value):
                anchors.append((el, value))
        elif tag in _SPECIAL:
            if others is not None and tag in _SEEN_TAGS:
                others.append(el)
                if tag == "style":
                    continue
            if tag == "meta":
                if (row := _refresh_row(el, resolve, others)) is not None:
                    append(row)
                continue
            if tag == "link":
                rel = (el.get("rel") or "").lower().split()
                if rel and all(token in _LINK_REL_SKIP for token in rel):
                    continue
            elif tag == "input" and (el.get("type") or "").strip().lower() != "image":
                continue
        text = None
        position = ""
        rel = el.get("rel") or "" if tag == "link" else ""
        for attr in _ATTRS[tag]:
            value = el.get(attr)
            if not value:
                continue
            if limit and len(rows) >= limit:
                return rows
            raws = _srcset_urls(value) if attr == "srcset" else (value,)
            for raw in raws:
                hit = resolve(raw)
                if hit is None:
                    continue
                if text is None:
                    text = _text_of(el)
                    position = position_of(el)
                expects = (
                    expected_resource(tag, attr, rel, el.get("as") or "") if tag != "a" else ""
                )
                append((hit[0], hit[1], tag, attr, text, hit[2], expects, position))
    if seen is not None:
        seen.complete = True
    return rows


def datastore_link_rows(doc, text: str, page_url: str, *, limit: int = 0) -> list[LinkRow]:  # noqa: ANN001
    """Link rows of the records of a Hanweb datastore (`<script type="text/xml">`): the list its
    dataproxy script shows a visitor, so links the crawl follows and checks like any other."""
    records = datastore_records(text)
    if not records:
        return []
    shown = lxml.html.document_fromstring(f"<html><body>{''.join(records)}</body></html>")
    rows = link_rows(shown, base_url_of(doc, page_url), include_invalid=True, limit=limit)
    return [(*row[:7], "content") for row in rows]


def _refresh_row(el, resolve, others: list[Any] | None) -> LinkRow | None:  # noqa: ANN001
    """The link row of a `<meta http-equiv=refresh>` (None for any other meta)."""
    if (el.get("http-equiv") or "").lower() != "refresh":
        return None
    if others is not None:
        others.append(el)
    raw = _refresh_url(el.get("content") or "")
    if raw and (hit := resolve(raw)):
        return (hit[0], hit[1], "meta", "content", "", hit[2], "", "")  # in <head>
    return None


class _PositionFinder:
    """The position of an element from its ancestors: a footer anywhere above wins over navigation,
    navigation over content (a menu inside a footer is the footer's). Each ancestor is judged
    once per page: links share their containers, so this costs a dict lookup per link."""

    __slots__ = ("memo",)

    def __init__(self) -> None:
        self.memo: dict[object, str] = {}

    def __call__(self, element) -> str:  # noqa: ANN001 - lxml element
        memo = self.memo
        chain = []
        node = element.getparent()
        position = "content"
        while node is not None:
            known = memo.get(node)
            if known is not None:
                position = known
                break
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            own = _own_position(node)
            if _POSITION_RANK[own] > _POSITION_RANK[position]:
                position = own
            memo[node] = position
        return "" if position == "head" else position


def _own_position(node) -> str:  # noqa: ANN001 - lxml element
    tag = node.tag
    if tag == "head":
        return "head"
    if tag == "footer":
        return "footer"
    if tag in ("nav", "header"):
        return "nav"
    attrs = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
    if not attrs:
        return "content"
    if _FOOTER_ATTR.search(attrs):
        return "footer"
    return "nav" if _NAV_ATTR.search(attrs) else "content"


def _resolve(base: str | BaseUrl, raw: str) -> tuple[str, str] | None:
    """(absolute URL without fragment, fragment) for a raw attribute value, or None to drop it."""
    value = raw.strip()
    if not value or value[0] == "#":
        return None
    low = value[:12].lower()
    if low.startswith(_SKIP_SCHEMES):
        return None
    if "\\" in value:
        # Browsers read a backslash as a slash in http(s) URLs, but not in the query or fragment.
        cut = len(value)
        for stop in ("?", "#"):
            i = value.find(stop)
            if 0 <= i < cut:
                cut = i
        value = value[:cut].replace("\\", "/") + value[cut:]
        low = value[:12].lower()
    if low.startswith("http://"):
        host_at = 7
    elif low.startswith("https://"):
        host_at = 8
    else:
        host_at = 0
    if host_at and (len(value) == host_at or value[host_at] in "/?#"):
        return (
            None  # "http://" with no host: browsers cannot open it (urljoin would say "this page")
        )
    if isinstance(base, BaseUrl):
        absolute = base.join(value)
        if absolute is None:
            return None
    else:
        try:
            absolute = urljoin(base, value)
        except ValueError:  # "http://host]/": urllib refuses an unbalanced IPv6 bracket
            return None
    if not absolute.startswith(("http://", "https://")):
        return None
    url, _, fragment = absolute.partition("#")
    netloc = url.split("/", 3)[2]
    if netloc.lower() != netloc:
        # Host names are case-insensitive: one spelling, so WWW.A.GOV.CN is not checked twice.
        scheme, _, rest = url.partition("://")
        url = f"{scheme.lower()}://{netloc.lower()}{rest[len(netloc) :]}"
    return url, fragment


class BaseUrl:
    """A page's base URL, joined with its links the way `urllib.parse.urljoin` joins them.

    The plain shapes that make up nearly every link (`/path`, `name.html`, `http://host/path`
    without dot segments, parameters or empty `?`/`#`) are joined by string operations whose
    result is urljoin's own (tests/test_link_types.py compares them); every other shape goes
    to urljoin. urljoin parses both URLs on every call: it was a third of link extraction.
    """

    __slots__ = ("base", "directory", "origin")

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = self.directory = ""
        try:
            parts = urlsplit(base)
        except ValueError:
            return
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return
        path = parts.path
        self.origin = f"{parts.scheme}://{parts.netloc}"
        if "//" not in path and ";" not in path and "/." not in path:
            self.directory = path[: path.rfind("/") + 1] or "/"

    def join(self, value: str) -> str | None:
        """urljoin(base, value), or None where urljoin raises ValueError."""
        if self.origin and _PLAIN.match(value) is not None:
            path, hashmark, fragment = value.partition("#")
            path, qmark, query = path.partition("?")
            if (not hashmark or fragment) and (not qmark or query) and ";" not in path:
                if value[0] == "/":
                    if "/." not in path:
                        return self.origin + value
                elif value.startswith(("http://", "https://")):
                    netloc = path.split("/", 3)[2]
                    if netloc and netloc.isascii() and "[" not in netloc and "]" not in netloc:
                        return value
                elif self.directory and ":" not in path and "//" not in path:
                    up = 0
                    while value.startswith("../", 3 * up):
                        up += 1
                    rest = value[3 * up :]
                    if "/." not in rest and not rest.startswith("."):
                        return self.origin + self._up(up) + rest
        try:
            return urljoin(self.base, value)
        except ValueError:  # "http://host]/": urllib refuses an unbalanced IPv6 bracket
            return None

    def _up(self, levels: int) -> str:
        """The base's directory, `levels` directories up (never above the root)."""
        if not levels:
            return self.directory
        dirs = self.directory.split("/")[1:-1]
        return "/" + "".join(d + "/" for d in dirs[: max(0, len(dirs) - levels)])


# Not a network-path reference (`//host`), not a query-only or fragment-only one, no leading
# control character or space (urllib strips those) and no tab or newline (urllib drops those).
_PLAIN = re.compile(r"(?!//)[^\x00-\x20?#][^\t\r\n]*\Z")


def invalid_reason(raw: str) -> str:
    """Why a dropped link value is one no browser can open, or "" when it was dropped on purpose
    (javascript:, mailto:, fragments …)."""
    value = raw.strip()
    low = value[:8].lower()
    if low.startswith("file:") or (
        len(value) > 2 and value[1] == ":" and value[2] in "\\/" and value[0].isalpha()
    ):
        return "file_url"  # a path on the editor's own disk: file:///C:/… or C:\…
    if low.startswith(("http://", "https://")):
        host = value.split("//", 1)[1]
        return "no_host" if not host or host[0] in "/?#" else "bad_url"
    return ""


def title_of(doc) -> str:  # noqa: ANN001
    """The first text of a `<title>` (what `//title/text()` finds first), without an XPath."""
    for title in doc.iter("title"):
        text = title.text or next((child.tail for child in title if child.tail), None)
        if text:
            return _SPACE.sub(" ", text).strip()[:500]
    return ""
