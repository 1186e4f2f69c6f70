"""Freshness: zombie and sleeping sites (僵尸网站/睡眠网站) judged from the pages' own dates.

Census 2015 rules, kept in the 2019 spot checks; windows, categories and thresholds come from
the rules profile (`[freshness]`, `[categories]`). An item with no date counts as not updated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.base import Check, Finding, Severity, SiteSnapshot
from inspector.facts import ColumnFacts


def _age(as_of: date, newest: date | None) -> int | None:
    return None if newest is None else (as_of - newest).days


def judged_columns(site: SiteSnapshot) -> list[ColumnFacts]:
    """Columns that can be judged: on the site, with their list page fetched."""
    return [c for c in site.columns if not c.external and c.item_count is not None]


def is_empty(column: ColumnFacts) -> bool:
    """暂无信息/正在建设中 shown, or nothing at all (no item, no dated content) on a column of a
    dated category. A page of category `other` without items (a service platform, an
    introduction), or a column that shows one dated article, is not a list that lost its items."""
    if column.empty_marker:
        return True
    return column.item_count == 0 and column.newest_date is None and column.category != "other"


def column_detail(column: ColumnFacts, **extra: object) -> dict[str, object]:
    """The evidence every column finding carries: the column as shown and how it was classed."""
    return {
        "column": column.name,
        "canonical": column.canonical,
        "category": column.category,
        "parent": column.parent,
        **extra,
    }


FRESH, STALE, UNCERTAIN = "fresh", "stale", "uncertain"


@dataclass(frozen=True, slots=True)
class HomeReading:
    """What the home page's dates say: the newest date whose year is shown or settled, the
    newest reading of a month-day whose year nothing settles, and the verdict they allow."""

    settled: date | None
    uncertain: date | None
    outcome: str  # fresh | stale | uncertain
    newest: date | None  # the most favourable reading (what a stale finding reports)


def read_home_dates(
    newest: date | None,
    evidence: Sequence[Mapping[str, Any]],
    as_of: date,
    window: int,
) -> HomeReading:
    """Judge the home page's newest item without inventing freshness: a month-day whose year
    is uncertain can neither prove the page fresh nor, when it would be fresh, let it be
    vetoed; the crawl then reads that item's own date."""
    settled = _newest(e for e in evidence if e.get("year") != "uncertain")
    uncertain = _newest(e for e in evidence if e.get("year") == "uncertain")
    if not evidence:
        settled = newest  # runs stored before years were recorded
    if uncertain is not None and settled is not None and uncertain <= settled:
        uncertain = None
    best = max((d for d in (settled, uncertain) if d is not None), default=None)
    if settled is not None and (as_of - settled).days <= window:
        return HomeReading(settled, uncertain, FRESH, best)
    if uncertain is not None and (as_of - uncertain).days <= window:
        return HomeReading(settled, uncertain, UNCERTAIN, best)
    return HomeReading(settled, uncertain, STALE, best)


def _newest(entries: Iterator[Mapping[str, Any]]) -> date | None:
    dates = []
    for entry in entries:
        try:
            dates.append(date.fromisoformat(str(entry.get("date"))))
        except ValueError:
            continue
    return max(dates, default=None)


class HomepageStale(Check):
    """首页不更新 — no item on the home page dated within the window (14 days) before T.

    When the home page is only a navigation page (no dated items at all), the newest date of
    its second-level column pages is used instead (column pages without dated items count as
    not updated; with no column page read at all there is no evidence and no finding). A date shown without a year (`10-11`) gets
    its year from evidence (the item's URL, the page's generation time, full dates on the
    page); when nothing settles it and only that reading would make the page fresh, there is no
    veto (the evidence would be invented either way). Finding `homepage_stale` (veto); detail:
    `newest_date`, `age_days`, `threshold_days`, `basis` ("home" or "columns"), `evidence`
    (the dated items the newest date came from: text as shown, date, rule, and `year` — url,
    generated, page or uncertain — for dates shown without a year), `year_uncertain`.
    """

    code = "homepage_stale"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        self.days = int(profile.get("freshness.homepage_days", 14))

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        home = site.home
        if site.site.status != "active" or home is None or site.home_error:
            return
        newest, basis, evidence = home.newest_item_date, "home", list(home.date_evidence)
        reading = read_home_dates(newest, evidence, site.as_of, self.days)
        if newest is None:
            judged = judged_columns(site)
            if not judged:
                # Nothing dated on the home page and no column page read: the page could not
                # be read (written by script, an unfollowed stub), which is no evidence.
                return
            dated = [c for c in judged if c.newest_date is not None and not c.parent]
            if dated:
                best = max(dated, key=lambda c: c.newest_date)
                basis = "columns"
                evidence = [
                    {"text": best.name, "date": best.newest_date.isoformat(), "url": best.url}
                ]
                reading = HomeReading(best.newest_date, None, STALE, best.newest_date)
                if (site.as_of - best.newest_date).days <= self.days:
                    return
        if reading.outcome in (FRESH, UNCERTAIN):
            return
        age = _age(site.as_of, reading.newest)
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "newest_date": reading.newest.isoformat() if reading.newest else None,
                "age_days": age,
                "threshold_days": self.days,
                "basis": basis,
                "evidence": evidence[:5],
                "year_uncertain": reading.uncertain is not None,
            },
            key="home",
        )


class ColumnStale(Check):
    """栏目不更新 — a column whose newest item is older than its category's window.

    news 14 days, notice 183, policy 183, personnel 365, planning 365 (profile
    `[freshness.windows]`); columns of category other are never stale. Finding `column_stale`
    (major), url = the column's list page; detail: `column` (as shown), `canonical`, `category`,
    `newest_date`, `age_days`, `threshold_days`.
    """

    code = "column_stale"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        self.windows = {k: int(v) for k, v in profile.section("freshness.windows").items()}

    def stale(self, site: SiteSnapshot) -> list[tuple[ColumnFacts, int | None, int]]:
        found = []
        for column in judged_columns(site):
            window = self.windows.get(column.category)
            if window is None or is_empty(column):
                continue
            age = _age(site.as_of, column.newest_date)
            if age is None or age > window:
                found.append((column, age, window))
        return found

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for column, age, window in self.stale(site):
            yield Finding(
                self.code,
                Severity.MAJOR,
                column.url,
                column_detail(
                    column,
                    newest_date=column.newest_date.isoformat() if column.newest_date else None,
                    age_days=age,
                    threshold_days=window,
                ),
                key=column.url,
            )


class ColumnEmpty(Check):
    """空白栏目 — a column list page that says 暂无信息/正在建设中, or a news, notice, policy,
    personnel or planning column with no items at all.

    Finding `column_empty` (major), url = the list page; detail: `column`, `canonical`,
    `category`, `item_count`, `empty_marker`.
    """

    code = "column_empty"

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for column in judged_columns(site):
            if is_empty(column):
                yield Finding(
                    self.code,
                    Severity.MAJOR,
                    column.url,
                    column_detail(
                        column, item_count=column.item_count, empty_marker=column.empty_marker
                    ),
                    key=column.url,
                )


class ColumnVeto(Check):
    """栏目单项否决 — too many stale or empty columns fail the site outright.

    Thresholds from the profile's `[freshness.veto]`: `stale_key_columns` (5) stale columns of
    the key categories (news, notice, policy), `stale_or_empty_columns` (10) stale or empty
    columns in all, `empty_columns` (5) empty columns. One `column_veto` finding (veto) per
    threshold reached; detail: `rule`, `count`, `threshold`, `columns` (names).
    """

    code = "column_veto"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        veto = profile.section("freshness.veto")
        self.key_categories = set(veto.get("key_categories", ["news", "notice", "policy"]))
        self.thresholds = {
            "stale_key_columns": int(veto.get("stale_key_columns", 5)),
            "stale_or_empty_columns": int(veto.get("stale_or_empty_columns", 10)),
            "empty_columns": int(veto.get("empty_columns", 5)),
        }
        self.stale_check = ColumnStale(profile)

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        stale = [c for c, _, _ in self.stale_check.stale(site)]
        empty = [c for c in judged_columns(site) if is_empty(c)]
        groups = {
            "stale_key_columns": [c for c in stale if c.category in self.key_categories],
            "stale_or_empty_columns": stale + empty,
            "empty_columns": empty,
        }
        for rule, columns in groups.items():
            threshold = self.thresholds[rule]
            if len(columns) >= threshold:
                yield Finding(
                    self.code,
                    Severity.VETO,
                    site.site.url,
                    {
                        "rule": rule,
                        "count": len(columns),
                        "threshold": threshold,
                        "columns": [c.name for c in columns][:30],
                    },
                    key=rule,
                )
