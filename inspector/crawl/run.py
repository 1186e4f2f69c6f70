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
    sites: list[Site], settings: Settings, *, as_of: date | None, batch: str = ""
) -> CrawlResult:
    batch = batch or uuid.uuid4().hex[:12]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, sites=sites, as_of=as_of, batch=batch)
    process.start()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
