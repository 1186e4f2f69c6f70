"""Progress of a crawl (or a probe): sites, pages and URLs per second, problems, the ETA from the
work left, the slowest sites.

A Scrapy extension. On a terminal (stderr is a TTY) it draws a live rich progress bar; without
one (cron, a log file) it logs a plain line every INSPECTOR_PROGRESS_INTERVAL seconds and a
final one when the spider closes, so that a person reading the log sees how far the night got:

    progress: 12/40 sites (8 crawling), 5210 pages (43.2/s), 6034 URLs (50.1/s), 318 problems,
    elapsed 0:02:00, ETA 0:05:10; slowest: big 2340 URLs left at 8.1/s

What the figures mean:
- pages/s and URLs/s: over the last RATE_WINDOW seconds (since the start before that), so a
  night that slows down shows it;
- the ETA comes from the work left, not from the sites done: the URLs queued for the sites being
  crawled (or, when larger, what their latest earlier run says is left) plus the expected size
  of the sites not started (their latest run's URLs; sites never crawled count as the mean site
  of this crawl), at the current URLs/s. It is never shorter than the slowest site needs at its
  own pace, since a site's politeness caps how fast it can go. While nothing says how big the
  sites still waiting are, it is a lower bound and shown as "ETA ≥ …";
- the slowest sites: those being crawled that need the longest at their own pace.

With several crawler processes (`inspector crawl --processes N`) each process's extension sends
its counts to the parent (the spider's `progress_sink`), which adds them up and shows one display
(inspector/ops/processes.py).

Settings: INSPECTOR_PROGRESS (default True; False switches it off), INSPECTOR_PROGRESS_INTERVAL
(seconds between plain lines, default 30), INSPECTOR_PROGRESS_TTY (force "rich" or "plain";
default: decided by stderr.isatty()).
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from inspector.crawl.items import PageItem, ProbeItem, SiteDone, TargetItem
from inspector.crawl.signals import site_judged
from inspector.judge.counts import problem_count
from inspector.vocabulary import ANSWERED

logger = logging.getLogger(__name__)

RATE_WINDOW = 60.0  # seconds over which pages/s and URLs/s are measured
SLOWEST_SHOWN = 3
REPORT_EVERY = 1.0  # seconds between the counts a crawler process sends to its parent


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return str(timedelta(seconds=int(seconds)))


@dataclass(slots=True)
class SiteMeter:
    """One site being crawled."""

    site_id: str
    started: float  # time.monotonic() (one clock for every process of the machine)
    pages: int = 0
    urls: int = 0  # URLs fetched (pages included)
    queued: int = 0  # requests in flight or queued for it
    expected: int | None = None  # URLs of its latest earlier run, when known

    def left(self) -> int:
        """URLs still to fetch: those queued, or more when its earlier run was bigger."""
        return max(self.queued, (self.expected or 0) - self.urls)

    def rate(self, now: float) -> float:
        elapsed = now - self.started
        return self.urls / elapsed if elapsed > 0 else 0.0

    def eta(self, now: float) -> float | None:
        rate = self.rate(now)
        return self.left() / rate if rate > 0 else None


@dataclass(slots=True)
class Counts:
    """What one crawler process has done; what a child process sends to its parent."""

    pages: int = 0
    urls: int = 0
    # Problems of the sites judged so far (inspector.judge.counts: the end summary's count, the
    # export's and the report's), or failed samples of a probe.
    problems: int = 0
    sites_done: int = 0
    done_urls: int = 0  # URLs of the sites done (their mean is the size of an unknown site)
    sites: dict[str, SiteMeter] = field(default_factory=dict)  # being crawled

    @classmethod
    def merged(cls, parts: Iterable[Counts]) -> Counts:
        total = cls()
        for c in parts:
            total.pages += c.pages
            total.urls += c.urls
            total.problems += c.problems
            total.sites_done += c.sites_done
            total.done_urls += c.done_urls
            total.sites.update(c.sites)
        return total


class ProgressState:
    """The counts and what follows from them (rates, ETA, slowest sites), for both displays."""

    def __init__(self, probe: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.probe = probe  # a probe run: one sample per site, no pages
        self.total_sites = 0
        self.counts = Counts()
        self.sizes: dict[str, int] = {}  # site_id -> URLs of its latest earlier run
        self.waiting: list[str] = []  # sites not started yet
        self.started = clock()
        self._samples: deque[tuple[float, int, int]] = deque()  # (monotonic, pages, urls)
        # A distributed worker: its sites and the shared queue (QueuedSiteSpider.worker_progress).
        self.worker: dict[str, Any] | None = None

    # ---- counting (in the crawler process) ----------------------------------------------

    def item(self, item: Any) -> None:
        c = self.counts
        if isinstance(item, PageItem | TargetItem):
            c.urls += 1
            meter = self._meter(item.site_id)
            meter.urls += 1
            if isinstance(item, PageItem):
                c.pages += 1
                meter.pages += 1
        elif isinstance(item, SiteDone):
            c.sites_done += 1
            done = c.sites.pop(item.site_id, None)
            c.done_urls += done.urls if done else 0
        elif isinstance(item, ProbeItem):
            # One sample per site: a probe is "done" for the site once its sample is in.
            c.sites_done += 1
            if item.outcome not in ANSWERED:
                c.problems += 1

    def judged(self, findings: Any) -> None:
        """A site's checks ran: its problems count from now on."""
        self.counts.problems += problem_count(findings)

    def _meter(self, site_id: str) -> SiteMeter:
        meter = self.counts.sites.get(site_id)
        if meter is None:
            meter = SiteMeter(site_id, self.clock(), expected=self.sizes.get(site_id))
            self.counts.sites[site_id] = meter
        return meter

    def crawling(self, pending: dict[str, int]) -> None:
        """The sites being crawled and their queued requests (site_id -> SiteCrawl.pending)."""
        for site_id, queued in pending.items():
            self._meter(site_id).queued = queued

    # ---- what follows -------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def sample(self) -> None:
        """Remember the counts now: the rates are measured over RATE_WINDOW seconds."""
        now = self.clock()
        self._samples.append((now, self.counts.pages, self.counts.urls))
        while len(self._samples) > 2 and self._samples[1][0] <= now - RATE_WINDOW:
            self._samples.popleft()

    def rates(self) -> tuple[float, float]:
        """(pages/s, URLs/s) over the window; since the start until a window has passed."""
        now = self.clock()
        if self._samples and now - self._samples[0][0] >= RATE_WINDOW / 2:
            t0, pages0, urls0 = self._samples[0]
        else:
            t0, pages0, urls0 = self.started, 0, 0
        elapsed = now - t0
        if elapsed <= 0:
            return 0.0, 0.0
        return (self.counts.pages - pages0) / elapsed, (self.counts.urls - urls0) / elapsed

    @property
    def rate(self) -> float:
        """Pages per second."""
        return self.rates()[0]

    @property
    def url_rate(self) -> float:
        return self.rates()[1]

    def work_left(self) -> tuple[int, bool]:
        """(URLs still to fetch, whether that is all of it): the sites being crawled, and the
        sites waiting at their earlier size or at the mean size of the sites done."""
        c = self.counts
        left = sum(m.left() for m in c.sites.values())
        mean = c.done_urls / c.sites_done if c.sites_done else None
        if mean is None and self.sizes:
            mean = sum(self.sizes.values()) / len(self.sizes)
        complete = True
        for site_id in self.waiting:
            size: float | None = self.sizes.get(site_id, mean)
            if size is None:
                complete = False
            else:
                left += int(size)
        return left, complete

    def slowest(self, n: int = SLOWEST_SHOWN) -> list[tuple[SiteMeter, float | None]]:
        """The sites being crawled that need the longest at their own pace."""
        now = self.clock()
        timed = [(m, m.eta(now)) for m in self.counts.sites.values()]
        timed.sort(key=lambda x: (x[1] is not None, x[1] or 0.0, x[0].left()), reverse=True)
        return timed[:n]

    @property
    def eta(self) -> float | None:
        """Seconds left: the work left at the current URLs/s, and never less than the slowest
        site needs at its own pace. None while there is no rate yet."""
        if self.total_sites and self.counts.sites_done >= self.total_sites:
            return 0.0
        left, _complete = self.work_left()
        rate = self.url_rate
        if rate <= 0:
            return None
        tail = [e for _, e in self.slowest(1) if e is not None]
        return max([left / rate, *tail])

    def line(self) -> str:
        c = self.counts
        if self.worker is not None:
            w = self.worker
            held = w["sites"]
            shown = ", ".join(held[:5]) + (f", +{len(held) - 5}" if len(held) > 5 else "")
            pages_rate, url_rate = self.rates()
            return (
                f"progress: worker {w['worker']}: {len(held)}/{w.get('limit', '?')} sites in "
                f"flight{f' ({shown})' if held else ''}, {w['done']} done here; queue: "
                f"{w['waiting']} waiting, {w['leased']} leased by all workers; {c.pages} pages "
                f"({pages_rate:.1f}/s), {c.urls} URLs ({url_rate:.1f}/s), {c.problems} problems, "
                f"elapsed {_duration(self.elapsed)}"
            )
        if self.probe:
            return (
                f"progress: {c.sites_done}/{self.total_sites} sites probed, {c.problems} "
                f"failed, elapsed {_duration(self.elapsed)}, ETA {_duration(self.eta)}"
            )
        pages_rate, url_rate = self.rates()
        line = (
            f"progress: {c.sites_done}/{self.total_sites} sites ({len(c.sites)} crawling), "
            f"{c.pages} pages ({pages_rate:.1f}/s), {c.urls} URLs ({url_rate:.1f}/s), "
            f"{c.problems} problems, elapsed {_duration(self.elapsed)}, {self.eta_text()}"
        )
        slow = self.slowest_text()
        return f"{line}; slowest: {slow}" if slow else line

    def eta_text(self) -> str:
        eta = self.eta
        _left, complete = self.work_left()
        return f"ETA {'' if complete or eta is None else '≥ '}{_duration(eta)}"

    def slowest_text(self) -> str:
        now = self.clock()
        return ", ".join(
            f"{m.site_id} {m.left()} URLs left at {m.rate(now):.1f}/s"
            for m, _eta in self.slowest()
            if m.left()
        )


class ProgressDisplay:
    """Shows a ProgressState: a live rich display on a terminal, else plain log lines."""

    def __init__(self, state: ProgressState, interactive: bool, name: str = "crawl") -> None:
        self.state = state
        self.rich: Any = None
        self.task_id: Any = None
        if interactive:
            self._start_rich(name)

    def show(self) -> None:
        st = self.state
        st.sample()
        if self.rich is None:
            logger.info(st.line())
        elif st.worker is not None:
            self.rich.update(self.task_id, description=st.line(), total=None)
        else:
            pages_rate, url_rate = st.rates()
            self.rich.update(
                self.task_id,
                completed=st.counts.sites_done,
                total=st.total_sites or None,
                pages=st.counts.pages,
                rate=pages_rate,
                urls=st.counts.urls,
                url_rate=url_rate,
                problems=st.counts.problems,
                eta=st.eta_text(),
                slowest=st.slowest_text(),
            )

    def close(self, reason: str) -> None:
        if self.rich is not None:
            self.show()
            self.rich.stop()
            self.rich = None
        self.state.sample()
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
            TextColumn("{task.fields[urls]} URLs ({task.fields[url_rate]:.1f}/s)"),
            TextColumn("[red]{task.fields[problems]} problems"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),
            TextColumn("[dim]{task.fields[slowest]}"),
            console=Console(stderr=True),
            refresh_per_second=2,
        )
        self.task_id = self.rich.add_task(
            name,
            total=self.state.total_sites or None,
            pages=0,
            rate=0.0,
            urls=0,
            url_rate=0.0,
            problems=0,
            eta="ETA ?",
            slowest="",
        )
        self.rich.start()


def interactive_mode(settings: Any) -> bool:
    mode = (settings.get("INSPECTOR_PROGRESS_TTY") or "").lower()
    return mode in ("rich", "always") if mode else sys.stderr.isatty()


class Progress:
    """The Scrapy extension: counts items; shows them, or sends them to a parent process."""

    def __init__(self, crawler: Any, interval: float, interactive: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.interactive = interactive
        self.state = ProgressState()
        self.display: ProgressDisplay | None = None
        self.loop: task.LoopingCall | None = None
        self.spider: Any = None
        self.sink: Any = None  # a child process's queue to its parent

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        s = crawler.settings
        if not s.getbool("INSPECTOR_PROGRESS", True):
            raise NotConfigured("INSPECTOR_PROGRESS is off")
        ext = cls(crawler, s.getfloat("INSPECTOR_PROGRESS_INTERVAL", 30.0), interactive_mode(s))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.site_judged, signal=site_judged)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.spider = spider
        self.sink = getattr(spider, "progress_sink", None)
        sites = getattr(spider, "sites", []) or []
        source = getattr(spider, "source", None)
        if spider.name == "probe":
            self.state.probe = True
            self.state.total_sites = len(sites)
        else:
            # Only active sites are fetched; the others are finished when the crawl opens.
            self.state.total_sites = sum(
                1 for s in sites if getattr(s, "status", "active") == "active"
            )
            if source is not None:
                self.state.total_sites += len(source.sites)
                self.state.sizes = dict(source.sizes)
        self.state.started = self.state.clock()
        if self.sink is not None:
            period = REPORT_EVERY
        elif self.interactive:
            self.display = ProgressDisplay(self.state, True, spider.name)
            period = 0.5
        else:
            self.display = ProgressDisplay(self.state, False)
            period = self.interval
        if period > 0:
            self.loop = task.LoopingCall(self.tick)
            self.loop.start(period, now=False)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.state.item(item)

    def site_judged(self, findings: Any, **kwargs: Any) -> None:
        self.state.judged(findings)

    def tick(self) -> None:
        self._refresh()
        if self.sink is not None:
            self.sink.put(self.state.counts)
        elif self.display is not None:
            self.display.show()

    def _refresh(self) -> None:
        """Read the spider's state: sites being crawled, their queued requests, sites waiting."""
        crawls = getattr(self.spider, "crawls", None)
        if isinstance(crawls, dict):
            self.state.crawling(
                {site_id: sc.pending for site_id, sc in list(crawls.items()) if not sc.done}
            )
        source = getattr(self.spider, "source", None)
        if source is not None and self.sink is None:
            self.state.waiting = [s.site_id for s in source.waiting()]
        worker_progress = getattr(self.spider, "worker_progress", None)
        if callable(worker_progress):
            self.state.worker = worker_progress()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self._refresh()
        if self.sink is not None:
            self.sink.put(self.state.counts)
        elif self.display is not None:
            self.display.close(reason)
