"""What the spider hands to the storage pipeline. One item per fetched URL, not per link, and
one item per thing learnt about a site as a whole. The records inside are those of
`inspector.facts`, the same the store writes and the checks read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inspector.facts import BoardFacts, ColumnFacts, GuideFacts, PageFacts, TargetFacts

# A link occurrence on a page, as buffered for the link table: (target_url, element,
# attribute, text, fragment, position).
LinkTuple = tuple[str, str, str, str, str, str]


@dataclass(slots=True)
class TargetItem:
    """The outcome of fetching one URL for one site (pages have theirs in PageItem)."""

    site_id: str
    target: TargetFacts


@dataclass(slots=True)
class PageItem:
    """One crawled HTML page: its facts, its fetch outcome and every link on it."""

    site_id: str
    page: PageFacts
    target: TargetFacts
    links: list[LinkTuple] = field(default_factory=list)


@dataclass(slots=True)
class SiteEventItem:
    """Something learnt about the site as a whole, kept on its run (base of the events below)."""

    site_id: str


@dataclass(slots=True)
class HomeFailed(SiteEventItem):
    """The home page could not be fetched (after its retries): the site is unreachable."""

    error: str = ""
    reason: str = ""
    status: int | None = None


@dataclass(slots=True)
class RobotsSeen(SiteEventItem):
    """What robots.txt says (recorded, not obeyed): run.stats["robots"]."""

    facts: dict[str, Any] = field(default_factory=dict)  # status, size, disallow_all | error


@dataclass(slots=True)
class NotFoundProbe(SiteEventItem):
    """The site's answer to a URL that cannot exist: run.stats["not_found_probes"]."""

    facts: dict[str, Any] = field(default_factory=dict)
    # url, status, final_url, redirects, redirect_home, fingerprint | error


@dataclass(slots=True)
class ColumnsFound(SiteEventItem):
    """Every column (栏目) of the site, with the list-page facts read during the crawl."""

    columns: list[ColumnFacts] = field(default_factory=list)


@dataclass(slots=True)
class SiteStat(SiteEventItem):
    """A fact about the whole site's crawl, kept as run.stats[key] (e.g. the element sample)."""

    key: str = ""
    value: Any = None


@dataclass(slots=True)
class BoardsFound(SiteEventItem):
    """The site's message boards with the messages read, and its sampled 办事指南 pages."""

    boards: list[BoardFacts] = field(default_factory=list)
    guides: list[GuideFacts] = field(default_factory=list)


@dataclass(slots=True)
class SiteDone(SiteEventItem):
    """Nothing more to fetch for the site: its run can be finished and checked."""

    bounds: dict[str, Any] = field(default_factory=dict)  # bounds tripped: count and example
    pages_scheduled: int = 0
    urls_seen: int = 0


@dataclass(slots=True)
class ProbeItem:
    """One availability sample of one site's home page (spiders/probe.py; a `probe` row)."""

    site_id: str
    at: datetime  # UTC, naive: when the request reached the downloader
    outcome: str  # ok | merged | a Reason or http_NNN (inspector.vocabulary)
    status: int | None
    error: str
    elapsed_ms: int | None
    final_url: str
