"""Run the site spider over a list of sites in this process (what `inspector crawl` does)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from inspector.registry import Site
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
) -> CrawlResult:
    """Crawl `sites`; first probe `probe_first` (closed sites without a fresh probe: one
    request each, the census timeout), so that their verdict rests on what they answer now.
    `registry_sites` (the whole registry) tells a closed site merged into another one."""
    batch = batch or uuid.uuid4().hex[:12]
    process = CrawlerProcess(settings)
    if probe_first:
        from spiders.probe import ProbeSpider

        # Created first: the first crawler of a process installs the reactor.
        probe_crawler = process.create_crawler(ProbeSpider)
        if as_of is not None:  # the samples count for the crawl's as-of date
            probe_crawler.settings.set("INSPECTOR_AS_OF", as_of.isoformat(), priority="cmdline")
        crawler = process.create_crawler(SiteSpider)
        probing = process.crawl(
            probe_crawler, sites=probe_first, registry_sites=registry_sites or sites
        )
        probing.addBoth(lambda _: process.crawl(crawler, sites=sites, as_of=as_of, batch=batch))
    else:
        crawler = process.create_crawler(SiteSpider)
        process.crawl(crawler, sites=sites, as_of=as_of, batch=batch)
    process.start()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
