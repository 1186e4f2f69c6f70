"""How the site spider hands a site's pages and resources to Scrapy: lazily, from the site's
own backlog, and within the site's URL and time budgets (inspector/crawl/budgets.py); and how
much of each answer it reads (the headers_received and bytes_received signals).

A page can link to 200,000 unique images. Queued as Requests (a few KiB each, with their meta)
they sat in Scrapy's scheduler all at once; as (url, kind, depth, method, encoding) tuples in
the site's backlog they cost what their strings cost, and only INSPECTOR_SITE_QUEUED of them are
Requests at any time: one more is made each time one of the site's requests finishes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response

from inspector.crawl.state import SiteCrawl

# Bytes of an external page read to recognise a parked domain.
PARKED_SNIFF_BYTES = 32 * 1024


class SiteFeeding:
    max_urls: int
    max_page_links: int
    site_queued: int
    site_seconds: float
    max_body: int
    intranet_sites: bool

    if TYPE_CHECKING:  # what the spider provides

        def _request(
            self,
            sc: SiteCrawl,
            url: str,
            kind: str,
            depth: int,
            method: str = "GET",
            *,
            count: bool = True,
            encoding: str | None = None,
        ) -> Request: ...

    def read_budgets(self, settings: Any) -> None:
        self.max_urls = settings.getint("INSPECTOR_MAX_URLS")
        self.max_page_links = settings.getint("INSPECTOR_MAX_PAGE_LINKS")
        self.site_queued = max(1, settings.getint("INSPECTOR_SITE_QUEUED"))
        self.site_seconds = settings.getfloat("INSPECTOR_SITE_SECONDS")
        self.max_body = settings.getint("DOWNLOAD_MAXSIZE")
        self.intranet_sites = settings.getbool("INSPECTOR_INTRANET_SITES")

    def start_budgets(self, sc: SiteCrawl) -> None:
        if self.site_seconds > 0:
            sc.deadline = time.monotonic() + self.site_seconds

    def spend_url(self, sc: SiteCrawl, url: str) -> bool:
        """One more URL fetched for the site, unless its INSPECTOR_MAX_URLS are spent."""
        if sc.urls >= self.max_urls:
            sc.trip("max_urls", url)
            return False
        sc.urls += 1
        return True

    def enqueue(
        self, sc: SiteCrawl, url: str, kind: str, depth: int, method: str, encoding: str | None
    ) -> None:
        """A URL the site will fetch: pending from now on, a Request when its turn comes."""
        sc.pending += 1
        sc.backlog.append((url, kind, depth, method, encoding))

    def feed(self, sc: SiteCrawl) -> Iterator[Any]:
        """Requests from the site's backlog, up to INSPECTOR_SITE_QUEUED in Scrapy at once.
        A site past its time budget gets none: its backlog is dropped (the caller then sees
        whether the site is done)."""
        backlog = sc.backlog
        if not backlog:
            return
        if sc.deadline and time.monotonic() > sc.deadline:
            entry = sc.bounds.setdefault("site_seconds", {"count": 0, "example": backlog[0][0]})
            entry["count"] += len(backlog)
            sc.pending -= len(backlog)
            backlog.clear()
            return
        while backlog and sc.fed < self.site_queued:
            url, kind, depth, method, encoding = backlog.popleft()
            sc.fed += 1
            request = self._request(sc, url, kind, depth, method, count=False, encoding=encoding)
            request.meta["fed"] = True
            yield request

    def fed_done(self, sc: SiteCrawl, meta: dict[str, Any]) -> Iterator[Any]:
        """One of the site's requests finished: the next ones from its backlog."""
        if meta.get("fed"):
            meta["fed"] = False  # counted once, whatever path finishes it
            sc.fed -= 1
        yield from self.feed(sc)

    def on_headers(
        self, headers: Headers, body_length: int, request: Request, spider: Spider
    ) -> None:
        """Stop reading bodies we do not need: checked resources, and non-HTML "pages"."""
        meta = request.meta
        if meta.get("stop_body") and not meta.get("sniff"):
            raise StopDownload(fail=False)
        kind = meta.get("kind")
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if kind in ("home", "page", "probe404") and "board" not in meta:
            if ctype and "html" not in ctype:
                raise StopDownload(fail=False)
        elif kind == "external" and "html" not in ctype:
            raise StopDownload(fail=False)

    def on_bytes(self, data: bytes, request: Request, spider: Spider) -> None:
        meta = request.meta
        got = meta.get("got", 0) + len(data)
        meta["got"] = got
        if got > meta.get("download_maxsize", self.max_body) > 0:
            # Before Scrapy cancels it (its error does not say why): reason too_large.
            meta["too_large"] = True
            raise StopDownload(fail=True)
        # External pages are sniffed for parking, never read whole.
        if meta.get("kind") == "external" or meta.get("sniff"):
            meta["sniffed"] = meta.get("sniffed", 0) + len(data)
            if meta["sniffed"] >= PARKED_SNIFF_BYTES:
                raise StopDownload(fail=False)

    def budget_reason(
        self, sc: SiteCrawl, meta: dict[str, Any], reason: str, error: str
    ) -> tuple[str, str]:
        """(reason, error) of a failed download, `too_large` when a body or header bound stopped
        it; the bound is recorded for the site."""
        if meta.get("too_large"):
            reason, error = "too_large", f"body over {self.max_body} bytes (DOWNLOAD_MAXSIZE)"
        if reason == "too_large":
            sc.trip("response_headers" if "header" in error else "body_bytes", meta["key"])
        return reason, error

    def note_home_address(self, sc: SiteCrawl, response: Response) -> None:
        """A site whose home page answers from a private or loopback address is on one itself:
        its links to such addresses may be fetched (inspector/crawl/addresses.py), unless
        INSPECTOR_INTRANET_SITES is off."""
        address = response.ip_address
        if self.intranet_sites and address is not None and not address.is_global:
            sc.private_ok = True
