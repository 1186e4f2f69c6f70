"""The crawl spider of `inspector crawl` and `inspector nightly`: sites from a local queue.

A SiteSpider that takes its sites one at a time from a LocalSiteQueue (largest first), crawls
`sites_at_once` of them at once and takes the next as one finishes. With several crawler
processes (inspector/ops/processes.py) the queue is shared: a whole site is crawled by one
process, so its politeness is what it is in one process. The sites given as `sites` (the ones
that are not crawled: closed, exception) get their runs recorded when the crawl opens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request

from inspector.crawl.politeness import configure_politeness
from inspector.crawl.sitequeue import LocalSiteQueue
from spiders.site import SiteCrawl, SiteSpider


class BatchSiteSpider(SiteSpider):
    name = "site_batch"

    def __init__(
        self,
        *args: Any,
        source: LocalSiteQueue | None = None,
        sites_at_once: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source = source if source is not None else LocalSiteQueue([])
        self.sites_at_once = max(1, int(sites_at_once))
        self.in_flight: set[str] = set()  # sites taken from the queue and not done

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BatchSiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, BatchSiteSpider)
        if not crawler.settings.frozen:
            # Every site the queue may hand out gets its download slot's politeness now.
            configure_politeness(crawler.settings, spider.sites + spider.source.sites)
        return spider

    def start_requests(self) -> Iterator[Request]:
        yield from super().start_requests()
        yield from self._take_sites()

    def _take_sites(self) -> Iterator[Request]:
        """Sites from the queue until `sites_at_once` are being crawled (or it is empty)."""
        while len(self.in_flight) < self.sites_at_once:
            site = self.source.take()
            if site is None:
                return
            self.in_flight.add(site.site_id)
            yield self.add_site(site)

    def more_pages_to_come(self) -> bool:
        return super().more_pages_to_come() or self.source.taken() < len(self.source.sites)

    def _maybe_done(self, sc: SiteCrawl) -> Iterator[Any]:
        yield from super()._maybe_done(sc)
        if sc.done and sc.site.site_id in self.in_flight:
            self.in_flight.discard(sc.site.site_id)
            yield from self._take_sites()  # one site done: take the next
