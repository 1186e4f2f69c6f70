"""Labelled values in a piece of page: "留言时间：2026-03-05", <td>回复时间</td><td>…</td>,
<dt>回复单位</dt><dd>…</dd>, <h4>回复内容</h4><div>…</div>.

The text of an element is cut into a stream of labels and texts, in document order: a label is
either a whole text node that is exactly a known label (a table cell, a <dt>, a heading, a
<strong>), or a known label followed by a colon inside running text. A label's value is the text
that follows it up to the next label. Labels are never read inside links (a message titled
"关于回复时间的咨询" is a title, not a label) nor in navigation, header and footer blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lxml import etree

from inspector.crawl.boards.vocab import BOARD_VOCABULARY, Vocabulary
from inspector.crawl.extract.dates import parse_date

# Dates with a year as boards write them: 2026-03-05, 2026/3/5 14:22, 2026.03.05, 2026年3月5日,
# 二〇二六年三月五日. Each match is parsed by the project's date reader (dates.parse_date).
DATE_SPAN_RE = re.compile(
    r"(?<!\d)(?:19|20)\d\d\s?(?:[-/.－／．]\s?\d{1,2}\s?[-/.－／．]\s?\d{1,2}|年\s?\d{1,2}\s?月\s?\d{1,2}\s?[日号]?)(?!\d)"
    r"|[〇○零一二三四五六七八九]{4}\s?年\s?[一二三四五六七八九十]{1,3}\s?月\s?[一二三四五六七八九十]{1,3}\s?[日号]"
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "select", "option", "textarea", "button"))
_CHROME_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|foot|bottom|copyright|banner|daohang"
    r"|breadcrumb|crumb|sidebar|side|aside|friend|yqlj|hot|rank)(?:$|[\s_-])",
    re.IGNORECASE,
)
VALUE_MAX = 2000
_BRACKETED_RE = re.compile(r"^(.{1,12}?)\s*[（(\[【]([^）)\]】]{4,30})[）)\]】]\s*$")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "label", "text", or "row_end" (the end of a table row)
    text: str
    field: str = ""  # for labels
    in_link: bool = False
    in_cell: bool = False  # a label in a table cell: its value ends with the row


@dataclass(frozen=True, slots=True)
class Labelled:
    """One label and the text that follows it."""

    field: str
    label: str
    value: str


def dates_in(text: str) -> list[date]:
    """Every full date (with a year) in `text`, in order."""
    found = []
    for match in DATE_SPAN_RE.finditer(text):
        parsed = parse_date(match.group(0))
        if parsed is not None:
            found.append(parsed)
    return found


def first_date(text: str) -> date | None:
    dates = dates_in(text)
    return dates[0] if dates else None


def is_chrome(element: etree._Element) -> bool:
    """Navigation, header, footer and similar blocks (by tag, id or class)."""
    if element.tag in ("nav", "header", "footer", "aside"):
        return True
    ident = f"{element.get('id') or ''} {element.get('class') or ''}"
    return bool(ident.strip()) and bool(_CHROME_RE.search(ident))


def tokens(
    root: etree._Element, *, skip_chrome: bool = True, vocabulary: Vocabulary = BOARD_VOCABULARY
) -> list[Token]:
    """The label/text stream of `root` (see module doc)."""
    out: list[Token] = []
    _walk(root, out, vocabulary, in_link=False, in_cell=False, skip_chrome=skip_chrome)
    return out


def _walk(
    element: etree._Element,
    out: list[Token],
    vocabulary: Vocabulary,
    *,
    in_link: bool,
    in_cell: bool,
    skip_chrome: bool,
) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS or not tag:
        return
    if skip_chrome and is_chrome(element) and element.getparent() is not None:
        return
    here_link = in_link or tag == "a"
    here_cell = in_cell or tag in ("td", "th")
    if element.text:
        _split(element.text, out, vocabulary, here_link, here_cell)
    for child in element:
        _walk(child, out, vocabulary, in_link=here_link, in_cell=here_cell, skip_chrome=skip_chrome)
        if child.tail:
            _split(child.tail, out, vocabulary, in_link, in_cell)
    if tag == "tr":
        out.append(Token("row_end", ""))


def _split(
    text: str, out: list[Token], vocabulary: Vocabulary, in_link: bool, in_cell: bool = False
) -> None:
    text = text.strip()
    if not text:
        return
    if in_link:
        out.append(Token("text", text, in_link=True))
        return
    field, label = vocabulary.field_of(text)
    if field:
        out.append(Token("label", label, field, in_cell=in_cell))
        return
    bracketed = _BRACKETED_RE.match(text)  # 领导回复（2026-01-05）: a label with its date
    if bracketed:
        field, label = vocabulary.field_of(bracketed.group(1))
        if field:
            out.append(Token("label", label, field, in_cell=in_cell))
            out.append(Token("text", bracketed.group(2)))
            return
    position = 0
    for match in vocabulary.inline_re.finditer(text):
        before = text[position : match.start()].strip()
        if before:
            out.append(Token("text", before))
        label = match.group(1)
        out.append(Token("label", label, vocabulary.field_of(label)[0] or "", in_cell=in_cell))
        position = match.end()
    rest = text[position:].strip()
    if rest:
        out.append(Token("text", rest))


def labelled(stream: list[Token]) -> Iterator[Labelled]:
    """Each label of the stream with the text up to the next label (for a label in a table
    cell, up to the end of its row)."""
    i = 0
    while i < len(stream):
        token = stream[i]
        i += 1
        if token.kind != "label":
            continue
        parts = []
        while i < len(stream) and stream[i].kind != "label":
            if stream[i].kind == "row_end":
                if token.in_cell:
                    break
            else:
                parts.append(stream[i].text)
            i += 1
        value = " ".join(parts)[:VALUE_MAX]
        yield Labelled(token.field, token.text, value)


def read_labels(
    root: etree._Element, *, skip_chrome: bool = True, vocabulary: Vocabulary = BOARD_VOCABULARY
) -> list[Labelled]:
    return list(labelled(tokens(root, skip_chrome=skip_chrome, vocabulary=vocabulary)))
