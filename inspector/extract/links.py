"""Link extraction from one parsed page: the crawl's hot path, plain lxml.

One xpath walks every element that can point somewhere; each distinct raw URL is joined once
per page. Links that are never fetched (javascript:, mailto:, tel:, data:, pure fragments) are
dropped here so nothing downstream can report them broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

LINK_XPATH = (
    "//a[@href]|//area[@href]|//img[@src or @srcset]|//script[@src]|//link[@href]"
    "|//iframe[@src]|//frame[@src]|//embed[@src]|//object[@data]|//source[@src or @srcset]"
    "|//video[@src or @poster]|//audio[@src]|//input[@type='image'][@src]"
    "|//meta[@http-equiv]"
)
# (element, attribute) pairs read for each tag; the first attribute present is the main one.
_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "script": ("src",),
    "link": ("href",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "input": ("src",),
}
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "about:", "file:", "ftp:")
# <link rel> values that are hints, not resources a visitor loads.
_LINK_REL_SKIP = {"dns-prefetch", "preconnect", "alternate", "search"}
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'"\s;]+)""", re.I)
_SPACE = re.compile(r"\s+")
TEXT_MAX = 200


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, without fragment
    fragment: str
    element: str
    attribute: str
    text: str


def _srcset_urls(value: str) -> list[str]:
    urls = []
    for candidate in value.split(","):
        candidate = candidate.strip()
        if candidate:
            urls.append(candidate.split()[0])
    return urls


def _text_of(el) -> str:  # noqa: ANN001 - lxml element
    tag = el.tag
    if tag in ("a", "area"):
        text = el.text_content() if tag == "a" else ""
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
    for href in doc.xpath("//base/@href"):
        href = href.strip()
        if href:
            return urljoin(page_url, href)
    return page_url


def extract_links(doc, page_url: str) -> list[Link]:  # noqa: ANN001
    """Every link occurrence on the page, in document order."""
    base = base_url_of(doc, page_url)
    joined: dict[str, tuple[str, str] | None] = {}
    links: list[Link] = []

    def resolve(raw: str) -> tuple[str, str] | None:
        hit = joined.get(raw, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        value = raw.strip().replace("\\", "/")
        result: tuple[str, str] | None
        low = value[:12].lower()
        if not value or value.startswith("#") or low.startswith(_SKIP_SCHEMES):
            result = None
        else:
            absolute = urljoin(base, value)
            if not absolute.startswith(("http://", "https://")):
                result = None
            else:
                url, _, fragment = absolute.partition("#")
                result = (url, fragment)
        joined[raw] = result
        return result

    for el in doc.xpath(LINK_XPATH):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if tag == "meta":
            if (el.get("http-equiv") or "").lower() != "refresh":
                continue
            m = _REFRESH_URL.search(el.get("content") or "")
            if m and (hit := resolve(m.group(1))):
                links.append(Link(hit[0], hit[1], "meta", "content", ""))
            continue
        if tag == "link" and (el.get("rel") or "").lower().strip() in _LINK_REL_SKIP:
            continue
        text = None
        for attr in _ATTRS.get(tag, ()):
            value = el.get(attr)
            if not value:
                continue
            raws = _srcset_urls(value) if attr == "srcset" else [value]
            for raw in raws:
                hit = resolve(raw)
                if hit is None:
                    continue
                if text is None:
                    text = _text_of(el)
                links.append(Link(hit[0], hit[1], tag, attr, text))
    return links


def title_of(doc) -> str:  # noqa: ANN001
    titles = doc.xpath("//title/text()")
    return _SPACE.sub(" ", titles[0]).strip()[:500] if titles else ""
