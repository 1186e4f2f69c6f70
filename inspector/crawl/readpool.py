"""Reader processes: the pages of a crawl read on the machine's other cores.

A crawler process fetches a site with exact per-site politeness, so one big site is one
process's work; reading its pages (decode, parse, dates, links, security facts:
`PageReader.read_html`)
is most of that work and needs nothing of the crawl's state. With INSPECTOR_READ_PROCESSES > 0
the spider sends each ordinary page's bytes to a pool of that many processes and gets plain data
back (`PageRead` without its tree); the crawl process keeps the network, the crawl's state and
the storage. The home page, a recheck's pages and the pages whose response is not a plain
in-scope HTML page are read in the crawl process, as before.

The pages that arrive in one turn of the event loop go to a reader together (one task of the
process pool, one answer): the pool's cost per task (its threads, pickling, waking the loop) is
then paid per group, not per page.

Each reader process (`inspector.crawl.reader`, which imports no Scrapy and no pypinyin) gets the
crawl's PageReader, with its compiled lexicons, once, pickled. A page whose reader died, or made
`read_html` raise, is read again in the crawl process by the same PageReader: it gets the same
facts either way, or the same error it would have had without the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import sys
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from inspector.crawl.extract.security import SecurityRules
from inspector.crawl.reader import ReadJob, read_apart, read_job, ready, start_reader
from inspector.crawl.readpage import FingerprintRule, PageRead, PageReader
from inspector.crawl.responses import content_type, header_charset, looks_html
from inspector.crawl.scope import scope_key
from inspector.crawl.state import SiteCrawl

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)


def read_processes(setting: str | int | None, crawler_processes: int = 1) -> int:
    """INSPECTOR_READ_PROCESSES (checked by inspector.settings_check): a number, or "auto" —
    the cores the machine's crawler processes leave idle, shared among them (one crawler
    process on two cores: one reader; one per core: none)."""
    if setting in (None, "", "auto"):
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return max(0, (cores or 1) // max(1, crawler_processes) - 1)
    return max(0, int(setting))


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While reader processes start: `spawn` makes each child import the parent's main module
    (the CLI, with Scrapy and SQLAlchemy: ~70 MB a reader) unless it has neither a module name
    nor a file. A reader needs none of it: what it runs is named by module (inspector.crawl.reader)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class ReadPool:
    """`processes` reader processes (started with `spawn`: the crawl process runs a reactor and
    threads, which a fork would copy half-way)."""

    def __init__(self, processes: int, reader: PageReader) -> None:
        self.reader = reader  # for pages read again here
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_reader,
            initargs=(reader,),
        )
        # Started now, while the crawl fetches its home pages: the first pages sent wait for them.
        with _main_module_hidden():
            for _ in range(processes):
                self.pool.submit(ready)  # each submit starts one process (none is idle yet)
        self.gathering: list[tuple[ReadJob, asyncio.Future[Any]]] = []  # to send this turn
        self.read_apart = 0  # pages read by the reader processes
        self.read_here = 0  # pages sent to them and read here again (a reader failed)

    async def read(self, job: ReadJob) -> PageRead:
        if self.pool is not None:
            loop = asyncio.get_running_loop()
            answer: asyncio.Future[PageRead | None] = loop.create_future()
            if not self.gathering:
                loop.call_soon(self._send, loop)  # once this turn's pages are gathered
            self.gathering.append((job, answer))
            page = await answer
            if page is not None:
                page.body, page.charset = job.body, job.charset
                self.read_apart += 1
                return page
        self.read_here += 1
        return read_job(self.reader, job)

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        sent, self.gathering = self.gathering, []
        if self.pool is None:  # closed meanwhile (a reader died): read here
            self._answer(sent, [None] * len(sent))
            return
        try:
            task = self.pool.submit(read_apart, [job for job, _ in sent])
        except BrokenProcessPool:
            self._broken()
            self._answer(sent, [None] * len(sent))
        else:
            asyncio.wrap_future(task, loop=loop).add_done_callback(partial(self._done, sent))

    def _done(self, sent: list[tuple[ReadJob, asyncio.Future[Any]]], task: Any) -> None:
        """Each page's facts; None (read again here) for every page of a task that failed."""
        pages: list[PageRead | None] = [None] * len(sent)
        if task.cancelled():  # the pool was closed
            pass
        elif isinstance(task.exception(), BrokenProcessPool):
            self._broken()
        elif task.exception() is not None:
            logger.debug("the reader processes could not read %d pages", len(sent),
                         exc_info=task.exception())  # fmt: skip
        else:
            pages = task.result()
        self._answer(sent, pages)

    @staticmethod
    def _answer(sent: list[tuple[ReadJob, asyncio.Future[Any]]], pages: list[Any]) -> None:
        for (_, answer), page in zip(sent, pages, strict=True):
            if not answer.done():
                answer.set_result(page)

    def _broken(self) -> None:
        if self.pool is not None:
            logger.warning("a reader process died: the crawl reads its pages itself now")
            self.close()

    def pids(self) -> list[int]:
        """The reader processes' ids (none once the pool is closed)."""
        if self.pool is None:
            return []
        return [p.pid for p in (self.pool._processes or {}).values() if p.pid is not None]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class ReadingApart:
    """For SiteSpider: its ordinary pages read by reader processes (INSPECTOR_READ_PROCESSES)."""

    page_reader: PageReader  # every page's reading, here and in the reader processes
    reader: ReadPool | None = None
    # "auto" readers: the cores this crawl process leaves idle. A Redis worker takes none: a
    # worker machine runs one worker per core.
    auto_readers = True
    as_of: date
    max_page_links: int
    security: SecurityRules | None
    soft404_probes: int
    recheck_plans: dict[str, Any]
    crawls: dict[str, SiteCrawl]

    if TYPE_CHECKING:  # what the spider provides

        def site_hosts(self, sc: SiteCrawl) -> frozenset[str]: ...
        def _parse_page(
            self, response: Response, page: PageRead | None = None
        ) -> Iterator[Any]: ...

    def reading_setup(self, settings: Settings) -> None:
        """Once `as_of`, `max_page_links` and `security` are known."""
        self.page_reader = PageReader(self.as_of, self.max_page_links + 1, self.security)
        setting = settings.get("INSPECTOR_READ_PROCESSES")
        if setting in (None, "", "auto") and not self.auto_readers:
            return
        if processes := read_processes(setting):
            self.reader = ReadPool(processes, self.page_reader)

    def more_pages_to_come(self) -> bool:
        """False once every site of this crawl is done (a spider taking sites from a queue
        says whether more will come)."""
        return not all(sc.done for sc in self.crawls.values())

    def reading_over(self) -> None:
        """No page is left for the readers: they stop now, before the last site's checks run,
        so that their memory is not held through the crawl's peak (the checks of a big site)."""
        if self.reader is not None:
            self.reader.close()

    def reading_closed(self, spider: Any) -> None:
        if self.reader is not None:
            stats = spider.crawler.stats
            stats.set_value("inspector/pages_read_apart", self.reader.read_apart)
            stats.set_value("inspector/pages_read_again_here", self.reader.read_here)
            logger.info(
                "reader processes read %d pages (%d read again here)",
                self.reader.read_apart, self.reader.read_here,
            )  # fmt: skip
            self.reader.close()

    def read_apart(self, response: Response) -> bool:
        """A plain HTML page of the site, new to the crawl: nothing in its reading needs the
        crawl's state (the home page, redirects and errors, and a recheck's pages, whose footer
        elements are all read, are read here)."""
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        return (
            self.reader is not None
            and meta["kind"] == "page"
            and sc.site.site_id not in self.recheck_plans  # a recheck reads every page's tree
            and not meta.get("redirect_stop")
            and 200 <= response.status < 300
            and response.url not in sc.parsed
            and scope_key(response.url) in sc.scope
            and looks_html(content_type(response), response.body)
        )

    async def parse_page_apart(self, response: Response) -> list[Any]:
        """The page read by a reader process, then taken in by the crawl (`_parse_page`)."""
        assert self.reader is not None
        sc: SiteCrawl = response.meta["sc"]
        job = ReadJob(
            response.body, header_charset(response), response.url,
            self.fingerprint_rule(sc, False), self.site_hosts(sc),
        )  # fmt: skip
        return list(self._parse_page(response, await self.reader.read(job)))

    def fingerprint_rule(self, sc: SiteCrawl, is_home: bool) -> FingerprintRule:
        """Which pages need their fingerprint: the home page, any page while a soft-404 probe
        is unanswered, and a page whose title is that of a probe's page."""
        pending = is_home or sc.probes_answered < self.soft404_probes
        return FingerprintRule(pending, frozenset(sc.probe_titles) if not pending else frozenset())
