"""Every core busy: `inspector crawl --processes N` and the nightly crawl in N crawler processes.

The unit of work is a whole site, as in the distributed mode: N crawler processes (default: one
per core, never more than the sites to crawl) take whole sites, largest first, from one local
queue (inspector/crawl/sitequeue.py: the same ordered list in every process and a counter in
shared memory). Each crawls `INSPECTOR_SITES_AT_ONCE` sites at once with its own download slot per
site and takes the next one as a site finishes, so per-site politeness is exactly what it is in
one process, and a site's URL set lives in one process. Each writes its own rows: SQLite in WAL
mode lets one process write at a time while the others crawl on (a batch commits in
milliseconds and waits at most `busy_timeout`), PostgreSQL takes them in parallel.

This process is the supervisor: it records nothing itself but the runs of sites that are not
crawled (closed, exception), starts the crawler processes (spawned, so they share nothing but
the queue), passes SIGTERM/SIGINT on to them once (Scrapy's graceful stop: the writes in progress
finish and unfinished runs become `interrupted`; a second signal is passed on too and forces
them), adds up their progress into one display, and returns their run ids. The crawler
processes die with it (PR_SET_PDEATHSIG): a nightly killed with SIGKILL leaves no crawler
writing behind it, and the next attempt resumes the batch as with one process.

What is per process rather than per machine: CONCURRENT_REQUESTS, the external-outcome cache (an
external URL linked from sites in two processes is checked once in each); the per-host limit of
external hosts (INSPECTOR_EXTERNAL_HOST_CONCURRENCY) is divided among the processes so that the
machine stays within it (at least 1 each).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue as queue_module
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from scrapy.settings import Settings

from inspector.crawl.readpool import read_processes
from inspector.crawl.run import CrawlResult, crawl_sites
from inspector.crawl.sitequeue import LocalSiteQueue, largest_first
from inspector.ops.progress import (
    Counts,
    Progress,
    ProgressDisplay,
    ProgressState,
    interactive_mode,
)
from inspector.registry import Site
from inspector.store.db import ensure_schema, get_engine, session_factory
from inspector.store.runs import known_sizes

logger = logging.getLogger(__name__)

# Stats added up over the crawler processes (the others are per process).
SUMMED_STATS = ("response_received_count", "item_scraped_count")


def process_count(settings: Settings, requested: int | None, sites: int) -> int:
    """Crawler processes to run: `requested` (else INSPECTOR_PROCESSES), 0 = one per core, never
    more than the sites to crawl."""
    n = requested if requested is not None else settings.getint("INSPECTOR_PROCESSES")
    if n <= 0:
        n = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1
        )
    return max(1, min(n, sites))


def crawl_registry(
    sites: list[Site],
    settings: Settings,
    *,
    as_of: date | None,
    batch: str = "",
    processes: int | None = None,
    child_init: Callable[[], object] | None = None,
    probe_first: list[Site] | None = None,
    registry_sites: list[Site] | None = None,
) -> CrawlResult:
    """Crawl the sites (largest first, whole sites per process) in one or several processes.

    `child_init` (picklable) runs first in each crawler process: the nightly attaches its log.
    `probe_first` and `registry_sites`: see crawl_sites (done by the first crawler process,
    which also records the runs of the sites that are not crawled).
    """
    batch = batch or uuid.uuid4().hex[:12]
    active = [s for s in sites if s.status == "active"]
    passive = [s for s in sites if s.status != "active"]
    engine = get_engine(settings.get("INSPECTOR_DB_URL") or None)
    ensure_schema(engine)  # before the processes start: they must not race to create it
    with session_factory(engine)() as session:
        sizes = known_sizes(session, [s.site_id for s in active]) if len(active) > 1 else {}
    n = process_count(settings, processes, len(active))
    at_once = max(1, settings.getint("INSPECTOR_SITES_AT_ONCE"))
    ordered = largest_first(active, sizes)
    if n == 1:
        return crawl_sites(
            passive,
            settings,
            as_of=as_of,
            batch=batch,
            source=LocalSiteQueue(ordered, sizes),
            sites_at_once=at_once,
            probe_first=probe_first,
            registry_sites=registry_sites,
        )
    engine.dispose()
    # Never more at once than an even share: a process that starts first must not take them all.
    at_once = min(at_once, -(-len(active) // n))
    queue = LocalSiteQueue(ordered, sizes, takers=n)
    first = FirstJob(passive, probe_first, registry_sites)
    return Supervisor(settings, n, queue, child_init).run(first, as_of, batch, at_once)


@dataclass
class FirstJob:
    """What only the first crawler process does: record the runs of the sites that are not
    crawled, after probing the closed ones without a fresh probe."""

    sites: list[Site]
    probe_first: list[Site] | None
    registry_sites: list[Site] | None


@dataclass
class ChildJob:
    """What one crawler process is given (pickled into it when it is spawned)."""

    index: int
    parent: int  # the supervisor's pid
    settings: Settings
    first: FirstJob | None  # process 0 only
    queue: LocalSiteQueue
    as_of: date | None
    batch: str
    sites_at_once: int
    results: Any  # multiprocessing queue: (index, run_ids, stats)
    progress: Any  # TaggedSink or None
    init: Callable[[], object] | None


class TaggedSink:
    """The progress sink of one crawler process: its counts, tagged with its index."""

    def __init__(self, index: int, queue: Any) -> None:
        self.index = index
        self.queue = queue

    def put(self, counts: Counts) -> None:
        self.queue.put((self.index, counts))


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the supervisor dies, whatever killed it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_child(job: ChildJob) -> None:
    """A crawler process: crawl sites from the shared queue until it is empty."""
    _die_with_parent()
    if os.getppid() != job.parent:  # the supervisor died before the line above took effect
        os._exit(1)
    os.setpgrp()  # a terminal's Ctrl-C reaches the supervisor, which passes it on once
    # Until Scrapy installs its own handlers (in process.start()), SIGTERM and SIGINT end this
    # process with code 1 and one log line, not a traceback.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if job.init is not None:
            job.init()
        first = job.first or FirstJob([], None, None)
        result = crawl_sites(
            first.sites,
            job.settings,
            as_of=job.as_of,
            batch=job.batch,
            source=job.queue,
            sites_at_once=job.sites_at_once,
            progress_sink=job.progress,
            probe_first=first.probe_first,
            registry_sites=first.registry_sites,
        )
    except KeyboardInterrupt:
        logger.warning(
            "crawler process %d: stopped by a signal before its crawl started", job.index
        )
        raise SystemExit(1) from None
    stats = {k: v for k, v in result.stats.items() if isinstance(v, int | float | str)}
    job.results.put((job.index, result.run_ids, stats))


class Supervisor:
    """Starts the crawler processes, passes signals on, shows their progress, collects results."""

    def __init__(
        self,
        settings: Settings,
        processes: int,
        queue: LocalSiteQueue,
        child_init: Callable[[], object] | None,
    ) -> None:
        self.settings = settings
        self.n = processes
        self.queue = queue
        self.child_init = child_init
        self.ctx = multiprocessing.get_context("spawn")
        self.procs: list[Any] = []
        self.signals = 0

    def child_settings(self) -> Settings:
        settings = self.settings.copy()
        limit = settings.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY")
        priority = max(settings.getpriority("INSPECTOR_EXTERNAL_HOST_CONCURRENCY") or 0, 40)
        settings.set("INSPECTOR_EXTERNAL_HOST_CONCURRENCY", max(1, limit // self.n), priority)
        # "auto" readers: the cores left idle, shared among the crawler processes.
        readers = read_processes(settings.get("INSPECTOR_READ_PROCESSES"), self.n)
        settings.set(
            "INSPECTOR_READ_PROCESSES",
            readers,
            settings.getpriority("INSPECTOR_READ_PROCESSES") or "project",
        )
        return settings

    def run(self, first: FirstJob, as_of: date | None, batch: str, at_once: int) -> CrawlResult:
        progress = _progress_enabled(self.settings)
        results = self.ctx.Queue()
        sink = self.ctx.Queue() if progress else None
        settings = self.child_settings()
        for i in range(self.n):
            job = ChildJob(
                index=i,
                parent=os.getpid(),
                settings=settings,
                first=first if i == 0 else None,
                queue=self.queue,
                as_of=as_of,
                batch=batch,
                sites_at_once=at_once,
                results=results,
                progress=TaggedSink(i, sink) if sink is not None else None,
                init=self.child_init,
            )
            self.procs.append(self.ctx.Process(target=run_child, args=(job,), name=f"crawl-{i}"))
        _ensure_logging(self.settings)
        logger.info(
            "crawling %d sites in %d processes, %d sites at once each, largest first",
            len(self.queue.sites),
            self.n,
            at_once,
        )
        previous = {
            sig: signal.signal(sig, self._pass_on) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            for proc in self.procs:
                proc.start()
            collected = self._supervise(results, sink, progress)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self._result(batch, collected)

    def _pass_on(self, signum: int, frame: Any) -> None:
        self.signals += 1
        logger.warning(
            "signal %d: passed on to the crawler processes (%s)",
            signum,
            "they finish their writes" if self.signals == 1 else "forced",
        )
        for proc in self.procs:
            if proc.is_alive() and proc.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signum)

    def _supervise(
        self, results: Any, sink: Any, progress: bool
    ) -> dict[int, tuple[dict[str, int], dict[str, Any]]]:
        state = ProgressState()
        state.total_sites, state.sizes = len(self.queue.sites), dict(self.queue.sizes)
        display = ProgressDisplay(state, interactive_mode(self.settings)) if progress else None
        interval = self.settings.getfloat("INSPECTOR_PROGRESS_INTERVAL", 30.0)
        period = 0.5 if display and display.rich else interval
        counts: dict[int, Counts] = {}
        collected: dict[int, tuple[dict[str, int], dict[str, Any]]] = {}
        next_show = time.monotonic() + period
        while True:
            alive = [p for p in self.procs if p.exitcode is None]
            if alive:
                multiprocessing.connection.wait([p.sentinel for p in alive], timeout=0.25)
            for index, run_ids, stats in _drain(results):
                collected[index] = (run_ids, stats)
            for index, part in _drain(sink):
                counts[index] = part
            if display is not None:
                state.counts = Counts.merged(counts.values())
                state.waiting = [s.site_id for s in self.queue.waiting()]
                if time.monotonic() >= next_show and period > 0:
                    display.show()
                    next_show = time.monotonic() + period
            if not alive:
                break
        for proc in self.procs:
            proc.join()
            if proc.exitcode != 0:
                logger.error("crawler process %s exited with code %s", proc.name, proc.exitcode)
        if display is not None:
            display.close("finished" if not self.signals else "shutdown")
        return collected

    def _result(
        self, batch: str, collected: dict[int, tuple[dict[str, int], dict[str, Any]]]
    ) -> CrawlResult:
        result = CrawlResult(batch=batch)
        reasons = []
        for i in range(self.n):
            if i not in collected:
                reasons.append("process failed")
                continue
            run_ids, stats = collected[i]
            logger.info(
                "crawler process %d of %d: %d sites (%s)",
                i + 1,
                self.n,
                len(run_ids),
                ", ".join(sorted(run_ids)[:20]) + (", …" if len(run_ids) > 20 else ""),
            )
            result.run_ids.update(run_ids)
            reasons.append(stats.get("finish_reason", ""))
            for key in SUMMED_STATS:
                result.stats[key] = result.stats.get(key, 0) + stats.get(key, 0)
        # One interrupted process interrupts the crawl (the nightly then says so and resumes).
        for reason in ("shutdown", "process failed"):
            if reason in reasons:
                result.stats["finish_reason"] = reason
                break
        else:
            result.stats["finish_reason"] = reasons[0] if reasons else "finished"
        result.stats["processes"] = self.n
        return result


def _drain(q: Any) -> list[Any]:
    items = []
    while q is not None:
        try:
            items.append(q.get_nowait())
        except queue_module.Empty:
            break
    return items


def _progress_enabled(settings: Settings) -> bool:
    if not settings.getbool("INSPECTOR_PROGRESS", True):
        return False
    extensions = settings.getwithbase("EXTENSIONS")
    names = {"inspector.ops.progress.Progress", Progress}
    return any(key in names and value is not None for key, value in extensions.items())


def _ensure_logging(settings: Settings) -> None:
    """The supervisor logs like a crawler would: Scrapy's root handler unless someone (the
    nightly's run log) has set one up."""
    if logging.getLogger().handlers or not settings.getbool("LOG_ENABLED"):
        return
    from scrapy.utils.log import configure_logging

    configure_logging(settings)
