"""Per-page facts other than links: dates, page kind, not-found signals, anchors. Hot path."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from inspector.crawl.extract.dates import extract_dates, not_found_hint

# Tokens that differ between two fetches of the same error page: the requested path echoed
# back, counters, clocks. Dropped before fingerprinting.
_VOLATILE = re.compile(r"[A-Za-z0-9_./:%?=&#~+\-]{6,}|\d+")
ANCHORS_MAX = 500


def page_facts(doc, as_of: date, *, title: str, url: str, is_home: bool) -> dict[str, Any]:  # noqa: ANN001
    """PageRow columns read from a parsed page (everything but links and fetch data)."""
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=is_home)
    hint = not_found_hint(doc, title) if dates.kind == "not_found" else ""
    evidence = [
        {"text": c.text, "date": c.date.isoformat() if c.date else None, "rule": c.rule}
        for c in dates.candidates
        if c.accepted
    ][:10]
    anchors = doc.xpath("//@id|//a/@name")
    facts: dict[str, Any] = {"items": len(dates.item_dates), "dates": evidence}
    if anchors:
        facts["anchors"] = list(dict.fromkeys(str(a) for a in anchors))[:ANCHORS_MAX]
    return {
        "kind": dates.kind,
        "pub_date": dates.pub_date,
        "newest_item_date": dates.newest_item_date,
        "meta_date": dates.meta_date,
        "not_found_hint": hint[:100],
        "fingerprint": fingerprint(doc, title),
        "facts": facts,
    }


def fingerprint(doc, title: str) -> str:  # noqa: ANN001
    """The identity of a page's whole visible text, ignoring what varies between two fetches.

    Two different URLs with the same fingerprint show the same page; when one of them is a
    URL that cannot exist, both are the site's "not found" page (a soft 404).
    """
    body = doc.find("body")
    text = body.text_content() if body is not None else ""
    text = _VOLATILE.sub("", " ".join(text.split()))
    return hashlib.blake2b(
        f"{_VOLATILE.sub('', title)}\x00{text}".encode(), digest_size=8
    ).hexdigest()
