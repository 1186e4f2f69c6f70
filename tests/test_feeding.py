"""A site's requests reach Scrapy's scheduler lazily (inspector/crawl/feeding.py): a page of
thousands of resource links waits in the site's backlog as URL strings, and Scrapy holds at most
INSPECTOR_SITE_QUEUED of them as Requests at any time — measured on the scheduler of a real
crawl — while every one of them is still checked."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest_twisted
from conftest import TEST_SETTINGS, open_session, site
from sqlalchemy import func, select

from inspector.store.models import TargetRow

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
IMAGES = 3000
QUEUED = 8


@pytest_twisted.ensureDeferred
async def test_thousands_of_resources_are_fed_to_the_scheduler_a_few_at_a_time(
    server: Any, sqlite_url: str
) -> None:
    from scrapy import signals
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import reactor

    from inspector.crawl.resolver import StaticHostsResolver
    from inspector.options import build_settings
    from spiders.site import SiteSpider

    name = f"feed-{uuid.uuid4().hex[:6]}"
    images = "".join(f'<img src="img/{i}.png">' for i in range(IMAGES))
    url = server.add_site(
        name,
        {
            "/": f"<html><body>{images}</body></html>",
            "*": {
                "body_b64": base64.b64encode(PNG).decode(),
                "headers": {"Content-Type": "image/png"},
            },
        },
    ).replace("127.0.0.1", f"{name}.example")
    settings = {
        **TEST_SETTINGS,
        "INSPECTOR_SITE_QUEUED": QUEUED,
        "INSPECTOR_SOFT404_PROBES": 0,
        "INSPECTOR_CLOAKING_SAMPLE": 0,
        "INSPECTOR_STATIC_HOSTS": {f"{name}.example": "127.0.0.1"},
    }
    runner = CrawlerRunner(build_settings(settings, db_url=sqlite_url))
    crawler = runner.create_crawler(SiteSpider)
    StaticHostsResolver.from_crawler(crawler, reactor).install_on_reactor()
    most = [0]

    def scheduled(**_: Any) -> None:
        most[0] = max(most[0], len(crawler.engine.scheduler))  # type: ignore[arg-type]

    crawler.signals.connect(scheduled, signal=signals.request_scheduled)
    await runner.crawl(crawler, sites=[site(name, url)], batch="feed")
    run_id = crawler.spider.run_ids[name]

    # Every image checked, but never more than INSPECTOR_SITE_QUEUED Requests waiting at once
    # (the home page's own follow-ups — robots.txt, the cloaking fetches — are a few more).
    with open_session(sqlite_url) as s:
        checked = s.scalar(
            select(func.count()).select_from(TargetRow).where(TargetRow.run_id == run_id)
        )
    assert checked == IMAGES + 1
    assert most[0] <= QUEUED + 4, most[0]
