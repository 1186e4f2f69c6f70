"""Helpers for check authors (and our own tests): a snapshot in a few lines, a frozen clock.

A check is a pure function of a SiteSnapshot, so testing one needs no crawl and no database::

    from inspector.testing import check_findings, home_page, link, make_snapshot

    snap = make_snapshot(home=home_page(), links=[link(URL, "https://old.example/", "旧网站")])
    assert check_findings(MyCheck, snap) == []

`check_findings` builds the check from a rules profile (census2015 by default) the way the
runner does and validates what it yields the way the runner does (a Finding with a Severity).
`frozen_clock(instant)` fixes `inspector.clock` (and INSPECTOR_NOW for child processes) inside
a `with` block, for code that asks for "now" or "today".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from checks.base import Check
from inspector.clock import frozen as frozen_clock
from inspector.facts import (
    ColumnFacts,
    Finding,
    LinkFacts,
    PageFacts,
    SiteSnapshot,
    TargetFacts,
)
from inspector.judge.checkrun import validated
from inspector.profile import RulesProfile, load_profile
from inspector.registry import Site

__all__ = [
    "AS_OF",
    "URL",
    "check_findings",
    "column",
    "frozen_clock",
    "home_page",
    "link",
    "make_snapshot",
    "page",
    "site",
    "target",
]

URL = "http://www.example.gov.cn/"
AS_OF = date(2026, 11, 28)


def site(
    site_id: str = "test",
    url: str = URL,
    *,
    name: str = "示例县人民政府",
    kind: str = "portal",
    status: str = "active",
    organizer: str = "",
    site_code: str = "",
) -> Site:
    return Site(site_id, name, url, kind, status, organizer, site_code)


def page(url: str = URL, *, final_url: str = "", status: int = 200, **fields: Any) -> PageFacts:
    """A fetched HTML page; any other PageFacts field by keyword (kind, newest_item_date, …)."""
    values: dict[str, Any] = {
        "content_type": "text/html",
        "size": 1000,
        "depth": 0 if fields.get("is_home") else 1,
        "title": "",
        "elapsed_ms": 10,
    }
    values.update(fields)
    return PageFacts(url, final_url or url, status, **values)


def home_page(url: str = URL, **fields: Any) -> PageFacts:
    return page(url, **{"is_home": True, "kind": "home", "title": "首页", **fields})


def target(
    url: str,
    reason: str = "",
    *,
    status: int | None = None,
    internal: bool = True,
    kind: str = "page",
    method: str = "GET",
    **fields: Any,
) -> TargetFacts:
    """A URL's outcome: `reason` "" when fine, else a Reason or http_NNN."""
    if status is None and reason.startswith("http_"):
        status = int(reason.removeprefix("http_"))
    return TargetFacts(url, internal, kind, method, status, reason, **fields)


def link(
    source: str, target_url: str, text: str = "", *, element: str = "a", fragment: str = ""
) -> LinkFacts:
    attribute = "href" if element in ("a", "area", "link") else "src"
    return LinkFacts(source, target_url, element, attribute, text, fragment)


def column(
    name: str,
    category: str = "other",
    *,
    url: str = "",
    canonical: str | None = None,
    newest_date: date | None = None,
    item_count: int | None = 5,
    **fields: Any,
) -> ColumnFacts:
    """A column (栏目); its list page under URL unless `url` says where."""
    return ColumnFacts(
        name,
        name if canonical is None else canonical,
        category,
        url or f"{URL}{name}/",
        newest_date=newest_date,
        item_count=item_count,
        **fields,
    )


def make_snapshot(
    *,
    site: Site | None = None,
    home: PageFacts | None = None,
    pages: Sequence[PageFacts] = (),
    targets: Iterable[TargetFacts] | Mapping[str, TargetFacts] = (),
    links: Sequence[LinkFacts] = (),
    columns: Sequence[ColumnFacts] = (),
    probes: Sequence[Mapping[str, Any]] = (),
    as_of: date = AS_OF,
    home_error: str = "",
    run_id: int = 1,
    started_at: datetime | None = None,
    finish_reason: str = "crawl complete",
    bounds_tripped: Mapping[str, Any] | None = None,
    stats: Mapping[str, Any] | None = None,
    **site_fields: Any,
) -> SiteSnapshot:
    """A SiteSnapshot as `load_snapshot` would give it. The site is `site`, or built from
    `site_fields` (site_id, url, name, kind, status, site_code: see `site()`); the home page is
    added to `pages` when it is not there."""
    the_site = site if site is not None else _site(**site_fields)
    all_pages = list(pages)
    if home is not None and home not in all_pages:
        all_pages.insert(0, home)
    by_url = dict(targets) if isinstance(targets, Mapping) else {t.url: t for t in targets}
    return SiteSnapshot(
        site=the_site,
        run_id=run_id,
        as_of=as_of,
        started_at=started_at,
        finish_reason=finish_reason,
        home=home,
        home_error=home_error,
        pages=all_pages,
        targets=by_url,
        links=list(links),
        columns=list(columns),
        bounds_tripped=dict(bounds_tripped or {}),
        stats=dict(stats or {}),
        probes=list(probes),
    )


_site = site


def check_findings(
    check: Check | type[Check], snapshot: SiteSnapshot, profile: RulesProfile | None = None
) -> list[Finding]:
    """What a check finds in a snapshot, as the runner would store it: the check is built from
    `profile` (census2015 by default) when a class is given, and every value it yields must be
    a Finding with a Severity (CheckYieldError otherwise)."""
    if isinstance(check, type):
        check = check.from_profile(profile or load_profile("census2015"))
    return validated(check.check_site(snapshot))
