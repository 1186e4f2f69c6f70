"""One message row of a board list → its fields (title, link, dates, status, reply …).

A row is a table row, a list item, or a block, read in up to three ways, in this order of trust:
the list's header (the cell under 留言时间 is the asked date), labels inside the row
("回复时间：2026-03-10"), and position (the first unlabelled date is the asked date, a second
one the reply's). Titles are removed before looking for dates and statuses, so a message titled
"关于2025年3月停水未回复的问题" gives neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from inspector.crawl.boards.identify import absolute, script_url
from inspector.crawl.boards.labels import dates_in, first_date, read_labels
from inspector.crawl.boards.vocab import normalise_label, says_no_reply, status_state

_MORE_LINK_TEXTS = (
    "查看",
    "详情",
    "详细",
    "查看详情",
    "查看回复",
    "阅读全文",
    "全文",
    "more",
    "点击查看",
)
_TITLE_MIN = 2
STATUS_MAX = 8  # a status stands alone in its element: "已回复", "【办理中】"


@dataclass(slots=True)
class Row:
    """A message as its list row shows it."""

    title: str = ""
    url: str = ""
    asked: date | None = None
    answered: date | None = None
    status: str = ""
    asker: str = ""
    reply_unit: str = ""
    reply: str = ""  # reply text shown in the list itself
    reply_shown_empty: bool = False  # the list has a reply slot that says there is none
    dated_by: str = ""  # how the asked date was read: header | label | position | generic
    list_url: str = ""  # the list page the row was read on
    cells: dict[str, str] = field(default_factory=dict)  # field → text as read (evidence)

    @property
    def state(self) -> str | None:
        """answered | unanswered | invalid, as far as the list tells; None when it does not."""
        by_status = status_state(self.status) if self.status else None
        if by_status:
            return by_status
        if self.answered is not None or self.reply:
            return "answered"
        if self.reply_shown_empty:
            return "unanswered"
        return None


def row_from_cells(
    cells: Sequence[etree._Element], columns: Sequence[str | None], base: str
) -> Row:
    """A table or header-list row whose cells are named by the list's header."""
    row = Row()
    for cell, name in zip(cells, columns, strict=False):
        text = _text(cell)
        if name == "answered" and normalise_label(text) in ("", "-", "—", "无", "/"):
            row.reply_shown_empty = True  # the list has a reply date column and it is blank
            continue
        if not name or not text:
            if name == "title" or (not row.url and cell.find(".//a") is not None):
                _take_link(row, cell, base)
            continue
        row.cells.setdefault(name, text)
        if name == "title":
            _take_link(row, cell, base)
            row.title = row.title or text
        elif name in ("asked", "date") and row.asked is None:
            row.asked = first_date(text)
            row.dated_by = "header" if name == "asked" else "generic"
        elif name == "answered" and row.answered is None:
            row.answered = first_date(text)
            if row.answered is None and status_state(text) and not row.status:
                row.status = _status_text(text)  # "未回复" in the reply-date column
        elif name == "status":
            row.status = _status_text(text)
        elif name == "asker":
            row.asker = text[:40]
        elif name == "reply_unit":
            row.reply_unit = text[:60]
        elif name == "reply":
            _take_reply(row, text)
    for cell in cells if not row.url else ():
        if _take_link(row, cell, base):
            break
    if not row.status:
        row.status = _status_in(cells, row.title)
    return row


def row_from_element(item: etree._Element, base: str) -> Row:
    """A list item or block without a header: labels first, then position."""
    row = Row()
    _take_link(row, item, base)
    labelled_dates: list[date] = []
    for found in read_labels(item, skip_chrome=False):
        value = found.value.strip()
        row.cells.setdefault(found.field, value[:200])
        if found.field in ("asked", "date") and row.asked is None and value:
            row.asked = first_date(value)
            row.dated_by = "label"
            if row.asked:
                labelled_dates.append(row.asked)
        elif found.field == "answered" and row.answered is None and value:
            row.answered = first_date(value)
            if row.answered:
                labelled_dates.append(row.answered)
        elif found.field == "status" and value:
            row.status = _status_text(value)
        elif found.field == "asker" and value:
            row.asker = value.split()[0][:40]
        elif found.field == "reply_unit" and value:
            row.reply_unit = value.split()[0][:60]
        elif found.field == "reply":
            _take_reply(row, value)
        elif found.field == "title" and value and not row.title:
            row.title = value[:200]
    if not row.title:
        row.title = _heading(item)
    if not row.status:
        row.status = _status_in([item], row.title)
    _positional_dates(row, item, labelled_dates)
    return row


_TITLE_CLASS_RE = re.compile(r"title|tit|subject|theme|(?:^|[\s_-])(?:bt|t|bt\d)(?:$|[\s_-])", re.I)


def _heading(item: etree._Element) -> str:
    """The title of a row without a title link: its heading, or its block classed as a title."""
    for element in item.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "strong") or _TITLE_CLASS_RE.search(
            element.get("class") or ""
        ):
            text = " ".join(element.text_content().split())
            if len(text) >= _TITLE_MIN:
                return text[:200]
    return ""


def _positional_dates(row: Row, item: etree._Element, labelled: list[date]) -> None:
    text = _text_without_title(item, row.title)
    rest = dates_in(text)
    for known in labelled:
        if known in rest:
            rest.remove(known)
    if row.asked is None and rest:
        row.asked = rest.pop(0)
        row.dated_by = "position"
    if row.answered is None and rest and status_state(row.status) != "unanswered":
        later = [d for d in rest if row.asked is None or d >= row.asked]
        if later and row.dated_by == "position":
            row.answered = later[-1]


def _take_link(row: Row, root: etree._Element, base: str) -> bool:
    """The message's title and page from the row's links (the longest text is the title)."""
    best: tuple[int, str, str] | None = None
    more_url = ""
    for link in root.iter("a"):
        text = " ".join("".join(link.itertext()).split())
        title = (link.get("title") or "").strip()
        if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
            text = title
        url = absolute(base, link.get("href")) or script_url(link, base)
        if not url:
            continue
        if normalise_label(text).lower() in _MORE_LINK_TEXTS or len(text) < _TITLE_MIN:
            more_url = more_url or url
            continue
        if best is None or len(text) > best[0]:
            best = (len(text), text, url)
    if best is not None:
        row.title = row.title or best[1][:200]
        row.url = best[2]
    elif more_url and not row.url:
        row.url = more_url
    return bool(row.url)


def _take_reply(row: Row, text: str) -> None:
    text = text.strip()
    if says_no_reply(text):
        row.reply_shown_empty = True
    else:
        row.reply = text[:500]


def _status_text(text: str) -> str:
    words = text.split()
    return (words[0] if words else text)[:20]


def _status_in(roots: Sequence[etree._Element], title: str) -> str:
    """A status word standing alone in an element of the row (not inside the title)."""
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str) or element.tag == "a" and _is_title(element, title):
                continue
            for text in (element.text, element.tail):
                text = (text or "").strip()
                if text and len(text) <= STATUS_MAX and ":" not in text and "：" not in text:
                    if status_state(text):
                        return text[:20]
            for attr in ("alt", "title"):
                value = (element.get(attr) or "").strip()
                if element.tag == "img" and value and status_state(value):
                    return value[:20]
    return ""


def _is_title(link: etree._Element, title: str) -> bool:
    text = " ".join("".join(link.itertext()).split())
    return bool(title) and (text == title or text in title or title in text)


def _text(element: etree._Element) -> str:
    return " ".join("".join(t for t in element.itertext() if isinstance(t, str)).split())


def _text_without_title(item: etree._Element, title: str) -> str:
    parts = []
    for element in item.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        inside_title = element.tag == "a" and _is_title(element, title)
        if element.text and not inside_title:
            parts.append(element.text)
        if element.tail and element is not item:
            parts.append(element.tail)
    text = " ".join(parts)
    return text.replace(title, " ") if title else text


def fields_of(row: Row) -> Mapping[str, str]:
    """What was read from the row, for `inspector explain` and the evidence of findings."""
    out = dict(row.cells)
    out.update(
        {
            "title": row.title,
            "url": row.url,
            "asked": row.asked.isoformat() if row.asked else "",
            "answered": row.answered.isoformat() if row.answered else "",
            "status": row.status,
        }
    )
    return {k: v for k, v in out.items() if v}
