"""Reading a Scrapy response: its content type and charset, whether it is HTML, what a
robots.txt says (recorded, never obeyed), what a site answers for a URL that cannot exist."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.page import fingerprint, title_key
from inspector.crawl.scope import same_page, scope_key


def request_of(response: Response) -> Request:
    """The request a callback's response answers (Scrapy always sets it there)."""
    request = response.request
    assert request is not None
    return request


def content_type(response: Response) -> str:
    """The Content-Type header as the outcome records it: stripped, lowercase, "" when absent."""
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1").strip().lower()


def header_charset(response: Response) -> str | None:
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    for part in ctype.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def looks_html(ctype: str, body: bytes) -> bool:
    if ctype:
        return "html" in ctype
    head = body[:512].lstrip()[:15].lower()
    return head.startswith((b"<!doctype", b"<html"))


def worth_sniffing(url: str, final_url: str) -> bool:
    """Parked domains show up on a domain's front page, or after a jump to another domain."""
    path = urlsplit(url).path
    return path in ("", "/") or scope_key(url) != scope_key(final_url)


def robots_facts(response: Response) -> dict[str, Any]:
    facts: dict[str, Any] = {"status": response.status, "size": len(response.body)}
    if response.status == 200:
        text = response.body[:65536].decode("utf-8", "replace")
        facts["disallow_all"] = disallows_all(text)
    return facts


def disallows_all(robots: str) -> bool:
    """Does robots.txt shut every robot out of the whole site? (Recorded, not obeyed.)"""
    applies = False
    for line in robots.splitlines():
        field_, _, value = line.partition("#")[0].partition(":")
        field_, value = field_.strip().lower(), value.strip()
        if field_ == "user-agent":
            applies = value == "*"
        elif field_ == "disallow" and applies and value == "/":
            return True
    return False


def not_found_facts(response: Response, home_url: str) -> tuple[dict[str, Any], str | None]:
    """What the site answers for a URL that cannot exist (kept for the soft-404 check): status,
    final URL, redirects, whether it went to the home page, and the page's fingerprint; and the
    title key of that page (None when it answered no page)."""
    meta = response.meta
    facts: dict[str, Any] = {
        "url": meta["key"],
        "status": response.status,
        "final_url": response.url,
        "redirects": list(meta["chain"]),
        "redirect_home": bool(meta["chain"]) and same_page(response.url, home_url),
    }
    key = None
    if 200 <= response.status < 300 and looks_html(content_type(response), response.body):
        text, _, _ = decode_html(response.body, header_charset(response))
        doc = parse_html(text)
        title = title_of(doc)
        facts["fingerprint"] = fingerprint(doc, title)
        key = title_key(title)
    return facts, key
