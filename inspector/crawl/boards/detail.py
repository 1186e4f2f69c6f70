"""A message's own page → asked date, reply date, reply unit, status, whether a reply is shown.

Read by labels (labels.py): two-column tables (<td>留言时间</td><td>2026-03-05</td>), labelled
paragraphs (回复时间：2026-03-10), definition lists (<dt>回复单位</dt><dd>…</dd>) and headed
sections (<h4>回复内容</h4><div>…</div>) all become the same stream. A bare 时间/日期 label is the
message's date before the reply part and the reply's date after it. When the reply has no dated
label, a date at the head or foot of the reply text (the signature: "县住建局 2026年3月10日") is
the reply's date. Pages that mark the question and the answer only by class
(`<div class="answer">`) are read by those classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from inspector.crawl.boards.labels import Labelled, dates_in, first_date, is_chrome, read_labels
from inspector.crawl.boards.vocab import BOARD_VOCABULARY, REPLY_FIELDS, says_no_reply, status_state

# Classes and ids of answer and question blocks: reply, answer, huifu (回复), dafu (答复), class
# names holding hf (hfnr 回复内容, hfsj 回复时间, ldhf 领导回复) or ly (lynr 留言内容, lysj 留言时间).
_REPLY_CLASS_RE = re.compile(
    r"reply|answer|huifu|dafu|response|(?:^|[\s_-])[a-z]{0,3}hf[a-z]{0,4}(?:$|[\s_-])"
    r"|(?:^|[\s_-])df(?:nr|sj|xx|rq)?(?:$|[\s_-])",
    re.I,
)
_ASK_CLASS_RE = re.compile(
    r"question|liuyan|laixin|(?:^|[\s_-])(?:ask|wen|ly|lx)(?:[a-z]{0,4})(?:$|[\s_-])|letter", re.I
)
SIGNATURE_SPAN = 60  # characters at the head and the foot of a reply searched for its date
REPLY_MIN = 6  # a reply shorter than this (after removing dates) is not a reply


@dataclass(slots=True)
class MessageDetail:
    title: str = ""
    asker: str = ""
    asked: date | None = None
    asked_by: str = ""  # label | generic | class
    answered: date | None = None
    answered_by: str = ""  # label | generic | reply_text | class
    status: str = ""
    reply_unit: str = ""
    reply: str = ""
    reply_shown_empty: bool = False
    fields: dict[str, str] = field(default_factory=dict)  # label → text read (evidence)

    @property
    def state(self) -> str | None:
        by_status = status_state(self.status) if self.status else None
        if by_status == "invalid":
            return by_status
        if self.answered is not None or self.reply:
            return "answered"
        if by_status:
            return by_status
        if self.reply_shown_empty:
            return "unanswered"
        return None


def read_message(doc: etree._Element, url: str = "") -> MessageDetail:
    """What a message page says about the message and its reply (see module doc)."""
    body = doc.find("body")
    root = body if body is not None else doc
    detail = MessageDetail()
    for stream in (_vertical_pairs(root), read_labels(root)):
        after_reply = False
        asked_seen = False
        for found in stream:
            value = found.value.strip()
            if found.field == "asked" and value:
                if asked_seen:
                    break  # a second message begins (相关信件, 热点留言): not this one's facts
                asked_seen = True
            if value and found.label not in detail.fields:
                detail.fields[found.label] = value[:300]
            _apply(detail, found.field, value, after_reply)
            if found.field in REPLY_FIELDS:
                after_reply = True
    detail.title = detail.title or _title(doc)
    if detail.answered is None and detail.reply:
        detail.answered = _signature_date(detail.reply)
        detail.answered_by = "reply_text" if detail.answered else ""
    if detail.asked is None or (detail.answered is None and not detail.reply_shown_empty):
        _by_class(root, detail)
    return detail


def _apply(detail: MessageDetail, name: str, value: str, after_reply: bool) -> None:
    if name == "asked" and (detail.asked is None or detail.asked_by != "label"):
        # a labelled date (来信时间) wins over a bare 发布时间 read before it
        found = first_date(value)
        if found is not None or detail.asked is None:
            detail.asked, detail.asked_by = found, "label"
    elif name == "date":
        if not after_reply and detail.asked is None:
            detail.asked, detail.asked_by = first_date(value), "generic"
        elif after_reply and detail.answered is None:
            detail.answered, detail.answered_by = first_date(value), "generic"
    elif name == "answered" and (detail.answered is None or detail.answered_by != "label"):
        found = first_date(value)
        if found is not None:
            detail.answered, detail.answered_by = found, "label"
    elif name == "status" and value and not detail.status:
        detail.status = value.split()[0][:20]
    elif name == "reply_unit" and value and not detail.reply_unit:
        detail.reply_unit = value.split()[0][:60]
    elif name == "asker" and value and not detail.asker:
        detail.asker = value.split()[0][:40]
    elif name == "title" and value and not detail.title:
        detail.title = value[:200]
    elif name == "reply":
        _reply(detail, value)


def _reply(detail: MessageDetail, value: str) -> None:
    if detail.reply:
        return
    bare = value
    for found in re.findall(r"\S*\d{4}\S*", value):
        if dates_in(found):
            bare = bare.replace(found, "")
    bare = bare.strip()
    if says_no_reply(bare):
        detail.reply_shown_empty = True
    elif len(bare) >= REPLY_MIN or len(value) >= REPLY_MIN and not dates_in(value):
        detail.reply = value[:500]
    else:
        detail.reply_shown_empty = True


def _vertical_pairs(root: etree._Element) -> list[Labelled]:
    """Tables whose labels form a header row and whose values stand in the row below
    (<tr><th>留言时间</th><th>回复时间</th></tr><tr><td>…</td><td>…</td></tr>): paired by column,
    read before the running text so that the values are not taken for one another."""
    pairs: list[Labelled] = []
    for table in root.iter("table"):
        rows = table.xpath("./tr|./thead/tr|./tbody/tr")
        for head, values in zip(rows, rows[1:], strict=False):
            labels = [BOARD_VOCABULARY.field_of(_cell(c)) for c in head.xpath("./th|./td")]
            cells = [_cell(c) for c in values.xpath("./th|./td")]
            if len(labels) < 2 or len(labels) != len(cells) or not all(f for f, _ in labels):
                continue
            if any(BOARD_VOCABULARY.field_of(c)[0] for c in cells):
                continue  # the next row holds labels too: a two-column table, not this shape
            pairs += [
                Labelled(f, label, v) for (f, label), v in zip(labels, cells, strict=True) if f
            ]
    return pairs


def _cell(element: etree._Element) -> str:
    return " ".join(element.text_content().split())


def _signature_date(reply: str) -> date | None:
    """The reply's date from its text: the signature at its foot ("县住建局 2026年3月10日"),
    else a date heading it ("2026-03-10 县住建局：…"). The foot comes first: a reply's opening
    often quotes the question's date ("您于2025年10月1日来信反映…")."""
    foot = dates_in(reply[-SIGNATURE_SPAN:])
    if foot:
        return foot[-1]
    head = dates_in(reply[:SIGNATURE_SPAN])
    return head[0] if head else None


def _by_class(root: etree._Element, detail: MessageDetail) -> None:
    """Question and answer blocks marked only by their class or id."""
    for element in root.iter("div", "section", "dl", "table", "td", "li", "p"):
        if is_chrome(element):
            continue
        ident = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not ident.strip():
            continue
        text = " ".join(element.text_content().split())
        if detail.answered is None and not detail.reply and _REPLY_CLASS_RE.search(ident):
            if says_no_reply(text):
                detail.reply_shown_empty = True
                continue
            if len(text) >= REPLY_MIN:
                detail.reply = text[:500]
                detail.answered = _signature_date(text)
                detail.answered_by = "class" if detail.answered else ""
        elif detail.asked is None and _ASK_CLASS_RE.search(ident):
            asked = first_date(text)
            if asked:
                detail.asked, detail.asked_by = asked, "class"


def _title(doc: etree._Element) -> str:
    for tag in ("h1", "h2", "h3"):
        for element in doc.iter(tag):
            if is_chrome(element):
                continue
            text = " ".join(element.text_content().split())
            if 2 <= len(text) <= 200:
                return text
    title = doc.find(".//title")
    return " ".join((title.text or "").split())[:200] if title is not None else ""
