"""Scale-out on Redis (scrapy-redis) and a shared database: a coordinator enqueues sites,
workers on any number of machines crawl them.

    inspector enqueue --registry seeds/province.csv --db postgresql://…   # once, anywhere
    inspector worker --db postgresql://…                                   # on every machine
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy_redis import connection
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.crawl.collector import quiet_collector
from inspector.crawl.sitequeue import largest_first
from inspector.judge.checkrun import CheckConfig, check_run
from inspector.profile import load_profile
from inspector.registry import Site
from inspector.store.models import RunRow
from inspector.store.runs import known_sizes, start_runs
from spiders.queue import queue_record

DONE_STATUSES = ("finished", "unreachable")


def enqueue_sites(
    session: Session,
    sites: list[Site],
    settings: Settings,
    *,
    as_of: date,
    batch: str = "",
) -> tuple[str, int, int]:
    """Queue the active sites not yet done in `batch`; record the others' runs right away.

    Returns (batch, queued, skipped as already done). Enqueueing the same batch again after a
    crash re-queues only what is not finished.
    """
    batch = batch or f"dist-{uuid.uuid4().hex[:10]}"
    done = set(
        session.scalars(
            select(RunRow.site_id).where(RunRow.batch == batch, RunRow.status.in_(DONE_STATUSES))
        )
    )
    recorded = set(session.scalars(select(RunRow.site_id).where(RunRow.batch == batch)))
    passive = [s for s in sites if s.status != "active" and s.site_id not in recorded]
    if passive:
        rules = settings.get("INSPECTOR_RULES")
        profile = load_profile(rules)
        config = CheckConfig.from_settings(settings)
        for run_id in start_runs(session, passive, as_of, rules, batch).values():
            check_run(session, run_id, config, profile)
    todo = [s for s in sites if s.status == "active" and s.site_id not in done]
    # Largest first (by their latest finished run; never crawled first): the night ends when
    # its last site ends, and a big site started last would keep one worker busy alone.
    todo = largest_first(todo, known_sizes(session, [s.site_id for s in todo]))
    client = redis_client(settings)
    if todo:
        client.rpush(settings.get("REDIS_START_URLS_KEY"), *(queue_record(s) for s in todo))
    return batch, len(todo), sum(1 for s in sites if s.status == "active" and s.site_id in done)


def redis_client(settings: Settings) -> Any:
    """scrapy-redis's client for REDIS_URL (REDIS_PARAMS: connect and socket timeouts)."""
    return connection.from_settings(settings)


@dataclass
class WorkerResult:
    reason: str  # the spider's finish reason: "finished" when the queue stayed empty
    token: str
    taken: int
    done: int
    given_back: int

    @property
    def complete(self) -> bool:
        """Stopped because the queue stayed empty with no site leased by any worker: every
        site of the queue was finished (here or by another worker)."""
        return self.reason == "finished"


def run_worker(settings: Settings, *, as_of: date | None, batch: str) -> WorkerResult:
    """Crawl sites from the queue until it stays empty for MAX_IDLE_TIME_BEFORE_CLOSE seconds."""
    from spiders.queue import QueuedSiteSpider

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(QueuedSiteSpider)
    process.crawl(crawler, as_of=as_of, batch=batch)
    quiet_collector()  # as every crawler process does (inspector/crawl/run.py)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, QueuedSiteSpider)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return WorkerResult(
        reason=str(stats.get("finish_reason", "")),
        token=spider.token,
        taken=spider.taken_here,
        done=spider.done_here,
        given_back=spider.given_back,
    )
