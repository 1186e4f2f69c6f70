"""The crawl spider: every selected site at once, each in its own download slot.

Per site it crawls internal HTML pages, checks every other link target once (HEAD first), and
records facts; it judges nothing (checks run over the stored run). URL strings are deduplicated
in a per-site set before any Request exists, which is what keeps a 20,000-page site cheap.

    scrapy crawl site -a site_id=ID [-a registry=FILE]
    scrapy crawl site -a url=https://www.example.gov.cn/
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from inspector.extract.encoding import decode_html
from inspector.extract.links import extract_links, title_of
from inspector.extract.page import page_facts
from inspector.items import PageItem, SiteEventItem, TargetItem
from inspector.outcomes import failure_reason, http_reason
from inspector.registry import Site, load_registry, select_sites
from inspector.scope import scope_key, site_scope

logger = logging.getLogger(__name__)

# Internal links with these extensions are resources to check, never pages to parse.
RESOURCE_EXTENSIONS = frozenset(
    (
        ".pdf .doc .docx .xls .xlsx .ppt .pptx .wps .et .dps .ofd .zip .rar .7z .gz .tar .txt .csv "
        ".jpg .jpeg .png .gif .bmp .webp .svg .ico .tif .tiff .mp3 .mp4 .avi .wmv .flv .mov .swf "
        ".css .js .exe .apk .dmg .iso .xml .json .woff .woff2 .ttf .eot .ceb .caj"
    ).split()
)
# A HEAD answered with one of these may be the server refusing HEAD: ask again with GET.
HEAD_RETRY_STATUSES = frozenset(range(400, 600))
HTML_TYPES = ("text/html", "application/xhtml")


def url_extension(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    last = path.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    return last[dot:].lower() if dot > 0 else ""


@dataclass(slots=True)
class SiteCrawl:
    """The crawl state of one site."""

    site: Site
    scope: set[str]
    slot: str
    home_url: str
    seen: set[str] = field(default_factory=set)
    parsed: set[str] = field(default_factory=set)
    pages: int = 0  # HTML pages scheduled
    pending: int = 0  # requests in flight or queued for this site
    variants: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, Any] = field(default_factory=dict)
    home_tries: int = 0
    done: bool = False

    def trip(self, bound: str, example: str) -> None:
        entry = self.bounds.setdefault(bound, {"count": 0, "example": example})
        entry["count"] += 1


@dataclass(slots=True)
class SharedCheck:
    """An external URL checked once for every site of the run that links to it."""

    waiting: list[SiteCrawl]
    outcome: dict[str, Any] | None = None


class SiteSpider(Spider):
    name = "site"

    def __init__(
        self,
        sites: list[Site] | None = None,
        site_id: str | None = None,
        registry: str | None = None,
        url: str | None = None,
        as_of: str | date | None = None,
        batch: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if sites is None:
            sites = self._sites_from_args(site_id, registry, url)
        self.sites: list[Site] = list(sites)
        self.as_of_arg = as_of
        self.batch = batch
        self.crawls: dict[str, SiteCrawl] = {}
        self.shared: dict[str, SharedCheck] = {}
        self.site_by_scope: dict[str, SiteCrawl] = {}

    @staticmethod
    def _sites_from_args(site_id: str | None, registry: str | None, url: str | None) -> list[Site]:
        if url:
            host = urlsplit(url).hostname or "site"
            return [Site(site_id or host, host, url, "portal", "active")]
        from inspector import settings as defaults

        sites = load_registry(registry or defaults.INSPECTOR_REGISTRY)
        return select_sites(sites, [site_id] if site_id else [])

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> SiteSpider:  # noqa: ANN001
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.max_pages = s.getint("INSPECTOR_MAX_PAGES")
        spider.max_depth = s.getint("INSPECTOR_MAX_DEPTH")
        spider.max_variants = s.getint("INSPECTOR_MAX_QUERY_VARIANTS")
        spider.max_redirects = s.getint("INSPECTOR_MAX_REDIRECTS")
        spider.home_retries = s.getint("INSPECTOR_HOME_RETRIES")
        spider.as_of = _as_of(spider.as_of_arg or s.get("INSPECTOR_AS_OF"))
        # Each site is one download slot with its own politeness; other hosts share the
        # per-domain default, which is the external-host limit.
        site_conc = s.getint("INSPECTOR_SITE_CONCURRENCY")
        site_delay = s.getfloat("INSPECTOR_SITE_DELAY")
        slots = dict(s.getdict("DOWNLOAD_SLOTS"))
        for site in spider.sites:
            slots[f"site:{site.site_id}"] = {
                "concurrency": site.concurrency or site_conc,
                "delay": site.delay if site.delay is not None else site_delay,
                "jitter": 0,
            }
        if not s.frozen:
            s.set("DOWNLOAD_SLOTS", slots, priority="spider")
            s.set(
                "CONCURRENT_REQUESTS_PER_DOMAIN",
                s.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY"),
                priority="spider",
            )
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        return spider

    # ---- start --------------------------------------------------------------------------

    async def start(self) -> Any:
        for req in self.start_requests():
            yield req

    def start_requests(self) -> Iterator[Request]:
        for site in self.sites:
            if site.status != "active":
                continue
            sc = SiteCrawl(site, site_scope(site), f"site:{site.site_id}", site.url)
            self.crawls[site.site_id] = sc
            for key in sc.scope:
                self.site_by_scope.setdefault(key, sc)
        for sc in self.crawls.values():
            sc.seen.add(sc.home_url)
            sc.pages += 1
            yield self._request(sc, sc.home_url, "home", 0)

    # ---- requests -----------------------------------------------------------------------

    def _request(
        self,
        sc: SiteCrawl,
        url: str,
        kind: str,
        depth: int,
        method: str = "GET",
        *,
        key: str | None = None,
        chain: tuple[str, ...] = (),
        count: bool = True,
        shared: SharedCheck | None = None,
    ) -> Request:
        if count:
            sc.pending += 1
        netloc = scope_key(url)
        owner = self.site_by_scope.get(netloc)
        meta = {
            "sc": sc,
            "key": key or url,
            "kind": kind,
            "depth": depth,
            "chain": chain,
            "shared": shared,
            "t0": time.monotonic(),
            "download_slot": owner.slot if owner else netloc,
            "stop_body": method == "GET" and kind in ("resource", "external"),
        }
        callback = self.parse_page if kind in ("home", "page") else self.parse_check
        return Request(
            url,
            method=method,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            dont_filter=True,
            priority=-depth,
        )

    def on_headers(self, headers, body_length, request, spider) -> None:  # noqa: ANN001
        """Stop reading bodies we do not need: checked resources, and non-HTML "pages"."""
        meta = request.meta
        if meta.get("stop_body"):
            raise StopDownload(fail=False)
        if meta.get("kind") in ("home", "page"):
            ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
            if ctype and not ctype.startswith(HTML_TYPES) and "html" not in ctype:
                raise StopDownload(fail=False)

    def _schedule_link(self, sc: SiteCrawl, url: str, depth: int) -> Request | TargetItem | None:
        """Decide what to do with a newly seen URL: crawl it, check it, or note a bound."""
        internal = scope_key(url) in sc.scope
        if internal and url_extension(url) not in RESOURCE_EXTENSIONS:
            if depth > self.max_depth:
                sc.trip("max_depth", url)
                return None
            path, sep, _query = url.partition("?")
            if sep:
                n = sc.variants.get(path, 0) + 1
                sc.variants[path] = n
                if n > self.max_variants:
                    sc.trip("query_variants", path)
                    return None
            if sc.pages >= self.max_pages:
                sc.trip("max_pages", url)
                return None
            sc.pages += 1
            return self._request(sc, url, "page", depth)
        if internal:
            return self._request(sc, url, "resource", depth, "HEAD")
        shared = self.shared.get(url)
        if shared is not None:
            if shared.outcome is None:
                sc.pending += 1
                shared.waiting.append(sc)
                return None
            return TargetItem(sc.site.site_id, dict(shared.outcome))
        shared = SharedCheck([sc])
        self.shared[url] = shared
        return self._request(sc, url, "external", depth, "HEAD", shared=shared)

    # ---- callbacks ----------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        redirect = self._redirect(response)
        if redirect is not None:
            yield from redirect
            return
        outcome = self._outcome(response, "page")
        is_home = meta["kind"] == "home"
        status = response.status
        ctype = outcome["content_type"]
        is_html = ctype.startswith(HTML_TYPES) or "html" in ctype or (
            not ctype and response.body[:512].lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
        )
        if is_home and (status >= 400 or not response.body):
            yield from self._home_failed(response.request, f"HTTP {status}", outcome)
            return
        final_in_scope = scope_key(response.url) in sc.scope
        if is_home and not final_in_scope:
            # The registered URL redirects to the site's real address: adopt that host too.
            sc.scope.add(scope_key(response.url))
            final_in_scope = True
        if not is_html or status >= 300 or not final_in_scope or response.url in sc.parsed:
            outcome["kind"] = "page" if is_html else "resource"
            yield from self._finish(meta, outcome)
            return
        sc.parsed.add(response.url)
        yield from self._parse_html(response, sc, outcome, is_home)
        yield from self._finish(meta, outcome, page_done=True)

    def _parse_html(
        self, response: Response, sc: SiteCrawl, outcome: dict[str, Any], is_home: bool
    ) -> Iterator[Any]:
        meta = response.meta
        header_charset = _header_charset(response)
        text, declared, used = decode_html(response.body, header_charset)
        try:
            doc = lxml.html.document_fromstring(text) if text.strip() else None
        except (etree.ParserError, ValueError):
            doc = None
        depth = meta["depth"]
        page = {
            "url": meta["key"],
            "final_url": response.url,
            "status": response.status,
            "content_type": outcome["content_type"],
            "size": len(response.body),
            "depth": depth,
            "elapsed_ms": outcome["elapsed_ms"],
            "is_home": is_home,
            "encoding_declared": declared,
            "encoding_used": used,
            "title": "",
            "facts": {},
        }
        links: list[tuple[str, str, str, str, str]] = []
        if doc is not None:
            page["title"] = title_of(doc)
            page.update(page_facts(doc, self.as_of, title=page["title"], url=response.url, is_home=is_home))
            seen = sc.seen
            page_url = response.url
            for link in extract_links(doc, page_url):
                url = link.url
                links.append((url, link.element, link.attribute, link.text, link.fragment))
                if url in seen:
                    continue
                seen.add(url)
                next_step = self._schedule_link(sc, url, depth + 1)
                if next_step is not None:
                    yield next_step
            if is_home:
                yield SiteEventItem(sc.site.site_id, "home", {"html": text, "url": page_url})
        else:
            page["facts"] = {"unparsable": True}
        yield PageItem(sc.site.site_id, page, outcome, links)

    def parse_check(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        redirect = self._redirect(response)
        if redirect is not None:
            yield from redirect
            return
        req = response.request
        if req.method == "HEAD" and response.status in HEAD_RETRY_STATUSES:
            # Many servers refuse or mishandle HEAD: ask again with GET, body not read.
            yield self._retry_get(response.request)
            return
        outcome = self._outcome(response, meta["kind"])
        yield from self._finish(meta, outcome)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        reason, error = failure_reason(failure)
        if meta["kind"] == "home":
            yield from self._home_failed(request, error, None, reason)
            return
        if request.method == "HEAD" and reason == "connection_reset":
            # Some servers drop HEAD requests on the floor; GET decides.
            yield self._retry_get(request)
            return
        outcome = self._base_outcome(request, meta["kind"])
        outcome.update(reason=reason, note=error)
        yield from self._finish(meta, outcome)

    # ---- outcomes -----------------------------------------------------------------------

    def _retry_get(self, request: Request) -> Request:
        meta = _own_meta(request.meta)
        meta["t0"] = time.monotonic()
        meta["stop_body"] = True
        return request.replace(method="GET", meta=meta, dont_filter=True)

    def _redirect(self, response: Response) -> Iterator[Any] | None:
        """Follow a redirect ourselves so the chain is kept and loops are named, not dropped.

        None when the response is no redirect; else what the callback yields instead.
        """
        if response.status not in (301, 302, 303, 307, 308):
            return None
        location = response.headers.get(b"Location")
        if not location:
            return None
        meta = response.meta
        target = response.urljoin(location.decode("latin-1").strip()).partition("#")[0]
        chain = (*meta["chain"], response.url)
        if target in chain:
            reason = "redirect_loop"
        elif len(chain) >= self.max_redirects:
            reason = "too_many_redirects"
        else:
            req = response.request
            method = "GET" if response.status == 303 else req.method
            new_meta = _own_meta(meta)
            new_meta.update(chain=chain, t0=time.monotonic())
            return iter([req.replace(url=target, method=method, meta=new_meta, body=b"")])
        outcome = self._outcome(response, meta["kind"])
        outcome.update(reason=reason, redirects=[*chain, target])
        if meta["kind"] == "home":
            return self._home_failed(response.request, reason, outcome, reason)
        return self._finish(meta, outcome)

    def _base_outcome(self, request: Request, kind: str) -> dict[str, Any]:
        meta = request.meta
        sc: SiteCrawl = meta["sc"]
        url = meta["key"]
        return {
            "url": url,
            "internal": scope_key(url) in sc.scope,
            "kind": "page" if kind == "home" else kind,
            "method": request.method,
            "status": None,
            "reason": "",
            "final_url": request.url,
            "redirects": list(meta["chain"]),
            "content_type": "",
            "size": None,
            "elapsed_ms": int((time.monotonic() - meta["t0"]) * 1000),
            "note": "",
        }

    def _outcome(self, response: Response, kind: str) -> dict[str, Any]:
        outcome = self._base_outcome(response.request, kind)
        headers = response.headers
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").strip().lower()
        length = headers.get(b"Content-Length")
        size: int | None
        if "download_stopped" in response.flags or response.request.method == "HEAD":
            try:
                size = int(length) if length is not None else None
            except ValueError:
                size = None
        else:
            size = len(response.body)
        outcome.update(
            status=response.status,
            reason=http_reason(response.status),
            final_url=response.url,
            content_type=ctype[:200],
            size=size,
        )
        if response.meta["chain"]:
            outcome["redirects"] = [*response.meta["chain"], response.url]
        return outcome

    def _home_failed(
        self,
        request: Request,
        error: str,
        outcome: dict[str, Any] | None,
        reason: str = "",
    ) -> Iterator[Any]:
        meta = request.meta
        sc: SiteCrawl = meta["sc"]
        if sc.home_tries < self.home_retries and reason not in ("redirect_loop", "dns"):
            sc.home_tries += 1
            retry = _own_meta(meta)
            retry.update(t0=time.monotonic(), chain=())
            yield Request(
                sc.home_url,
                callback=self.parse_page,
                errback=self.on_error,
                meta=retry,
                dont_filter=True,
                priority=10,
            )
            return
        if outcome is None:
            outcome = self._base_outcome(request, "home")
            outcome.update(reason=reason or "connection_error", note=error)
        elif not outcome["reason"]:
            outcome["reason"] = reason or "bad_response"
        outcome["note"] = outcome["note"] or error
        yield SiteEventItem(
            sc.site.site_id,
            "home_error",
            {"error": error, "reason": outcome["reason"], "status": outcome["status"]},
        )
        yield from self._finish(meta, outcome)

    def _finish(
        self, meta: dict[str, Any], outcome: dict[str, Any], *, page_done: bool = False
    ) -> Iterator[Any]:
        """Record one fetched URL for its site (or every site waiting on a shared check)."""
        shared: SharedCheck | None = meta.get("shared")
        if shared is not None:
            shared.outcome = outcome
            waiting, shared.waiting = shared.waiting, []
            for sc in waiting:
                yield TargetItem(sc.site.site_id, dict(outcome))
                sc.pending -= 1
                yield from self._maybe_done(sc)
            return
        sc: SiteCrawl = meta["sc"]
        if not page_done:
            yield TargetItem(sc.site.site_id, outcome)
        sc.pending -= 1
        yield from self._maybe_done(sc)

    def _maybe_done(self, sc: SiteCrawl) -> Iterator[Any]:
        if sc.pending == 0 and not sc.done:
            sc.done = True
            yield SiteEventItem(
                sc.site.site_id,
                "done",
                {"bounds": sc.bounds, "pages_scheduled": sc.pages, "urls_seen": len(sc.seen)},
            )
            # The per-site sets are the crawl's biggest memory: drop them once the site is done.
            sc.seen = set()
            sc.parsed = set()
            sc.variants = {}


_OWN_META = ("sc", "key", "kind", "depth", "chain", "shared", "t0", "download_slot", "stop_body")


def _own_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The spider's meta keys only: Scrapy's internal keys must not leak into a new request."""
    return {k: meta[k] for k in _OWN_META if k in meta}


def _header_charset(response: Response) -> str | None:
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    for part in ctype.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _as_of(value: str | date | None) -> date:
    if isinstance(value, date):
        return value
    if value:
        return date.fromisoformat(value)
    return date.today()
