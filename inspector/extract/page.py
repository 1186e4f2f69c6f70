"""Per-page facts other than links: dates, page kind, not-found signals. Hot path, lxml."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

try:
    from inspector.extract.dates import extract_dates
except ImportError:  # TEMP until dates.py lands
    from inspector.facts import PageDates

    def extract_dates(doc, as_of, *, title="", url="", is_home=False):  # noqa: ANN001
        return PageDates("home" if is_home else "other", None, None, (), None, ())


def page_facts(doc, as_of: date, *, title: str, url: str, is_home: bool) -> dict[str, Any]:  # noqa: ANN001
    """PageRow columns read from a parsed page (everything but links and fetch data)."""
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=is_home)
    hint = ""
    if dates.kind == "not_found":
        hint = next((c.text for c in dates.candidates if c.rule == "not_found"), "") or "not_found"
    newest = dates.newest_item_date
    evidence = [
        {"text": c.text, "date": c.date.isoformat() if c.date else None, "rule": c.rule}
        for c in dates.candidates
        if c.accepted
    ][:10]
    return {
        "kind": dates.kind,
        "pub_date": dates.pub_date,
        "newest_item_date": newest,
        "meta_date": dates.meta_date,
        "not_found_hint": hint[:100],
        "fingerprint": fingerprint(doc, title),
        "facts": {"items": len(dates.item_dates), "dates": evidence},
    }


def fingerprint(doc, title: str) -> str:  # noqa: ANN001
    """A cheap identity of a page's template and text, to recognise a site's "not found" page."""
    body = doc.find("body")
    text = body.text_content() if body is not None else ""
    text = " ".join(text.split())
    return hashlib.blake2b(f"{title}\x00{len(text) // 64}\x00{text[:300]}".encode(), digest_size=8).hexdigest()
