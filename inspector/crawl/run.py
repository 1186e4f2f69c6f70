"""Run the site spider in this process (one crawler process of `inspector crawl`; how many of
them, and their queue, is inspector/ops/processes.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

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
    else:
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler, **kwargs)
    quiet_collector()
    process.start()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
