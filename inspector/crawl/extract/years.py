"""The year of a date shown without one (`10-11`, `[10-11]`, `10月11日`), from evidence.

Home pages and lists often show month and day only. Reading such a date as "the last 10-11
before today" makes a portal last generated in 2023 look fresh in 2025 — a zombie judged
updated. The year is taken from evidence, best first:

1. `url` — the item's own link carries its date: `/202310/t20231011_123.html`, `/2023/10/11/`;
   the year that puts the shown month-day nearest to the URL's date (within half a year).
2. `generated` — the page says when it was generated (`<meta name="others" content="页面生成
   时间 2023-10-11 11:36:07">`, TRS `Maketime`, a "生成时间" comment): items are not newer than
   the page, so the year is the one of the last such day on or before that time.
3. `page` — full dates elsewhere on the same page or list: read against the newest of them, and
   accepted when that reading is close to it (≤ 60 days) or agrees with the reading against T.
4. otherwise the reading against the as-of day T, marked `uncertain`: the caller must not count
   it as proof of freshness. The crawl then fetches the newest such item and reads its own
   publication date (`item`; see `extract_dates(item_dates=…)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lxml import etree

__all__ = [
    "YEAR_GENERATED",
    "YEAR_ITEM",
    "YEAR_PAGE",
    "YEAR_UNCERTAIN",
    "YEAR_URL",
    "YearReading",
    "generated_at",
    "infer_year",
    "url_date",
]

YEAR_URL, YEAR_GENERATED, YEAR_PAGE, YEAR_UNCERTAIN = "url", "generated", "page", "uncertain"
YEAR_ITEM = "item"  # read on the item's own page (the crawl fetched it)
URL_MAX_DAYS = 183  # a URL's date this far from the shown month-day still settles the year
PAGE_CLOSE_DAYS = 60  # a reading this close before the page's newest full date is trusted
PAGE_SLACK_DAYS = 3  # a yearless item may be a few days newer than the newest full date

# Article URLs: t20231011_123, /2023/10/11/, /2023-10/11/, /20231011/ (full dates);
# /202310/, /2023-10/, /2023/10/ (year and month).
_URL_FULL_RES = (
    re.compile(r"/t((?:19|20)\d\d)(\d\d)(\d\d)_\d+"),
    re.compile(r"/((?:19|20)\d\d)[-/]?(\d\d)[-/](\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/"),  # JCMS: /art/2019/5/6/art_12_3.html
    re.compile(r"/((?:19|20)\d\d)(\d\d)(\d\d)/"),
    re.compile(r"[/_]((?:19|20)\d\d)(\d\d)(\d\d)[_\d]*\.s?html?"),
)
_URL_MONTH_RES = (
    re.compile(r"/((?:19|20)\d\d)-?(\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/"),
)
_GENERATED_LABEL_RE = re.compile(
    r"(?:页面生成时间|生成时间|生成日期|页面生成于|generated(?:\s+at|\s+on)?|published\s+at)"
    r"\s*[:：]?\s*((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})",
    re.IGNORECASE,
)
_GENERATED_META = etree.XPath(
    "//meta[translate(@name, 'MAKETIM', 'maketim')='maketime' or @name='others'"
    " or translate(@name, 'GENRATD', 'genratd')='generated']/@content"
)
_COMMENTS = etree.XPath(
    "//comment()[contains(., '生成') or contains(., 'enerat') or contains(., 'ublish')]"
)
_DATE_IN_TEXT_RE = re.compile(r"((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")


@dataclass(frozen=True, slots=True)
class YearReading:
    """A yearless date with its year: the date, where the year came from, and whether the
    evidence settles it (`basis` one of url, generated, page, uncertain)."""

    date: date
    basis: str

    @property
    def certain(self) -> bool:
        return self.basis != YEAR_UNCERTAIN


def url_date(url: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) an article URL carries, or None."""
    for pattern in _URL_FULL_RES:
        match = pattern.search(url)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if _valid(year, month, day):
                return year, month, day
    for pattern in _URL_MONTH_RES:
        match = pattern.search(url)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return year, month, None
    return None


def generated_at(doc: etree._Element, as_of: date) -> date | None:
    """When the page says it was generated (meta Maketime / 页面生成时间, or a comment), if that
    is not after `as_of`."""
    texts = [str(v) for v in _GENERATED_META(doc)]
    for value in texts:
        labelled = _GENERATED_LABEL_RE.search(value)
        match = labelled or _DATE_IN_TEXT_RE.search(value)
        if match and (labelled or "生成" in value or len(value) <= 24):
            found = _safe_date(*(int(g) for g in match.groups()))
            if found is not None and found <= as_of:
                return found
    for comment in _COMMENTS(doc):
        match = _GENERATED_LABEL_RE.search(comment.text or "")
        if match:
            found = _safe_date(*(int(g) for g in match.groups()))
            if found is not None and found <= as_of:
                return found
    return None


def infer_year(
    month: int,
    day: int,
    as_of: date,
    *,
    url: str = "",
    generated: date | None = None,
    newest_full: date | None = None,
) -> YearReading | None:
    """The reading of a yearless month-day, from the best evidence available (see the module
    docstring); None when the month-day cannot exist (02-30)."""
    anchored = _on_or_before(month, day, as_of)
    if anchored is None:
        return None
    from_url = url_date(url) if url else None
    if from_url is not None:
        reading = _nearest(month, day, from_url)
        if reading is not None:
            return YearReading(reading, YEAR_URL)
    if generated is not None:
        reading = _on_or_before(month, day, generated + timedelta(days=1))
        if reading is not None:
            return YearReading(reading, YEAR_GENERATED)
    if newest_full is not None:
        reading = _on_or_before(month, day, newest_full + timedelta(days=PAGE_SLACK_DAYS))
        if reading is not None and (
            reading == anchored or (newest_full - reading).days <= PAGE_CLOSE_DAYS
        ):
            return YearReading(reading, YEAR_PAGE)
    return YearReading(anchored, YEAR_UNCERTAIN)


def _nearest(month: int, day: int, url: tuple[int, int, int | None]) -> date | None:
    """The year that puts month-day nearest the URL's date, if within URL_MAX_DAYS."""
    year, url_month, url_day = url
    target = _safe_date(year, url_month, url_day or 15)
    if target is None:
        return None
    options = [d for y in (year - 1, year, year + 1) if (d := _safe_date(y, month, day))]
    best = min(options, key=lambda d: abs((d - target).days), default=None)
    if best is None or abs((best - target).days) > URL_MAX_DAYS:
        return None
    return best


def _on_or_before(month: int, day: int, limit: date) -> date | None:
    """The last month-day on or before `limit` (within four years: 02-29 needs a leap year)."""
    for year in range(limit.year, limit.year - 5, -1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= limit:
            return candidate
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> bool:
    return _safe_date(year, month, day) is not None
