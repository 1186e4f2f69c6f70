"""Reading a Scrapy response: its content type and charset, whether it is HTML, and what a
robots.txt says (recorded, never obeyed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from inspector.crawl.scope import scope_key


def content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()


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
