"""The sites of one crawl, handed out one at a time: largest first, to one or several processes.

`inspector crawl` and `inspector nightly` crawl a registry through this queue: a crawler process
takes a whole site, crawls it with its own download slot (so per-site politeness stays exact)
and takes the next one when a site finishes. With `--processes N` the N crawler processes share
one queue: the list of sites is the same in every process and a counter in shared memory says
which is next, so no site is handed out twice and no process waits for another.

Largest first: a night ends when its last site ends, and a big site started last would keep a
machine busy long after the others are done. Sizes are the URLs checked by each site's latest
finished run; sites never crawled come first (they may be the largest of all).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Mapping
from typing import Any

from inspector.registry import Site


def largest_first(sites: Iterable[Site], sizes: Mapping[str, int]) -> list[Site]:
    """Sites never crawled, then the others by size (URLs of their latest run), largest first."""
    return sorted(sites, key=lambda s: (s.site_id in sizes, -sizes.get(s.site_id, 0)))


class LocalSiteQueue:
    """An ordered list of sites taken one at a time; picklable into child processes.

    `shared=True` keeps the position in shared memory (multiprocessing.Value) so that child
    processes given this object take from one queue; otherwise it is a plain counter.
    """

    def __init__(
        self, sites: list[Site], sizes: Mapping[str, int] | None = None, *, shared: bool = False
    ) -> None:
        self.sites = list(sites)
        self.sizes = dict(sizes or {})  # site_id -> URLs of its latest run, when known
        self._next: Any = multiprocessing.get_context("spawn").Value("l", 0) if shared else None
        self._position = 0

    def take(self) -> Site | None:
        """The next site, or None when every site has been taken."""
        if self._next is None:
            position = self._position
            self._position += 1
        else:
            with self._next.get_lock():
                position = self._next.value
                self._next.value = position + 1
        return self.sites[position] if position < len(self.sites) else None

    def taken(self) -> int:
        """Sites handed out so far (to every process)."""
        value = self._position if self._next is None else self._next.value
        return min(value, len(self.sites))

    def waiting(self) -> list[Site]:
        """The sites not handed out yet, in the order they will be."""
        return self.sites[self.taken() :]
