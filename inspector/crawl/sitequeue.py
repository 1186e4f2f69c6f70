"""The sites of one crawl, handed out one at a time: largest first, to one or several processes.

`inspector crawl` and `inspector nightly` crawl a registry through this queue: a crawler process
takes a whole site, crawls it with its own download slot (so per-site politeness stays exact)
and takes the next one when a site finishes. With `--processes N` the N crawler processes share
one queue: the list of sites is the same in every process and a counter in shared memory says
which is next, so no site is handed out twice. No process takes its first site before every
process is ready to take one (a barrier, given up after START_WAIT seconds): a process that spawned
first would otherwise take every small site before the others had imported Scrapy.

Largest first: a night ends when its last site ends, and a big site started last would keep a
machine busy long after the others are done. Sizes are the URLs checked by each site's latest
finished run; sites never crawled come first (they may be the largest of all).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from inspector.registry import Site

logger = logging.getLogger(__name__)

START_WAIT = 60.0  # seconds a process waits for its siblings before it takes sites alone


def largest_first(sites: Iterable[Site], sizes: Mapping[str, int]) -> list[Site]:
    """Sites never crawled, then the others by size (URLs of their latest run), largest first."""
    return sorted(sites, key=lambda s: (s.site_id in sizes, -sizes.get(s.site_id, 0)))


class LocalSiteQueue:
    """An ordered list of sites taken one at a time; picklable into child processes.

    `takers=N` (N > 1) keeps the position in shared memory (multiprocessing.Value) so that the
    N child processes given this object take from one queue, and makes each wait for the others
    before its first take; otherwise it is a plain counter.
    """

    def __init__(
        self, sites: list[Site], sizes: Mapping[str, int] | None = None, *, takers: int = 1
    ) -> None:
        self.sites = list(sites)
        self.sizes = dict(sizes or {})  # site_id -> URLs of its latest run, when known
        ctx = multiprocessing.get_context("spawn")
        self._next: Any = ctx.Value("l", 0) if takers > 1 else None
        self._start: Any = ctx.Barrier(takers) if takers > 1 else None
        self._position = 0
        self._started = False  # per process: a pickled copy starts False in each child

    def take(self) -> Site | None:
        """The next site, or None when every site has been taken."""
        if not self._started:
            self._started = True
            self._wait_for_siblings()
        if self._next is None:
            position = self._position
            self._position += 1
        else:
            with self._next.get_lock():
                position = self._next.value
                self._next.value = position + 1
        return self.sites[position] if position < len(self.sites) else None

    def _wait_for_siblings(self) -> None:
        if self._start is None:
            return
        try:
            self._start.wait(START_WAIT)
        except threading.BrokenBarrierError:
            # A sibling died or is slow: take sites alone rather than wait for ever.
            logger.warning(
                "the other crawler processes were not ready after %.0f s; taking sites alone",
                START_WAIT,
            )

    def taken(self) -> int:
        """Sites handed out so far (to every process)."""
        value = self._position if self._next is None else self._next.value
        return min(value, len(self.sites))

    def waiting(self) -> list[Site]:
        """The sites not handed out yet, in the order they will be."""
        return self.sites[self.taken() :]
