"""The site spider's part for message boards (互动交流) and 办事指南 pages.

A mixin of `spiders.site.SiteSpider`, which calls it from two places: `boards_see` for every
parsed HTML page (before its links are followed) and `boards_item` when a site is done.

- On the home page it starts the site's `SiteBoards` (inspector/crawl/boards/site.py) with the
  home page's links and the columns found so far; columns found later (sub-columns, the site
  map) are offered as they appear. Every other page costs one dict lookup and a title test.
- The boards ask for pages (hubs, list pages, message pages). A URL new to the site is fetched
  as an ordinary page (recorded, its links followed) and read by the boards too; a URL the crawl
  has already seen is fetched again as a `board` request that only the boards read. Board
  requests are outside the crawl's bounds (depth, query variants, pages): each board has its own
  budget, `INSPECTOR_BOARD_PAGES`, and a site at most `INSPECTOR_BOARD_MAX` boards.
- 办事指南 pages (profiles with `[services]`): pages titled 办事指南/服务指南 and pages linked from
  a column so named are read for their key elements; the `[services] sample` kept are the first
  by a hash of their URL, so that two crawls of the same site keep the same sample.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from inspector.crawl.boards.identify import absolute
from inspector.crawl.boards.site import BoardFetch, SiteBoards
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.guides import GUIDE_TITLE_RE, looks_like_guide_title, read_guide
from inspector.crawl.items import BoardsFound
from inspector.crawl.outcomes import failure_reason
from inspector.crawl.policy import CrawlPolicy
from inspector.crawl.readpage import PageRead
from inspector.crawl.responses import header_charset
from inspector.crawl.scope import scope_key
from inspector.crawl.state import SiteCrawl

BOARD_PRIORITY = 2  # board pages go before the deep pages of a big site


class BoardsMixin:
    """Board and guide reading for SiteSpider (see module doc). It uses the spider's `policy`,
    `as_of`, `settings`, `_request`, `_parse_page`, `_finish` and `on_error`."""

    policy: CrawlPolicy
    as_of: date
    _board_callbacks: tuple[Any, Any]

    if TYPE_CHECKING:  # what the spider provides
        settings: BaseSettings

        def _request(
            self, sc: SiteCrawl, url: str, kind: str, depth: int, *, priority: int | None = None
        ) -> Request: ...
        def _parse_page(self, response: Response) -> Iterator[Any]: ...
        def _finish(self, meta: dict[str, Any], outcome: Any) -> Iterator[Any]: ...
        def on_error(self, failure: Failure) -> Iterator[Any]: ...

    # --- called by the spider ------------------------------------------------------------------

    def boards_see(
        self,
        sc: SiteCrawl,
        meta: dict[str, Any],
        url: str,
        page: PageRead,
        title: str,
        is_home: bool,
    ) -> Iterator[Request]:
        """Every parsed HTML page of a site goes by here once, before its links are followed
        (`page.doc` is read only on the pages the boards and guides read)."""
        if is_home:  # (a redirect stub and the home page it leads to may both be read as home)
            if sc.boards is None:
                sc.boards = self._site_boards(sc)
            yield from self._board_requests(sc, sc.boards.on_home(page.doc, url), meta["depth"])
        if sc.boards is not None and len(sc.columns) > sc.columns_offered:
            yield from self._offer_columns(sc)
        if self.policy.guide_sample:
            self._guides_see(sc, meta["key"], url, page, title)

    def boards_item(self, sc: SiteCrawl) -> BoardsFound:
        """What the site's boards and guides gave, when the site is done."""
        boards = sc.boards.result() if sc.boards is not None else []
        keep = self.policy.guide_sample
        sample = sorted(sc.guides.values(), key=lambda g: _stable(g.url))[:keep]
        sc.boards, sc.guides, sc.guide_candidates = None, {}, set()  # the site is done: free them
        return BoardsFound(
            sc.site.site_id, boards=boards, guides=sorted(sample, key=lambda g: g.url)
        )

    # --- boards ---------------------------------------------------------------------------------

    def _site_boards(self, sc: SiteCrawl) -> SiteBoards:
        settings = self.settings
        policy = self.policy
        self._board_callbacks = (self._on_board, self._on_board_error)
        return SiteBoards(
            self.as_of,
            is_internal=lambda u: scope_key(u) in sc.scope,
            budget=settings.getint("INSPECTOR_BOARD_PAGES"),
            max_boards=settings.getint("INSPECTOR_BOARD_MAX"),
            window_days=policy.window_days,
            answer_days=policy.answer_days,
            rules=policy.board_rules,
        )

    def _offer_columns(self, sc: SiteCrawl) -> Iterator[Request]:
        columns = list(sc.columns.values())[sc.columns_offered :]
        sc.columns_offered = len(sc.columns)
        offered = [(c.name, c.url, c.source) for c in columns if not c.external]
        yield from self._board_requests(sc, sc.boards.on_columns(offered), 1)

    def _board_requests(
        self, sc: SiteCrawl, fetches: list[BoardFetch], depth: int
    ) -> Iterator[Request]:
        for fetch in fetches:
            new = fetch.url not in sc.seen
            if new:
                sc.seen.add(fetch.url)
                sc.pages += 1
            # A URL new to the site is an ordinary page the boards read as well; one the crawl
            # has seen (parsed, on its way, or refused by a bound) is fetched for the boards.
            request = self._request(
                sc, fetch.url, "page" if new else "board", depth + 1, priority=BOARD_PRIORITY
            )
            on_page, on_error = self._board_callbacks
            meta = {**request.meta, "board": fetch}
            yield request.replace(callback=on_page, errback=on_error, meta=meta)

    def _on_board(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        fetch: BoardFetch = meta["board"]
        if sc.boards is not None and not sc.done:
            if meta.get("redirect_stop") or response.status >= 400 or not response.body:
                follow = sc.boards.on_failure(fetch, f"http_{response.status}")
            else:
                text, _declared, _used = decode_html(response.body, header_charset(response))
                follow = sc.boards.on_page(fetch, parse_html(text), text)
            yield from self._board_requests(sc, follow, meta["depth"])
        if meta["kind"] == "page":
            yield from self._parse_page(response)  # in this process (board pages are few)
        else:
            yield from self._finish(meta, None)

    def _on_board_error(self, failure: Failure) -> Iterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]  # set by Scrapy
        sc: SiteCrawl = meta["sc"]
        if sc.boards is not None and not sc.done:
            reason, _error = failure_reason(failure)
            follow = sc.boards.on_failure(meta["board"], str(reason))
            yield from self._board_requests(sc, follow, meta["depth"])
        yield from self.on_error(failure)

    # --- 办事指南 --------------------------------------------------------------------------------

    def _guides_see(self, sc: SiteCrawl, key: str, url: str, page: PageRead, title: str) -> None:
        """A page titled 办事指南 (or a column so named) is a guide, or — when it shows no key
        elements — a list of guides, whose links are then read as guides too."""
        column = sc.columns.get(key) or sc.columns.get(url)
        named = looks_like_guide_title(title) or (
            column is not None and bool(GUIDE_TITLE_RE.search(column.name))
        )
        candidate = key in sc.guide_candidates or url in sc.guide_candidates
        if not (named or candidate) or key in sc.guides:
            return
        doc = page.doc
        guide = read_guide(
            doc, key, title, elements=self.policy.guide_elements, in_guide_column=candidate
        )
        if guide is not None:
            sc.guides[key] = guide
        elif named:
            for href in doc.xpath("//a/@href"):
                target = absolute(url, str(href))
                if target and scope_key(target) in sc.scope:
                    sc.guide_candidates.add(target)


def _stable(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8", "replace"), digest_size=8).hexdigest()
