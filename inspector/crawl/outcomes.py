"""Fetch outcomes: the one place a target's outcome (TargetFacts) is built, and the stable
reason classes of failures, shared by the crawl and the availability probes."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, cast

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from inspector.crawl.addresses import BlockedAddress
from inspector.crawl.budgets import HeadersTooLargeError
from inspector.crawl.extract.resources import looks_like_html
from inspector.crawl.parking import parked_hint
from inspector.crawl.responses import content_type
from inspector.crawl.scope import scope_key
from inspector.crawl.state import ATTACHMENT_EXTENSIONS, url_extension
from inspector.facts import TargetFacts
from inspector.vocabulary import Note, NoteCode, Reason, TargetKind, http_reason

# ---- outcomes ----------------------------------------------------------------------------------


def request_outcome(request: Request, kind: str) -> TargetFacts:
    """The outcome of a request that got no response (yet): its URL, kind, method, timing."""
    meta = request.meta
    url = meta["key"]
    return TargetFacts(
        url=url,
        internal=scope_key(url) in meta["sc"].scope,
        kind=TargetKind.PAGE if kind == "home" else kind,
        method=request.method,
        status=None,
        reason="",
        final_url=request.url,
        redirects=list(meta["chain"]),
        content_type="",
        size=None,
        elapsed_ms=int((time.monotonic() - meta["t0"]) * 1000),
    )


def response_outcome(response: Response, kind: str) -> TargetFacts:
    """The outcome of a response: status, reason class, final URL, type, size, redirects."""
    request = response.request
    assert request is not None  # Scrapy sets it on every response a callback gets
    headers = response.headers
    ctype = content_type(response)
    size: int | None
    if "download_stopped" in response.flags or request.method == "HEAD":
        length = headers.get(b"Content-Length")
        size = int(length) if length is not None and length.isdigit() else None
    else:
        size = len(response.body)
    outcome = replace(
        request_outcome(request, kind),
        status=response.status,
        reason=http_reason(response.status),
        final_url=response.url,
        content_type=ctype[:200],
        size=size,
    )
    if response.meta["chain"]:
        outcome = replace(outcome, redirects=[*response.meta["chain"], response.url])
    return outcome


def noted(outcome: TargetFacts, note: Note, **changes: Any) -> TargetFacts:
    """The outcome with a note (a code with parameters, or free text) and other changes."""
    return replace(
        outcome,
        note=note.text,
        note_code=note.code or "",
        note_params=dict(note.params),
        **changes,
    )


# An attachment this small may be an error page saved under the document's name (served with
# the document's type): its first bytes are read. Real documents are larger.
SMALL_ATTACHMENT = 4096


def first_bytes_needed(url: str, outcome: TargetFacts) -> bool:
    """Whether a resource's HEAD answer needs its first bytes read: HEAD may lie (emptiness is
    what GET reads), and a small attachment may be an error page under the document's name."""
    if outcome.reason:
        return False
    size = outcome.size
    small = size is not None and size < SMALL_ATTACHMENT
    return size == 0 or (small and url_extension(url) in ATTACHMENT_EXTENSIONS)


def wrong_thing(response: Response, kind: str, outcome: TargetFacts) -> TargetFacts:
    """错链: the target opens, but is not what the link promises (an attachment that is an HTML
    page or empty, an external domain that is parked or for sale)."""
    url = response.meta["key"]
    note = None
    if kind == "resource" and url_extension(url) in ATTACHMENT_EXTENSIONS:
        head = bytes(response.body[:4096]) if outcome.method == "GET" else b""
        if "html" in outcome.content_type or (head and looks_like_html(head)):
            note = Note.of(NoteCode.ATTACHMENT_HTML)  # by its type, or by what it holds
        elif outcome.size == 0:
            note = Note.of(NoteCode.ATTACHMENT_EMPTY)
    elif kind == "external" and outcome.method == "GET" and response.body:
        hint = parked_hint(response.body, response.url)
        if hint:
            note = Note.of(NoteCode.PARKED_DOMAIN, hint=hint)
    return outcome if note is None else noted(outcome, note, reason=Reason.ERROR_LINK)


def invalid_outcome(url: str, why: str) -> TargetFacts:
    """A link no browser can open: broken without a fetch. `why`: file_url, no_host, bad_url."""
    note = Note.of(NoteCode(why)) if why in NoteCode.__members__.values() else Note(free=why)
    return noted(
        TargetFacts(url, False, TargetKind.INVALID, "", None, Reason.INVALID_URL, final_url=url),
        note,
    )


def gave_up_outcome(url: str, host: str, count: int) -> TargetFacts:
    """An external URL not fetched because its host timed out `count` times in a row."""
    return noted(
        TargetFacts(url, False, TargetKind.EXTERNAL, "", None, Reason.TIMEOUT, final_url=url),
        Note.of(NoteCode.HOST_GAVE_UP, host=host, count=count),
    )


# ---- reason classes ----------------------------------------------------------------------------


def _is_tls(exc: BaseException) -> bool:
    name = f"{type(exc).__module__}.{type(exc).__name__}"
    return "SSL" in name or "ssl" in name or "TLS" in name or "OpenSSL" in name


def failure_reason(failure: Failure) -> tuple[str, str]:
    """(reason class, human-readable error) for a download failure."""
    exc = cast(BaseException, failure.value)  # an errback's failure always holds one
    text = f"{type(exc).__name__}: {exc}"[:500]
    return exception_reason(exc), text


def _broken_framing(exc: BaseException | None) -> str:
    """ "bad_response" when Twisted gave a body up for malformed chunked framing (a browser shows
    ERR_INVALID_CHUNKED_ENCODING), else ""."""
    for r in getattr(exc, "reasons", None) or []:
        if isinstance(r, Failure) and type(r.value).__name__ == "_MalformedChunkedDataError":
            return "bad_response"
    return ""


def exception_reason(exc: BaseException) -> str:
    """Reason class of a download exception (Scrapy's wrappers are unwrapped to their cause)."""
    if isinstance(exc, BlockedAddress):
        return "blocked_address"
    if isinstance(exc, IgnoreRequest):
        if "DOWNLOAD_MAXSIZE" in str(exc):
            return "too_large"  # Scrapy's HttpCompressionMiddleware: a decompression bomb
        return "robots" if "robots.txt" in str(exc) else "ignored"
    if isinstance(exc, HeadersTooLargeError):
        return "too_large"
    if isinstance(exc, (CannotResolveHostError, net_error.DNSLookupError)):
        return "dns"
    if isinstance(exc, (DownloadTimeoutError, net_error.TimeoutError, net_error.TCPTimedOutError)):
        return "timeout"
    if isinstance(exc, (DownloadConnectionRefusedError, net_error.ConnectionRefusedError)):
        return "connection_refused"
    if isinstance(exc, DownloadCancelledError):
        # Scrapy cancels a download that exceeds DOWNLOAD_MAXSIZE.
        return "too_large" if "max size" in str(exc) else "connection_error"
    if isinstance(exc, ResponseDataLossError):
        return _broken_framing(exc.__cause__) or "connection_reset"
    if isinstance(exc, DownloadFailedError) and exc.__cause__ is not None:
        return exception_reason(exc.__cause__)
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived)):
        inner = [
            r.value
            for r in getattr(exc, "reasons", [])
            if isinstance(r, Failure) and isinstance(r.value, BaseException)
        ]
        if any(_is_tls(e) for e in inner):
            return "tls"
        if any(isinstance(e, HeadersTooLargeError) for e in inner):
            return "too_large"
        if _broken_framing(exc):
            return "bad_response"
        if any(isinstance(e, net_error.TimeoutError) for e in inner):
            return "timeout"
        return "connection_reset"
    if isinstance(exc, (net_error.ConnectionLost, net_error.ConnectionDone)):
        return "connection_reset"
    if _is_tls(exc):
        return "tls"
    return "connection_error"
