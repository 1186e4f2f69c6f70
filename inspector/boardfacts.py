"""Records of message boards (互动交流: 领导信箱, 咨询投诉, 我要写信 …) shared by the phases.

The crawl reads them (`inspector/crawl/boards/`), the store keeps them, `checks/interaction.py`
judges them, reports and exports show them. Nothing here touches the network or the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# What a message's reply state can be, as the inspector concluded it.
ANSWERED = "answered"  # a reply is shown (with or without its date)
UNANSWERED = "unanswered"  # the site shows that there is no reply (status or empty reply)
INVALID = "invalid"  # not a valid public message (不予受理, 无效, 重复件 …): never judged
UNKNOWN = "unknown"  # nothing read settles it: never judged
STATES = (ANSWERED, UNANSWERED, INVALID, UNKNOWN)

# Why a board could not be read. "" means it was read.
UNREADABLE_REASONS = {
    "login": "需要登录才能查看留言",
    "search_form": "只有查询表单（须输入查询码/编号），不公开留言列表",
    "write_form": "只有写信表单，不公开留言列表",
    "script": "留言列表由脚本生成，页面中没有留言",
    "no_list": "页面中没有可识别的留言列表",
    "fetch_failed": "留言页面打不开",
    "external": "链接到站外平台，未读取",
}


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """One public message of a board, as read from its list row and (when fetched) its page."""

    url: str  # the message's own page; "" when the list links none (then list_url says where)
    list_url: str  # the list page the message was read on
    title: str = ""
    asker: str = ""
    asked: date | None = None
    answered: date | None = None
    status: str = ""  # the status as shown (已回复, 办理中 …); "" when none is shown
    state: str = UNKNOWN  # one of STATES
    reply_unit: str = ""
    source: str = "list"  # "list" or "detail": where the deciding facts were read
    evidence: Mapping[str, str] = field(default_factory=dict)  # field → text as read

    @property
    def key(self) -> str:
        """What identifies the message from one run to the next (tracking)."""
        return self.url or f"{self.list_url}|{self.title}|{self.asked or ''}"

    @property
    def days_to_answer(self) -> int | None:
        if self.asked is None or self.answered is None:
            return None
        return (self.answered - self.asked).days


@dataclass(frozen=True, slots=True)
class BoardFacts:
    """One message board (政务咨询类栏目) of a site and what was read from it."""

    name: str  # as shown on the site (领导信箱, 县长信箱, 我要咨询 …)
    url: str  # where the board was found (the link's target)
    list_url: str = ""  # first page of its public message list ("" when none was found)
    kind: str = "consult"  # "consult" (judged) or "excluded" (在线访谈, 网上信访 …: listed only)
    excluded_by: str = ""  # the word that excluded it
    source: str = ""  # where the link was found: home, nav, hub, sitemap, …
    list_pages: int = 0  # list pages read
    detail_pages: int = 0  # message pages read
    messages: Sequence[MessageFacts] = ()
    unreadable: str = ""  # "" or one of UNREADABLE_REASONS
    empty_marker: str = ""  # the "暂无留言" text, when the list says so
    truncated: bool = False  # the page budget ran out before the year was covered
    notes: Sequence[str] = ()  # what else the reader noticed (pagination by script, …)


def percentile(values: Sequence[int], share: float) -> float | None:
    """The `share` percentile (0..1) of `values`, linear between ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def board_stats(messages: Iterable[MessageFacts]) -> dict[str, Any]:
    """Per-board figures: messages read, answered, unanswered, median and 90th-percentile days."""
    read = answered = unanswered = invalid = unknown = 0
    days: list[int] = []
    for message in messages:
        read += 1
        if message.state == ANSWERED:
            answered += 1
            if message.days_to_answer is not None and message.days_to_answer >= 0:
                days.append(message.days_to_answer)
        elif message.state == UNANSWERED:
            unanswered += 1
        elif message.state == INVALID:
            invalid += 1
        else:
            unknown += 1
    judged = answered + unanswered
    median = percentile(days, 0.5)
    p90 = percentile(days, 0.9)
    return {
        "messages": read,
        "answered": answered,
        "unanswered": unanswered,
        "invalid": invalid,
        "unknown": unknown,
        "answered_share": round(answered / judged, 3) if judged else None,
        "median_days": None if median is None else round(median, 1),
        "p90_days": None if p90 is None else round(p90, 1),
    }


# --- JSON shape (storage, export) -------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def message_to_dict(message: MessageFacts) -> dict[str, Any]:
    return {
        "url": message.url,
        "list_url": message.list_url,
        "title": message.title,
        "asker": message.asker,
        "asked": _iso(message.asked),
        "answered": _iso(message.answered),
        "status": message.status,
        "state": message.state,
        "reply_unit": message.reply_unit,
        "source": message.source,
        "evidence": dict(message.evidence),
    }


def message_from_dict(data: Mapping[str, Any]) -> MessageFacts:
    return MessageFacts(
        url=data.get("url", ""),
        list_url=data.get("list_url", ""),
        title=data.get("title", ""),
        asker=data.get("asker", ""),
        asked=_date(data.get("asked")),
        answered=_date(data.get("answered")),
        status=data.get("status", ""),
        state=data.get("state", UNKNOWN),
        reply_unit=data.get("reply_unit", ""),
        source=data.get("source", "list"),
        evidence=dict(data.get("evidence") or {}),
    )


def board_to_dict(board: BoardFacts) -> dict[str, Any]:
    """The documented JSON shape of a board (README "Storage"), messages included."""
    return {**board_fields(board), "messages": [message_to_dict(m) for m in board.messages]}


def board_fields(board: BoardFacts) -> dict[str, Any]:
    """A board's own fields, without its messages (the `board` table's columns)."""
    return {
        "name": board.name,
        "url": board.url,
        "list_url": board.list_url,
        "kind": board.kind,
        "excluded_by": board.excluded_by,
        "source": board.source,
        "list_pages": board.list_pages,
        "detail_pages": board.detail_pages,
        "unreadable": board.unreadable,
        "empty_marker": board.empty_marker,
        "truncated": board.truncated,
        "notes": list(board.notes),
    }


def board_from_dict(data: Mapping[str, Any]) -> BoardFacts:
    return BoardFacts(
        name=data.get("name", ""),
        url=data.get("url", ""),
        list_url=data.get("list_url", ""),
        kind=data.get("kind", "consult"),
        excluded_by=data.get("excluded_by", ""),
        source=data.get("source", ""),
        list_pages=int(data.get("list_pages") or 0),
        detail_pages=int(data.get("detail_pages") or 0),
        messages=tuple(message_from_dict(m) for m in data.get("messages") or ()),
        unreadable=data.get("unreadable", ""),
        empty_marker=data.get("empty_marker", ""),
        truncated=bool(data.get("truncated")),
        notes=tuple(data.get("notes") or ()),
    )
