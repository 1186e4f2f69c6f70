"""Progress of a crawl (or a probe): sites done of total, pages, pages/s, problems so far, ETA.

A Scrapy extension. On a terminal (stderr is a TTY) it draws a live rich progress bar; without
one (cron, a log file) it logs a plain line every INSPECTOR_PROGRESS_INTERVAL seconds and a
final one when the spider closes, so that a person reading the log sees how far the night got:

    progress: 12/40 sites, 5210 pages (43.2/s), 318 problems, elapsed 0:02:00, ETA 0:05:10

Settings: INSPECTOR_PROGRESS (default True; False switches it off), INSPECTOR_PROGRESS_INTERVAL
(seconds between plain lines, default 30), INSPECTOR_PROGRESS_TTY (force "rich" or "plain";
default: decided by stderr.isatty()).
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import timedelta
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from inspector.crawl.items import PageItem, ProbeItem, SiteDone
from inspector.crawl.signals import site_judged
from inspector.judge.counts import problem_count
from inspector.vocabulary import ANSWERED

logger = logging.getLogger(__name__)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return str(timedelta(seconds=int(seconds)))


class ProgressState:
    """The counters, kept apart from the display so both displays read the same numbers."""

    def __init__(self, probe: bool = False) -> None:
        self.probe = probe  # a probe run: one sample per site, no pages
        self.total_sites = 0
        self.sites_done = 0
        self.pages = 0
        # Problems of the sites judged so far (inspector.judge.counts: the summary's count).
        self.problems = 0
        self.pages_scheduled = 0  # pages the crawl has decided to fetch so far (when it says)
        self.started = time.monotonic()

    def item(self, item: Any) -> None:
        if isinstance(item, PageItem):
            self.pages += 1
        elif isinstance(item, SiteDone):
            self.sites_done += 1
        elif isinstance(item, ProbeItem):
            # One sample per site: a probe is "done" for the site once its sample is in.
            self.sites_done += 1
            if item.outcome not in ANSWERED:
                self.problems += 1

    def judged(self, findings: Any) -> None:
        """A site's checks ran: its problems count from now on."""
        self.problems += problem_count(findings)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        elapsed = self.elapsed
        return self.pages / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Remaining time: the larger of two estimates, None while neither is possible.

        By sites: at the pace sites have finished so far. By pages: the pages already scheduled
        but not yet fetched, at the current rate (a lower bound: crawls discover more pages), so
        that a single big site gets an estimate before it finishes.
        """
        if self.total_sites and self.sites_done >= self.total_sites:
            return 0.0
        estimates = []
        if self.sites_done:
            estimates.append(self.elapsed / self.sites_done * (self.total_sites - self.sites_done))
        if self.pages_scheduled > self.pages and self.rate > 0:
            estimates.append((self.pages_scheduled - self.pages) / self.rate)
        return max(estimates) if estimates else None

    def line(self) -> str:
        if self.probe:
            return (
                f"progress: {self.sites_done}/{self.total_sites} sites probed, {self.problems} "
                f"failed, elapsed {_duration(self.elapsed)}, ETA {_duration(self.eta)}"
            )
        return (
            f"progress: {self.sites_done}/{self.total_sites} sites, {self.pages} pages "
            f"({self.rate:.1f}/s), {self.problems} problems, elapsed {_duration(self.elapsed)}, "
            f"ETA {_duration(self.eta)}"
        )


class Progress:
    def __init__(self, crawler: Any, interval: float, interactive: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.interactive = interactive
        self.state = ProgressState()
        self.loop: task.LoopingCall | None = None
        self.rich: Any = None
        self.task_id: Any = None
        self.spider: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        s = crawler.settings
        if not s.getbool("INSPECTOR_PROGRESS", True):
            raise NotConfigured("INSPECTOR_PROGRESS is off")
        mode = (s.get("INSPECTOR_PROGRESS_TTY") or "").lower()
        interactive = mode == "rich" if mode in ("rich", "plain") else sys.stderr.isatty()
        ext = cls(crawler, s.getfloat("INSPECTOR_PROGRESS_INTERVAL", 30.0), interactive)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.site_judged, signal=site_judged)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.spider = spider
        sites = getattr(spider, "sites", []) or []
        if spider.name == "probe":
            self.state.probe = True
            self.state.total_sites = len(sites)
        else:
            # Only active sites are fetched; the others are finished when the crawl opens.
            self.state.total_sites = sum(
                1 for s in sites if getattr(s, "status", "active") == "active"
            )
        self.state.started = time.monotonic()
        if self.interactive:
            self._start_rich(spider.name)
            period = 0.5
        else:
            period = self.interval
        if period > 0:
            self.loop = task.LoopingCall(self.tick)
            self.loop.start(period, now=False)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.state.item(item)

    def site_judged(self, findings: Any, **kwargs: Any) -> None:
        self.state.judged(findings)

    def tick(self) -> None:
        self.state.pages_scheduled = self._pages_scheduled()
        if self.rich is not None:
            st = self.state
            self.rich.update(
                self.task_id,
                completed=st.sites_done,
                total=st.total_sites or None,
                pages=st.pages,
                rate=st.rate,
                problems=st.problems,
                eta=_duration(st.eta),
            )
        else:
            logger.info(self.state.line())

    def _pages_scheduled(self) -> int:
        """Pages scheduled so far, from the site spider's per-site state (0 when it has none)."""
        crawls = getattr(self.spider, "crawls", None)
        if not isinstance(crawls, dict):
            return 0
        try:
            return sum(int(getattr(c, "pages", 0)) for c in list(crawls.values()))
        except (TypeError, ValueError):
            return 0

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.rich is not None:
            self.tick()
            self.rich.stop()
            self.rich = None
        logger.info(
            "%s (%s)", self.state.line().replace("progress:", "progress, final:", 1), reason
        )

    def _start_rich(self, name: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.rich = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} sites"),
            TextColumn("{task.fields[pages]} pages ({task.fields[rate]:.1f}/s)"),
            TextColumn("[red]{task.fields[problems]} problems"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            console=Console(stderr=True),
            refresh_per_second=2,
        )
        self.task_id = self.rich.add_task(
            name, total=self.state.total_sites or None, pages=0, rate=0.0, problems=0, eta="?"
        )
        self.rich.start()
