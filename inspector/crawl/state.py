"""The site spider's state: per site (SiteCrawl), per shared external check, per external host,
and the request meta keys the spider and its downloader middlewares share.

Request meta (set by the spider, read and renewed by inspector/crawl/middlewares.py):

    sc           the SiteCrawl the request belongs to
    key          the URL as linked (redirects keep it; the outcome is recorded under it)
    kind         home | page | column | itemdate | layoutjs | board | resource | external |
                 probe404 | robots
    board        the BoardFetch a message-board request is for (boardcrawl.py)
    depth        link depth from the home page
    chain        the URLs redirected from so far
    shared       the SharedCheck of an external URL (None for a site's own URLs)
    t0           time.monotonic() when this hop was sent (elapsed_ms is measured from it)
    download_slot  the site's slot, or the host's for other hosts
    stop_body    stop reading at the headers (GET of a checked resource)
    tries        Retry-After waits so far
    not_before   time.monotonic() before which the request is held (Retry-After)
    home_chain   the redirect stubs followed to this home page (inspector/crawl/reading.py)
    held         the page waiting for this item page's date (kind itemdate)
    sniff        read the first bytes of a checked resource after all (an HTML type for an image)
    fed          made from the site's backlog (inspector/crawl/feeding.py): one of its queued few
    too_large    the body went over DOWNLOAD_MAXSIZE (the spider stopped reading it)
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request

from inspector.facts import ColumnFacts
from inspector.registry import Site

# Attachments: a link to one of these that answers with an HTML page or nothing is an 错链.
ATTACHMENT_EXTENSIONS = frozenset(
    [
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".wps",
        ".et",
        ".dps",
        ".ofd",
        ".zip",
        ".rar",
        ".7z",
        ".txt",
        ".csv",
        ".ceb",
        ".caj",
    ]
)
# Internal links with these extensions are resources to check, never pages to parse.
RESOURCE_EXTENSIONS = ATTACHMENT_EXTENSIONS | frozenset(
    [
        ".gz",
        ".tar",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".webp",
        ".svg",
        ".ico",
        ".tif",
        ".tiff",
        ".mp3",
        ".mp4",
        ".avi",
        ".wmv",
        ".flv",
        ".mov",
        ".swf",
        ".css",
        ".js",
        ".exe",
        ".apk",
        ".dmg",
        ".iso",
        ".xml",
        ".json",
        ".woff",
        ".woff2",
        ".ttf",
        ".eot",
    ]
)
# Kinds of requests whose answer is a page to parse.
PAGE_KINDS = frozenset(("home", "page"))
# Kinds whose outcome is the site's business only (no target row is recorded for them).
UNRECORDED_KINDS = frozenset(
    ("probe404", "robots", "column", "itemdate", "layoutjs", "board", "cloak")
)


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
    # Columns (栏目) by list-page URL; their list-page facts are filled as their pages are parsed.
    columns: dict[str, ColumnFacts] = field(default_factory=dict)
    columns_judged: set[str] = field(default_factory=set)
    sitemap_url: str | None = None
    element_samples: int = 0
    # Message boards and 办事指南 pages (inspector/crawl/boardcrawl.py): created with the home page.
    boards: Any = None  # inspector.crawl.boards.site.SiteBoards
    guides: dict[str, Any] = field(default_factory=dict)  # URL → GuideFacts read
    guide_candidates: set[str] = field(default_factory=set)  # pages linked from a guide column
    columns_offered: int = 0  # columns already offered to the boards
    # Budgets (inspector/crawl/budgets.py, feeding.py): URLs waiting as strings, how many of the
    # site's requests are in Scrapy at once, URLs spent, the monotonic deadline (0: none).
    backlog: deque[tuple[str, str, int, str, str | None]] = field(default_factory=deque)
    fed: int = 0
    urls: int = 0
    deadline: float = 0.0
    # Links to private and loopback addresses may be fetched (inspector/crawl/addresses.py).
    private_ok: bool = False
    # The soft-404 probes answered so far, and the title keys of those answered with a page:
    # once all answered, only a page with one of these titles can be the "not found" page, so
    # only such pages need a fingerprint (inspector/crawl/extract/page.py).
    probes_answered: int = 0
    probe_titles: set[str] = field(default_factory=set)

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


OWN_META = (
    "sc", "key", "kind", "depth", "chain", "shared", "t0", "download_slot", "stop_body", "tries",
    "home_chain", "held", "sniff", "board", "cloak", "fed",
)  # fmt: skip  # the meta keys of the table above, packed


def own_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The spider's meta keys only: Scrapy's internal keys must not leak into a new request."""
    return {k: meta[k] for k in OWN_META if k in meta}


def again(request: Request, *, method: str | None = None, **changes: Any) -> Request:
    """The same target asked again (another method, a redirect hop, a wait): a fresh clock."""
    meta = own_meta(request.meta)
    meta["t0"] = time.monotonic()
    meta.update(changes)
    method = method or request.method
    meta["stop_body"] = method == "GET" and meta["kind"] == "resource"
    return request.replace(method=method, meta=meta, dont_filter=True)
