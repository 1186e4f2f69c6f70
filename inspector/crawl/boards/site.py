"""All the boards of one site: found on the home page, in hubs (互动交流) and among the columns,
then read one by one, each within its own page budget. No network: the caller fetches.

The spider (and `inspector explain`, and the tests) drive it the same way:

    boards = SiteBoards(as_of, is_internal=…)
    fetches = boards.on_home(doc, url)          # → hubs to open, boards to read
    … fetch each BoardFetch, then boards.on_page(fetch, doc, text) or boards.on_failure(…)
    boards.result()                             # → [BoardFacts]

A page that is not a hub, a board list or a message page never reaches this module: the spider
looks its URL up in `wanted` (one dict lookup) and pays nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lxml import etree

from inspector.boardfacts import BoardFacts
from inspector.crawl.boards.identify import (
    BOARD,
    EXCLUDED,
    HUB,
    LIST,
    BoardLink,
    board_links,
    classify,
)
from inspector.crawl.boards.reader import DETAIL, BoardReader, Fetch
from inspector.crawl.boards.vocab import DEFAULT_BOARD_RULES, BoardRules

_INDEX_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.IGNORECASE)
HUB_ROLE = "hub"


@dataclass(frozen=True, slots=True)
class BoardFetch:
    """A page the boards need: a hub to scan, or a list/message page of one board."""

    url: str
    role: str  # hub | list | detail
    board: str  # the board's key ("" for hubs)


def page_name(doc: etree._Element) -> str:
    """A board's name from its page when its link had none: the first part of <title>."""
    title = doc.find(".//title")
    text = " ".join((title.text or "").split()) if title is not None else ""
    return re.split(r"[_|\-—–·]", text)[0].strip()[:20] if text else ""


def board_key(url: str) -> str:
    """URLs of the same board page compare equal: /hdjl/ldxx/ and /hdjl/ldxx/index.html."""
    return _INDEX_RE.sub("/", url)


class SiteBoards:
    def __init__(
        self,
        as_of: date,
        *,
        is_internal: Callable[[str], bool] = lambda url: True,
        budget: int = 200,
        max_boards: int = 20,
        max_hubs: int = 4,
        window_days: int = 365,
        answer_days: int = 90,
        rules: BoardRules = DEFAULT_BOARD_RULES,
    ) -> None:
        self.as_of = as_of
        self.is_internal = is_internal
        self.budget, self.max_boards, self.max_hubs = budget, max_boards, max_hubs
        self.window_days, self.answer_days = window_days, answer_days
        self.rules = rules
        self.readers: dict[str, BoardReader] = {}
        self.outside: dict[str, BoardFacts] = {}  # excluded and external boards: listed only
        self.hubs: set[str] = set()
        self.wanted: dict[str, BoardFetch] = {}  # URL → what it is wanted for (the spider's lookup)
        self.skipped: list[str] = []  # boards beyond max_boards

    # --- discovery ----------------------------------------------------------------------------

    def on_home(self, doc: etree._Element, url: str) -> list[BoardFetch]:
        return self._found(board_links(doc, url, self.rules), source="home")

    def on_columns(self, columns: Iterable[tuple[str, str, str]]) -> list[BoardFetch]:
        """Columns found by column discovery: (name, url, source)."""
        out: list[BoardFetch] = []
        for name, url, source in columns:
            found = classify(name, url, self.rules)
            if found is not None:
                out += self._found([found], source=source or "column")
        return out

    def _found(self, links: Iterable[BoardLink], source: str) -> list[BoardFetch]:
        out: list[BoardFetch] = []
        for link in links:
            key = board_key(link.url)
            if link.role == HUB:
                if (
                    key not in self.hubs
                    and len(self.hubs) < self.max_hubs
                    and self.is_internal(link.url)
                ):
                    self.hubs.add(key)
                    out.append(self._want(BoardFetch(link.url, HUB_ROLE, "")))
                continue
            if key in self.readers or key in self.outside:
                known = self.readers.get(key)
                if known is not None and not known.name and link.name:
                    known.name = link.name  # first seen as "更多", named later (hub, column)
                continue
            if link.role == EXCLUDED:
                self.outside[key] = BoardFacts(
                    link.name, link.url, kind="excluded", excluded_by=link.matched, source=source
                )
            elif not self.is_internal(link.url):
                self.outside[key] = BoardFacts(
                    link.name, link.url, source=source, unreadable="external"
                )
            elif len(self.readers) >= self.max_boards:
                self.skipped.append(link.url)
            elif link.role in (BOARD, LIST):
                reader = BoardReader(
                    link.name,
                    link.url,
                    self.as_of,
                    window_days=self.window_days,
                    answer_days=self.answer_days,
                    budget=self.budget,
                    source=source,
                    rules=self.rules,
                )
                self.readers[key] = reader
                out += self._wrap(key, reader.start())
        return out

    # --- pages --------------------------------------------------------------------------------

    def on_page(self, fetch: BoardFetch, doc: etree._Element, text: str = "") -> list[BoardFetch]:
        self.wanted.pop(fetch.url, None)
        if fetch.role == HUB_ROLE:
            links = [
                link
                for link in board_links(doc, fetch.url, self.rules)
                if board_key(link.url) not in self.hubs
            ]
            return self._found(links, source="hub")
        reader = self.readers.get(fetch.board)
        if reader is None:
            return []
        if fetch.role == DETAIL:
            return self._wrap(fetch.board, reader.on_detail(fetch.url, doc))
        first = not reader.list_pages
        out = self._wrap(fetch.board, reader.on_list(fetch.url, doc, text))
        if first and not reader.name:
            reader.name = page_name(doc)
        if first and not reader.list_pages and not reader.empty_marker:
            # A board page without a list of its own may lead to further boards (每位领导的信箱):
            # then it is a hub, not a board.
            more = [
                x
                for x in board_links(doc, fetch.url, self.rules)
                if x.role in (BOARD, EXCLUDED) and board_key(x.url) not in self.readers
            ]
            if any(x.role == BOARD for x in more) and not reader.pending:
                del self.readers[fetch.board]
                self.hubs.add(fetch.board)
            out += self._found(more, source="board")
        return out

    def on_failure(self, fetch: BoardFetch, reason: str) -> list[BoardFetch]:
        self.wanted.pop(fetch.url, None)
        reader = self.readers.get(fetch.board)
        if reader is None:
            return []
        return self._wrap(fetch.board, reader.on_failure(fetch.url, fetch.role, reason))

    @property
    def done(self) -> bool:
        return not self.wanted

    def result(self) -> list[BoardFacts]:
        boards = [reader.result() for reader in self.readers.values()]
        return boards + list(self.outside.values())

    # --- helpers ------------------------------------------------------------------------------

    def _wrap(self, key: str, fetches: list[Fetch]) -> list[BoardFetch]:
        return [self._want(BoardFetch(f.url, f.role, key)) for f in fetches]

    def _want(self, fetch: BoardFetch) -> BoardFetch:
        self.wanted[fetch.url] = fetch
        return fetch


__all__ = ["BoardFetch", "SiteBoards", "board_key", "HUB_ROLE", "LIST"]
