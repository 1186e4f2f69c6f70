"""Small formats and guards every report page uses (also Jinja filters)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from inspector.words import fmt_number

__all__ = ["fmt_date", "fmt_number", "fmt_time", "safe_href", "short_url", "site_filename"]

# Times are stored in UTC; readers are in China (no daylight saving time there).
BEIJING = timedelta(hours=8)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: Any) -> str | None:
    """`url` when it may be a link target (http or https only), else None.

    Browsers ignore leading/trailing control characters and spaces and drop tabs and newlines
    inside a scheme ("java\\tscript:"), so those are removed before looking at the scheme.
    """
    if not isinstance(url, str) or not url:
        return None
    cleaned = _CONTROL.sub("", url).lower()
    if not cleaned.startswith(("http://", "https://")):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None  # do not link what the browser would read differently from what we show
    return url


def site_filename(site_id: str) -> str:
    """A safe file name for a site's report: the site_id when it is plain, else a hashed form."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", site_id).strip("._-")[:80]
    if safe != site_id or not safe:
        digest = hashlib.sha1(site_id.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe or 'site'}-{digest}"
    return f"{safe}.html"


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value + BEIJING).strftime("%Y-%m-%d %H:%M")


def fmt_date(value: date | str | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def short_url(url: str, site_url: str = "") -> str:
    """The path of a same-host URL (shorter, and enough on the site's own report)."""
    try:
        parts, site = urlsplit(url), urlsplit(site_url)
    except ValueError:
        return url
    if (
        site_url
        and parts.netloc
        and parts.netloc == site.netloc
        and parts.scheme in ("http", "https")
    ):
        rest = parts.path or "/"
        if parts.query:
            rest += "?" + parts.query
        return rest
    return url
