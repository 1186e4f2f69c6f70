"""Per-page facts other than links: dates, page kind, not-found signals, anchors. Hot path."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urljoin

from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import text_utf8 as element_utf8
from inspector.crawl.extract.notfound import not_found_hint
from inspector.crawl.extract.years import YEAR_UNCERTAIN
from inspector.facts import PageDates

# Tokens that differ between two fetches of the same error page: the requested path echoed
# back, counters, clocks. Dropped before fingerprinting.
_VOLATILE = re.compile(r"[A-Za-z0-9_./:%?=&#~+\-]{6,}|\d+")
ANCHORS_MAX = 500
EVIDENCE_MAX = 10


def page_facts(
    doc,  # noqa: ANN001
    as_of: date,
    *,
    title: str,
    url: str,
    is_home: bool,
    item_dates: Mapping[str, date] | None = None,
    with_fingerprint: bool = True,
) -> dict[str, Any]:
    """PageRow columns read from a parsed page (everything but links and fetch data), and
    `uncertain_item`: the link (as written) of the newest list item whose year nothing on the
    page settles, when that item is the page's newest ("" otherwise): the crawl reads its date
    on its own page and reads this page again with `item_dates`. Without `with_fingerprint`
    the fingerprint is "" (the crawl knows when no "not found" page can share it)."""
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=is_home, item_dates=item_dates)
    text_utf8 = body_utf8(doc)
    hint = not_found_hint(doc, title) if dates.kind == "not_found" else ""
    anchors = doc.xpath("//@id|//a/@name")
    evidence = date_evidence(dates, base_url=url)
    facts: dict[str, Any] = {"items": len(dates.item_dates), "dates": evidence}
    if dates.generated is not None:
        facts["generated"] = dates.generated.isoformat()
    if anchors:
        facts["anchors"] = list(dict.fromkeys(str(a) for a in anchors))[:ANCHORS_MAX]
    return {
        "kind": dates.kind,
        "pub_date": dates.pub_date,
        "newest_item_date": dates.newest_item_date,
        "meta_date": dates.meta_date,
        "not_found_hint": hint[:100],
        "fingerprint": (
            text_fingerprint(text_utf8.decode("utf-8", "replace"), title)
            if with_fingerprint
            else ""
        ),
        "facts": facts,
        "text_utf8": text_utf8,  # the body's text, read once (the security facts scan it too)
        "uncertain_item": uncertain_item(dates),
    }


def body_utf8(doc) -> bytes:  # noqa: ANN001 - lxml document
    """The body's text as UTF-8 (encoding.text_utf8), b"" without a body."""
    body = doc.find("body")
    return element_utf8(body) if body is not None else b""


def body_text(doc) -> str:  # noqa: ANN001 - lxml document
    """The body's text (text_content()'s string)."""
    return body_utf8(doc).decode("utf-8", "replace")


def uncertain_item(dates: PageDates) -> str:
    """The link of the newest item whose year stays uncertain, when it decides the newest date."""
    if not dates.year_uncertain:
        return ""
    items = [
        c
        for c in dates.candidates
        if c.accepted and c.rule == "list_item" and c.year == YEAR_UNCERTAIN and c.url
    ]
    newest = max(items, key=lambda c: c.date, default=None)
    return newest.url if newest is not None else ""


def date_evidence(
    dates: PageDates, limit: int = EVIDENCE_MAX, base_url: str = ""
) -> list[dict[str, Any]]:
    """The dates a page's verdict rests on, as stored and shown: for pages of dated items the
    newest items first (and always the newest one whose year is settled), else the accepted
    candidates in page order. Each: text as shown, date, rule, and for a date shown without a
    year where its year came from (`year`: url, generated, page, item, uncertain), and for a
    list item its link (`url`, absolute against `base_url`)."""
    accepted = [c for c in dates.candidates if c.accepted and c.date is not None]
    items = [c for c in accepted if c.rule == "list_item"]
    if items and dates.kind in ("home", "list"):
        chosen = sorted(items, key=lambda c: c.date, reverse=True)[:limit]
        settled = next(
            (
                c
                for c in sorted(items, key=lambda c: c.date, reverse=True)
                if c.year != YEAR_UNCERTAIN
            ),
            None,
        )
        if settled is not None and settled not in chosen:
            chosen.append(settled)
    else:
        chosen = accepted[:limit]
    return [
        {
            "text": c.text,
            "date": c.date.isoformat(),
            "rule": c.rule,
            **({"year": c.year} if c.year else {}),
            **({"url": _absolute(base_url, c.url)} if c.url else {}),
        }
        for c in chosen
    ]


def _absolute(base: str, href: str) -> str:
    try:
        return urljoin(base, href.strip()) if base else href
    except ValueError:
        return href


def title_key(title: str) -> str:
    """The part of a page's fingerprint that comes from its title: two pages whose title keys
    differ never have the same fingerprint."""
    return _VOLATILE.sub("", title)


def fingerprint(doc, title: str) -> str:  # noqa: ANN001
    """The identity of a page's whole visible text, ignoring what varies between two fetches.

    Two different URLs with the same fingerprint show the same page; when one of them is a
    URL that cannot exist, both are the site's "not found" page (a soft 404).
    """
    return text_fingerprint(body_text(doc), title)


def text_fingerprint(text: str, title: str) -> str:
    """fingerprint() of a page whose body text is read already."""
    text = _VOLATILE.sub("", " ".join(text.split()))
    return hashlib.blake2b(f"{title_key(title)}\x00{text}".encode(), digest_size=8).hexdigest()
