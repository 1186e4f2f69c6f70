"""Stable reason classes for fetch outcomes, shared by the crawl and the availability probes."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

# Reasons that make a link "打不开" (cannot be opened) for the census.
BROKEN_REASONS = frozenset(
    {
        "timeout",
        "connection_refused",
        "connection_reset",
        "connection_error",
        "dns",
        "tls",
        "redirect_loop",
        "too_many_redirects",
        "soft_404",
        "error_link",
        "bad_response",
        "invalid_url",
    }
)


def is_broken(reason: str) -> bool:
    if not reason:
        return False
    if reason.startswith("http_"):
        return True
    return reason in BROKEN_REASONS


def http_reason(status: int) -> str:
    return "" if 200 <= status < 400 else f"http_{status}"


def _is_tls(exc: BaseException) -> bool:
    name = f"{type(exc).__module__}.{type(exc).__name__}"
    return "SSL" in name or "ssl" in name or "TLS" in name or "OpenSSL" in name


def failure_reason(failure: Failure) -> tuple[str, str]:
    """(reason class, human-readable error) for a download failure."""
    exc = failure.value
    text = f"{type(exc).__name__}: {exc}"[:500]
    return exception_reason(exc), text


def exception_reason(exc: BaseException) -> str:
    """Reason class of a download exception (Scrapy's wrappers are unwrapped to their cause)."""
    if isinstance(exc, IgnoreRequest):
        return "robots" if "robots.txt" in str(exc) else "ignored"
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
        return "connection_reset"
    if isinstance(exc, DownloadFailedError) and exc.__cause__ is not None:
        return exception_reason(exc.__cause__)
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived)):
        inner = [r.value for r in getattr(exc, "reasons", []) if isinstance(r, Failure)]
        if any(_is_tls(e) for e in inner):
            return "tls"
        if any(isinstance(e, net_error.TimeoutError) for e in inner):
            return "timeout"
        return "connection_reset"
    if isinstance(exc, (net_error.ConnectionLost, net_error.ConnectionDone)):
        return "connection_reset"
    if _is_tls(exc):
        return "tls"
    return "connection_error"
