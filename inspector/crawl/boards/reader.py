"""Reading one board, page by page, within a budget of pages: a state machine with no network.

The spider (or a test, or `inspector explain`) fetches what `start()` and each `on_list()` /
`on_detail()` return and feeds the pages back; `result()` gives the board's record. The reader
decides what is worth fetching:

- list pages, one after the other (each names the next), until a page holds only messages asked
  before the judged year, the pages repeat, or the budget is spent;
- a message's own page only when the list leaves something open that matters for the verdict:
  the message was asked in the judged window (or its date is unknown or may be the reply's) and
  the list shows no reply date. Young messages (under three months) and messages older than the
  year are never fetched: they cannot be violations.

One page of the budget is kept for the next list page while details are being scheduled, so a
long first page cannot starve the rest of the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from lxml import etree

from inspector.boardfacts import (
    ANSWERED,
    INVALID,
    UNANSWERED,
    UNKNOWN,
    BoardFacts,
    MessageFacts,
)
from inspector.crawl.boards.detail import MessageDetail, read_message
from inspector.crawl.boards.lists import ListPage, read_list
from inspector.crawl.boards.paging import next_page
from inspector.crawl.boards.rows import Row, fields_of
from inspector.crawl.boards.vocab import DEFAULT_BOARD_RULES, BoardRules

LIST, DETAIL = "list", "detail"
ENTRY_LINKS_MAX = 2  # list links followed from a board page that shows no list itself


@dataclass(frozen=True, slots=True)
class Fetch:
    url: str
    role: str  # list | detail


@dataclass(slots=True)
class BoardReader:
    name: str
    url: str
    as_of: date
    window_days: int = 365
    answer_days: int = 90
    budget: int = 200
    source: str = ""
    kind: str = "consult"
    excluded_by: str = ""
    rules: BoardRules = DEFAULT_BOARD_RULES
    requested: int = 0
    pending: set[str] = field(default_factory=set)
    visited: set[str] = field(default_factory=set)
    rows: dict[str, Row] = field(default_factory=dict)  # key → row, in list order
    details: dict[str, MessageDetail] = field(default_factory=dict)
    list_url: str = ""
    list_pages: int = 0
    detail_pages: int = 0
    unreadable: str = ""
    empty_marker: str = ""
    truncated: bool = False
    list_empty: bool = False
    notes: list[str] = field(default_factory=list)

    # --- the dialogue with the fetcher ------------------------------------------------------

    def start(self) -> list[Fetch]:
        return self._ask([Fetch(self.url, LIST)])

    @property
    def done(self) -> bool:
        return not self.pending

    def on_list(self, url: str, doc: etree._Element, text: str = "") -> list[Fetch]:
        self.pending.discard(url)
        page = read_list(doc, url, text, self.rules)
        if not page.rows:
            return self._no_rows(url, page)
        self.list_pages += 1
        self.list_url = self.list_url or url
        new = [r for r in page.rows if _row_key(r) not in self.rows]
        if not new:
            self.notes.append("repeated_page")
            return []
        for row in new:
            row.list_url = url
            self.rows[_row_key(row)] = row
        wanted = self._details_wanted(new)
        nxt = next_page(doc, url, text)
        more = nxt is not None and nxt.url not in self.visited and self._list_continues(new)
        if nxt is None and _looks_paged(doc):
            self.notes.append("pagination_not_followed")
        fetches = self._ask_details(wanted, reserve=1 if more else 0)
        if more and nxt is not None:
            fetches += self._ask([Fetch(nxt.url, LIST)])
        return fetches

    def on_detail(self, url: str, doc: etree._Element) -> list[Fetch]:
        self.pending.discard(url)
        self.detail_pages += 1
        self.details[url] = read_message(doc, url)
        return []

    def on_failure(self, url: str, role: str, reason: str) -> list[Fetch]:
        self.pending.discard(url)
        if role == LIST and not self.list_pages and not self.unreadable:
            self.unreadable = "fetch_failed"
            self.notes.append(f"fetch_failed:{reason}")
        elif role == DETAIL:
            self.notes.append("detail_failed")
        return []

    # --- decisions ----------------------------------------------------------------------------

    @property
    def window_start(self) -> date:
        return self.as_of - timedelta(days=self.window_days)

    @property
    def young_after(self) -> date:
        return self.as_of - timedelta(days=self.answer_days)

    def _no_rows(self, url: str, page: ListPage) -> list[Fetch]:
        if self.list_pages:
            return []  # past the last page
        if page.empty_marker:
            self.empty_marker = page.empty_marker
            self.list_url = self.list_url or url
            return []
        if page.header_only and not page.list_links and not page.frame_url:
            self.list_empty = True  # the list's header stands over no row
            self.list_url = self.list_url or url
            return []
        follow = [Fetch(u, LIST) for u in page.list_links[:ENTRY_LINKS_MAX]]
        if page.frame_url:
            follow.append(Fetch(page.frame_url, LIST))
        follow = [f for f in follow if f.url not in self.visited]
        if follow:
            return self._ask(follow)
        if not self.pending:
            self.unreadable = page.unreadable or "no_list"
        return []

    def _list_continues(self, rows: list[Row]) -> bool:
        """Go on unless the page is all older than the judged year in newest-first order (a
        list running oldest first reaches the year only on its later pages)."""
        dated = [r.asked for r in rows if r.asked is not None]
        if not dated or max(dated) >= self.window_start:
            return True
        return dated[0] < dated[-1]

    def _details_wanted(self, rows: list[Row]) -> list[Row]:
        """Rows whose page is worth a request, most useful first."""
        ranked: list[tuple[int, int, Row]] = []
        for i, row in enumerate(rows):
            rank = self._detail_rank(row)
            if rank is not None and row.url and row.url not in self.visited:
                ranked.append((rank, i, row))
        return [row for _, _, row in sorted(ranked, key=lambda t: (t[0], t[1]))]

    def _detail_rank(self, row: Row) -> int | None:
        state = row.state
        if state == INVALID or (row.answered is not None and row.asked is not None):
            return None
        asked = row.asked
        trusted = row.dated_by in ("header", "label")
        if asked is not None and asked < self.window_start:
            return None
        if asked is not None and trusted and asked > self.young_after:
            return None
        if asked is None or state is None:
            return 0
        if not trusted:
            return 1  # the only date shown may be the reply's
        if state == ANSWERED:
            return 1  # answered, but when? (late answers)
        return 2  # shown as unanswered: confirm on its page

    def _ask_details(self, rows: list[Row], reserve: int) -> list[Fetch]:
        fetches = []
        for row in rows:
            if self.requested + reserve >= self.budget:
                self.truncated = True
                self.notes.append(f"budget_spent:{self.budget}")
                break
            fetches += self._ask([Fetch(row.url, DETAIL)])
        return fetches

    def _ask(self, fetches: list[Fetch]) -> list[Fetch]:
        out = []
        for fetch in fetches:
            if fetch.url in self.visited:
                continue
            if self.requested >= self.budget:
                self.truncated = True
                if f"budget_spent:{self.budget}" not in self.notes:
                    self.notes.append(f"budget_spent:{self.budget}")
                break
            self.visited.add(fetch.url)
            self.pending.add(fetch.url)
            self.requested += 1
            out.append(fetch)
        return out

    # --- the record --------------------------------------------------------------------------

    def result(self) -> BoardFacts:
        # On a board whose message pages show replies, a message page with the question's
        # labels and no reply part at all is a message without a reply.
        replies_shown = any(d.reply or d.answered_by == "label" for d in self.details.values())
        messages = tuple(
            merge(row, self.details.get(row.url) if row.url else None, replies_shown)
            for row in self.rows.values()
        )
        return BoardFacts(
            name=self.name,
            url=self.url,
            list_url=self.list_url,
            kind=self.kind,
            excluded_by=self.excluded_by,
            source=self.source,
            list_pages=self.list_pages,
            detail_pages=self.detail_pages,
            messages=messages,
            unreadable=""
            if messages or self.empty_marker or self.list_empty
            else (self.unreadable or "no_list"),
            empty_marker=self.empty_marker,
            truncated=self.truncated,
            notes=tuple(dict.fromkeys(self.notes + (["empty_list"] if self.list_empty else []))),
        )


def _row_key(row: Row) -> str:
    return row.url or f"{row.title}|{row.asked}"


def _looks_paged(doc: etree._Element) -> bool:
    text = " ".join(doc.xpath("//body//text()[not(ancestor::script)]"))[-3000:]
    return "下一页" in text or "尾页" in text


def merge(row: Row, detail: MessageDetail | None, replies_shown: bool = False) -> MessageFacts:
    """One message from its list row and (when fetched) its page.

    Dates: a labelled date on the message's page wins over the list's, a list column or label
    over a date read by position. State: a reply shown anywhere (a reply date, a reply text, an
    answered status) makes it answered; else "no reply" shown anywhere makes it unanswered; else
    unknown. Invalid (不予受理 …) anywhere wins over everything. With `replies_shown` (the
    board's other message pages show their replies), a message page that has the question's
    labels and no reply part at all is unanswered.
    """
    evidence = dict(fields_of(row))
    asked, answered = row.asked, row.answered
    status = row.status
    source = "list"
    states = {row.state}
    reply_unit = row.reply_unit
    if detail is not None:
        source = "detail"
        for label, text in list(detail.fields.items())[:12]:
            evidence.setdefault(f"page:{label}", text[:120])
        if detail.asked and (
            detail.asked_by == "label" or asked is None or row.dated_by != "header"
        ):
            asked = detail.asked
        if detail.answered and (answered is None or detail.answered_by == "label"):
            answered = detail.answered
        status = status or detail.status
        reply_unit = reply_unit or detail.reply_unit
        states.add(detail.state)
        if (
            replies_shown
            and detail.state is None
            and row.state is None
            and detail.asked_by == "label"
        ):
            states.add(UNANSWERED)
            evidence["page:reply"] = "（页面无答复内容）"
    if INVALID in states:
        state = INVALID
    elif answered is not None or ANSWERED in states:
        state = ANSWERED
    elif UNANSWERED in states:
        state = UNANSWERED
    else:
        state = UNKNOWN
    if answered is not None and asked is not None and answered < asked:
        answered = None  # a reply before the question: a date misread, not evidence
    return MessageFacts(
        url=row.url,
        list_url=row.list_url,
        title=row.title or (detail.title if detail else ""),
        asker=row.asker or (detail.asker if detail else ""),
        asked=asked,
        answered=answered if state == ANSWERED else None,
        status=status,
        state=state,
        reply_unit=reply_unit,
        source=source,
        evidence=evidence,
    )
