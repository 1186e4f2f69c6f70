"""The crawl spider: every selected site at once, each in its own download slot.

Per site it crawls internal HTML pages, checks every other link target once (HEAD first), and
records facts; it judges nothing that needs the whole site (checks run over the stored run).
URL strings are deduplicated in a per-site set before any Request exists, which is what keeps
a 20,000-page site cheap. External URLs are checked once per crawl for all sites linking to
them, through a per-host queue that gives up on a host that keeps timing out.

    scrapy crawl site -a site_id=ID [-a registry=FILE]
    scrapy crawl site -a url=https://www.example.gov.cn/
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from inspector import clock
from inspector.crawl.columns import ColumnRules, discover_columns
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import extract_links, title_of
from inspector.crawl.extract.page import fingerprint, page_facts
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.items import PageItem, SiteEventItem, TargetItem
from inspector.crawl.listpage import list_page_facts
from inspector.crawl.outcomes import failure_reason, http_reason
from inspector.crawl.parking import parked_hint
from inspector.crawl.scope import same_page, scope_key, site_scope
from inspector.crawl.sitemap import discover_sitemap_columns, find_sitemap_url
from inspector.profile import load_profile
from inspector.registry import Site, load_registry, select_sites

logger = logging.getLogger(__name__)

# Attachments: a link to one of these that answers with an HTML page or nothing is an 错链.
ATTACHMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .xls .xlsx .ppt .pptx .wps .et .dps .ofd .zip .rar .7z .txt .csv .ceb .caj".split()
)
# Internal links with these extensions are resources to check, never pages to parse.
RESOURCE_EXTENSIONS = ATTACHMENT_EXTENSIONS | frozenset(
    (
        ".gz .tar .jpg .jpeg .png .gif .bmp .webp .svg .ico .tif .tiff .mp3 .mp4 .avi .wmv .flv "
        ".mov .swf .css .js .exe .apk .dmg .iso .xml .json .woff .woff2 .ttf .eot"
    ).split()
)
HTML_TYPES = ("text/html", "application/xhtml")
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# Bytes of an external page read to recognise a parked domain.
PARKED_SNIFF_BYTES = 32 * 1024


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
    # Columns (栏目) by list-page URL, as ColumnFacts fields; filled as their pages are parsed.
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    columns_judged: set[str] = field(default_factory=set)
    sitemap_url: str | None = None
    element_samples: int = 0

    def trip(self, bound: str, example: str) -> None:
        entry = self.bounds.setdefault(bound, {"count": 0, "example": example})
        entry["count"] += 1


@dataclass(slots=True)
class SharedCheck:
    """An external URL being checked once for every site of the crawl that links to it."""

    url: str
    depth: int
    waiting: list[SiteCrawl]


@dataclass(slots=True)
class HostQueue:
    """External checks of one host: a few at a time, and none after repeated timeouts."""

    inflight: int = 0
    queued: deque[SharedCheck] = field(default_factory=deque)
    timeouts_in_row: int = 0
    gave_up: bool = False


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
        # Without `sites` (scrapy crawl site -a …) they are read in from_crawler, where the
        # settings say which registry is the default.
        self.sites: list[Site] = list(sites) if sites is not None else []
        self._site_args = None if sites is not None else (site_id, registry, url)
        self.as_of_arg = as_of
        self.batch = batch
        self.crawls: dict[str, SiteCrawl] = {}
        self.shared: dict[str, SharedCheck] = {}  # external checks in progress
        self.external_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()  # their outcomes
        self.hosts: dict[str, HostQueue] = {}
        self.site_by_scope: dict[str, SiteCrawl] = {}
        # One bound method of each callback, given to every Request: Scrapy checks callbacks for
        # "a generator with a return value" (inspect.getsource + ast.parse) through a cache
        # weakly keyed by the callback object, so a fresh bound method per Request re-parses
        # the source for nearly every response.
        self._on_page, self._on_other, self._on_error = (
            self.parse_page,
            self.parse_other,
            self.on_error,
        )

    @staticmethod
    def _sites_from_args(
        site_id: str | None, registry: str | None, url: str | None, default_registry: str
    ) -> list[Site]:
        if url:
            host = urlsplit(url).hostname or "site"
            return [Site(site_id or host, host, url, "portal", "active")]
        sites = load_registry(registry or default_registry)
        return select_sites(sites, [site_id] if site_id else [])

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> SiteSpider:  # noqa: ANN001
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        if spider._site_args is not None:
            spider.sites = cls._sites_from_args(*spider._site_args, s.get("INSPECTOR_REGISTRY"))
        spider.max_pages = s.getint("INSPECTOR_MAX_PAGES")
        spider.max_depth = s.getint("INSPECTOR_MAX_DEPTH")
        spider.max_variants = s.getint("INSPECTOR_MAX_QUERY_VARIANTS")
        spider.max_redirects = s.getint("INSPECTOR_MAX_REDIRECTS")
        spider.home_retries = s.getint("INSPECTOR_HOME_RETRIES")
        spider.soft404_probes = s.getint("INSPECTOR_SOFT404_PROBES")
        spider.host_limit = max(1, s.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY"))
        spider.host_timeout_limit = max(1, s.getint("INSPECTOR_HOST_TIMEOUT_LIMIT"))
        spider.retry_after_max = s.getfloat("INSPECTOR_RETRY_AFTER_MAX")
        spider.external_cache_size = s.getint("INSPECTOR_EXTERNAL_CACHE_SIZE")
        spider.retry_after_tries = s.getint("INSPECTOR_RETRY_AFTER_TRIES")
        spider.as_of = _as_of(spider.as_of_arg or s.get("INSPECTOR_AS_OF"))
        spider.element_sample = s.getint("INSPECTOR_ELEMENT_SAMPLE")
        profile = load_profile(s.get("INSPECTOR_RULES"))
        spider.categories = profile.section("categories")
        spider.column_rules = ColumnRules.from_mapping(profile.section("columns"))
        spider.sub_column_parents = tuple(profile.get("columns.sub_column_parents", ()))
        spider.element_patterns = profile.section("elements") or None
        if not s.frozen:
            _configure_politeness(s, spider.sites)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        return spider

    # ---- start --------------------------------------------------------------------------

    async def start(self) -> Any:
        for req in self.start_requests():
            yield req

    def start_requests(self) -> Iterator[Request]:
        crawls = [self._add_crawl(site) for site in self.sites if site.status == "active"]
        for sc in crawls:
            yield self._home_request(sc)

    def _add_crawl(self, site: Site) -> SiteCrawl:
        sc = SiteCrawl(site, site_scope(site), f"site:{site.site_id}", site.url)
        self.crawls[site.site_id] = sc
        for key in sc.scope:
            self.site_by_scope.setdefault(key, sc)
        return sc

    def _home_request(self, sc: SiteCrawl) -> Request:
        sc.seen.add(sc.home_url)
        sc.pages += 1
        return self._request(sc, sc.home_url, "home", 0)

    def add_site(self, site: Site) -> Request:
        """Start crawling one more site while the crawl runs (the distributed worker's way)."""
        self.sites.append(site)
        sc = self._add_crawl(site)
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings[sc.slot] = _slot_settings(self.crawler.settings, site)
        return self._home_request(sc)

    # ---- requests -----------------------------------------------------------------------

    def _request(
        self,
        sc: SiteCrawl,
        url: str,
        kind: str,
        depth: int,
        method: str = "GET",
        *,
        shared: SharedCheck | None = None,
        count: bool = True,
        priority: int | None = None,
        encoding: str | None = None,
    ) -> Request:
        if count:
            sc.pending += 1
        netloc = scope_key(url)
        owner = self.site_by_scope.get(netloc)
        meta = {
            "sc": sc,
            "key": url,
            "kind": kind,
            "depth": depth,
            "chain": (),
            "shared": shared,
            "t0": time.monotonic(),
            "download_slot": owner.slot if owner else netloc,
            "stop_body": method == "GET" and kind == "resource",
            "tries": 0,
        }
        callback = self._on_page if kind in ("home", "page") else self._on_other
        return Request(
            url,
            method=method,
            callback=callback,
            errback=self._on_error,
            meta=meta,
            dont_filter=True,
            priority=-depth if priority is None else priority,
            encoding=encoding or "utf-8",
        )

    def on_headers(self, headers, body_length, request, spider) -> None:  # noqa: ANN001
        """Stop reading bodies we do not need: checked resources, and non-HTML "pages"."""
        meta = request.meta
        if meta.get("stop_body"):
            raise StopDownload(fail=False)
        kind = meta.get("kind")
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if kind in ("home", "page", "probe404"):
            if ctype and "html" not in ctype:
                raise StopDownload(fail=False)
        elif kind == "external" and "html" not in ctype:
            raise StopDownload(fail=False)

    def on_bytes(self, data, request, spider) -> None:  # noqa: ANN001
        # External pages are sniffed for parking, never read whole.
        meta = request.meta
        if meta.get("kind") == "external":
            meta["sniffed"] = meta.get("sniffed", 0) + len(data)
            if meta["sniffed"] >= PARKED_SNIFF_BYTES:
                raise StopDownload(fail=False)

    def _schedule_link(
        self, sc: SiteCrawl, url: str, depth: int, encoding: str | None = None
    ) -> Request | TargetItem | None:
        """Decide what to do with a URL seen for the first time on this site."""
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
            return self._request(sc, url, "page", depth, encoding=encoding)
        if internal:
            return self._request(sc, url, "resource", depth, "HEAD", encoding=encoding)
        known = self.external_cache.get(url)
        if known is not None:
            self.external_cache.move_to_end(url)
            return TargetItem(sc.site.site_id, dict(known))
        shared = self.shared.get(url)
        if shared is not None:
            sc.pending += 1
            shared.waiting.append(sc)
            return None
        sc.pending += 1
        shared = SharedCheck(url, depth, [sc])
        self.shared[url] = shared
        host = self.hosts.setdefault(scope_key(url), HostQueue())
        if host.inflight < self.host_limit:
            host.inflight += 1
            return self._external_request(shared)
        host.queued.append(shared)
        return None

    def _external_request(self, shared: SharedCheck) -> Request:
        return self._request(
            shared.waiting[0],
            shared.url,
            "external",
            shared.depth,
            "HEAD",
            shared=shared,
            count=False,
        )

    # ---- callbacks ----------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        follow = self._redirect(response)
        if follow is not None:
            yield from follow
            return
        outcome = self._outcome(response, "page")
        is_home = meta["kind"] == "home"
        status = response.status
        is_html = _looks_html(outcome["content_type"], response.body)
        if is_home and (status >= 400 or not response.body):
            yield from self._home_failed(response.request, f"HTTP {status}", outcome)
            return
        final_in_scope = scope_key(response.url) in sc.scope
        if is_home and not final_in_scope:
            # The registered URL redirects to the site's real address: adopt that host too.
            sc.scope.add(scope_key(response.url))
            self.site_by_scope.setdefault(scope_key(response.url), sc)
            final_in_scope = True
        if not is_html or status >= 300 or not final_in_scope or response.url in sc.parsed:
            if not is_html:
                outcome["kind"] = "resource"
            yield from self._finish(meta, outcome)
            return
        sc.parsed.add(response.url)
        yield from self._parse_html(response, sc, outcome, is_home)
        if is_home:
            yield from self._site_start_requests(sc, response.url)
        yield from self._finish(meta, outcome, page_done=True)

    def _parse_html(
        self, response: Response, sc: SiteCrawl, outcome: dict[str, Any], is_home: bool
    ) -> Iterator[Any]:
        meta = response.meta
        text, declared, used = decode_html(response.body, _header_charset(response))
        doc = parse_html(text)
        depth = meta["depth"]
        title = title_of(doc)
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
            "title": title,
        }
        page.update(page_facts(doc, self.as_of, title=title, url=response.url, is_home=is_home))
        if page["not_found_hint"] and 200 <= response.status < 300 and not is_home:
            outcome.update(reason="soft_404", note=f"页面显示“{page['not_found_hint']}”")
        if is_home:
            self._home_structure(sc, text, response.url, page)
        elif sc.element_samples < self.element_sample and page["kind"] != "not_found":
            # The census wants the footer elements on every page: check a sample of inner pages.
            sc.element_samples += 1
            page["facts"]["elements"] = find_footer_elements(
                text, response.url, self.element_patterns
            )
        links: list[tuple[str, str, str, str, str]] = []
        seen = sc.seen
        # Non-ASCII queries are sent the way a browser sends them: in the page's encoding.
        encoding = used if used not in ("utf-8", "ascii") else None
        for link in extract_links(doc, response.url, include_invalid=True):
            url = link.url
            links.append((url, link.element, link.attribute, link.text, link.fragment))
            if url in seen:
                continue
            seen.add(url)
            if link.invalid:
                yield TargetItem(sc.site.site_id, _invalid_outcome(url, link.invalid))
                continue
            next_step = self._schedule_link(
                sc, url, depth + 1, encoding if not url.isascii() else None
            )
            if next_step is not None:
                yield next_step
        yield from self._column_structure(sc, meta["key"], response.url, text)
        yield PageItem(sc.site.site_id, page, outcome, links)

    # ---- site structure: columns and footer elements (once per site, or per column page) ----

    def _home_structure(self, sc: SiteCrawl, html: str, url: str, page: dict[str, Any]) -> None:
        for column in discover_columns(
            html, url, self.categories, scope_hosts=sc.scope, rules=self.column_rules
        ):
            sc.columns.setdefault(column.url, asdict(column))
        sc.sitemap_url = find_sitemap_url(html, url, rules=self.column_rules)
        page["facts"]["elements"] = find_footer_elements(html, url, self.element_patterns)

    def _column_structure(self, sc: SiteCrawl, key: str, url: str, html: str) -> Iterator[Request]:
        """List-page facts of a column page; new columns from the site map and sub-navigation."""
        column_url = key if key in sc.columns else url if url in sc.columns else None
        if column_url and column_url not in sc.columns_judged:
            sc.columns_judged.add(column_url)
            column = sc.columns[column_url]
            facts = list_page_facts(html, url, self.as_of, rules=self.column_rules)
            column.update(
                item_count=facts["item_count"],
                newest_date=facts["newest_date"],
                empty_marker=facts["empty_marker"],
            )
            if column["source"] in ("nav", "more") and any(
                p in column["name"] or p == column["canonical"] for p in self.sub_column_parents
            ):
                found = discover_columns(
                    html, url, self.categories, scope_hosts=sc.scope, rules=self.column_rules
                )
                yield from self._add_columns(sc, found, "sub", column["name"])
        if sc.sitemap_url and sc.sitemap_url in (key, url):
            found = discover_sitemap_columns(
                html, url, self.categories, sc.scope, rules=self.column_rules
            )
            yield from self._add_columns(sc, found, "sitemap", None)

    def _add_columns(
        self, sc: SiteCrawl, found: list[Any], source: str, parent: str | None
    ) -> Iterator[Request]:
        for column in found:
            if column.url in sc.columns or same_page(column.url, sc.home_url):
                continue
            record = asdict(column)
            record["source"] = source
            if parent is not None:
                record["parent"] = parent
            sc.columns[column.url] = record
            if column.url in sc.parsed and not column.external:
                # Its page went by before it was known as a column: fetch it again for the facts.
                yield self._request(sc, column.url, "column", 1, priority=5)

    def _site_start_requests(self, sc: SiteCrawl, home_final: str) -> Iterator[Request]:
        """Once the home page answered: learn the site's "not found" page, read robots.txt."""
        for i in range(self.soft404_probes):
            token = secrets.token_hex(6)
            # Relative to the home page, so a site registered under a path is probed inside it.
            path = (
                f"inspector-{token}-not-found.html" if i == 0 else f"inspector-{token}/index.html"
            )
            req = self._request(sc, urljoin(home_final, path), "probe404", 1, priority=5)
            yield req
        yield self._request(sc, urljoin(home_final, "/robots.txt"), "robots", 1, priority=5)

    def parse_other(self, response: Response) -> Iterator[Any]:
        """Checked resources, external targets, soft-404 probes and robots.txt."""
        meta = response.meta
        kind = meta["kind"]
        follow = self._redirect(response)
        if follow is not None:
            yield from follow
            return
        req = response.request
        retry = self._retry_after(response)
        if retry is not None:
            yield retry
            return
        if req.method == "HEAD" and response.status >= 400:
            # Many servers refuse or mishandle HEAD (405, 501, 403, even 404): GET decides.
            yield self._again(req, method="GET")
            return
        if kind == "probe404":
            yield from self._learn_not_found(response)
            return
        if kind == "robots":
            yield SiteEventItem(meta["sc"].site.site_id, "robots", _robots_facts(response))
            yield from self._finish(meta, None)
            return
        if kind == "column":
            if 200 <= response.status < 300 and response.body:
                text, _, _ = decode_html(response.body, _header_charset(response))
                yield from self._column_structure(meta["sc"], meta["key"], response.url, text)
            yield from self._finish(meta, None)
            return
        outcome = self._outcome(response, kind)
        if not outcome["reason"]:
            outcome.update(self._wrong_thing(response, kind, outcome))
        if (
            kind == "external"
            and req.method == "HEAD"
            and "html" in outcome["content_type"]
            and (_worth_sniffing(meta["key"], response.url))
        ):
            # A domain's front page may now be a parking page: read its first bytes.
            yield self._again(req, method="GET")
            return
        yield from self._finish(meta, outcome)

    def _wrong_thing(
        self, response: Response, kind: str, outcome: dict[str, Any]
    ) -> dict[str, str]:
        """错链: the target opens, but is not what the link promises."""
        url = response.meta["key"]
        if kind == "resource" and url_extension(url) in ATTACHMENT_EXTENSIONS:
            if "html" in outcome["content_type"]:
                return {"reason": "error_link", "note": "attachment link returns an HTML page"}
            if outcome["size"] == 0:
                return {"reason": "error_link", "note": "attachment is empty (0 bytes)"}
        if kind == "external" and response.request.method == "GET" and response.body:
            hint = parked_hint(response.body, response.url)
            if hint:
                return {"reason": "error_link", "note": f"parked or for-sale domain ({hint})"}
        return {}

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        kind = meta["kind"]
        reason, error = failure_reason(failure)
        if kind == "home":
            yield from self._home_failed(request, error, None, reason)
            return
        if request.method == "HEAD" and reason == "connection_reset":
            # Some servers drop HEAD requests on the floor; GET decides.
            yield self._again(request, method="GET")
            return
        if kind == "probe404":
            yield SiteEventItem(meta["sc"].site.site_id, "not_found_probe", {"error": reason})
            yield from self._finish(meta, None)
            return
        if kind == "robots":
            yield SiteEventItem(meta["sc"].site.site_id, "robots", {"error": reason})
            yield from self._finish(meta, None)
            return
        if kind == "column":
            yield from self._finish(meta, None)
            return
        outcome = self._base_outcome(request, kind)
        outcome.update(reason=reason, note=error)
        yield from self._finish(meta, outcome)

    # ---- outcomes -----------------------------------------------------------------------

    def _again(self, request: Request, *, method: str | None = None, **changes: Any) -> Request:
        meta = _own_meta(request.meta)
        meta["t0"] = time.monotonic()
        meta.update(changes)
        method = method or request.method
        meta["stop_body"] = method == "GET" and meta["kind"] == "resource"
        return request.replace(method=method, meta=meta, dont_filter=True)

    def _retry_after(self, response: Response) -> Request | None:
        """429/503 with a short Retry-After: wait as asked (a bounded number of times)."""
        if response.status not in (429, 503):
            return None
        meta = response.meta
        raw = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
        if not raw.isdigit() or meta.get("tries", 0) >= self.retry_after_tries:
            return None
        wait = float(raw)
        if wait > self.retry_after_max:
            return None
        return self._again(
            response.request, tries=meta.get("tries", 0) + 1, not_before=time.monotonic() + wait
        )

    def _redirect(self, response: Response) -> Iterator[Any] | None:
        """Follow a redirect ourselves so the chain is kept and loops are named, not dropped.

        None when the response is no redirect; else what the callback yields instead.
        """
        if response.status not in REDIRECT_STATUSES:
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
            new_meta = _own_meta(meta)
            new_meta.update(chain=chain, t0=time.monotonic())
            method = "GET" if response.status == 303 else req.method
            return iter([req.replace(url=target, method=method, meta=new_meta, body=b"")])
        if meta["kind"] in ("probe404", "robots", "column"):
            return self._finish(meta, None)
        outcome = self._outcome(response, meta["kind"])
        outcome.update(reason=reason, redirects=[*chain, target])
        if meta["kind"] == "home":
            return self._home_failed(response.request, reason, outcome, reason)
        return self._finish(meta, outcome)

    def _learn_not_found(self, response: Response) -> Iterator[Any]:
        """What the site answers for a URL that cannot exist (kept for the soft-404 check)."""
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        data: dict[str, Any] = {
            "url": meta["key"],
            "status": response.status,
            "final_url": response.url,
            "redirects": list(meta["chain"]),
            "redirect_home": bool(meta["chain"]) and same_page(response.url, sc.home_url),
        }
        if 200 <= response.status < 300 and _looks_html(
            (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower(), response.body
        ):
            text, _, _ = decode_html(response.body, _header_charset(response))
            doc = parse_html(text)
            data["fingerprint"] = fingerprint(doc, title_of(doc))
        yield SiteEventItem(sc.site.site_id, "not_found_probe", data)
        yield from self._finish(meta, None)

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
        size: int | None
        if "download_stopped" in response.flags or response.request.method == "HEAD":
            length = headers.get(b"Content-Length")
            size = int(length) if length is not None and length.isdigit() else None
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
        self, request: Request, error: str, outcome: dict[str, Any] | None, reason: str = ""
    ) -> Iterator[Any]:
        meta = request.meta
        sc: SiteCrawl = meta["sc"]
        if sc.home_tries < self.home_retries and reason not in (
            "redirect_loop",
            "too_many_redirects",
            "dns",
        ):
            sc.home_tries += 1
            retry = _own_meta(meta)
            retry.update(t0=time.monotonic(), chain=())
            yield Request(
                sc.home_url,
                callback=self._on_page,
                errback=self._on_error,
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
        self, meta: dict[str, Any], outcome: dict[str, Any] | None, *, page_done: bool = False
    ) -> Iterator[Any]:
        """Record one fetched URL for its site, or for every site waiting on a shared check."""
        shared: SharedCheck | None = meta.get("shared")
        if shared is not None:
            yield from self._finish_shared(shared, outcome)
            yield from self._release_host(scope_key(shared.url), outcome)
            return
        sc: SiteCrawl = meta["sc"]
        if outcome is not None and not page_done:
            yield TargetItem(sc.site.site_id, outcome)
        sc.pending -= 1
        yield from self._maybe_done(sc)

    def _finish_shared(self, shared: SharedCheck, outcome: dict[str, Any] | None) -> Iterator[Any]:
        self.shared.pop(shared.url, None)
        if outcome is not None:
            # Kept for the other sites of the crawl that link here; the oldest go first.
            self.external_cache[shared.url] = outcome
            if len(self.external_cache) > self.external_cache_size:
                self.external_cache.popitem(last=False)
        waiting, shared.waiting = shared.waiting, []
        for sc in waiting:
            if outcome is not None:
                yield TargetItem(sc.site.site_id, dict(outcome))
            sc.pending -= 1
            yield from self._maybe_done(sc)

    def _release_host(self, host_key: str, outcome: dict[str, Any] | None) -> Iterator[Any]:
        host = self.hosts[host_key]
        host.inflight -= 1
        if outcome is not None and outcome["reason"] == "timeout":
            host.timeouts_in_row += 1
            if host.timeouts_in_row >= self.host_timeout_limit and not host.gave_up:
                host.gave_up = True
                logger.info(
                    "giving up on %s after %d timeouts in a row", host_key, host.timeouts_in_row
                )
        elif outcome is not None:
            host.timeouts_in_row = 0
        while host.queued and (host.gave_up or host.inflight < self.host_limit):
            shared = host.queued.popleft()
            if host.gave_up:
                skipped = {
                    "url": shared.url,
                    "internal": False,
                    "kind": "external",
                    "method": "",
                    "status": None,
                    "reason": "timeout",
                    "final_url": shared.url,
                    "redirects": [],
                    "content_type": "",
                    "size": None,
                    "elapsed_ms": None,
                    "note": f"not fetched: {host_key} timed out {host.timeouts_in_row} times in a row",
                }
                yield from self._finish_shared(shared, skipped)
            else:
                host.inflight += 1
                yield self._external_request(shared)

    def _maybe_done(self, sc: SiteCrawl) -> Iterator[Any]:
        if sc.pending == 0 and not sc.done:
            sc.done = True
            yield SiteEventItem(sc.site.site_id, "columns", {"columns": list(sc.columns.values())})
            yield SiteEventItem(
                sc.site.site_id,
                "done",
                {"bounds": sc.bounds, "pages_scheduled": sc.pages, "urls_seen": len(sc.seen)},
            )
            # The per-site sets are the crawl's biggest memory: drop them once the site is done.
            sc.seen = set()
            sc.parsed = set()
            sc.variants = {}
            sc.columns = {}


_OWN_META = (
    "sc", "key", "kind", "depth", "chain", "shared", "t0", "download_slot", "stop_body", "tries",
)  # fmt: skip


def _own_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The spider's meta keys only: Scrapy's internal keys must not leak into a new request."""
    return {k: meta[k] for k in _OWN_META if k in meta}


def _configure_politeness(settings: Any, sites: list[Site]) -> None:
    """Each site is one download slot with its own politeness; other hosts share the default."""
    slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
    for site in sites:
        slots[f"site:{site.site_id}"] = _slot_settings(settings, site)
    settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
    # Scrapy sizes its HTTP/1.1 connection pool (maxPersistentPerHost) with this setting. At 2
    # nearly every request to a site opened a new TCP connection (~8% of the crawl's CPU). Twice
    # the largest site concurrency keeps an idle keep-alive connection ready; external hosts
    # stay at INSPECTOR_EXTERNAL_HOST_CONCURRENCY through the spider's own per-host queue.
    busiest = max(
        [
            settings.getint("INSPECTOR_SITE_CONCURRENCY"),
            *(s.get("concurrency", 0) for s in slots.values()),
        ]
    )
    settings.set(
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        max(2 * busiest, settings.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY")),
        priority="spider",
    )
    if settings.getpriority("USER_AGENT") <= settings.getpriority("INSPECTOR_CONTACT_URL"):
        settings.set(
            "USER_AGENT",
            f"Mozilla/5.0 (compatible; inspector/0.1; +{settings.get('INSPECTOR_CONTACT_URL')})",
            priority=settings.getpriority("INSPECTOR_CONTACT_URL"),
        )


_INVALID_NOTES = {
    "file_url": "a path on the editor's own computer (file:), no visitor can open it",
    "no_host": "the link has no host name",
    "bad_url": "the link is not a valid URL",
}


def _invalid_outcome(url: str, why: str) -> dict[str, Any]:
    """A link no browser can open: broken without a fetch."""
    return {
        "url": url, "internal": False, "kind": "invalid", "method": "", "status": None,
        "reason": "invalid_url", "final_url": url, "redirects": [], "content_type": "",
        "size": None, "elapsed_ms": None, "note": _INVALID_NOTES.get(why, why),
    }  # fmt: skip


def _slot_settings(settings: Any, site: Site) -> dict[str, Any]:
    """Politeness of one site's download slot: the registry row, else the settings."""
    return {
        "concurrency": site.concurrency or settings.getint("INSPECTOR_SITE_CONCURRENCY"),
        "delay": site.delay
        if site.delay is not None
        else settings.getfloat("INSPECTOR_SITE_DELAY"),
        "jitter": 0,
    }


def _looks_html(ctype: str, body: bytes) -> bool:
    if ctype:
        return "html" in ctype
    head = body[:512].lstrip()[:15].lower()
    return head.startswith((b"<!doctype", b"<html"))


def _worth_sniffing(url: str, final_url: str) -> bool:
    """Parked domains show up on a domain's front page, or after a jump to another domain."""
    path = urlsplit(url).path
    return path in ("", "/") or scope_key(url) != scope_key(final_url)


def _robots_facts(response: Response) -> dict[str, Any]:
    facts: dict[str, Any] = {"status": response.status, "size": len(response.body)}
    if response.status == 200:
        text = response.body[:65536].decode("utf-8", "replace")
        facts["disallow_all"] = _disallows_all(text)
    return facts


def _disallows_all(robots: str) -> bool:
    """Does robots.txt shut every robot out of the whole site? (Recorded, not obeyed.)"""
    applies = False
    for line in robots.splitlines():
        field_, _, value = line.partition("#")[0].partition(":")
        field_, value = field_.strip().lower(), value.strip()
        if field_ == "user-agent":
            applies = value == "*"
        elif field_ == "disallow" and applies and value == "/":
            return True
    return False


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
    return clock.today()
