"""Downloader middlewares of the site spider: redirects followed with their chain kept,
Retry-After honoured without blocking, and HEAD requests that a server refuses asked again
with GET. The spider's callbacks see only final answers. And the log formatter that keeps
Scrapy's per-response and per-item DEBUG lines out of a crawl that does not log DEBUG.

They act on the site spider's requests only (those with the `sc` meta key, see
inspector/crawl/state.py); Scrapy's own RedirectMiddleware and RetryMiddleware are off
(REDIRECT_ENABLED, RETRY_ENABLED) because they drop the chain and the reasons we record.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.logformatter import LogFormatter

from inspector.crawl.outcomes import exception_reason
from inspector.crawl.state import PAGE_KINDS, again, own_meta
from inspector.vocabulary import REDIRECT_STATUSES, Reason


def _ours(request: Request) -> bool:
    return "sc" in request.meta


class Redirects:
    """Follow a redirect as a new request that remembers the chain; a loop or a chain longer
    than INSPECTOR_MAX_REDIRECTS is not followed: the response reaches the spider with
    meta["redirect_stop"] = (reason, the whole chain and the target)."""

    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects

    @classmethod
    def from_crawler(cls, crawler: Any) -> Redirects:
        return cls(crawler.settings.getint("INSPECTOR_MAX_REDIRECTS"))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in REDIRECT_STATUSES or not _ours(request):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        meta = request.meta
        target = response.urljoin(location.decode("latin-1").strip()).partition("#")[0]
        chain = (*meta["chain"], response.url)
        if target in chain:
            meta["redirect_stop"] = (Reason.REDIRECT_LOOP, [*chain, target])
            return response
        if len(chain) >= self.max_redirects:
            meta["redirect_stop"] = (Reason.TOO_MANY_REDIRECTS, [*chain, target])
            return response
        new_meta = own_meta(meta)
        new_meta.update(chain=chain, t0=time.monotonic())
        method = "GET" if response.status == 303 else request.method
        return request.replace(url=target, method=method, meta=new_meta, body=b"")


class RetryAfter:
    """429/503 with a short Retry-After: ask again when the server said (at most
    INSPECTOR_RETRY_AFTER_TRIES times, never longer than INSPECTOR_RETRY_AFTER_MAX seconds),
    holding the request in process_request without blocking the crawl. Pages (home, page)
    are not retried: their answer is recorded as it is."""

    def __init__(self, max_wait: float, tries: int) -> None:
        self.max_wait = max_wait
        self.tries = tries

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfter:
        s = crawler.settings
        return cls(s.getfloat("INSPECTOR_RETRY_AFTER_MAX"), s.getint("INSPECTOR_RETRY_AFTER_TRIES"))

    async def process_request(self, request: Request) -> None:
        not_before = request.meta.get("not_before")
        if not_before:
            wait = not_before - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503) or not _ours(request):
            return response
        meta = request.meta
        if meta["kind"] in PAGE_KINDS:
            return response
        raw = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
        tries = meta.get("tries", 0)
        if not raw.isdigit() or tries >= self.tries or float(raw) > self.max_wait:
            return response
        return again(request, tries=tries + 1, not_before=time.monotonic() + float(raw))


class HeadFallback:
    """Many servers refuse or mishandle HEAD (405, 501, 403, even 404, or a dropped
    connection): GET decides."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.method == "HEAD" and response.status >= 400 and _ours(request):
            return again(request, method="GET")
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if (
            request.method == "HEAD"
            and _ours(request)
            and exception_reason(exception) == Reason.CONNECTION_RESET
        ):
            return again(request, method="GET")
        return None


class QuietLogFormatter(LogFormatter):
    """Scrapy logs every response ("Crawled (200) …") and every item ("Scraped from …") at
    DEBUG, and builds the record even when no handler keeps it (its root logger is left at
    NOTSET): two log records per URL. Kept only when the crawl logs at DEBUG."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietLogFormatter:
        level = crawler.settings.get("LOG_LEVEL")
        name = logging.getLevelName(level) if isinstance(level, int) else str(level).upper()
        return cls(debug=name == "DEBUG")

    # Scrapy skips the record when these return None (its annotation says they never do).
    def crawled(self, request: Request, response: Response, spider: Any) -> Any:
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return super().scraped(item, response, spider) if self.debug else None
