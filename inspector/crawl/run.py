"""Run the site spider in this process (one crawler process of `inspector crawl`; how many of
them, and their queue, is inspector/ops/processes.py)."""

from __future__ import annotations

import signal
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.asyncio import call_later

from inspector.crawl.collector import quiet_collector
from inspector.crawl.sitequeue import LocalSiteQueue
from inspector.registry import Site
from spiders.batch import BatchSiteSpider
from spiders.site import SiteSpider


@dataclass
class CrawlResult:
    run_ids: dict[str, int] = field(default_factory=dict)
    batch: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


class HeldSignals:
    """SIGINT and SIGTERM held from here until the first crawler's engine runs.

    Scrapy's graceful stop works once the engine runs. Before Scrapy installs its handlers (at
    the reactor's start) a signal raised KeyboardInterrupt inside Scrapy's set-up Deferreds (an
    "Unhandled error in Deferred" traceback); between then and the engine's start, Scrapy's
    stop found no engine to stop and ended the reactor with the spider never closed (its runs
    never marked interrupted). A crawler process of `inspector crawl --processes N` starts
    later than its siblings, so the supervisor's signal can reach it in either window. Held
    signals go to Scrapy's handlers once the engine runs.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.held: list[int] = []
        self.main_thread = threading.current_thread() is threading.main_thread()
        self.previous = self._hold_all()
        self.reactor_ran = False

    def _hold_all(self) -> dict[int, Any]:
        if not self.main_thread:
            return {}
        return {sig: signal.signal(sig, self._hold) for sig in self.SIGNALS}

    def _hold(self, signum: int, frame: Any) -> None:
        self.held.append(signum)

    def hand_over_when_started(self, crawler: Crawler) -> None:
        """Hold on over Scrapy's handlers (installed by an "after startup" trigger of the
        reactor, before the first loop iteration) until `crawler`'s engine runs."""
        scrapy_handlers: dict[int, Any] = {}

        def after_startup() -> None:
            self.reactor_ran = True
            scrapy_handlers.update(self._hold_all())

        def hand_over() -> None:
            for sig, handler in scrapy_handlers.items():
                signal.signal(sig, handler)
            held, self.held = self.held, []
            for signum in held:
                signal.raise_signal(signum)

        def engine_started() -> None:
            call_later(0, hand_over)  # after start_async has set the engine running

        call_later(0, after_startup)  # the first loop iteration
        crawler.signals.connect(engine_started, signal=signals.engine_started, weak=False)

    def release(self) -> None:
        """The crawl is over: the previous handlers again. Signals still held when the reactor
        never ran go to them (the crawl's caller stops); when it ran, the crawl has ended."""
        for sig, handler in self.previous.items():
            if signal.getsignal(sig) == self._hold:
                signal.signal(sig, handler)
        held, self.held = self.held, []
        if not self.reactor_ran:
            for signum in held:
                signal.raise_signal(signum)


def crawl_sites(
    sites: list[Site],
    settings: Settings,
    *,
    as_of: date | None,
    batch: str = "",
    probe_first: list[Site] | None = None,
    registry_sites: list[Site] | None = None,
    source: LocalSiteQueue | None = None,
    sites_at_once: int = 1,
    progress_sink: Any = None,
    recheck: bool = False,
) -> CrawlResult:
    """Crawl `sites` all at once, and the sites of `source` `sites_at_once` at a time.

    First probe `probe_first` (closed sites without a fresh probe: one request each, the census
    timeout), so that their verdict rests on what they answer now; `registry_sites` (the whole
    registry) tells a closed site merged into another one. `progress_sink` (a queue) makes the
    progress extension send its counts there instead of showing them (a crawler process of
    inspector/ops/processes.py). `recheck`: recheck the sites (inspector/crawl/recheck.py).
    """
    batch = batch or uuid.uuid4().hex[:12]
    held = HeldSignals()
    try:
        process = CrawlerProcess(settings)
        kwargs: dict[str, Any] = {"sites": sites, "as_of": as_of, "batch": batch}
        if recheck:  # only what the last full run's findings rest on (inspector/crawl/recheck.py)
            kwargs["recheck"] = True
        if progress_sink is not None:
            kwargs["progress_sink"] = progress_sink
        if source is not None:
            kwargs.update(source=source, sites_at_once=sites_at_once)
        spider_class = SiteSpider if source is None else BatchSiteSpider
        if probe_first:
            from spiders.probe import ProbeSpider

            # Created first: the first crawler of a process installs the reactor.
            probe_crawler = process.create_crawler(ProbeSpider)
            if as_of is not None:  # the samples count for the crawl's as-of date
                probe_crawler.settings.set("INSPECTOR_AS_OF", as_of.isoformat(), priority="cmdline")
            crawler = process.create_crawler(spider_class)
            probing = process.crawl(
                probe_crawler, sites=probe_first, registry_sites=registry_sites or sites
            )
            probing.addBoth(lambda _: process.crawl(crawler, **kwargs))
            first = probe_crawler
        else:
            crawler = process.create_crawler(spider_class)
            process.crawl(crawler, **kwargs)
            first = crawler
        quiet_collector()
        held.hand_over_when_started(first)
        process.start()
    finally:
        held.release()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
