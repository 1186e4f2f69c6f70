"""The distributed worker's spider: sites leased from a shared Redis list (scrapy-redis).

The unit of work is a whole site: a worker keeps exactly INSPECTOR_WORKER_SITES sites in
flight, taking one from the queue each time one of its sites is done, and crawls each with its
local scheduler (so per-site politeness stays exact and the per-site URL sets stay in one
process). Several workers on several machines share the Redis list and the PostgreSQL database.
`inspector enqueue` fills the list (largest sites first), `inspector worker` runs this.

A site taken is leased (inspector/crawl/leases.py): renewed while this worker crawls it,
released once its run is finished, put back for any worker when the lease expires (this worker
killed or lost). The database has the last word on who finishes a site: taking a site claims
its run in the batch (abandoning the run of a worker whose lease expired), and finishing it is
guarded (inspector.store.runs.finish_guard), so a site is finished once.

Redis or the database unreachable while taking sites: the worker retries with a backoff
(1 s doubling to 60 s) and keeps crawling what it has; after INSPECTOR_WORKER_OUTAGE_SECONDS
without being able to take work it stops with reason `queue_unreachable` (exit 1), never as
if the queue were empty.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy_redis.spiders import RedisMixin
from sqlalchemy.exc import SQLAlchemyError

from inspector.crawl.leases import LeaseKeeper, SiteLeases, site_id_of
from inspector.crawl.signals import site_judged, site_not_finished
from inspector.registry import Site
from inspector.store.batch import failure_text
from inspector.store.db import get_engine, resolve_db_url, session_factory
from inspector.store.runs import claim_run
from spiders.site import SiteSpider

MAX_BACKOFF = 60.0  # seconds between two tries of an unreachable Redis or database


class QueuedSiteSpider(RedisMixin, SiteSpider):
    """Reads the queue named by the REDIS_START_URLS_KEY setting."""

    name = "site_queue"
    finish_once_per_batch = True  # read by the storage pipeline's guarded finish
    auto_readers = False  # INSPECTOR_READ_PROCESSES=auto: none (a machine runs a worker per core)
    leases: SiteLeases
    keeper: LeaseKeeper

    def more_pages_to_come(self) -> bool:
        return True  # the queue may hand out another site at any time

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sites", [])
        super().__init__(*args, **kwargs)
        self.token = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:4]}"
        self.sites_at_once = 1
        self.in_flight: set[str] = set()  # taken here and not done crawling
        self.taken_here = 0
        self.done_here = 0  # finished and judged here
        self.given_back = 0
        self.run_ids: dict[str, int] = {}  # replaced by the storage pipeline's own dict
        self.idle_since: float | None = None  # when this worker found the queue empty
        self.outage_since: float | None = None
        self.outage_what = ""
        self.next_try = 0.0
        self.backoff = 1.0
        self.max_outage = 600.0
        self.awaiting_store: dict[str, Any] = {}  # the storage pipeline's: crawled, not stored
        self.unended: dict[str, tuple[bool, bool]] = {}  # leases to end: (give back, taken)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> QueuedSiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.sites_at_once = max(1, s.getint("INSPECTOR_WORKER_SITES"))
        spider.redis_batch_size = spider.sites_at_once
        spider.max_outage = s.getfloat("INSPECTOR_WORKER_OUTAGE_SECONDS")
        spider.setup_redis(crawler)
        lease = s.getfloat("INSPECTOR_LEASE_SECONDS")
        spider.leases = SiteLeases(spider.server, spider.redis_key, spider.token, lease)
        spider.keeper = LeaseKeeper(spider.leases, lease / 3)
        spider.Session = session_factory(get_engine(resolve_db_url(s.get("INSPECTOR_DB_URL"))))
        crawler.signals.connect(spider.on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_judged, signal=site_judged)
        crawler.signals.connect(spider.on_not_finished, signal=site_not_finished)
        return spider

    async def start(self) -> Any:
        # scrapy-redis 0.9.1 predates Scrapy's async start(): take the first sites here.
        for request in self._fill():
            yield request

    # ---- taking sites -------------------------------------------------------------------

    def _fill(self) -> Iterator[Request]:
        """Take sites until INSPECTOR_WORKER_SITES are in flight (or the queue is empty): a site
        is in flight from its taking until its run is finished."""
        if not self._end_unended():
            return
        while len(self.in_flight) < self.sites_at_once:
            if self.outage_since is not None and time.monotonic() < self.next_try:
                return
            try:
                taken = self.leases.take(self.sites_at_once - len(self.in_flight))
            except RedisError as exc:
                self._outage("Redis", exc)
                return
            self._recovered("Redis")
            if taken.put_back:
                self.logger.info(
                    "%d sites put back on the queue: their lease expired", taken.put_back
                )
            if taken.dropped:
                self.logger.info("%d queue records dropped: their site is leased", taken.dropped)
            if not taken.records:
                return
            for data in taken.records:
                request = self.make_request_from_data(data)
                if request is not None:
                    yield request

    def make_request_from_data(self, data: bytes) -> Request | None:
        site_id = site_id_of(data)
        if site_id is None:
            self.logger.warning("not a site record on the queue, dropped: %r", data[:200])
            return None
        fields = json.loads(data.decode("utf-8"))["site"]
        site = Site(**{**fields, "extra_hosts": tuple(fields.get("extra_hosts", ()))})
        known = self.crawls.get(site_id)
        if known is not None and not known.done:
            # Crawled here already under a lost lease.
            self._end_lease(site_id, give_back=True, taken=False)
            return None
        if self.outage_since is not None and time.monotonic() < self.next_try:
            self._end_lease(site_id, give_back=True, taken=False)  # the database failed just now
            return None
        try:
            with self.Session() as session:
                run_id = claim_run(
                    session, site, self.as_of, self.policy_rules, self.batch, self.token
                )
        except SQLAlchemyError as exc:
            self._end_lease(site_id, give_back=True, taken=False)
            self._outage("the database", exc)
            return None
        self._recovered("the database")
        if run_id is None:
            self.logger.info(
                "site %s is already done in batch %s: not crawled again", site_id, self.batch
            )
            self._end_lease(site_id, give_back=False)
            return None
        self.run_ids[site_id] = run_id
        self.keeper.hold(site_id)
        self.in_flight.add(site_id)
        self.taken_here += 1
        self.logger.info(
            "worker took site %s (%s): run %s, %d/%d sites in flight",
            site_id,
            site.url,
            run_id,
            len(self.in_flight),
            self.sites_at_once,
        )
        return self.add_site(site)

    @property
    def policy_rules(self) -> str:
        return str(self.crawler.settings.get("INSPECTOR_RULES"))

    # ---- leases -------------------------------------------------------------------------

    def _end_lease(self, site_id: str, *, give_back: bool, taken: bool = True) -> None:
        """End this worker's lease of a site; `give_back` puts it back on the queue (counted
        when it was `taken` here: not a record handed straight back before its claim)."""
        self.keeper.drop(site_id)
        try:
            self._end_lease_now(site_id, give_back, taken)
        except RedisError as exc:
            # Ended when Redis answers again (_end_unended): a lease left to expire would keep
            # every worker waiting for it, and a site to give back would wait for its expiry.
            self.unended[site_id] = (give_back, taken)
            self.logger.warning(
                "cannot end the lease of site %s on Redis (%s): ended once Redis answers",
                site_id,
                failure_text(exc),
            )

    def _end_lease_now(self, site_id: str, give_back: bool, taken: bool) -> None:
        if give_back:
            back = self.leases.give_back([site_id])
            self.given_back += back if taken else 0
        else:
            self.leases.release([site_id])

    def _end_unended(self) -> bool:
        """End the leases Redis was unreachable to end; False while it still is."""
        if self.outage_since is not None and time.monotonic() < self.next_try:
            return not self.unended
        for site_id, (give_back, taken) in list(self.unended.items()):
            try:
                self._end_lease_now(site_id, give_back, taken)
            except RedisError as exc:
                self._outage("Redis", exc)
                return False
            del self.unended[site_id]
        return True

    def on_judged(self, site_id: str, **kwargs: Any) -> None:
        self.done_here += 1
        self._next_site(site_id)

    def on_not_finished(self, site_id: str, again: bool = False, **kwargs: Any) -> None:
        if again:
            self.logger.warning("site %s could not be stored whole: given back", site_id)
        self._next_site(site_id, give_back=again)

    def _next_site(self, site_id: str, *, give_back: bool = False) -> None:
        """A site's run is stored (or another worker's, or to be crawled again): end its lease,
        take exactly one more.

        Taken only now, not when its last URL is fetched, so that the sites in flight are
        the leases held: never more than INSPECTOR_WORKER_SITES, in Redis or in the database.
        """
        self._end_lease(site_id, give_back=give_back)
        self.in_flight.discard(site_id)
        for request in self._fill():
            self.crawler.engine.crawl(request)

    def on_opened(self, spider: Any) -> None:
        self.keeper.start()

    def on_closed(self, spider: Any, reason: str) -> None:
        self.keeper.stop()
        unfinished = self.keeper.held()
        for site_id in unfinished:
            self._end_lease(site_id, give_back=True)
        if unfinished:
            self.logger.info(
                "worker stopped (%s): %d unfinished sites given back to the queue: %s",
                reason,
                len(unfinished),
                ", ".join(unfinished),
            )

    # ---- idle: wait for work, retry an unreachable queue --------------------------------

    def _outage(self, what: str, exc: BaseException) -> None:
        now = time.monotonic()
        if self.outage_since is None:
            self.outage_since = now
            self.backoff = 1.0
            self.logger.warning(
                "cannot take sites: %s unreachable (%s); retrying", what, failure_text(exc)
            )
        self.outage_what = what
        self.next_try = now + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def _recovered(self, what: str) -> None:
        if self.outage_since is not None and self.outage_what == what:
            self.logger.info(
                "%s answers again after %.0f s", what, time.monotonic() - self.outage_since
            )
            self.outage_since = None

    def spider_idle(self) -> None:
        """Nothing to crawl here: take sites; else wait while any worker holds a lease (its
        sites come back if it dies), and close after MAX_IDLE_TIME_BEFORE_CLOSE seconds of an
        empty queue counted from when this worker found it empty."""
        for site_id in sorted(self.in_flight):
            if self.crawls[site_id].done and site_id not in self.awaiting_store:
                # Crawled, but its run could not be finished (the database failed): another
                # try, by whichever worker takes it, rather than a lease renewed for ever.
                self.logger.warning("site %s could not be stored to the end: given back", site_id)
                self.in_flight.discard(site_id)
                self._end_lease(site_id, give_back=True)
        requests = list(self._fill())
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            self.idle_since = None
            raise DontCloseSpider
        waiting = leased = 0
        if self.outage_since is None:
            try:
                waiting, leased = self.leases.counts()
            except RedisError as exc:
                self._outage("Redis", exc)
        if self.outage_since is not None:
            if time.monotonic() - self.outage_since > self.max_outage:
                lost = "queue" if self.outage_what == "Redis" else "database"
                raise CloseSpider(f"{lost}_unreachable")
            raise DontCloseSpider
        if waiting or leased:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
            self.logger.info("queue empty and no site leased: closing in %s s", self.max_idle_time)
        if self.max_idle_time == 0 or now - self.idle_since < self.max_idle_time:
            raise DontCloseSpider

    def worker_progress(self) -> dict[str, Any]:
        """This worker's sites and the queue, for the progress line."""
        try:
            waiting, leased = self.leases.counts()
        except RedisError:
            waiting = leased = -1
        return {
            "worker": self.token,
            "sites": sorted(self.in_flight),
            "limit": self.sites_at_once,
            "done": self.done_here,
            "waiting": "?" if waiting < 0 else waiting,
            "leased": "?" if leased < 0 else leased,
        }


def queue_record(site: Site) -> str:
    fields = {f: getattr(site, f) for f in site.__dataclass_fields__ if f != "line"}
    fields["extra_hosts"] = list(site.extra_hosts)
    return json.dumps({"site": fields}, ensure_ascii=False)
