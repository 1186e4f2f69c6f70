"""The distributed worker's spider: sites popped from a shared Redis list (scrapy-redis).

The unit of work is a whole site: a worker pops a few sites, crawls each with its local
scheduler (so per-site politeness stays exact and the per-site URL sets stay in one process),
and pops more as its sites finish. Several workers on several machines share the Redis list
and the PostgreSQL database. `inspector enqueue` fills the list, `inspector worker` runs this.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy_redis.spiders import RedisMixin

from inspector.registry import Site
from spiders.site import SiteCrawl, SiteSpider


class QueuedSiteSpider(RedisMixin, SiteSpider):
    """Reads the queue named by the REDIS_START_URLS_KEY setting."""

    name = "site_queue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sites", [])
        super().__init__(*args, **kwargs)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> QueuedSiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # A few sites at a time: each brings its own download slot; more are popped as they finish.
        spider.redis_batch_size = crawler.settings.getint("INSPECTOR_WORKER_SITES")
        spider.setup_redis(crawler)
        return spider

    async def start(self) -> Any:
        # scrapy-redis 0.9.1 predates Scrapy's async start(): feed it the first batch here.
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> Request | None:
        record = json.loads(data.decode("utf-8"))
        fields = record["site"]
        site = Site(**{**fields, "extra_hosts": tuple(fields.get("extra_hosts", ()))})
        if site.site_id in self.crawls:
            return None  # queued twice: one crawl per site per worker
        self.logger.info("worker took site %s (%s)", site.site_id, site.url)
        return self.add_site(site)

    def _maybe_done(self, sc: SiteCrawl) -> Iterator[Any]:
        was_done = sc.done
        yield from super()._maybe_done(sc)
        if sc.done and not was_done:
            # Keep the worker busy: a finished site makes room for the next one.
            self.schedule_next_requests()


def queue_record(site: Site) -> str:
    fields = {f: getattr(site, f) for f in site.__dataclass_fields__ if f != "line"}
    fields["extra_hosts"] = list(site.extra_hosts)
    return json.dumps({"site": fields}, ensure_ascii=False)
