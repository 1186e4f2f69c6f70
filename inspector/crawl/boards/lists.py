"""A board's list page → its message rows, or why there are none.

Three shapes, tried in this order:

1. a table whose header row names the columns (标题 | 留言人 | 留言时间 | 回复时间 | 状态), its
   records in the same table or in the rows that follow it (Hanweb puts them in other tables);
2. a header made of blocks (`<div class="th"><span>标题</span><span>时间</span>…`) followed by
   rows of the same blocks (`<ul><li><span>…`);
3. repeated items without a header: the list items, table rows or blocks that carry a message
   link and a date or a status, read by their labels and by position.

Hanweb JCMS lists keep their records as CDATA inside `<script type="text/xml">`; they are read as
if they were in the page. A page without rows is empty (暂无留言), or unreadable for a reason:
a login, only a query form, only a write form, rows written by script, or nothing recognisable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from inspector.crawl.boards.identify import LIST, absolute, base_of, board_links
from inspector.crawl.boards.labels import DATE_SPAN_RE, is_chrome
from inspector.crawl.boards.rows import Row, row_from_cells, row_from_element
from inspector.crawl.boards.vocab import (
    DEFAULT_BOARD_RULES,
    EMPTY_MARKERS,
    LOGIN_TEXTS,
    SEARCH_FORM_TEXTS,
    BoardRules,
    header_field,
)
from inspector.crawl.extract.scripts import LIST_SCRIPT_RE, datastore_records

_CELLS = etree.XPath("./th|./td")
_TABLE_ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
# Fields a header must name (at least two of them) to be a message list's header.
_CORE = frozenset({"title", "asker", "asked", "answered", "status", "reply_unit", "date", "number"})
_MESSAGE_FIELDS = frozenset({"asker", "asked", "answered", "status", "reply_unit"})
VISIBLE_TEXT_MIN = 80  # a page with less visible text than this and list scripts: script-rendered


@dataclass(slots=True)
class ListPage:
    rows: list[Row] = field(default_factory=list)
    shape: str = ""  # table | header | items | ""
    empty_marker: str = ""
    unreadable: str = ""  # "" or a key of boardfacts.UNREADABLE_REASONS
    list_links: list[str] = field(default_factory=list)  # the board's list pages, when elsewhere
    frame_url: str = ""  # the list shown in an iframe
    header_only: bool = False  # a message list's header with no row under it: an empty list
    records_embedded: int = 0  # Hanweb datastore records in the page


def read_list(
    doc: etree._Element, url: str, text: str = "", rules: BoardRules = DEFAULT_BOARD_RULES
) -> ListPage:
    """The rows of a board list page (see module doc). `text` is the page source, for the
    Hanweb datastore; `doc` its parsed tree."""
    page = ListPage()
    records = datastore_records(text)
    if records:
        page.records_embedded = len(records)
        doc = _with_records(doc, records)
    page.rows, page.shape = find_rows(doc, base_of(doc, url))
    if page.rows:
        return page
    content = _main_text(doc)
    page.empty_marker = next((m for m in EMPTY_MARKERS if m in content), "")
    if page.empty_marker:
        return page
    page.list_links = [
        link.url for link in board_links(doc, url, rules) if link.role == LIST and link.url != url
    ]
    page.frame_url = _frame(doc, url)
    page.header_only = _has_header(doc)
    if not page.list_links and not page.frame_url and not page.header_only:
        page.unreadable = unreadable_reason(doc, content)
    return page


def _has_header(doc: etree._Element) -> bool:
    for table in doc.iter("table"):
        if any(_is_header(_columns(_CELLS(tr))) for tr in _TABLE_ROWS(table)[:4]):
            return True
    for element in doc.iter("div", "li", "ul", "dl", "p"):
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) >= 2 and element.find(".//a[@href]") is None:
            if _is_header([header_field(_cell_text(c)) for c in children]):
                return True
    return False


def find_rows(doc: etree._Element, url: str) -> tuple[list[Row], str]:
    rows = _table_rows(doc, url)
    if rows:
        return rows, "table"
    rows = _header_rows(doc, url)
    if rows:
        return rows, "header"
    rows = _item_rows(doc, url)
    return (rows, "items") if rows else ([], "")


# --- 1. tables with a header row -----------------------------------------------------------------


def _columns(cells: Sequence[etree._Element]) -> list[str | None]:
    """Header cells → field per column position (colspan expanded)."""
    columns: list[str | None] = []
    for cell in cells:
        span = int(cell.get("colspan") or 1) if (cell.get("colspan") or "1").isdigit() else 1
        name = header_field(_cell_text(cell)) if cell.find(".//a[@href]") is None else None
        columns.extend([name] * max(1, min(span, 10)))
    return columns


def _is_header(columns: Sequence[str | None]) -> bool:
    named = {c for c in columns if c}
    return len(named & _CORE) >= 2 and bool(named & (_MESSAGE_FIELDS | {"date"}))


def _table_rows(doc: etree._Element, url: str) -> list[Row]:
    best: list[Row] = []
    for table in doc.iter("table"):
        trs = _TABLE_ROWS(table)
        for i, tr in enumerate(trs[:4]):
            columns = _columns(_CELLS(tr))
            if not _is_header(columns):
                continue
            data = [r for r in trs[i + 1 :] if len(_CELLS(r)) >= 2]
            if not data:  # records in the tables that follow (Hanweb, some TRS templates)
                data = [r for r in tr.itersiblings() if len(_CELLS(r)) >= 2] or _rows_after(
                    tr, len(columns)
                )
            rows = [_cells_row(r, columns, url) for r in data]
            rows = [r for r in rows if r.title or r.url or r.asked]
            if len(rows) > len(best):
                best = rows
            break
    return best


def _rows_after(header: etree._Element, width: int) -> list[etree._Element]:
    found = []
    for tr in header.itersiblings():
        if tr.tag == "tr" and len(_CELLS(tr)) >= 2:
            found.append(tr)
    if found:
        return found
    following = header.xpath("following::tr")
    return [tr for tr in following if abs(len(_CELLS(tr)) - width) <= 1][:500]


def _cells_row(tr: etree._Element, columns: Sequence[str | None], url: str) -> Row:
    cells: list[etree._Element] = []
    for cell in _CELLS(tr):
        span = int(cell.get("colspan") or 1) if (cell.get("colspan") or "1").isdigit() else 1
        cells.extend([cell] * max(1, min(span, 10)))
    return row_from_cells(cells, columns, url)


# --- 2. header made of blocks ------------------------------------------------------------------


def _header_rows(doc: etree._Element, url: str) -> list[Row]:
    best: list[Row] = []
    for element in doc.iter("div", "li", "ul", "dl", "p", "section"):
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) < 2 or element.find(".//a[@href]") is not None:
            continue
        columns = [header_field(_cell_text(c)) for c in children]
        if not _is_header(columns):
            continue
        rows = [
            row_from_cells([c for c in item if isinstance(c.tag, str)], columns, url)
            for item in _items_after(element, len(children))
        ]
        rows = [r for r in rows if r.title or r.url]
        if len(rows) > len(best):
            best = rows
    return best


def _items_after(header: etree._Element, width: int) -> list[etree._Element]:
    """The rows that follow a block header, having as many blocks as the header has: its
    same-tag siblings (`<li class="head">` then `<li>`…), or the children of the next container
    (`<div class="th">` then `<ul><li>`…), whichever holds more such rows."""

    def fitting(elements: list[etree._Element]) -> list[etree._Element]:
        return [e for e in elements if len([c for c in e if isinstance(c.tag, str)]) == width]

    same = fitting([s for s in header.itersiblings() if s.tag == header.tag])
    following = header.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    inside: list[etree._Element] = []
    if following is not None:
        children = [c for c in following if isinstance(c.tag, str)]
        if len(children) == 1:  # <div class="list"><ul><li>…
            children = [c for c in children[0] if isinstance(c.tag, str)]
        inside = fitting(children)
    return inside if len(inside) > len(same) else same


# --- 3. repeated items ---------------------------------------------------------------------------


def _item_rows(doc: etree._Element, url: str) -> list[Row]:
    best: list[Row] = []
    for seeds, has in ((doc.iter("a"), _has_link), (_dated_elements(doc), _has_date)):
        groups: dict[etree._Element, list[etree._Element]] = defaultdict(list)
        seen: set[etree._Element] = set()
        for seed in seeds:
            if _in_chrome(seed):
                continue
            item = _repeating_unit(seed, has)
            if item is None or item in seen:
                continue
            seen.add(item)
            parent = item.getparent()
            if parent is not None:
                groups[parent].append(item)
        for items in groups.values():
            rows = [row_from_element(item, url) for item in items]
            rows = [r for r in rows if (r.title or r.url) and (r.asked or r.status or r.reply)]
            if len(rows) > len(best) or (
                len(rows) == len(best) and rows and _more_message(rows, best)
            ):
                best = rows
    return best


def _more_message(rows: list[Row], other: list[Row]) -> bool:
    def weight(rs: list[Row]) -> int:
        return sum(bool(r.status) + bool(r.answered) + bool(r.reply) for r in rs)

    return weight(rows) > weight(other)


def _has_link(element: etree._Element) -> bool:
    return element.tag == "a" or element.find(".//a") is not None


def _has_date(element: etree._Element) -> bool:
    return any(DATE_SPAN_RE.search(t) for t in element.itertext() if isinstance(t, str))


def _dated_elements(doc: etree._Element) -> list[etree._Element]:
    """Elements whose own text holds a full date: seeds of lists whose rows have no link."""
    body = doc.find("body")
    found = []
    for element in (body if body is not None else doc).iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        if element.text and DATE_SPAN_RE.search(element.text):
            found.append(element)
    return found


def _repeating_unit(
    seed: etree._Element, has: Callable[[etree._Element], bool]
) -> etree._Element | None:
    """The ancestor of `seed` that repeats most among its siblings, each holding what `has`
    wants (a link, or a date): a table row rather than its cell, a message block rather than
    its question part."""
    element = seed
    best, best_count = None, 1
    fallback = None
    while True:
        parent = element.getparent()
        if parent is None or element.tag in ("body", "html"):
            return best if best is not None else fallback
        if element.tag in ("li", "tr", "dl") and fallback is None:
            fallback = element
        if element is not seed:
            same = [c for c in parent if c.tag == element.tag]
            if len(same) >= best_count:
                count = sum(1 for c in same if has(c))
                # On a tie the outer level wins: a message block over its question part.
                if count > best_count or (count == best_count and best is not None):
                    best, best_count = element, count
        element = parent


def _in_chrome(element: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):
            return False
        if is_chrome(ancestor):
            return True
    return False


# --- pages without rows ---------------------------------------------------------------------------


def unreadable_reason(doc: etree._Element, content: str) -> str:
    """Why a board page shows no message: login, search_form, write_form, script or no_list."""
    if doc.xpath("//input[@type='password']") or (
        doc.find(".//form") is not None and any(t in content for t in LOGIN_TEXTS)
    ):
        return "login"
    forms = doc.xpath("//form")
    if doc.xpath("//textarea"):
        return "write_form"
    if forms and any(t in content for t in SEARCH_FORM_TEXTS):
        return "search_form"
    scripts = " ".join(s.text or "" for s in doc.iter("script"))
    if LIST_SCRIPT_RE.search(scripts) or LIST_SCRIPT_RE.search(content):
        return "script"
    if scripts.strip() and len(content) < VISIBLE_TEXT_MIN:
        return "script"
    return "no_list"


def _cell_text(element: etree._Element) -> str:
    return " ".join("".join(t for t in element.itertext() if isinstance(t, str)).split())


def _main_text(doc: etree._Element) -> str:
    parts: list[str] = []
    body = doc.find("body")
    _collect(body if body is not None else doc, parts)
    return " ".join(" ".join(parts).split())


def _collect(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
        return
    if is_chrome(element) and element.tag not in ("body", "html"):
        return
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def _frame(doc: etree._Element, url: str) -> str:
    for frame in doc.iter("iframe", "frame"):
        src = absolute(url, frame.get("src"))
        if src and src != url:
            return src
    return ""


def _with_records(doc: etree._Element, records: list[str]) -> etree._Element:
    """A page holding the Hanweb datastore's records as ordinary HTML (the page is not changed).

    When the records are table rows and the page shows their header row, both go in one table.
    """
    body = "".join(records)
    if body.lstrip()[:3].lower() == "<tr":
        header = next(
            (
                etree.tostring(tr, encoding="unicode")
                for table in doc.iter("table")
                for tr in _TABLE_ROWS(table)[:2]
                if _is_header(_columns(_CELLS(tr)))
            ),
            "",
        )
        body = f"<table>{header}{body}</table>"
    return lxml.html.document_fromstring(
        f"<html><body><div class='datastore-records'>{body}</div></body></html>"
    )
