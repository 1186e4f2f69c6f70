"""Publication dates of one page: what a census reader would take from it, and why.

Runs on every crawled page, so it works on the lxml document the crawler already has:

1. the text is flattened once into a "stream" (one line per text node, script and style text
   left out) by a single compiled XPath;
2. precompiled regexes find every date-looking string in the stream;
3. each match is judged from a few characters around it (labels such as 发布时间：, bylines
   followed by 来源, clocks such as 今天是…星期五, copyright lines) and, for the few matches
   that need it, from its element's ancestors (list items, clock widgets, link texts, inline
   display:none).

The visible labelled date wins over `<meta name="PubDate">` because real CMS migrations rewrite
meta dates (miit.gov.cn: shown 2009-09-30, PubDate 2023-05-12); the meta value is kept in
`PageDates.meta_date` so a check can report the disagreement. Every candidate is recorded with
the rule that produced it and, when rejected, the reason.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from inspector.crawl.extract.notfound import mentions_not_found, not_found_hint
from inspector.crawl.extract.scripts import expand_script_writes
from inspector.crawl.extract.years import (
    YEAR_ITEM,
    YEAR_UNCERTAIN,
    YearReading,
    generated_at,
    infer_year,
)
from inspector.facts import DateCandidate, PageDates

__all__ = ["extract_dates", "extract_dates_from_html", "parse_date"]

# --- policy tables ------------------------------------------------------------------------

# Label tiers: lower wins. A publication label beats a generic 日期/时间, which beats the
# document dates of 信息公开 tables (成文/发文/生成日期): the census reads the date the page says
# it was published, and falls back to the document's own date only when nothing else is shown.
PUBLISH_LABELS = (
    "发布日期", "发布时间", "发稿时间", "发稿日期", "发表时间", "发表日期",
    "公布日期", "公布时间", "上网时间", "上网日期", "时间发布", "信息时间",
)  # fmt: skip
GENERIC_LABELS = ("日期", "时间")
DOCUMENT_LABELS = ("发文日期", "成文日期", "生成日期", "印发日期")

TIER_PUBLISH, TIER_GENERIC, TIER_DOCUMENT, TIER_STANDALONE = 0, 1, 2, 3

# Meta names that carry a publication date, best first. Maketime/createDate are when the CMS
# generated the page: better than nothing, worse than any publication field.
META_PRIORITY = {
    "pubdate": 0,
    "publishdate": 0,
    "firstpublishedtime": 1,
    "article:published_time": 1,
    "publishtime": 1,
    "publish_time": 1,
    "pubtime": 1,
    "datepublished": 1,
    "dc.date.issued": 2,
    "og:release_date": 2,
    "dc.date": 3,
    "createdate": 4,
    "maketime": 5,
}

LIST_MIN_ITEMS = 3  # dated link items that make a page a list
LONG_TEXT_CHUNK = 200  # a text node this long is a paragraph of running text
ITEM_MAX_LINKS = 3  # an element with more links than this is a list, not one list item

# --- regexes ------------------------------------------------------------------------------

_SP = r"[ \t\u00a0\u3000]?"
# "19"/"20" in ASCII or full-width digits (\d matches both; int() reads both).
_CENTURY = "(?:[1１][9９]|[2２][0０])"
# Dates with a year. The leading boundary is checked in code (a lookbehind at every position of
# a 100 KB stream costs more than the whole rest of the extraction).
_FULL_DATE_RE = re.compile(
    rf"(?P<y>{_CENTURY}\d\d){_SP}(?:"
    rf"(?P<s>[-/.－／．]){_SP}(?P<m>\d{{1,2}}){_SP}(?P=s){_SP}(?P<d>\d{{1,2}})(?!\d)(?![-/.－／．]\d(?!\d?[:：]))"
    rf"|年{_SP}(?P<m2>\d{{1,2}}){_SP}月{_SP}(?P<d2>\d{{1,2}})(?!\d){_SP}[日号]?"
    r")"
    # an optional time, kept in the match so "2025-11-20 10:30" counts as a date standing alone
    rf"(?:[ \t\u00a0\u3000T\-]{{0,3}}\d{{1,2}}{_SP}[:：∶时]{_SP}\d{{1,2}}"
    rf"(?:{_SP}[:：∶分]{_SP}\d{{1,2}}{_SP}秒?)?{_SP}分?)?"
)
_HAN = "〇○零一二三四五六七八九"
_HAN_DATE_RE = re.compile(
    rf"(?P<y>[{_HAN}]{{4}}){_SP}年{_SP}(?P<m>[一二三四五六七八九十]{{1,3}}){_SP}月"
    rf"{_SP}(?P<d>[一二三四五六七八九十]{{1,3}}){_SP}[日号]"
)
# Dates without a year count only as list-item dates: alone in their text node ("10-11",
# "[11-20]", "11月20日") or bracketed at the end of a link text ("标题(11-20)").
_MD_RE = re.compile(
    r"(?m)(?:^[\[【(（]?[ \t]?(?P<m>\d{1,2})(?P<s>[-/])(?P<d>\d{1,2})[ \t]?[\]】)）]?"
    r"|^[\[【(（]?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})[日号][\]】)）]?"
    r"|[\[【(（](?P<m3>\d{1,2})-(?P<d3>\d{1,2})[\]】)）])[ \t]*$"
)
_BARE_YEAR_RE = re.compile(
    rf"(?P<y>(?:19|20)\d\d|[{_HAN}]{{4}}){_SP}年(?!{_SP}(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}}){_SP}月)"
)
# "©2005-2025", "Copyright 2025": years (never full dates) after a copyright mark.
_COPYRIGHT_RE = re.compile(
    r"(?:©|\(c\)|&copy;|copyright|版权所有)[^\n\d]{0,20}"
    r"(?P<years>(?:19|20)\d\d(?:[ \t]*[-–—~至][ \t]*(?:19|20)\d\d)?)(?![-/.年月\d])",
    re.IGNORECASE,
)
_COPYRIGHT_NEAR_RE = re.compile(r"©|copyright|版权", re.IGNORECASE)

_ALL_LABELS = sorted(PUBLISH_LABELS + DOCUMENT_LABELS + GENERIC_LABELS, key=len, reverse=True)
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(_ALL_LABELS) + r")[ \t\u00a0\u3000]*(?P<colon>[:：])?"
    r"\s*[\[【(（]?\s*$"
)
_LABEL_TIER = {
    **{label: TIER_PUBLISH for label in PUBLISH_LABELS},
    **{label: TIER_GENERIC for label in GENERIC_LABELS},
    **{label: TIER_DOCUMENT for label in DOCUMENT_LABELS},
}
_CLOCK_BEFORE_RE = re.compile(
    r"(?:今天是|今天|今日是|今日|当前时间|当前日期|现在时间|现在是|系统时间)\s*[:：]?\s*$"
    r"|(?:星期|礼拜|周)[一二三四五六日天]\s*[,，]?\s*$"
)
_CLOCK_AFTER_RE = re.compile(r"^\s*[,，]?\s*(?:星期|礼拜)[一二三四五六日天]")
# id/class names of header clock widgets. Not plain "time"/"date": list items use those.
_CLOCK_ATTR_RE = re.compile(r"clock|now|today|jintian|week|xingqi|curr?ent[-_]?(?:time|date)", re.I)
_BYLINE_AFTER_RE = re.compile(
    r"^[\s|｜丨/]*(?:信息|文章|稿件)?(?:来源|作者|(?:浏览|点击|阅读|访问)(?:次数|数|量)?[:：]|字号|字体|【(?:字体|字号|打印|大)|打印|分享|责任编辑|编辑)"
)
# "来源：新华网 2025-11-20": a byline whose source comes first, in the same text node.
_BYLINE_BEFORE_RE = re.compile(
    r"(?:来源|稿源|作者|编辑)\s*[:：]\s*[^\s\n]{1,30}[ \t\u00a0\u3000]+$"
)
_ENDS_WITH_CJK_RE = re.compile(r"[\u3400-\u9fff]\Z")
_URL_DATE_RES = (
    re.compile(r"/t((?:19|20)\d\d)(\d\d)(\d\d)_\d+"),
    re.compile(r"/((?:19|20)\d\d)[-/_]?(\d\d)[-/_]?(\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)-(\d\d)/(\d\d)/"),
)
# How much text around a date is read for labels, clocks and bylines. Generous because CMS
# templates pad labels with runs of spaces and &nbsp; ("时间  :  ", "\n    \xa0\xa0来源：").
_BEFORE, _AFTER = 60, 160
_DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_BRACKETS = " \t\u00a0\u3000[]【】()（）"

# Text nodes of the body in document order, without script/style text. Inline-hidden elements
# (CMS markers such as "publishdate:2024/01/05" sit in display:none) are filtered per date
# match instead: an ancestor test on every text node would double the cost of this query.
_TEXT_NODES = etree.XPath(
    "//text()[normalize-space()]"
    "[not(ancestor::head or ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::textarea or ancestor::select or ancestor::template)]"
)
_META_NODES = etree.XPath("//meta[@content]")
# What a script writes matters to the dates only when it holds one (not a badge or a pager).
_WRITES_A_DATE = re.compile(r"\d{1,2}\s*[-/.月]\s*\d{1,2}")
_ITEM_LINKS = etree.XPath(
    "count(.//a[@href][normalize-space()]"
    "[not(starts-with(normalize-space(@href), 'javascript')) and normalize-space(@href) != '#'])"
)
_HAN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}


# --- the text stream ---------------------------------------------------------------------


@dataclass(slots=True)
class _Stream:
    """The visible text of a page, one stripped text node per line."""

    text: str
    starts: list[int]
    nodes: list  # lxml text results ("smart strings"), parallel to starts
    _hidden: dict = field(default_factory=dict)  # element -> inline-hidden, memo per page

    @classmethod
    def of(cls, doc: etree._Element) -> _Stream:
        nodes = _TEXT_NODES(doc)
        parts: list[str] = []
        starts: list[int] = []
        pos = 0
        for node in nodes:
            part = node.strip()
            parts.append(part)
            starts.append(pos)
            pos += len(part) + 1
        return cls("\n".join(parts), starts, nodes)

    def index(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def chunk(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[i] : end]

    def owner(self, i: int) -> etree._Element:
        """The element whose content the text node is."""
        node = self.nodes[i]
        parent = node.getparent()
        return parent.getparent() if node.is_tail and parent.getparent() is not None else parent

    def hidden(self, i: int) -> bool:
        """Whether text node i sits in an element hidden inline (style display:none, hidden)."""
        memo = self._hidden
        path: list = []
        node: etree._Element | None = self.owner(i)
        verdict = False
        while node is not None:
            known = memo.get(node)
            if known is not None:
                verdict = known
                break
            path.append(node)
            style = node.get("style")
            if node.get("hidden") is not None or (
                style and "none" in style and _DISPLAY_NONE_RE.search(style)
            ):
                verdict = True
                break
            node = node.getparent()
        for element in path:
            memo[element] = verdict
        return verdict

    def longest_chunk(self) -> int:
        starts = self.starts
        if not starts:
            return 0
        widths = [b - a - 1 for a, b in zip(starts, starts[1:], strict=False)]
        widths.append(len(self.text) - starts[-1])
        return max(widths)


# --- public API ----------------------------------------------------------------------------


def extract_dates(
    doc: etree._Element,
    as_of: date,
    *,
    title: str = "",
    url: str = "",
    is_home: bool = False,
    item_dates: Mapping[str, date] | None = None,
) -> PageDates:
    """Dates of one parsed page (an `lxml.html` document), judged as of `as_of`.

    `kind` is "home" when the caller says so, "not_found" for error pages, "list" for pages of
    dated link items without a publication date of their own, "article" when a publication
    date is shown (or only in meta/URL), "other" otherwise. Text written by inline scripts
    (`document.write`) is read as shown; `doc` itself is left unchanged. `item_dates` are
    publication dates read on list items' own pages (href as written → date): they settle the
    year of those items (`year` "item") and count as full dates of the page.
    """
    if not title:
        title = _title_of(doc)
    doc = expand_script_writes(doc, wanted=_WRITES_A_DATE.search)
    stream = _Stream.of(doc)
    generated = generated_at(doc, as_of)
    judged = _judge_stream(stream, as_of, generated, item_dates or {})
    candidates = [c.candidate for c in judged]
    candidates.extend(_title_years(title))
    candidates.extend(_copyright_years(stream.text))

    meta_candidates = _meta_candidates(doc, as_of)
    candidates.extend(meta_candidates)
    url_candidate = _url_candidate(url, as_of)
    if url_candidate is not None:
        candidates.append(url_candidate)

    visible = _best_visible(judged)
    meta_date = next((c.date for c in meta_candidates if c.accepted), None)
    items = [c.candidate for c in judged if c.item and c.candidate.accepted]
    item_dates = [c.date for c in items]
    newest = max(item_dates) if item_dates else None
    settled = max((c.date for c in items if c.year != YEAR_UNCERTAIN), default=None)
    long_text = stream.longest_chunk() >= LONG_TEXT_CHUNK
    kind = _kind(doc, title, stream, is_home, visible, item_dates, meta_date, long_text)
    if kind == "other" and (meta_date or (url_candidate is not None and url_candidate.accepted)):
        kind = "article"

    pub_date: date | None = None
    if visible is not None:
        pub_date = visible.candidate.date
    elif kind == "article":
        pub_date = meta_date or (url_candidate.date if url_candidate else None)

    return PageDates(
        kind=kind,
        pub_date=pub_date,
        newest_item_date=newest,
        item_dates=tuple(item_dates),
        meta_date=meta_date,
        candidates=tuple(candidates),
        year_uncertain=newest is not None and (settled is None or settled < newest),
        newest_settled=settled,
        generated=generated,
    )


def _kind(
    doc: etree._Element,
    title: str,
    stream: _Stream,
    is_home: bool,
    visible: _Judged | None,
    item_dates: Sequence[date],
    meta_date: date | None,
    long_text: bool,
) -> str:
    if is_home:
        return "home"
    if visible is None and (mentions_not_found(title) or mentions_not_found(stream.text)):
        if not_found_hint(doc, title):
            return "not_found"
    if visible is not None:
        return "article"
    if len(item_dates) >= LIST_MIN_ITEMS and not (meta_date and long_text):
        return "list"
    return "other"


def extract_dates_from_html(
    html: str, as_of: date, url: str = "", *, is_home: bool = False
) -> PageDates:
    """Convenience for tests and one-off use: parse `html`, then `extract_dates`."""
    from inspector.crawl.extract.encoding import parse_html

    return extract_dates(parse_html(html), as_of, url=url, is_home=is_home)


def parse_date(text: str) -> date | None:
    """First date in `text` (any supported format with a year), or None. For meta values etc."""
    match = _FULL_DATE_RE.search(text)
    if match and _boundary_ok(text, match.start()):
        return _to_date(*_ymd(match))
    match = _HAN_DATE_RE.search(text)
    if match:
        return _to_date(*_han_ymd(match))
    return None


# --- judging matches ------------------------------------------------------------------------


@dataclass(slots=True)
class _Judged:
    candidate: DateCandidate
    tier: int | None  # publication-date tier when it can be the page's date, else None
    item: bool  # a list-item date


def _judge_stream(
    stream: _Stream, as_of: date, generated: date | None, item_dates: Mapping[str, date]
) -> list[_Judged]:
    text = stream.text
    found: list[tuple[int, _Judged]] = []
    for match in _FULL_DATE_RE.finditer(text):
        if not _boundary_ok(text, match.start()):
            continue
        found.append((match.start(), _judge(stream, match, _ymd(match), as_of)))
    if "年" in text:
        for match in _HAN_DATE_RE.finditer(text):
            found.append((match.start(), _judge(stream, match, _han_ymd(match), as_of)))
    # Full list-item dates are evidence for the year of the items that show only month-day.
    newest_full = max(
        [j.candidate.date for _, j in found if j.item and j.candidate.accepted]
        + [d for d in item_dates.values() if d <= as_of],
        default=None,
    )
    for match in _MD_RE.finditer(text):
        judged = _judge_yearless(stream, match, as_of, generated, newest_full, item_dates)
        if judged is not None:
            found.append((match.start(), judged))
    found.extend(_link_title_years(stream))
    found.sort(key=lambda pair: pair[0])
    return [judged for _, judged in found]


def _judge(
    stream: _Stream,
    match: re.Match[str],
    ymd: tuple[int, int, int],
    as_of: date,
) -> _Judged:
    text = stream.text
    start, end = match.span()
    raw = match.group().strip()
    i = stream.index(start)
    if stream.hidden(i):
        return _reject(raw, _to_date(*ymd), "hidden", "hidden")
    parsed = _to_date(*ymd)
    if parsed is None:
        return _reject(raw, None, "text", "invalid")

    before = text[max(0, start - _BEFORE) : start]
    after = text[end : end + _AFTER]
    chunk = stream.chunk(i)

    label, label_tier = _label_before(before)
    if _is_clock(before, after, stream, i, label_tier):
        return _reject(raw, parsed, "clock", "clock")
    chunk_before = before.rsplit("\n", 1)[-1]
    if _COPYRIGHT_NEAR_RE.search(chunk_before) or _COPYRIGHT_NEAR_RE.search(chunk[:40]):
        return _reject(raw, parsed, "copyright", "copyright")

    item, href = False, ""
    if label is not None:
        rule, tier = f"label:{label}", label_tier  # tier None: labelled as some other date
    elif _BYLINE_AFTER_RE.match(after) or _BYLINE_BEFORE_RE.search(chunk_before):
        rule, tier = "byline", TIER_GENERIC
    else:
        alone = chunk.strip(_BRACKETS) == raw.strip(_BRACKETS)
        at_end = chunk.rstrip(_BRACKETS).endswith(raw.rstrip(_BRACKETS))
        node = _list_item_node(stream.owner(i)) if alone or at_end else None
        if node is not None:
            rule, tier, item, href = "list_item", None, True, _item_href(node)
        elif alone:
            rule, tier = "standalone", TIER_STANDALONE
        else:
            rule, tier = "text", None

    if parsed > as_of:
        return _reject(raw, parsed, rule, "future")
    return _Judged(DateCandidate(raw, parsed, rule, True, url=href), tier, item)


def _judge_yearless(
    stream: _Stream,
    match: re.Match[str],
    as_of: date,
    generated: date | None,
    newest_full: date | None,
    item_dates: Mapping[str, date],
) -> _Judged | None:
    month = int(match.group("m") or match.group("m2") or match.group("m3"))
    day = int(match.group("d") or match.group("d2") or match.group("d3"))
    raw = match.group().strip()
    start = match.start()
    i = stream.index(start)
    if stream.hidden(i):
        return None
    item = _list_item_node(stream.owner(i))
    before = stream.text[max(0, start - _BEFORE) : start]
    after = stream.text[match.end() : match.end() + _AFTER]
    if _is_clock(before, after, stream, i, None):
        reading = infer_year(month, day, as_of)
        return _reject(raw, reading.date if reading else None, "clock", "clock")
    if item is None:
        return None  # a bare "3-5" outside a list is a range or a score, not a date
    href = _item_href(item)  # the item's own URL is evidence of its year
    read_there = item_dates.get(href)
    if read_there is not None:  # the item's own page says when it was published
        reading: YearReading | None = YearReading(read_there, YEAR_ITEM)
    else:
        reading = infer_year(
            month, day, as_of, url=href, generated=generated, newest_full=newest_full
        )
    if reading is None:
        return None
    if reading.date > as_of:
        return _reject(raw, reading.date, "list_item", "future")
    candidate = DateCandidate(raw, reading.date, "list_item", True, year=reading.basis, url=href)
    return _Judged(candidate, None, True)


def _reject(raw: str, parsed: date | None, rule: str, reason: str) -> _Judged:
    return _Judged(DateCandidate(raw, parsed, rule, False, reason), None, False)


def _label_before(before: str) -> tuple[str | None, int | None]:
    """The label right before a date and its tier; tier None for a label of some other date."""
    match = _LABEL_RE.search(before)
    if match is None:
        return None, None
    label = match.group("label")
    tier = _LABEL_TIER[label]
    if tier == TIER_GENERIC:
        # 留言时间, 报名时间, 出生日期, 作出处罚决定的日期: a generic word after other Han
        # characters names some other date.
        if _ENDS_WITH_CJK_RE.search(before[: match.start()]):
            return before[max(0, match.start() - 4) : match.end("label")].split()[-1], None
        # Without a colon the label must be a cell of its own ("日期 | 2025-11-20").
        if match.group("colon") is None and "\n" not in before[match.end("label") :]:
            return None, None
    return label, tier


def _is_clock(before: str, after: str, stream: _Stream, i: int, label_tier: int | None) -> bool:
    if _CLOCK_BEFORE_RE.search(before):
        return True
    # A weekday after the date marks a clock, unless a publication label stands before it.
    if _CLOCK_AFTER_RE.match(after) and label_tier != TIER_PUBLISH:
        return True
    node = stream.owner(i)
    for _ in range(4):
        if node is None or not isinstance(node.tag, str) or node.tag == "body":
            return False
        attrs = (node.get("id") or "") + " " + (node.get("class") or "")
        if attrs.strip() and _CLOCK_ATTR_RE.search(attrs):
            return True
        node = node.getparent()
    return False


def _list_item_node(element: etree._Element | None) -> etree._Element | None:
    """The list item a date's element belongs to (a small block holding a link), or None."""
    node = element
    for _ in range(4):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            return None
        if node.tag == "a" and node.get("href"):
            return node
        links = _ITEM_LINKS(node)
        if links:
            return node if links <= ITEM_MAX_LINKS else None
        node = node.getparent()
    return None


def _item_href(item: etree._Element) -> str:
    """The href of a list item's link (the item's own URL, often dated: /202310/t2023…)."""
    if item.tag == "a":
        return item.get("href") or ""
    for link in item.iter("a"):
        href = link.get("href") or ""
        if href.strip() and not href.lstrip().lower().startswith(("javascript", "#")):
            return href
    return ""


def _link_title_years(stream: _Stream) -> Iterable[tuple[int, _Judged]]:
    """Bare years in link texts ("2025年工作总结"): recorded so nobody mistakes them for dates."""
    for match in _BARE_YEAR_RE.finditer(stream.text):
        if not _boundary_ok(stream.text, match.start()):
            continue
        element = stream.owner(stream.index(match.start()))
        if _inside_link(element):
            candidate = DateCandidate(match.group(), None, "link_text", False, "title_year")
            yield match.start(), _Judged(candidate, None, False)


def _inside_link(element: etree._Element | None) -> bool:
    node = element
    for _ in range(3):
        if node is None or not isinstance(node.tag, str):
            return False
        if node.tag == "a":
            return True
        node = node.getparent()
    return False


def _title_years(title: str) -> list[DateCandidate]:
    return [
        DateCandidate(m.group(), None, "title", False, "title_year")
        for m in _BARE_YEAR_RE.finditer(title)
        if _boundary_ok(title, m.start())
    ]


def _copyright_years(text: str) -> list[DateCandidate]:
    if not _COPYRIGHT_NEAR_RE.search(text):
        return []
    return [
        DateCandidate(m.group("years"), None, "copyright", False, "copyright")
        for m in _COPYRIGHT_RE.finditer(text)
    ]


def _best_visible(judged: Sequence[_Judged]) -> _Judged | None:
    """The shown publication date: lowest tier, first on the page among equals (min is stable)."""
    eligible = [j for j in judged if j.tier is not None and j.candidate.accepted]
    return min(eligible, key=lambda j: j.tier or 0, default=None)


def _meta_candidates(doc: etree._Element, as_of: date) -> list[DateCandidate]:
    found: list[tuple[int, DateCandidate]] = []
    for meta in _META_NODES(doc):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip()
        rank = META_PRIORITY.get(key.lower())
        if rank is None:
            continue
        content = meta.get("content") or ""
        parsed = parse_date(content)
        if parsed is None:
            candidate = DateCandidate(content, None, f"meta:{key}", False, "invalid")
        elif parsed > as_of:
            candidate = DateCandidate(content, parsed, f"meta:{key}", False, "future")
        else:
            candidate = DateCandidate(content, parsed, f"meta:{key}", True)
        found.append((rank, candidate))
    found.sort(key=lambda pair: pair[0])  # stable: document order within a rank
    return [candidate for _, candidate in found]


def _url_candidate(url: str, as_of: date) -> DateCandidate | None:
    for pattern in _URL_DATE_RES:
        match = pattern.search(url)
        if match:
            parsed = _to_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if parsed is None:
                return DateCandidate(match.group(), None, "url", False, "invalid")
            if parsed > as_of:
                return DateCandidate(match.group(), parsed, "url", False, "future")
            return DateCandidate(match.group(), parsed, "url", True)
    return None


# --- small helpers ------------------------------------------------------------------------------


def _title_of(doc: etree._Element) -> str:
    element = doc.find("head/title")
    if element is None:
        element = doc.find(".//title")
    return (element.text_content() if element is not None else "").strip()


def _boundary_ok(text: str, start: int) -> bool:
    """A year must not continue a number ("12025-11-20", "1.2025.1.1")."""
    if start == 0:
        return True
    prev = text[start - 1]
    return not (prev.isdigit() or prev in ".-/－／．")


def _ymd(match: re.Match[str]) -> tuple[int, int, int]:
    month = match.group("m") or match.group("m2")
    day = match.group("d") or match.group("d2")
    return int(match.group("y")), int(month), int(day)


def _han_ymd(match: re.Match[str]) -> tuple[int, int, int]:
    year = int("".join(str(_HAN_DIGITS[c]) for c in match.group("y")))
    return year, _han_number(match.group("m")), _han_number(match.group("d"))


def _han_number(text: str) -> int:
    """一..九, 十, 十一.., 二十, 二十一.., 三十一 → int (0 when malformed: rejected later)."""
    if "十" not in text:
        return _HAN_DIGITS.get(text, 0) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    tens_value = _HAN_DIGITS.get(tens, 0) if tens else 1
    ones_value = _HAN_DIGITS.get(ones, 0) if ones else 0
    if (tens and tens not in _HAN_DIGITS) or (ones and ones not in _HAN_DIGITS):
        return 0
    return tens_value * 10 + ones_value


def _to_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
