"""The page elements the census requires (网站标识码, ICP备案, 公安备案, 党政机关标识, 网站地图,
搜索, 联系方式, 我为政府网站找错), looked for in the footer area, then the whole page.

Patterns come from the rules profile's `[elements]`, with the same defaults here. What inline
scripts write (the 党政机关 badge is `document.write(unescape("%3Cspan id='_ideConac'…"))`) is
read as shown. A page whose header or footer is written by its own external scripts
(`<script src="/js/home_bottom.js">`) cannot be judged from its markup: an element not found
there is reported as not found *with* the scripts that may write it (`written_by`), and the
check does not call it missing. The crawl can read those scripts and pass what they write.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from lxml import etree
from lxml.cssselect import CSSSelector

from inspector.crawl.markup import (
    TEXT_OF,
    absolute,
    base_href,
    body_of,
    host_key,
    link_text,
    prepare,
)

__all__ = ["DEFAULT_ELEMENT_PATTERNS", "find_footer_elements", "layout_scripts"]

# Per element, matchers tried in this order (first hit gives the value):
#   text      regexes over the area's visible text and its images' alt/title (value: group 1,
#             else the match)
#   link_text regexes over link texts and image alt/title (value: the link URL)
#   href      regexes over href/src of a, img, script, iframe, embed, link (value: the URL)
#   css       CSS selectors (value: the element's href/src, else tag#id)
DEFAULT_ELEMENT_PATTERNS: Mapping[str, Mapping[str, Sequence[str]]] = {
    "site_code": {"text": [r"网站标识码\s*[:：]?\s*([A-Za-z0-9]{10})"]},
    "icp": {"text": [r"([\u4e00-\u9fa5]\s*ICP\s*[备证]?\s*[:：]?\s*\d{5,}\s*号?(?:\s*-\s*\d+)?)"]},
    "police_record": {
        "text": [r"([\u4e00-\u9fa5]\s*公网安备\s*\d+\s*号?)"],
        "href": [r"(?<!mii)(?<!icp\.)beian\.gov\.cn/portal", r"beian\.mps\.gov\.cn"],
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
    "sitemap": {
        "link_text": [r"网站地图|站点地图"],
        "href": [r"/(?:wzdt|sitemap|webmap|site_?map)(?:/|\.s?html?|\.jsp|\.aspx?|$)"],
    },
    "search": {
        # A link to the site's search page is its search entry as much as a box is.
        "link_text": [r"^\s*(?:站内|全站|网站|全文|信息|高级)?(?:搜索|检索)\s*$"],
        "css": [
            "form[action*=search] input[type=text]",
            "form[action*=search] input:not([type])",
            "form[action*=sousuo] input",
            "form[action*=was5] input",
            "form[action*=jsearch] input",
            "form[action*=query] input[type=text]",
            "[id*=search] input",
            "[class*=search] input",
            "[id*=Search] input",
            "[class*=Search] input",
            "[id*=sousuo] input",
            "[class*=sousuo] input",
            "input[name*=search]",
            "input[name*=keyword]",
            "input[name*=searchword]",
            "input[name=q]",
            "input[name=sw]",
            "input[name=wd]",
            "input[id*=search]",
            "input[id*=keyword]",
            "input[placeholder*=搜索]",
            "input[placeholder*=关键字]",
            "input[placeholder*=关键词]",
            "input[value*=搜索]",
            "input[value*=关键字]",
            "input[value*=关键词]",
        ],
    },
    "contact": {
        "text": [
            r"((?:联系|咨询|服务|举报|值班|办公)电话\s*[:：]?\s*[\d\-－() （）]{7,})",
            r"(电话\s*[:：]\s*[\d\-－() （）]{7,})",
            r"(地址\s*[:：]\s*[^\s|｜]{4,40})",
            r"((?:邮箱|电子邮件|E-?mail)\s*[:：]\s*[\w.\-]+@[\w.\-]+)",
            r"(联系我们|联系方式)",
        ]
    },
    "find_error": {
        "link_text": [r"我为政府网站找错", r"网站找错"],
        "href": [r"zfwzzc", r"pucha", r"/exposure/", r"jiucuo", r"errorInfo/jcInfo"],
        "css": ["#_jiucuo_", "#_span_jiucuo", 'img[title*="找错"]', 'img[alt*="找错"]'],
    },
}

# Where each census element usually sits: an element not found is undecided only when that
# part of the page is written by a script nobody read.
_WHERE_WRITTEN = {
    "site_code": ("footer",), "icp": ("footer",), "police_record": ("footer",),
    "party_gov_logo": ("footer",), "contact": ("footer",), "find_error": ("footer",),
    "search": ("header",), "sitemap": ("header", "footer"),
}  # fmt: skip
_NOT_A_FIELD = frozenset({"hidden", "submit", "button", "image", "reset", "checkbox", "radio"})
_FOOTER_ATTR_RE = re.compile(r"foot|bottom|copyright|banquan|dibu", re.IGNORECASE)
_FOOTER_TAIL_SHARE = 0.3  # the last 30% of the page's elements when no footer is marked
_SPACE_RE = re.compile(r"\s+")
# Scripts that write a page's footer or header: named so, e.g. /js/home_bottom.js, top.js.
_FOOTER_SCRIPT_RE = re.compile(
    r"(?:^|[/_\-.])(?:foot(?:er)?|bottom|dibu|copyright|banquan|db)[\w\-.]*\.js$", re.I
)
_HEADER_SCRIPT_RE = re.compile(
    r"(?:^|[/_\-.])(?:top|head(?:er)?|nav|menu|daohang|dh)[\w\-.]*\.js$", re.I
)
# The same parts as HTML the browser puts in the page: `$("#footer").load("/inc/foot.html")`,
# `<iframe src="bottom.htm">`. Named so by their file or by the element they are loaded into
# (footer words: _FOOTER_ATTR_RE, the words of a footer's class or id).
_HEADER_PART_RE = re.compile(r"top|head|nav|menu|daohang", re.I)
_LOAD_RE = re.compile(
    r"""(?:\$|jQuery)\(\s*['"]([^'"]{1,80})['"]\s*\)\s*\.load\(\s*['"]([^'"\s]+)""", re.I
)
_FOOTER_WORDS_RE = re.compile(r"版权|主办|承办|ICP|copyright|©|网站标识码|公网安备", re.I)
_NAV_WITH_LINKS = etree.XPath(
    "//*[self::nav or re:test(@class, 'nav|menu|daohang', 'i') or re:test(@id, 'nav|menu|daohang', 'i')]"
    "[count(.//a[@href]) >= 3]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def find_footer_elements(
    html: str,
    base_url: str,
    patterns: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    *,
    written: Sequence[str] = (),
) -> dict[str, dict[str, Any]]:
    """The census page elements found in the footer area, else anywhere on the page.

    `patterns` is the profile's `[elements]` table (element → matchers); None uses
    DEFAULT_ELEMENT_PATTERNS. Each element maps to {"found": True, "value": ..., "where":
    "footer" | "page"}, or {"found": False}; when the page's header or footer is written by its
    own scripts, a missing element also carries `written_by` (those scripts' URLs). `written`
    is HTML those scripts write, when the caller has read them.
    """
    patterns = DEFAULT_ELEMENT_PATTERNS if patterns is None else patterns
    doc = prepare(html)
    base = base_href(doc, base_url)
    body = body_of(doc)
    scripts = {} if written else layout_scripts(doc, base_url)
    for extra in written:
        outer = prepare(f"<html><body><div data-written='external'>{extra}</div></body></html>")
        body.append(outer.find("body/div"))
    areas = [("footer", _Area(_footer_roots(doc))), ("page", _Area([body]))]
    result: dict[str, dict[str, Any]] = {}
    for element, spec in patterns.items():
        parts = _WHERE_WRITTEN.get(element, ("header", "footer"))
        writers = [url for part in parts for url in scripts.get(part, ())]
        result[element] = {"found": False, **({"written_by": writers} if writers else {})}
        for where, area in areas:
            if not area.roots:
                continue
            value = _match_element(spec, area, base)
            if value is not None:
                result[element] = {"found": True, "value": value, "where": where}
                break
    return result


def layout_scripts(doc: etree._Element, base_url: str) -> dict[str, list[str]]:
    """Same-site external scripts that write the page's footer or header, when the page's own
    markup lacks that part: footer scripts (home_bottom.js, foot.js, or the body's last
    element) when no footer with 版权/主办/ICP text is there; header scripts (top.js, nav.js)
    when no navigation is; also HTML parts put into the page by jQuery's `.load(url)` or an
    `<iframe>`, named for a footer or header by their file or the element they fill (their URL
    does not end in .js). {"header": [urls], "footer": [urls]}."""
    base = base_href(doc, base_url)
    body = body_of(doc)
    site = host_key(base_url)
    last = _last_element(body)
    need_footer = not _has_own_footer(doc)
    need_header = not _NAV_WITH_LINKS(doc)
    found: dict[str, list[str]] = {}
    for script in body.iter("script"):
        url = absolute(base, script.get("src"))
        if not url or host_key(url) != site:
            continue
        path = url.split("?", 1)[0]
        if need_header and _HEADER_SCRIPT_RE.search(path):
            found.setdefault("header", []).append(url)
        elif need_footer and (_FOOTER_SCRIPT_RE.search(path) or script is last):
            found.setdefault("footer", []).append(url)
    if need_footer or need_header:
        for where, url in _html_parts(body, base):
            wanted = need_footer if where == "footer" else need_header
            if wanted and host_key(url) == site and url not in found.get(where, ()):
                found.setdefault(where, []).append(url)
    return found


def _html_parts(body: etree._Element, base: str) -> Iterator[tuple[str, str]]:
    """(footer | header, url) of the HTML parts loaded into the page by script or iframe."""
    loads = [
        (target, href)
        for script in body.iter("script")
        if not script.get("src")
        for target, href in _LOAD_RE.findall(script.text or "")
    ]
    frames = [("", frame.get("src") or "") for frame in body.iter("iframe")]
    for target, href in loads + frames:
        url = absolute(base, href)
        if not url or url.split("?", 1)[0].lower().endswith(".js"):
            continue
        name = f"{target} {url.rsplit('/', 1)[-1]}"
        if _FOOTER_ATTR_RE.search(name):
            yield "footer", url
        elif _HEADER_PART_RE.search(name):
            yield "header", url


def _has_own_footer(doc: etree._Element) -> bool:
    text = " ".join(" ".join(TEXT_OF(root)) for root in _footer_roots(doc))
    return bool(_FOOTER_WORDS_RE.search(text))


def _last_element(body: etree._Element) -> etree._Element | None:
    children = [child for child in body if isinstance(child.tag, str)]
    return children[-1] if children else None


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
                parts.extend(TEXT_OF(root))
                if root.tail:
                    parts.append(root.tail)
            # What an image shows is in its alt/title: a 网站标识码 or ICP number is often one.
            for image in self.elements(("img",)):
                parts.extend(v for v in (image.get("alt"), image.get("title")) if v)
            self._text = _SPACE_RE.sub(" ", " ".join(parts))
        return self._text

    def elements(self, tags: Iterable[str]) -> Iterator[etree._Element]:
        wanted = set(tags)
        for root in self.roots:
            for element in root.iter(etree.Element):
                if element.tag in wanted:
                    yield element


def _footer_roots(doc: etree._Element) -> list[etree._Element]:
    body = body_of(doc)
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
            if _regex(pattern).search(link_text(link)):
                return absolute(base, link.get("href")) or link_text(link).strip()
    for pattern in spec.get("href", ()):
        for element in area.elements(("a", "img", "script", "iframe", "embed", "link", "area")):
            url = element.get("href") or element.get("src") or ""
            if url and _regex(pattern).search(url):
                return absolute(base, url) or url
    for selector in spec.get("css", ()):
        for root in area.roots:
            hits = [hit for hit in _css(selector)(root) if not _invisible_input(hit)]
            if hits:
                return _describe(hits[0], base)
    return None


def _invisible_input(element: etree._Element) -> bool:
    """Hidden fields and buttons are no evidence of a search box (or anything else)."""
    kind = (element.get("type") or "").lower()
    return element.tag == "input" and kind in _NOT_A_FIELD


def _describe(element: etree._Element, base: str) -> str:
    url = element.get("href") or element.get("src")
    if url:
        return absolute(base, url) or url
    ident = element.get("id") or element.get("name") or ""
    return f"{element.tag}#{ident}" if ident else element.tag


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)
