"""Plain records that flow between the phases: what the crawl extracted, what is stored, what
checks read. One dataclass per record, from the spider to the database and back.

Nothing here touches the network or the database, so `checks/` can import it freely.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from inspector.boardfacts import BoardFacts
from inspector.guidefacts import GuideFacts
from inspector.registry import Site
from inspector.vocabulary import Note

# The name of the site record before the registry's `Site` was the only one (plugins may use it).
SiteInfo = Site


class Severity(enum.StrEnum):
    VETO = "veto"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    check: str  # stable code used in exports: "broken_link", "column_stale", ...
    severity: Severity
    url: str  # what the finding is about (target, column list page, site)
    detail: Mapping[str, Any] = field(default_factory=dict)
    # What makes this finding "the same problem" in the next run (tracking). Defaults to url.
    key: str = ""

    def identity(self, site_id: str) -> str:
        return f"{self.check}|{site_id}|{self.key or self.url}"


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One date-looking string on a page and what the extractor decided about it."""

    text: str  # the matched text, as on the page
    date: date | None  # parsed value (None when it could not be parsed)
    rule: str  # which rule matched: "label", "meta:PubDate", "list_item", "url", ...
    accepted: bool
    reason: str = ""  # why it was rejected ("clock", "copyright", "future", "title_year", ...)
    # For a date shown without a year: where the year came from (url, generated, page) or
    # "uncertain" (read against the as-of day, no evidence). "" when the year is shown.
    year: str = ""
    url: str = ""  # for a list item's date: the item's link as written (its own page)


@dataclass(frozen=True, slots=True)
class PageDates:
    """Result of date extraction on one page."""

    kind: str  # "article" | "list" | "home" | "not_found" | "other"
    pub_date: date | None  # publication date (article pages)
    newest_item_date: date | None  # newest dated item (list and home pages)
    item_dates: Sequence[date]  # dates of the list items, page order
    meta_date: date | None  # date from <meta name=PubDate ...> and the like, kept when it disagrees
    candidates: Sequence[DateCandidate]
    # The newest item's year is not settled by any evidence (a month-day read against T that is
    # newer than every item whose year is known): it proves nothing about freshness.
    year_uncertain: bool = False
    newest_settled: date | None = None  # newest item date whose year is shown or settled
    generated: date | None = None  # when the page says it was generated (页面生成时间, Maketime)

    @property
    def date(self) -> date | None:
        """The date a census reader would take from this page."""
        return self.pub_date if self.kind == "article" else (self.newest_item_date or self.pub_date)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """One fetched HTML page of a run, as the spider reads it and the store keeps it.

    `facts` is everything else read from the page, stored as JSON (item count, date evidence,
    anchors, footer elements, …); `elements`, `anchors` and `date_evidence` are the parts of it
    that checks read, filled when a snapshot is loaded (see SiteSnapshot for which pages).
    """

    url: str
    final_url: str
    status: int | None
    content_type: str
    size: int
    depth: int
    title: str
    elapsed_ms: int | None
    is_home: bool = False
    kind: str = "other"
    pub_date: date | None = None
    newest_item_date: date | None = None
    meta_date: date | None = None
    encoding_declared: str = ""
    encoding_used: str = ""
    not_found_hint: str = ""  # why the page looks like an error page ("" when it does not)
    fingerprint: str = ""  # body fingerprint used for soft-404 detection
    elements: Mapping[str, Any] = field(default_factory=dict)  # page elements found (footer etc.)
    anchors: frozenset[str] = frozenset()  # id and <a name> values: the fragments a link can target
    date_evidence: Sequence[Mapping[str, Any]] = ()  # accepted date candidates: text, date, rule
    facts: Mapping[str, Any] = field(default_factory=dict)
    # The security facts (inspector.crawl.extract.security: hidden, scripts, wording, cloaking),
    # the part of `facts` the security checks read: filled for every page of a snapshot.
    security: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TargetFacts:
    """One unique URL fetched during a run, with its outcome: built by the spider
    (`inspector.crawl.outcomes`), stored as a `target` row, read back by the checks."""

    url: str
    internal: bool
    kind: str  # a TargetKind: page (internal HTML crawled), resource, external, invalid
    method: str  # HEAD | GET ("" when not fetched)
    status: int | None
    reason: str  # "" when fine; else a Reason or http_NNN
    final_url: str = ""
    redirects: Sequence[str] = ()
    content_type: str = ""
    size: int | None = None
    elapsed_ms: int | None = None
    note: str = ""  # the note as text (Note.text): what exports show
    note_code: str = ""  # a NoteCode ("" for free text, such as an error message)
    note_params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def note_record(self) -> Note:
        return Note.read(self.note_code, self.note_params, self.note)


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """One link occurrence: a source page pointing at a target URL."""

    source_url: str
    target_url: str  # absolute, without fragment
    element: str  # a, img, script, link, iframe, ...
    attribute: str  # href, src, srcset, content, ...
    text: str = ""  # anchor text or alt
    fragment: str = ""


@dataclass(frozen=True, slots=True)
class ColumnFacts:
    """A column (栏目) of a site: a list page found from the home page or the site map."""

    name: str  # as shown on the site
    canonical: str  # canonical name from the rules' synonym tables ("" when unknown)
    category: str  # news | notice | policy | personnel | planning | other
    url: str  # list page URL
    parent: str = ""  # parent column name, for sub-columns
    source: str = "nav"  # nav | more | sitemap | sub
    newest_date: date | None = None
    item_count: int | None = None  # items on page one; None when the list page was not fetched
    empty_marker: bool = False  # the list page says 暂无信息 / 正在建设中
    external: bool = False  # the link leaves the site (counts as present for missing_column)
    # The newest item shows month-day only and nothing settled its year: newest_date is the
    # most favourable reading and proves nothing about freshness.
    year_uncertain: bool = False
    evidence: Sequence[Mapping[str, Any]] = ()  # newest items as read (text, date, rule, year, url)


@dataclass(slots=True)
class SiteSnapshot:
    """One stored run of one site, as the checks see it.

    Complete: `site`, `pages` (every fetched HTML page), `targets` (every URL checked, by URL),
    `columns`, and the run's `bounds_tripped` and `stats`.

    Partial, to keep a 20,000-page site in memory:

    * `links` holds the links that checks need, not every occurrence: every link on the home
      page, every link to a target that has a problem (a reason), and every link that names a
      fragment;
    * of a page's stored `facts`, `elements` is loaded for every page, but `anchors` only for
      the home page and pages some link names a fragment of, and `date_evidence` only for the
      home page; `PageFacts.facts` itself is loaded for the home page only;
    * `probes` holds the availability samples of the 31 days up to the as-of date (and those
      a nightly took for that date later), each a dict: `at`, `outcome`, `status`, `error`,
      `final_url`, `elapsed_ms`, `as_of`;
    * `boards` holds what each board's page budget allowed to read (`BoardFacts.truncated`
      says when the budget ran out), `guides` a sample of the 办事指南 pages (`[services]
      sample`).
    """

    site: Site
    run_id: int
    as_of: date
    started_at: datetime | None
    finish_reason: str
    home: PageFacts | None
    home_error: str  # why the home page could not be fetched ("" when it was)
    pages: Sequence[PageFacts]
    targets: Mapping[str, TargetFacts]
    links: Sequence[LinkFacts]
    columns: Sequence[ColumnFacts]
    bounds_tripped: Mapping[str, Any] = field(default_factory=dict)
    stats: Mapping[str, Any] = field(default_factory=dict)
    probes: Sequence[Mapping[str, Any]] = ()  # availability samples (see above)
    boards: Sequence[BoardFacts] = ()  # message boards and the messages read from them
    guides: Sequence[GuideFacts] = ()  # the 办事指南 pages sampled (2019 服务不实用)

    @property
    def home_urls(self) -> frozenset[str]:
        """Every URL the home page goes by: the registered one, the fetched one, the final one."""
        urls = {self.site.url}
        if self.home is not None:
            urls |= {self.home.url, self.home.final_url}
        urls.discard("")
        return frozenset(urls)
