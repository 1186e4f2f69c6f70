"""Message boards (互动交流): finding them among a site's links, reading their lists, their
pagination and their message pages. Pure functions over parsed lxml trees; the spider fetches.

- `identify`: which links are boards, board lists, hubs (互动交流) or excluded columns;
- `lists` and `rows`: a list page → message rows (tables, header blocks, repeated items);
- `detail`: a message's own page → asked and reply dates, reply unit, status;
- `paging`: the next list page (下一页, createPageHTML, pagers, goPage forms, Hanweb datastore);
- `reader`: one board read page by page within a budget → `inspector.boardfacts.BoardFacts`;
- `vocab`: labels, status words, markers, and `BoardRules` (the profile's `[interaction]`).
"""

from __future__ import annotations

from inspector.crawl.boards.detail import MessageDetail, read_message
from inspector.crawl.boards.identify import (
    BOARD,
    EXCLUDED,
    HUB,
    LIST,
    BoardLink,
    board_links,
    classify,
)
from inspector.crawl.boards.lists import ListPage, read_list
from inspector.crawl.boards.paging import NextPage, next_page
from inspector.crawl.boards.reader import DETAIL, BoardReader, Fetch, merge
from inspector.crawl.boards.rows import Row
from inspector.crawl.boards.vocab import DEFAULT_BOARD_RULES, BoardRules

__all__ = [
    "BOARD",
    "DEFAULT_BOARD_RULES",
    "DETAIL",
    "EXCLUDED",
    "HUB",
    "LIST",
    "BoardLink",
    "BoardReader",
    "BoardRules",
    "Fetch",
    "ListPage",
    "MessageDetail",
    "NextPage",
    "Row",
    "board_links",
    "classify",
    "merge",
    "next_page",
    "read_list",
    "read_message",
]
