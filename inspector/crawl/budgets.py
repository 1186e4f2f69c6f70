"""Per-site budgets: no site can take the machine.

What one site can make the crawler do is bounded, each bound a setting, and each bound that
trips is recorded on the site's run (`bounds_tripped`: count and an example URL):

- URLs fetched per site, pages, resources and external links together (INSPECTOR_MAX_URLS),
  and link occurrences read from one page (INSPECTOR_MAX_PAGE_LINKS): the spider
  (spiders/site.py). A site's URLs wait as strings in its own backlog and are handed to
  Scrapy's scheduler INSPECTOR_SITE_QUEUED at a time (inspector/crawl/feeding.py).
- Wall time per site (INSPECTOR_SITE_SECONDS): `SiteBudgets` below drops the site's queued
  requests once it is spent; what is in flight ends within DOWNLOAD_TIMEOUT.
- Response headers (INSPECTOR_MAX_HEADERS, INSPECTOR_MAX_HEADER_BYTES): Twisted's HTTP client
  keeps every header line it is sent, however many (a 16 KiB limit per line is all it has), so
  an endless header stream grows the process without bound. `BoundedClientParser` stops it.
- Body bytes, compressed and decompressed (DOWNLOAD_MAXSIZE, Scrapy's own: its
  HttpCompressionMiddleware applies it to the decompressed body of gzip/deflate/br bombs too).

A response over a bound is reason `too_large`: recorded, not counted as broken.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import IgnoreRequest


class HeadersTooLargeError(Exception):
    """A response whose headers exceed INSPECTOR_MAX_HEADERS or INSPECTOR_MAX_HEADER_BYTES."""


class BudgetExceeded(IgnoreRequest):
    """A request of a site whose budget is spent: dropped, nothing recorded for its URL."""


class BoundedClientParser(_LenientHTTPClientParser):
    """Scrapy's response parser, with a bound on the number and the bytes of header lines.

    Raising from the parser makes Twisted give the response up (HTTP11ClientProtocol catches
    it and fails the request with it as the reason), and closes the connection."""

    max_headers = 500
    max_header_bytes = 256 * 1024
    MAX_LENGTH = max_header_bytes  # one line (LineReceiver's own limit)
    _header_bytes = 0
    _headers = 0

    def lineReceived(self, line: bytes) -> None:  # noqa: N802 - Twisted API
        self._header_bytes += len(line) + 2
        if self._header_bytes > self.max_header_bytes:
            raise HeadersTooLargeError(f"response headers over {self.max_header_bytes} bytes")
        super().lineReceived(line)

    def headerReceived(self, name: bytes, value: bytes) -> None:  # noqa: N802
        self._headers += 1
        if self._headers > self.max_headers:
            raise HeadersTooLargeError(f"more than {self.max_headers} response headers")
        super().headerReceived(name, value)

    def lineLengthExceeded(self, line: bytes) -> None:  # noqa: N802
        raise HeadersTooLargeError(f"a response header line over {self.MAX_LENGTH} bytes")


class _BoundedProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request: Any) -> Any:
        # Twisted's request() builds its parser by name; Scrapy's lenient protocol swaps the
        # parser's class afterwards (it adds no state), and so does this one.
        d = super().request(request)
        self._parser.__class__ = BoundedClientParser
        return d


class _BoundedFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> Any:  # noqa: N802 - Twisted API
        return _BoundedProtocol(self._quiescentCallback)


class BoundedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose responses are parsed by `BoundedClientParser`."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        s = crawler.settings
        BoundedClientParser.max_headers = max(1, s.getint("INSPECTOR_MAX_HEADERS"))
        BoundedClientParser.max_header_bytes = max(1024, s.getint("INSPECTOR_MAX_HEADER_BYTES"))
        BoundedClientParser.MAX_LENGTH = BoundedClientParser.max_header_bytes
        self._pool._factory = _BoundedFactory


class SiteBudgets:
    """Downloader middleware: a site past INSPECTOR_SITE_SECONDS sends no more requests (its
    home page aside); each one dropped counts in the bound `site_seconds`."""

    def process_request(self, request: Request) -> None:
        meta = request.meta
        sc = meta.get("sc")
        if sc is None or not sc.deadline or meta.get("shared") is not None:
            return None
        if meta.get("kind") != "home" and time.monotonic() > sc.deadline:
            sc.trip("site_seconds", request.url)
            raise BudgetExceeded(f"site {sc.site.site_id}: INSPECTOR_SITE_SECONDS spent")
        return None
