"""The crawl spider: every selected site at once, each in its own download slot.

Per site it crawls internal HTML pages, checks every other link target once (HEAD first), and
records facts; it judges nothing that needs the whole site (checks run over the stored run).
URL strings are deduplicated in a per-site set before any Request exists, which is what keeps
a 20,000-page site cheap. External URLs are checked once per crawl for all sites linking to
them, through a per-host queue that gives up on a host that keeps timing out.

Redirects (with their chain), Retry-After and the HEAD→GET fallback are downloader middlewares
(inspector/crawl/middlewares.py): the callbacks here see final answers. Every outcome is a
TargetFacts built by inspector/crawl/outcomes.py.

    scrapy crawl site -a site_id=ID [-a registry=FILE]
    scrapy crawl site -a url=https://www.example.gov.cn/
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.http import Response
from twisted.python.failure import Failure

from inspector import clock
from inspector.crawl.addresses import site_on_private_address
from inspector.crawl.arguments import parse_as_of, parse_flag, sites_from_arguments
from inspector.crawl.boardcrawl import BoardsMixin
from inspector.crawl.budgets import BudgetExceeded
from inspector.crawl.extract.encoding import decode_html
from inspector.crawl.extract.links import LinkRow
from inspector.crawl.extract.redirect import Redirect
from inspector.crawl.feeding import SiteFeeding
from inspector.crawl.items import (
    ColumnsFound,
    HomeFailed,
    LinkTuple,
    NotFoundProbe,
    PageItem,
    RobotsSeen,
    SiteDone,
    TargetItem,
)
from inspector.crawl.outcomes import (
    failure_reason,
    first_bytes_needed,
    gave_up_outcome,
    invalid_outcome,
    noted,
    request_outcome,
    response_outcome,
    wrong_thing,
)
from inspector.crawl.policy import CrawlPolicy
from inspector.crawl.politeness import configure_politeness, slot_settings
from inspector.crawl.reading import hop_of
from inspector.crawl.readpage import PageRead
from inspector.crawl.readpool import ReadingApart
from inspector.crawl.recheck import RecheckCrawl
from inspector.crawl.responses import (
    header_charset,
    looks_html,
    not_found_facts,
    request_of,
    robots_facts,
    worth_sniffing,
)
from inspector.crawl.scope import scope_key, site_scope
from inspector.crawl.securitycrawl import SecurityMixin
from inspector.crawl.state import (
    PAGE_KINDS,
    RESOURCE_EXTENSIONS,
    UNRECORDED_KINDS,
    HostQueue,
    SharedCheck,
    SiteCrawl,
    again,
    own_meta,
    url_extension,
)
from inspector.facts import PageFacts, TargetFacts
from inspector.profile import load_profile
from inspector.registry import Site
from inspector.vocabulary import Note, NoteCode, Reason, TargetKind

logger = logging.getLogger(__name__)


class SiteSpider(RecheckCrawl, BoardsMixin, SecurityMixin, ReadingApart, SiteFeeding, Spider):
    name = "site"
    # Read from the settings in from_crawler (INSPECTOR_*).
    max_pages: int
    max_depth: int
    max_variants: int
    home_retries: int
    soft404_probes: int
    host_limit: int
    host_timeout_limit: int
    external_cache_size: int
    element_sample: int
    as_of: date
    policy: CrawlPolicy

    def __init__(
        self,
        sites: list[Site] | None = None,
        site_id: str | None = None,
        registry: str | None = None,
        url: str | None = None,
        as_of: str | date | None = None,
        batch: str = "",
        recheck: str | bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # A recheck (-a recheck=1): only what the last full run's findings rest on.
        self.recheck = parse_flag("recheck", recheck)
        self.recheck_plans = {}
        # Without `sites` (scrapy crawl site -a …) they are read in from_crawler, where the
        # settings say which registry is the default.
        self.sites: list[Site] = list(sites) if sites is not None else []
        self._site_args = None if sites is not None else (site_id, registry, url)
        self.as_of_arg = as_of
        self.batch = batch
        self.crawls: dict[str, SiteCrawl] = {}
        self.shared: dict[str, SharedCheck] = {}  # external checks in progress
        self.external_cache: OrderedDict[str, TargetFacts] = OrderedDict()  # their outcomes
        self.hosts: dict[str, HostQueue] = {}
        self.site_by_scope: dict[str, SiteCrawl] = {}
        self._reading_state()
        # One bound method of each callback, given to every Request: Scrapy checks callbacks for
        # "a generator with a return value" (inspect.getsource + ast.parse) through a cache
        # weakly keyed by the callback object, so a fresh bound method per Request re-parses
        # the source for nearly every response.
        self._on_page, self._on_other, self._on_error = (
            self.parse_page,
            self.parse_other,
            self.on_error,
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        if spider._site_args is not None:
            spider.sites = sites_from_arguments(*spider._site_args, s.get("INSPECTOR_REGISTRY"))
        spider.max_pages = s.getint("INSPECTOR_MAX_PAGES")
        spider.max_depth = s.getint("INSPECTOR_MAX_DEPTH")
        spider.max_variants = s.getint("INSPECTOR_MAX_QUERY_VARIANTS")
        spider.home_retries = s.getint("INSPECTOR_HOME_RETRIES")
        spider.soft404_probes = s.getint("INSPECTOR_SOFT404_PROBES")
        spider.host_limit = max(1, s.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY"))
        spider.host_timeout_limit = max(1, s.getint("INSPECTOR_HOST_TIMEOUT_LIMIT"))
        spider.external_cache_size = s.getint("INSPECTOR_EXTERNAL_CACHE_SIZE")
        spider.as_of = parse_as_of(spider.as_of_arg or s.get("INSPECTOR_AS_OF")) or clock.today()
        spider.element_sample = s.getint("INSPECTOR_ELEMENT_SAMPLE")
        spider.read_budgets(s)
        profile = load_profile(s.get("INSPECTOR_RULES"))
        spider.policy = CrawlPolicy.from_profile(profile)
        spider.security_setup(profile, s.getint("INSPECTOR_CLOAKING_SAMPLE"))
        spider.reading_setup(s)
        if spider.recheck:
            spider.load_recheck_plans(s, [site.site_id for site in spider.sites])
        if not s.frozen:
            configure_politeness(s, spider.sites)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider.reading_closed, signal=signals.spider_closed)
        return spider

    # ---- start --------------------------------------------------------------------------

    async def start(self) -> Any:
        for req in self.start_requests():
            yield req

    def start_requests(self) -> Iterator[Request]:
        crawls = [self._add_crawl(site) for site in self.sites if site.status == "active"]
        for sc in crawls:
            yield self._home_request(sc)
            yield from self.recheck_requests(sc)

    def _add_crawl(self, site: Site) -> SiteCrawl:
        sc = SiteCrawl(site, site_scope(site), f"site:{site.site_id}", site.url)
        sc.private_ok = self.intranet_sites and site_on_private_address(site.url)
        self.start_budgets(sc)
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
        downloader.per_slot_settings[sc.slot] = slot_settings(self.crawler.settings, site)
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
        callback = self._on_page if kind in PAGE_KINDS else self._on_other
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

    def _schedule_link(
        self, sc: SiteCrawl, url: str, depth: int, encoding: str | None = None
    ) -> Request | TargetItem | None:
        """Decide what to do with a URL seen for the first time on this site."""
        if self.recheck_plans and self.recheck_skips(sc, url):
            return None
        internal = scope_key(url) in sc.scope
        if internal and url_extension(url) not in RESOURCE_EXTENSIONS:
            self._page_request(sc, url, depth, encoding)
            return None
        if internal:
            if self.spend_url(sc, url):
                self.enqueue(sc, url, "resource", depth, "HEAD", encoding)
            return None
        known = self.external_cache.get(url)
        if known is not None:
            self.external_cache.move_to_end(url)
            return TargetItem(sc.site.site_id, known)
        if not self.spend_url(sc, url):
            return None
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

    def _page_request(self, sc: SiteCrawl, url: str, depth: int, encoding: str | None) -> None:
        """An internal page to crawl, unless a bound (depth, query variants, pages, URLs) says
        no; it waits in the site's backlog (inspector/crawl/feeding.py)."""
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
        if self.spend_url(sc, url):
            sc.pages += 1
            self.enqueue(sc, url, "page", depth, "GET", encoding)
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

    # ---- pages --------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Any:
        """A page's facts and links: a generator, or — when an ordinary page goes to the reader
        processes (INSPECTOR_READ_PROCESSES) — a coroutine that Scrapy awaits."""
        if self.read_apart(response):
            return self.parse_page_apart(response)
        return self._parse_page(response)

    def _parse_page(self, response: Response, page: PageRead | None = None) -> Iterator[Any]:
        meta = response.meta
        sc: SiteCrawl = meta["sc"]
        if meta.get("redirect_stop"):
            yield from self._redirect_stopped(response, *meta["redirect_stop"])
            return
        outcome = response_outcome(response, "page")
        is_home = meta["kind"] == "home"
        status = response.status
        is_html = looks_html(outcome.content_type, response.body)
        if is_home:
            self.note_home_address(sc, response)
        if is_home and (status >= 400 or not response.body):
            yield from self._home_failed(request_of(response), f"HTTP {status}", outcome)
            return
        final_in_scope = scope_key(response.url) in sc.scope
        if is_home and not final_in_scope:
            # The registered URL redirects to the site's real address: adopt that host too.
            sc.scope.add(scope_key(response.url))
            self.site_by_scope.setdefault(scope_key(response.url), sc)
            final_in_scope = True
        if not is_html or status >= 300 or not final_in_scope or response.url in sc.parsed:
            if not is_html:
                outcome = replace(outcome, kind=TargetKind.RESOURCE)
            yield from self._finish(meta, outcome)
            return
        sc.parsed.add(response.url)
        stub = self.home_stub(response) if is_home else None
        if stub is not None and self.same_site(sc, stub.url):
            # A redirect stub: recorded as a page; its destination is the home page.
            sc.seen.add(stub.url)  # asked for as the home page, not as one of the stub's links
            yield from self._parse_html(response, sc, outcome, False, stub)
            yield self.follow_home(sc, response, stub)
            yield from self._finish(meta, None)
            return
        yield from self._parse_html(response, sc, outcome, is_home, stub, page)
        if is_home:
            yield from self._site_start_requests(sc, response.url)
        yield from self._finish(meta, None)  # the page's outcome went with its PageItem

    def _parse_html(
        self,
        response: Response,
        sc: SiteCrawl,
        outcome: TargetFacts,
        is_home: bool,
        stub: Redirect | None = None,
        page: PageRead | None = None,
    ) -> Iterator[Any]:
        meta = response.meta
        if page is None:  # not read by a reader process
            page = self.page_reader.read_html(
                response.body, header_charset(response), response.url, is_home=is_home,
                fingerprint=self.fingerprint_rule(sc, is_home), site_hosts=self.site_hosts(sc),
            )  # fmt: skip
        title, read = page.title, page.read
        facts = read["facts"]
        if page.security:
            facts["security"] = page.security
        hint = read["not_found_hint"]
        if hint and 200 <= response.status < 300 and not is_home:
            outcome = noted(
                outcome, Note.of(NoteCode.PAGE_SAYS_NOT_FOUND, text=hint), reason=Reason.SOFT_404
            )
        if stub is not None:
            facts["redirect"] = {**hop_of(response.url, stub), "followed": not is_home}
        if is_home:
            facts.update(self._home_structure(sc, page.text, response.url))
            facts["home_chain"] = list(meta.get("home_chain") or [])
        elif (elements := self.sample_elements(sc, page, response.url, read["kind"])) is not None:
            # The census wants the footer elements on every page: a stable sample of them.
            facts["elements"] = elements
        # Non-ASCII queries are sent the way a browser sends them: in the page's encoding.
        encoding = page.used if page.used not in ("utf-8", "ascii") else None
        links: list[LinkTuple] = []
        if not self.recheck_plans:  # a recheck does not read the message boards again
            yield from self.boards_see(sc, meta, response.url, page, title, is_home)
        yield from self.security_see(sc, page, response.url, title, response.status, is_home)
        yield from self._follow_links(sc, page.links, response.url, meta["depth"], encoding, links)
        yield from self._column_structure(sc, meta["key"], response.url, lambda: page.text)
        facts_of_page = PageFacts(
            url=meta["key"],
            final_url=response.url,
            status=response.status,
            content_type=outcome.content_type,
            size=len(response.body),
            depth=meta["depth"],
            title=title,
            elapsed_ms=outcome.elapsed_ms,
            is_home=is_home,
            kind=read["kind"],
            pub_date=read["pub_date"],
            newest_item_date=read["newest_item_date"],
            meta_date=read["meta_date"],
            encoding_declared=page.declared,
            encoding_used=page.used,
            not_found_hint=hint,
            fingerprint=read["fingerprint"],
            facts=facts,
        )
        item = PageItem(sc.site.site_id, facts_of_page, outcome, links)
        yield from self.deliver_page(sc, item, read["uncertain_item"], page.text if is_home else "")

    def _follow_links(
        self,
        sc: SiteCrawl,
        found: list[LinkRow],
        url: str,
        depth: int,
        encoding: str | None,
        links: list[LinkTuple],
    ) -> Iterator[Any]:
        """Record the page's links (`found`, link_rows' rows) in `links`
        (INSPECTOR_MAX_PAGE_LINKS of them); schedule the URLs new to the site."""
        seen = sc.seen
        append = links.append
        if len(found) > self.max_page_links:
            sc.trip("page_links", url)
            del found[self.max_page_links :]
        for target, fragment, element, attribute, text, invalid, expects, position in found:
            append((target, element, attribute, text, fragment, position))
            if target in seen:
                continue
            if sc.urls >= self.max_urls and not invalid:
                sc.trip("max_urls", target)  # not remembered either: the budget is spent
                continue
            seen.add(target)
            if invalid:
                yield TargetItem(sc.site.site_id, invalid_outcome(target, invalid))
                continue
            self.expect(target, expects)
            next_step = self._schedule_link(
                sc, target, depth + 1, encoding if not target.isascii() else None
            )
            if isinstance(next_step, TargetItem):
                self.expected.pop(target, None)  # known from another site: already judged
            if next_step is not None:
                yield next_step
        yield from self.feed(sc)

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

    # ---- everything else ----------------------------------------------------------------

    def parse_other(self, response: Response) -> Iterator[Any]:
        """Checked resources, external targets, soft-404 probes, robots.txt, column pages."""
        meta = response.meta
        kind = meta["kind"]
        if meta.get("redirect_stop"):
            yield from self._redirect_stopped(response, *meta["redirect_stop"])
            return
        sc: SiteCrawl = meta["sc"]
        if kind == "probe404":
            facts, key = not_found_facts(response, sc.home_url)
            sc.probes_answered += 1
            if key is not None:
                sc.probe_titles.add(key)
            yield NotFoundProbe(sc.site.site_id, facts)
            yield from self._finish(meta, None)
            return
        if kind == "robots":
            yield RobotsSeen(sc.site.site_id, robots_facts(response))
            yield from self._finish(meta, None)
            return
        if kind == "column":
            if 200 <= response.status < 300 and response.body:
                text, _, _ = decode_html(response.body, header_charset(response))
                yield from self._column_structure(sc, meta["key"], response.url, lambda: text)
            yield from self._finish(meta, None)
            return
        if kind == "cloak":
            self.on_cloak(sc, response)
            yield from self._finish(meta, None)
            return
        if kind == "itemdate":
            yield from self.on_item_date(response)
            yield from self._finish(meta, None)
            return
        if kind == "layoutjs":
            script = (
                decode_html(response.body, header_charset(response))[0]
                if response.status < 300
                else ""
            )
            yield from self.on_layout_script(sc, meta["key"], script)
            yield from self._finish(meta, None)
            return
        req = request_of(response)
        outcome = response_outcome(response, kind)
        if kind == "resource" and req.method == "HEAD" and first_bytes_needed(meta["key"], outcome):
            yield again(req, method="GET", sniff=True)
            return
        if not outcome.reason:
            outcome = wrong_thing(response, kind, outcome)
        checked = self.check_resource(response, kind, outcome)
        if isinstance(checked, Request):
            yield checked  # an HTML type for an image: read the first bytes to be sure
            return
        outcome = checked
        if (
            kind == "external"
            and req.method == "HEAD"
            and "html" in outcome.content_type
            and worth_sniffing(meta["key"], response.url)
        ):
            # A domain's front page may now be a parking page: read its first bytes.
            yield again(req, method="GET")
            return
        yield from self._finish(meta, outcome)

    def _redirect_stopped(self, response: Response, reason: str, chain: list[str]) -> Iterator[Any]:
        """A redirect loop, or too many redirects (see inspector.crawl.middlewares.Redirects)."""
        meta = response.meta
        if meta["kind"] in UNRECORDED_KINDS:
            return self._finish(meta, None)
        outcome = replace(response_outcome(response, meta["kind"]), reason=reason, redirects=chain)
        if meta["kind"] == "home":
            return self._home_failed(request_of(response), reason, outcome, reason)
        return self._finish(meta, outcome)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        meta = request.meta
        kind = meta["kind"]
        reason, error = failure_reason(failure)
        sc: SiteCrawl = meta["sc"]
        reason, error = self.budget_reason(sc, meta, reason, error)
        if kind == "home":
            yield from self._home_failed(request, error, None, reason)
            return
        if kind == "probe404":
            sc.probes_answered += 1
            yield NotFoundProbe(sc.site.site_id, {"error": reason})
        elif kind == "robots":
            yield RobotsSeen(sc.site.site_id, {"error": reason})
        elif kind == "itemdate":
            yield from self.item_date_failed(request, reason)
        elif kind == "layoutjs":
            yield from self.on_layout_script(sc, meta["key"], "")
        elif kind == "cloak":
            self.cloak_failed(sc, request, reason)
        if kind in UNRECORDED_KINDS or isinstance(failure.value, BudgetExceeded):
            yield from self._finish(meta, None)  # a dropped request: nothing known of its URL
            return
        outcome = noted(request_outcome(request, kind), Note(free=error), reason=reason)
        yield from self._finish(meta, outcome)

    # ---- outcomes -----------------------------------------------------------------------

    def _home_failed(
        self, request: Request, error: str, outcome: TargetFacts | None, reason: str = ""
    ) -> Iterator[Any]:
        meta = request.meta
        sc: SiteCrawl = meta["sc"]
        if sc.home_tries < self.home_retries and reason not in (
            Reason.REDIRECT_LOOP,
            Reason.TOO_MANY_REDIRECTS,
            Reason.DNS,
            Reason.TOO_LARGE,
            Reason.BLOCKED_ADDRESS,
        ):
            sc.home_tries += 1
            retry = own_meta(meta)
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
            outcome = noted(
                request_outcome(request, "home"),
                Note(free=error),
                reason=reason or Reason.CONNECTION_ERROR,
            )
        else:
            if not outcome.reason:
                outcome = replace(outcome, reason=reason or Reason.BAD_RESPONSE)
            if not outcome.note:
                outcome = noted(outcome, Note(free=error))
        yield HomeFailed(sc.site.site_id, error=error, reason=outcome.reason, status=outcome.status)
        yield from self._finish(meta, outcome)

    def _finish(self, meta: dict[str, Any], outcome: TargetFacts | None) -> Iterator[Any]:
        """Record one fetched URL for its site, or for every site waiting on a shared check."""
        shared: SharedCheck | None = meta.get("shared")
        if shared is not None:
            yield from self._finish_shared(shared, outcome)
            yield from self._release_host(scope_key(shared.url), outcome)
            return
        sc: SiteCrawl = meta["sc"]
        if outcome is not None:
            yield TargetItem(sc.site.site_id, outcome)
        sc.pending -= 1
        yield from self.fed_done(sc, meta)
        yield from self._maybe_done(sc)

    def _finish_shared(self, shared: SharedCheck, outcome: TargetFacts | None) -> Iterator[Any]:
        self.shared.pop(shared.url, None)
        if outcome is not None:
            # Kept for the other sites of the crawl that link here; the oldest go first.
            self.external_cache[shared.url] = outcome
            if len(self.external_cache) > self.external_cache_size:
                self.external_cache.popitem(last=False)
        waiting, shared.waiting = shared.waiting, []
        for sc in waiting:
            if outcome is not None:
                yield TargetItem(sc.site.site_id, outcome)
            sc.pending -= 1
            yield from self.feed(sc)
            yield from self._maybe_done(sc)

    def _release_host(self, host_key: str, outcome: TargetFacts | None) -> Iterator[Any]:
        host = self.hosts[host_key]
        host.inflight -= 1
        if outcome is not None and outcome.reason == Reason.TIMEOUT:
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
                skipped = gave_up_outcome(shared.url, host_key, host.timeouts_in_row)
                yield from self._finish_shared(shared, skipped)
            else:
                host.inflight += 1
                yield self._external_request(shared)

    def _maybe_done(self, sc: SiteCrawl) -> Iterator[Any]:
        if sc.pending == 0 and not sc.done:
            sc.done = True
            yield from self.reading_done(sc)
            yield ColumnsFound(sc.site.site_id, list(sc.columns.values()))
            yield self.boards_item(sc)
            yield from self.security_done(sc)
            if not self.more_pages_to_come():
                self.reading_over()
            yield SiteDone(
                sc.site.site_id, bounds=sc.bounds, pages_scheduled=sc.pages, urls_seen=len(sc.seen)
            )
            # The per-site sets are the crawl's biggest memory: drop them once the site is done.
            sc.seen = set()
            sc.parsed = set()
            sc.variants = {}
            sc.columns = {}
