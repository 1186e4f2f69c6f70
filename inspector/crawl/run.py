"""Run the site spider in this process (one crawler process of `inspector crawl`; the choice of
how many, and their queue, is inspector/ops/processes.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

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
    source: LocalSiteQueue | None = None,
    sites_at_once: int = 1,
    progress_sink: Any = None,
) -> CrawlResult:
    """Crawl `sites` all at once, and the sites of `source` `sites_at_once` at a time.

    `progress_sink` (a queue) makes the progress extension send its counts there instead of
    showing them (a child process of inspector/ops/processes.py).
    """
    batch = batch or uuid.uuid4().hex[:12]
    process = CrawlerProcess(settings)
    kwargs: dict[str, Any] = {"sites": sites, "as_of": as_of, "batch": batch}
    if progress_sink is not None:
        kwargs["progress_sink"] = progress_sink
    if source is None:
        crawler = process.create_crawler(SiteSpider)
    else:
        crawler = process.create_crawler(BatchSiteSpider)
        kwargs.update(source=source, sites_at_once=sites_at_once)
    process.crawl(crawler, **kwargs)
    process.start()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
