"""Which links lead to message boards (政务咨询类栏目), hubs (互动交流) or excluded columns.

A link is judged by its name first (link text, else the title/alt of its image), then by its
URL: an excluded name (在线访谈, 调查征集, 网上信访, 纪检举报, 写信须知 …) wins over everything,
then a list name (信件选登 …), a board name or pattern (领导信箱, 县长信箱, 咨询投诉, 我要写信 …),
a hub name (互动交流 …); a link whose name says nothing (更多, an icon) is judged by URL patterns
(/ldxx/, /zxts/, letter, mailbox …). Article-like URLs and long texts (message titles) are not
boards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from inspector.crawl.boards.vocab import DEFAULT_BOARD_RULES, BoardRules

BOARD, LIST, HUB, EXCLUDED = "board", "list", "hub", "excluded"

_SPACE_RE = re.compile(r"[\s\u3000\u00a0]+")
_DECOR_RE = re.compile(
    r"^(?:更多|more|>>|»|\+|\[|【)+|(?:更多|more|>>|»|\+|\]|】)+$", re.IGNORECASE
)
_ARTICLE_RE = re.compile(
    r"/(?:19|20)\d\d/\d{1,2}/|/(?:19|20)\d\d-?\d\d/|/t(?:19|20)\d{6}_|/(?:19|20)\d{6}/"
    r"|content_\d+|post_\d+|art_\d+_\d+"
)
# The page of one message or article: ?id=123, detail.jsp?…, show_123.html, view/123 …
_MESSAGE_URL_RE = re.compile(
    r"[?&](?:id|msgid|letterid|transactid|xjid|lyid|articleid|infoid|guid)=\w"
    r"|/(?:detail|show|view|content|article)[\w-]*(?:\.\w+)?(?:\?|$|/\d)",
    re.I,
)
_LINKS = etree.XPath("//a[@href] | //area[@href]")
# Link names that say nothing about the target: such a link is judged by its URL alone.
_MUTE_NAMES = frozenset(
    ("进入", "点击进入", "查看", "详情", "more", "go", "enter", "点击查看", "马上进入")
)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")


@dataclass(frozen=True, slots=True)
class BoardLink:
    """A link that names a board, a board's list, a hub, or an excluded interaction column."""

    name: str
    url: str
    role: str  # board | list | hub | excluded
    matched: str = ""  # the name word, pattern or URL pattern that decided


def clean_name(text: str) -> str:
    """A link name as compared: NFKC, no spaces, without 更多/>>/» decorations."""
    name = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or ""))
    return _DECOR_RE.sub("", name)


def classify(name: str, url: str, rules: BoardRules = DEFAULT_BOARD_RULES) -> BoardLink | None:
    """What a link named `name` pointing at `url` is, for message boards; None when nothing."""
    compiled = rules.compiled()
    name = clean_name(name)
    path = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    if len(name) > rules.max_name_length:
        return None
    if name:
        if _first_in(name, rules.ignore_names):
            return None
        word = _first_in(name, rules.exclude_names)
        if word:
            return BoardLink(name, url, EXCLUDED, word)
        if _ARTICLE_RE.search(path) or _MESSAGE_URL_RE.search(path):
            return None  # a message or an article, whatever its title says
        word = _first_in(name, rules.list_names)
        if word:
            return BoardLink(name, url, LIST, word)
        for pattern in compiled.board_patterns:
            if pattern.search(name):
                return BoardLink(name, url, BOARD, pattern.pattern)
        word = _first_in(name, rules.board_names) or (
            _first_in(name, rules.board_words) if len(name) <= rules.board_word_length else ""
        )
        if word:
            return BoardLink(name, url, BOARD, word)
        word = _first_in(name, rules.hub_names)
        if word:
            return BoardLink(name, url, HUB, word)
    if _ARTICLE_RE.search(path) or _MESSAGE_URL_RE.search(path):
        return None
    if name and name.lower() not in _MUTE_NAMES:
        return None
    if compiled.exclude_urls is not None and (m := compiled.exclude_urls.search(path)):
        return BoardLink(name, url, EXCLUDED, m.group(0))
    if compiled.board_urls is not None and (m := compiled.board_urls.search(path)):
        return BoardLink(name, url, BOARD, m.group(0))
    if compiled.hub_urls is not None and (m := compiled.hub_urls.search(path)):
        return BoardLink(name, url, HUB, m.group(0))
    return None


def _first_in(name: str, words: Iterable[str]) -> str:
    return next((w for w in words if w and w in name), "")


def link_name(link: etree._Element) -> str:
    """The name a reader sees on a link: its text, else its title, else its image's alt/title."""
    text = "".join(link.itertext()).strip()
    if text:
        return text
    for value in (link.get("title"), link.get("alt")):
        if value and value.strip():
            return value.strip()
    for img in link.iter("img"):
        for value in (img.get("alt"), img.get("title")):
            if value and value.strip():
                return value.strip()
    return ""


def absolute(base: str, href: str | None) -> str:
    """An absolute URL without fragment, or "" for script/mail links and junk."""
    href = (href or "").strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return ""
    try:
        url = urldefrag(urljoin(base, href))[0]
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""


_JS_URL_RE = re.compile(
    r"""['"]([^'"\s]+?(?:\.(?:s?html?|jsp|do|aspx?|php)|/)(?:\?[^'"\s]*)?)['"]"""
)


def script_url(link: etree._Element, base: str) -> str:
    """The page a `javascript:` or onclick link opens, when the script names it plainly
    (`window.open('detail.do?id=3')`, `location.href='/hdjl/ldxx/'`)."""
    script = f"{link.get('href') or ''} {link.get('onclick') or ''}"
    match = _JS_URL_RE.search(script)
    return absolute(base, match.group(1)) if match else ""


def board_links(
    doc: etree._Element, page_url: str, rules: BoardRules = DEFAULT_BOARD_RULES
) -> Iterator[BoardLink]:
    """Every link of a page that names a board, a board list, a hub or an excluded column.

    Called once on the home page and on hub and board pages only, never on other pages.
    """
    base = base_of(doc, page_url)
    seen: set[tuple[str, str]] = set()
    for link in _LINKS(doc):
        url = absolute(base, link.get("href")) or script_url(link, base)
        if not url:
            continue
        name = link_name(link)
        if not clean_name(name) or clean_name(name).lower() in _MUTE_NAMES:
            name = block_heading(link) or name  # "更多" under a block headed 领导信箱
        found = classify(name, url, rules)
        if found is None or (found.url, found.role) in seen:
            continue
        seen.add((found.url, found.role))
        yield found


_HEADING_CLASS_RE = re.compile(r"tit|title|(?:^|[\s_-])(?:hd|bt|head|lmmc|name)(?:$|[\s_-])", re.I)
HEADING_MAX = 12


def block_heading(link: etree._Element, levels: int = 4) -> str:
    """The heading of the block a "更多" link belongs to: a heading element, or an element
    classed as a title, before the link within a few ancestors."""
    element = link
    for _ in range(levels):
        parent = element.getparent()
        if parent is None:
            return ""
        for candidate in parent.iter():
            if candidate is element or candidate is link:
                break
            if not isinstance(candidate.tag, str) or candidate.tag == "a" and candidate is not link:
                continue
            heading = candidate.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or bool(
                _HEADING_CLASS_RE.search(candidate.get("class") or "")
            )
            text = clean_name("".join(candidate.itertext()))
            if heading and 2 <= len(text) <= HEADING_MAX:
                return text
        element = parent
    return ""


def base_of(doc: etree._Element, page_url: str) -> str:
    """The URL the page's relative links resolve against (its <base href>, else its own)."""
    bases = doc.xpath("//base/@href")
    return urljoin(page_url, str(bases[0]).strip()) if bases else page_url
