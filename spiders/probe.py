"""The availability probe: one GET of every selected site's home page, all sites at once.

Meant for cron every 30 minutes (`inspector probe --registry FILE`): thousands of sites in a
couple of minutes, because each site is one request in its own download slot and hundreds run
concurrently. Nothing is retried: a sample is a sample, the availability check judges a week of
them. Each sample becomes a `ProbeItem` (inspector/crawl/items.py, stored as a `probe` row by `inspector.ops.probe.ProbePipeline`):

* `outcome` — `ok` (2xx with a non-blank body), `merged` (the home page redirects to another
  registered site — its host, or its directory of a shared host — which answered), or a reason class of `inspector.crawl.outcomes` (`timeout`,
  `connection_refused`, `dns`, `tls`, `http_503`, `redirect_loop`, `too_many_redirects`,
  `bad_response` for an empty body or a redirect without Location …);
* `status`, `error` (what went wrong; for `merged`, which registered site answered),
  `elapsed_ms` (from the moment the request reached the downloader, redirects included),
  `final_url` (where the redirects ended).

    scrapy crawl probe [-a registry=FILE] [-a site_id=ID] [-a include_closed=0]
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from inspector import clock
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.notfound import closed_notice
from inspector.crawl.items import ProbeItem
from inspector.crawl.outcomes import failure_reason
from inspector.crawl.scope import scope_key, site_scope
from inspector.registry import Site, load_registry, select_sites
from inspector.vocabulary import (
    CLOSED_NOTICE,
    MERGED,
    OK,
    REDIRECT_STATUSES,
    Reason,
    http_reason,
)


def probe_targets(sites: list[Site], include_closed: bool = True) -> list[Site]:
    """The sites a probe fetches: active ones, closed ones unless excluded, never `exception`."""
    wanted = ("active", "closed") if include_closed else ("active",)
    return [s for s in sites if s.status in wanted]


class ProbeSpider(Spider):
    name = "probe"
    max_redirects: int  # INSPECTOR_MAX_REDIRECTS, read in from_crawler
    max_bytes: int  # INSPECTOR_PROBE_MAX_BYTES
    custom_settings = {
        # Probes are stored by their own small pipeline, not by the crawl's StoragePipeline.
        "ITEM_PIPELINES": {"inspector.ops.probe.ProbePipeline": 300},
        "RETRY_ENABLED": False,
        "REDIRECT_ENABLED": False,  # followed here, so loops get their reason class
        "METAREFRESH_ENABLED": False,
        "COOKIES_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "ROBOTSTXT_OBEY": False,
        # One request per site: plain FIFO is enough and cheaper than the downloader-aware queue.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
        "LOGSTATS_INTERVAL": 0,
    }

    def __init__(
        self,
        sites: list[Site] | None = None,
        registry_sites: list[Site] | None = None,
        registry: str | None = None,
        site_id: str | None = None,
        include_closed: bool | str = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(include_closed, str):
            include_closed = include_closed.lower() not in ("0", "false", "no", "")
        if sites is None:
            from inspector import settings as defaults

            registry_sites = load_registry(registry or defaults.INSPECTOR_REGISTRY)
            chosen = select_sites(registry_sites, [site_id] if site_id else [])
            sites = probe_targets(chosen, bool(include_closed))
        self.sites: list[Site] = list(sites)
        # Where every registered site lives, to recognise a closed site merged into another one.
        self.locations = SiteLocations(registry_sites if registry_sites is not None else self.sites)
        self.outcomes: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ProbeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.max_redirects = s.getint("INSPECTOR_MAX_REDIRECTS", 10)
        spider.max_bytes = s.getint("INSPECTOR_PROBE_MAX_BYTES", 1024 * 1024)
        if not s.frozen:
            # Every site is its own slot with one request, so only the total bounds the load;
            # keep clear of the open-files limit (each request is a socket).
            s.set("CONCURRENT_REQUESTS", probe_concurrency(s), priority="spider")
        crawler.signals.connect(
            spider.on_reached_downloader, signal=signals.request_reached_downloader
        )
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        return spider

    async def start(self) -> Any:
        for site in self.sites:
            yield self._request(site, site.url, (), None)

    def _request(
        self, site: Site, url: str, chain: tuple[str, ...], started: tuple[datetime, float] | None
    ) -> Request:
        return Request(
            url,
            callback=self.parse_home,
            errback=self.on_error,
            dont_filter=True,
            meta={
                "site": site,
                "chain": chain,
                "started": started,
                "download_slot": f"probe:{site.site_id}",
                "probe_bytes": 0,
            },
        )

    # ---- signals --------------------------------------------------------------------------

    def on_reached_downloader(self, request: Request, spider: Spider) -> None:
        """Start the clock when the download starts, not while thousands wait in the queue."""
        if request.meta.get("site") is not None and request.meta.get("started") is None:
            request.meta["started"] = (clock.now(), time.monotonic())

    def on_bytes(self, data: bytes, request: Request, spider: Spider) -> None:
        """Read at most INSPECTOR_PROBE_MAX_BYTES of a home page: enough to know it has content."""
        meta = request.meta
        if "probe_bytes" not in meta:
            return
        meta["probe_bytes"] += len(data)
        if meta["probe_bytes"] >= self.max_bytes:
            raise StopDownload(fail=False)

    # ---- callbacks ------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        site: Site = meta["site"]
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.headers.get(b"Location")
            if not location:
                yield self._sample(
                    meta, Reason.BAD_RESPONSE, status, "redirect without Location", response.url
                )
                return
            target = response.urljoin(location.decode("latin-1").strip()).partition("#")[0]
            chain = (*meta["chain"], response.url)
            if target in chain:
                yield self._sample(
                    meta, Reason.REDIRECT_LOOP, status, f"redirect loop back to {target}", target
                )
            elif len(chain) >= self.max_redirects:
                yield self._sample(
                    meta, Reason.TOO_MANY_REDIRECTS, status, f"{len(chain)} redirects", target
                )
            else:
                yield self._request(site, target, chain, meta["started"])
            return
        reason = http_reason(status)
        if reason:
            yield self._sample(meta, reason, status, f"HTTP {status}", response.url)
        elif status >= 300:
            yield self._sample(meta, Reason.BAD_RESPONSE, status, f"HTTP {status}", response.url)
        elif not response.body.strip():
            yield self._sample(meta, Reason.BAD_RESPONSE, status, "empty body", response.url)
        else:
            owner = self._other_owner(site, response.url)
            notice = _closed_notice(response)
            if notice:
                yield self._sample(meta, CLOSED_NOTICE, status, notice, response.url)
            elif owner:
                yield self._sample(
                    meta, MERGED, status, f"answered by registered site {owner}", response.url
                )
            else:
                yield self._sample(meta, OK, status, "", response.url)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        reason, error = failure_reason(failure)
        yield self._sample(request.meta, reason, None, error, request.url)

    # ---- helpers --------------------------------------------------------------------------

    def _other_owner(self, site: Site, url: str) -> str:
        """The registered site (not this one) where the final URL lives, or ""."""
        owners = self.locations.owners(url)
        if not owners or any(o.site_id == site.site_id for o in owners):
            return ""
        # Several sites registered at one address: the live one is what visitors reach.
        return next((o for o in owners if o.status == "active"), owners[0]).site_id

    def _sample(
        self, meta: dict[str, Any], outcome: str, status: int | None, error: str, final_url: str
    ) -> ProbeItem:
        site: Site = meta["site"]
        outcome = str(outcome)  # a Reason is stored and counted as its code
        started = meta.get("started")
        if started is None:  # failed before reaching the downloader (should not happen)
            at, elapsed = clock.now(), None
        else:
            at, t0 = started
            elapsed = int((time.monotonic() - t0) * 1000)
        self.outcomes[outcome] += 1
        return ProbeItem(site.site_id, at, str(outcome), status, error[:500], elapsed, final_url)


def _closed_notice(response: Response) -> str:
    """The 本网站已关闭 / 已迁移至 … notice a home page consists of ("" for a real page)."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if content_type and "html" not in content_type:
        return ""
    charset = content_type.partition("charset=")[2].strip() or None
    text, _, _ = decode_html(response.body, charset)
    notice = closed_notice(parse_html(text))
    if notice is None:
        return ""
    return notice.text + (f" → {notice.moved_to}" if notice.moved_to else "")


def _directory(path: str) -> str:
    """The directory a registered URL names: `/zfb/index.html` and `/zfb` → `/zfb/`."""
    if not path or path == "/":
        return "/"
    if path.endswith("/"):
        return path
    head, _, last = path.rpartition("/")
    return f"{head}/" if "." in last else f"{path}/"


class SiteLocations:
    """Which registered site a URL belongs to: the longest registered host + path prefix.

    Department sites often live in a directory of the portal's host (`www.x.gov.cn/zfb/`), so
    hosts alone cannot tell a closed department redirecting to the portal (merged) from a site
    answering on its own. Hosts are compared with `scope_key` (`www.` and default ports aside).
    """

    def __init__(self, sites: list[Site]) -> None:
        self.prefixes: dict[str, list[Site]] = {}
        for site in sites:
            directory = _directory(urlsplit(site.url).path)
            for key in site_scope(site):
                owners = self.prefixes.setdefault(key + directory, [])
                if site not in owners:
                    owners.append(site)

    def owners(self, url: str) -> list[Site]:
        """The sites registered at the longest prefix of `url`, in registry order."""
        key = scope_key(url)
        path = urlsplit(url).path or "/"
        best: list[Site] = []
        # Every directory of the path, shortest first: the last match is the longest.
        for i, char in enumerate(path):
            if char == "/":
                best = self.prefixes.get(key + path[: i + 1], best)
        return self.prefixes.get(key + path + "/", best)


def probe_concurrency(settings: Any) -> int:
    """INSPECTOR_PROBE_CONCURRENCY, capped at half the soft open-files limit."""
    wanted = settings.getint("INSPECTOR_PROBE_CONCURRENCY", 500)
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX
        return wanted
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft // 2))
