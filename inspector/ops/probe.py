"""Run the availability probe (spiders/probe.py) in this process and store its samples.

`inspector probe` calls `probe_sites()`; cron runs it every 30 minutes or so. The samples feed
the `site_unreachable` / `availability` check (7 days of them) and `closed_site_online`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.crawl.items import ProbeItem
from inspector.ops.progress import Progress
from inspector.registry import Site
from inspector.store.bounds import bounded_rows
from inspector.store.db import ensure_schema, get_engine, resolve_db_url, session_factory, table
from inspector.store.models import ProbeRow
from inspector.store.runs import upsert_sites
from inspector.vocabulary import ANSWERED
from spiders.probe import ProbeSpider

logger = logging.getLogger(__name__)


class ProbePipeline:
    """Writes ProbeItems as `probe` rows, INSPECTOR_BATCH_SIZE at a time and on close."""

    crawler: Any  # set by from_crawler

    def __init__(self, settings: Any) -> None:
        self.db_url = resolve_db_url(settings.get("INSPECTOR_DB_URL") or None)
        self.batch_size = max(1, settings.getint("INSPECTOR_BATCH_SIZE", 500))
        self.rows: list[dict[str, Any]] = []
        self.stored = 0
        # Set by a nightly: the as-of date these samples count for (see ProbeRow.as_of).
        as_of = settings.get("INSPECTOR_AS_OF") or None
        self.as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProbePipeline:
        pipeline = cls(crawler.settings)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.engine = get_engine(self.db_url)
        ensure_schema(self.engine)
        self.Session = session_factory(self.engine)
        # Registry rows first, so that reports can name every probed site.
        with self.Session() as s:
            upsert_sites(s, list(self.crawler.spider.sites))
            s.commit()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ProbeItem):
            self.rows.append(
                {
                    "site_id": item.site_id,
                    "at": item.at,
                    "outcome": item.outcome,
                    "status": item.status,
                    "error": item.error,
                    "elapsed_ms": item.elapsed_ms,
                    "final_url": item.final_url,
                    "as_of": self.as_of,
                }
            )
            if len(self.rows) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        if not self.rows:
            return
        with self.Session() as s:
            # A probed site controls its error text and final URL: bounded like the crawl's rows.
            s.execute(table(ProbeRow).insert(), bounded_rows(table(ProbeRow), self.rows))
            s.commit()
        self.stored += len(self.rows)
        self.rows = []

    def close_spider(self) -> None:
        self.flush()
        logger.info("probe: %d samples stored", self.stored)


@dataclass
class ProbeResult:
    outcomes: Counter[str] = field(default_factory=Counter)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def probed(self) -> int:
        return sum(self.outcomes.values())

    @property
    def failed(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome not in ANSWERED)


# A closed site probed this recently needs no new probe before a crawl judges it.
FRESH_PROBE_HOURS = 24


def closed_sites_to_probe(
    session: Session, sites: list[Site], now: datetime, hours: float = FRESH_PROBE_HOURS
) -> list[Site]:
    """The sites registered closed that have no probe sample from the last `hours`: a crawl
    probes them first, so that its closed_ok / closed_online verdict rests on evidence."""
    closed = [s for s in sites if s.status == "closed"]
    if not closed:
        return []
    since = now - timedelta(hours=hours)
    fresh = set(
        session.scalars(
            select(ProbeRow.site_id).where(
                ProbeRow.site_id.in_([s.site_id for s in closed]), ProbeRow.at >= since
            )
        )
    )
    return [s for s in closed if s.site_id not in fresh]


def with_progress(settings: Settings) -> Settings:
    """Add the progress extension unless the settings already name it (or disable it: None)."""
    settings.setdefault_in_component_priority_dict("EXTENSIONS", Progress, 500)
    return settings


def probe_settings(settings: Settings) -> Settings:
    """The probe's process-wide settings: a DNS thread pool that keeps up with many hosts."""
    settings = settings.copy()
    if (settings.getpriority("REACTOR_THREADPOOL_MAXSIZE") or 0) < 40:  # not on the command line
        settings.set(
            "REACTOR_THREADPOOL_MAXSIZE",
            settings.getint("INSPECTOR_PROBE_DNS_THREADS", 64),
            priority="project",
        )
    return with_progress(settings)


def probe_sites(
    sites: list[Site], settings: Settings, *, registry_sites: list[Site] | None = None
) -> ProbeResult:
    """Probe `sites` once each (in this process: the reactor cannot be restarted afterwards).

    `registry_sites` is the whole registry, so that a closed site redirecting to another
    registered site is recognised as merged.
    """
    process = CrawlerProcess(probe_settings(settings))
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(
        crawler, sites=sites, registry_sites=registry_sites if registry_sites is not None else sites
    )
    process.start()
    spider = crawler.spider
    return ProbeResult(
        outcomes=Counter(getattr(spider, "outcomes", {})),
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
