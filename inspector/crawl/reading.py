"""What the site spider reads beyond links and outcomes: the effective home page behind a
redirect stub, the site's columns and footer elements, the year of month-day dates settled on
the item's own page, resources that answer an HTML page, and the stable sample of inner pages
checked for footer elements.

`SiteReading` is a mixin of `spiders.site.SiteSpider`: it uses the spider's request helpers
and bookkeeping (`_request`, `policy`, `as_of`, `site_by_scope`, `element_sample`). The rules
themselves are pure functions elsewhere (inspector/crawl/extract/*, columns, footer, listpage,
sampling); this module only decides what to fetch next and what to record.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response

from inspector.crawl.columns import discover_columns, shown_names
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.notfound import not_found_hint
from inspector.crawl.extract.page import page_facts
from inspector.crawl.extract.redirect import Redirect, find_redirect
from inspector.crawl.extract.resources import EXPECT_NAMES_ZH, resource_mismatch
from inspector.crawl.extract.scripts import written_html
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.items import PageItem, SiteStat
from inspector.crawl.listpage import list_page_facts
from inspector.crawl.outcomes import noted
from inspector.crawl.policy import CrawlPolicy
from inspector.crawl.readpage import PageRead
from inspector.crawl.responses import header_charset, request_of
from inspector.crawl.sampling import CONTENT_KINDS, BottomK
from inspector.crawl.scope import same_page, scope_key
from inspector.crawl.sitemap import discover_sitemap_columns, find_sitemap_url
from inspector.crawl.state import SiteCrawl, again
from inspector.facts import ColumnFacts, TargetFacts
from inspector.vocabulary import Note, NoteCode, Reason

logger = logging.getLogger(__name__)

MAX_HOME_HOPS = 3  # redirect stubs followed from the registered URL to the effective home page
MAX_LAYOUT_SCRIPTS = 4  # header/footer scripts of the home page read for what they write
HOME_KEY = "home"  # what a held page waits for: the home page, or a column's list page URL


@dataclass(slots=True)
class HeldPage:
    """A page whose facts wait for the date read on one of its items' own page."""

    html: str
    url: str  # the page (home or list page) as fetched
    href: str  # the item's link as written on the page
    item: PageItem | None = None  # the home page's item, yielded when the date is known
    column: str = ""  # the column's URL, for a list page


@dataclass(slots=True)
class HeldHome:
    """The home page while the scripts that write its header, menus or footer are read."""

    item: PageItem
    html: str
    href: str  # the link of an item whose year is uncertain ("" when none)
    scripts: dict[str, str | None]  # script URL → its text (None while not answered)


@dataclass(slots=True)
class SiteSample:
    """The footer-element sample of one site: content pages per template, lowest URL hashes."""

    sketch: BottomK
    counts: Counter[str] = field(default_factory=Counter)


class SiteReading:
    """Mixin of SiteSpider (see the module docstring)."""

    policy: CrawlPolicy
    as_of: date
    element_sample: int
    site_by_scope: dict[str, SiteCrawl]

    if TYPE_CHECKING:  # what the spider provides

        def _request(
            self, sc: SiteCrawl, url: str, kind: str, depth: int, *, priority: int | None = None
        ) -> Request: ...
        def _schedule_link(
            self, sc: SiteCrawl, url: str, depth: int, encoding: str | None = None
        ) -> Request | PageItem | Any | None: ...

    def _reading_state(self) -> None:
        self.held: dict[tuple[str, str, str], HeldPage] = {}
        self.expected: dict[str, str] = {}  # resource URL → what its element expects
        self.samples: dict[str, SiteSample] = {}
        self.homes: dict[str, HeldHome] = {}

    # ---- the effective home page ----------------------------------------------------------

    def home_stub(self, response: Response) -> Redirect | None:
        """Where a home page that is only a redirect stub sends the browser (None otherwise)."""
        chain = response.meta.get("home_chain") or []
        if len(chain) >= MAX_HOME_HOPS:
            return None
        text, _, _ = decode_html(response.body, header_charset(response))
        found = find_redirect(parse_html(text), response.url)
        if found is None or found.url == response.url:
            return None
        if any(found.url in (hop["url"], hop["to"]) for hop in chain):
            return None  # a loop of stubs: the last page is judged as it is
        return found

    def same_site(self, sc: SiteCrawl, url: str) -> bool:
        """The stub's destination is this site: in its scope, or a host under the site's own."""
        if scope_key(url) in sc.scope:
            return True
        host = (urlsplit(url).hostname or "").lower()
        own = (urlsplit(sc.site.url).hostname or "").lower().removeprefix("www.")
        return bool(own) and host.endswith("." + own)

    def follow_home(self, sc: SiteCrawl, response: Response, stub: Redirect) -> Request:
        """Ask for the stub's destination as the site's home page, the chain recorded."""
        chain = [*(response.meta.get("home_chain") or []), hop_of(response.url, stub)]
        key = scope_key(stub.url)
        if key not in sc.scope:
            sc.scope.add(key)
            self.site_by_scope.setdefault(key, sc)
        sc.home_url = stub.url
        sc.pages += 1
        request = self._request(sc, stub.url, "home", 0, priority=10)
        request.meta["home_chain"] = chain
        return request

    # ---- columns and footer elements ------------------------------------------------------

    def _home_structure(
        self, sc: SiteCrawl, html: str, url: str, written: list[str] | None = None
    ) -> dict[str, Any]:
        """The home page's columns, site map link and shown names; returns its footer elements
        (`written`: what its header/footer scripts write, once read)."""
        policy = self.policy
        for column in discover_columns(
            html,
            url,
            policy.categories,
            scope_hosts=sc.scope,
            rules=policy.column_rules,
            written=written or (),
        ):
            sc.columns.setdefault(column.url, column)
        sc.sitemap_url = sc.sitemap_url or find_sitemap_url(html, url, rules=policy.column_rules)
        elements = find_footer_elements(html, url, policy.element_patterns, written=written or ())
        names = shown_names(html, url, rules=policy.column_rules, written=written or ())
        return {"elements": elements, "names": names}

    def _column_structure(
        self, sc: SiteCrawl, key: str, url: str, html_of: Callable[[], str]
    ) -> Iterator[Request]:
        """List-page facts of a column page; new columns from the site map and sub-navigation
        (`html_of()`: the page's text, read only on those pages)."""
        policy = self.policy
        column_url = key if key in sc.columns else url if url in sc.columns else None
        is_sitemap = bool(sc.sitemap_url) and sc.sitemap_url in (key, url)
        if not is_sitemap and (not column_url or column_url in sc.columns_judged):
            return
        html = html_of()
        if column_url and column_url not in sc.columns_judged:
            sc.columns_judged.add(column_url)
            facts = list_page_facts(html, url, self.as_of, rules=policy.column_rules)
            column = with_list_facts(sc.columns[column_url], facts)
            sc.columns[column_url] = column
            if facts["uncertain_item"]:
                held = HeldPage(html, url, facts["uncertain_item"], column=column_url)
                yield self.item_date_request(sc, held, column_url)
            if column.source in ("nav", "more") and any(
                p in column.name or p == column.canonical for p in policy.sub_column_parents
            ):
                found = discover_columns(
                    html, url, policy.categories, scope_hosts=sc.scope, rules=policy.column_rules
                )
                yield from self._add_columns(sc, found, "sub", column.name)
        if is_sitemap:
            found = discover_sitemap_columns(
                html, url, policy.categories, sc.scope, rules=policy.column_rules
            )
            yield from self._add_columns(sc, found, "sitemap", None)

    def _add_columns(
        self, sc: SiteCrawl, found: list[ColumnFacts], source: str, parent: str | None
    ) -> Iterator[Request]:
        for column in found:
            if column.url in sc.columns or same_page(column.url, sc.home_url):
                continue
            sc.columns[column.url] = replace(
                column, source=source, parent=column.parent if parent is None else parent
            )
            if column.url in sc.parsed and not column.external:
                # Its page went by before it was known as a column: fetch it again for the facts.
                yield self._request(sc, column.url, "column", 1, priority=5)

    # ---- the home page's header and footer, written by its own scripts --------------------

    def deliver_page(self, sc: SiteCrawl, item: PageItem, href: str, html: str) -> Iterator[Any]:
        """A page's item. The home page's waits while the scripts that write its header or
        footer are read (their menus and elements count), and while the date of its newest
        item is read on that item's own page (when nothing on the home page settles its year)."""
        if not item.page.is_home:
            yield item
            return
        elements = item.page.facts.get("elements") or {}
        scripts = list(
            dict.fromkeys(u for found in elements.values() for u in found.get("written_by", ()))
        )[:MAX_LAYOUT_SCRIPTS]
        held = HeldHome(item, html, href, dict.fromkeys(scripts))
        if not scripts:
            yield from self.after_scripts(sc, held)
            return
        self.homes[sc.site.site_id] = held
        for url in scripts:
            request = self._request(sc, url, "layoutjs", 1, priority=6)
            request.meta["held"] = sc.site.site_id
            yield request

    def on_layout_script(self, sc: SiteCrawl, url: str, text: str) -> Iterator[Any]:
        held = self.homes.get(sc.site.site_id)
        if held is None or url not in held.scripts:
            return
        held.scripts[url] = text
        if any(value is None for value in held.scripts.values()):
            return
        del self.homes[sc.site.site_id]
        yield from self.after_scripts(sc, held)

    def after_scripts(self, sc: SiteCrawl, held: HeldHome) -> Iterator[Any]:
        item = held.item
        written = [_shown(url, text) for url, text in held.scripts.items() if text]
        written = [html for html in written if html.strip()]
        if written:
            known = set(sc.columns)
            read = self._home_structure(sc, held.html, item.page.final_url, written)
            facts = {**item.page.facts, **read, "scripts_read": list(held.scripts)}
            item = PageItem(item.site_id, replace(item.page, facts=facts), item.target, item.links)
            for url in [u for u in sc.columns if u not in known and u not in sc.seen]:
                sc.seen.add(url)  # menus written by script: their columns are crawled too
                step = self._schedule_link(sc, url, 1)
                if step is not None:
                    yield step
        if not held.href:
            yield item
            return
        page = HeldPage(held.html, item.page.final_url, held.href, item=item)
        yield self.item_date_request(sc, page, HOME_KEY)

    # ---- the year of a month-day date, read on the item's own page -------------------------

    def item_date_request(self, sc: SiteCrawl, held: HeldPage, waiting: str) -> Request:
        target = urljoin(held.url, held.href)
        key = (sc.site.site_id, target, waiting)
        self.held[key] = held
        request = self._request(sc, target, "itemdate", 1, priority=5)
        request.meta["held"] = key
        return request

    def on_item_date(self, response: Response) -> Iterator[Any]:
        """The item's own page: its publication date settles the year of the page that holds it."""
        held = self.held.pop(response.meta.get("held") or ("", "", ""), None)
        if held is None:
            return
        published, shown = None, ""
        if 200 <= response.status < 300 and response.body:
            text, _, _ = decode_html(response.body, header_charset(response))
            dates = extract_dates(parse_html(text), self.as_of, url=response.url)
            published = dates.pub_date if dates.kind == "article" else None
            shown = next(
                (c.text for c in dates.candidates if c.accepted and c.date == published), ""
            )
        read = {
            "url": response.url,
            "date": published.isoformat() if published else None,
            "text": shown,
            "status": response.status,
        }
        yield from self.release(response.meta["sc"], held, published, read)

    def item_date_failed(self, request: Request, reason: str) -> Iterator[Any]:
        held = self.held.pop(request.meta.get("held") or ("", "", ""), None)
        if held is not None:
            read = {"url": request.url, "date": None, "error": reason}
            yield from self.release(request.meta["sc"], held, None, read)

    def release(self, sc: SiteCrawl, held: HeldPage, published: Any, read: dict) -> Iterator[Any]:
        item_dates = {held.href: published} if published else None
        if held.column:
            column = sc.columns.get(held.column)
            if column is not None:
                facts = list_page_facts(
                    held.html,
                    held.url,
                    self.as_of,
                    rules=self.policy.column_rules,
                    item_dates=item_dates,
                )
                evidence = [*facts["evidence"], {"item_page": read}]
                sc.columns[held.column] = replace(with_list_facts(column, facts), evidence=evidence)
            return
        item = held.item
        if item is None:
            return
        doc = parse_html(held.html)
        again_read = page_facts(
            doc,
            self.as_of,
            title=item.page.title,
            url=held.url,
            is_home=True,
            item_dates=item_dates,
        )
        facts = {**item.page.facts, "dates": again_read["facts"]["dates"], "item_page": read}
        page = replace(item.page, newest_item_date=again_read["newest_item_date"], facts=facts)
        yield PageItem(item.site_id, page, item.target, item.links)

    # ---- the footer-element sample ---------------------------------------------------------

    def sample_elements(
        self, sc: SiteCrawl, page: PageRead, url: str, kind: str
    ) -> dict[str, Any] | None:
        """Footer elements of an inner page when it may be in the site's final sample (its text
        is read only then)."""
        sample = self.samples.get(sc.site.site_id)
        if sample is None:
            sample = self.samples[sc.site.site_id] = SiteSample(BottomK(self.element_sample))
        if kind not in CONTENT_KINDS:
            return None
        template = page.template
        sample.counts[template] += 1
        if not sample.sketch.offer(url, template):
            return None
        elements = find_footer_elements(page.text, url, self.policy.element_patterns)
        return {**elements, "_template": template}

    def reading_done(self, sc: SiteCrawl) -> Iterator[Any]:
        """At the end of a site: which inner pages the element check reads (stable choice)."""
        sample = self.samples.pop(sc.site.site_id, None)
        if sample is None or not sample.counts:
            return
        template = min(sample.counts, key=lambda t: (-sample.counts[t], t))
        chosen = list(sample.sketch.kept(template))
        yield SiteStat(sc.site.site_id, "element_sample", {"template": template, "pages": chosen})

    # ---- resources answered with an HTML page -----------------------------------------------

    def expect(self, url: str, expects: str) -> None:
        if expects:
            self.expected.setdefault(url, expects)

    def check_resource(
        self, response: Response, kind: str, outcome: TargetFacts
    ) -> TargetFacts | Request:
        """An image, script, stylesheet, icon or font that answers an HTML page (or nothing) is
        broken for the reader: error_link, or soft_404 when that page is an error page. A
        HEAD answer of type text/html is confirmed by reading the first bytes."""
        key = response.meta["key"]
        expects = self.expected.get(key, "")
        if not expects or outcome.reason or not 200 <= response.status < 300:
            self.expected.pop(key, None)
            return outcome
        request = request_of(response)
        headers_only = request.method == "HEAD" or (
            response.meta.get("stop_body") and not response.meta.get("sniff")
        )
        body = None if headers_only else bytes(response.body)
        problem = resource_mismatch(expects, outcome.content_type, body, outcome.size)
        if problem == "html" and body is None:
            return again(request, method="GET", sniff=True)
        self.expected.pop(key, None)
        if problem == "empty" or (body is not None and not body.strip()):
            note = Note.of(NoteCode.RESOURCE_EMPTY, expects=expects, what=EXPECT_NAMES_ZH[expects])
            return noted(outcome, note, reason=Reason.ERROR_LINK)
        if problem != "html":
            return outcome
        text, _, _ = decode_html(body or b"", header_charset(response))
        doc = parse_html(text)
        hint = not_found_hint(doc, title_of(doc))
        if hint:
            note = Note.of(NoteCode.PAGE_SAYS_NOT_FOUND, text=hint[:100])
            return noted(outcome, note, reason=Reason.SOFT_404)
        note = Note.of(NoteCode.RESOURCE_HTML, expects=expects, what=EXPECT_NAMES_ZH[expects])
        return noted(outcome, note, reason=Reason.ERROR_LINK)


def hop_of(url: str, stub: Redirect) -> dict[str, str]:
    """One hop of the home page's redirect chain, as recorded and shown."""
    return {"url": url, "kind": stub.kind, "to": stub.url, "evidence": stub.evidence}


def with_list_facts(column: ColumnFacts, facts: dict[str, Any]) -> ColumnFacts:
    return replace(
        column,
        item_count=facts["item_count"],
        newest_date=facts["newest_date"],
        empty_marker=facts["empty_marker"],
        year_uncertain=facts["year_uncertain"],
        evidence=facts["evidence"],
    )


def _shown(url: str, text: str) -> str:
    """What a header or footer part puts in the page: a script's written HTML, an HTML part
    (loaded by `.load()` or an iframe) itself."""
    return written_html(text) if url.split("?", 1)[0].lower().endswith(".js") else text
