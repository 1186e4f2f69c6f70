"""Scale-out on Redis (scrapy-redis) and a shared database: a coordinator enqueues sites,
workers on any number of machines crawl them.

    inspector enqueue --registry seeds/province.csv --db postgresql://…   # once, anywhere
    inspector worker --db postgresql://…                                   # on every machine
"""

from __future__ import annotations

import uuid
from datetime import date

import redis
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.judge.checkrun import CheckConfig, check_run
from inspector.profile import load_profile
from inspector.registry import Site
from inspector.store.models import RunRow
from inspector.store.runs import start_runs
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
    client = redis.Redis.from_url(settings.get("REDIS_URL"))
    if todo:
        client.rpush(settings.get("REDIS_START_URLS_KEY"), *(queue_record(s) for s in todo))
    return batch, len(todo), sum(1 for s in sites if s.status == "active" and s.site_id in done)


def run_worker(settings: Settings, *, as_of: date | None, batch: str) -> None:
    """Crawl sites from the queue until it stays empty for MAX_IDLE_TIME_BEFORE_CLOSE seconds."""
    from spiders.queue import QueuedSiteSpider

    process = CrawlerProcess(settings)
    process.crawl(QueuedSiteSpider, as_of=as_of, batch=batch)
    process.start()
