"""What a recheck reads from the database: the full run it rechecks, the URLs that run's findings
rest on (the plan the spider fetches), and the snapshot its checks see.

A recheck (`inspector recheck`, `scrapy crawl site -a recheck=1`) fetches again only the home
page, the pages that linked to a broken target (and, through them, the targets still linked),
the list pages of stale or empty columns, and the inner pages of the footer-element sample when
an element was missing there. Its checks see the full run's snapshot with what was fetched
again laid over it (`recheck_snapshot`): a page, target or column fetched again replaces the
full run's, the links of a page fetched again replace that page's links, everything else is
the full run's. Which findings it may then call fixed is inspector/judge/recheck.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.facts import ColumnFacts, SiteSnapshot
from inspector.store.history import run_is_complete
from inspector.store.models import FindingRow, LinkRow, PageRow, RunRow, SiteRow
from inspector.store.snapshot import load_columns, load_snapshot, site_of

# Finding codes whose evidence a recheck fetches again (the rest are carried as still open).
BROKEN_CODES = frozenset({"broken_link"})
COLUMN_CODES = frozenset({"column_stale", "column_empty"})
ELEMENT_CODES = frozenset({"missing_element"})


class RecheckError(ValueError):
    """A recheck that cannot be made: the message says why and what to run first (bad input:
    one line, exit 2, inspector/errors.py)."""


@dataclass
class RecheckPlan:
    """What one site's recheck fetches: the home page, then `pages`; `targets` are fetched when
    a page fetched again still links to them; `columns` (the full run's) let the spider read a
    list page fetched again as the column it was."""

    site_id: str
    base_run_id: int
    home_url: str
    pages: list[str] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)
    columns: list[ColumnFacts] = field(default_factory=list)
    pages_left_out: int = 0  # source pages beyond INSPECTOR_RECHECK_MAX_PAGES
    page_set: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.page_set = set(self.pages)

    def allows(self, url: str) -> bool:
        """Whether the recheck fetches `url` when a page fetched again links to it."""
        return url in self.targets or url in self.page_set

    def summary(self) -> dict[str, Any]:
        """What the recheck run records of its plan (`run.stats["recheck"]`)."""
        return {
            "base_run_id": self.base_run_id,
            "pages_planned": len(self.pages) + 1,
            "targets_planned": len(self.targets),
            "pages_left_out": self.pages_left_out,
        }


def last_full_run(session: Session, site_id: str) -> RunRow | None:
    """The site's newest complete full inspection (None when it has none)."""
    query = (
        select(RunRow)
        .where(
            RunRow.site_id == site_id,
            RunRow.kind == "full",
            RunRow.finished_at.is_not(None),
        )
        .order_by(RunRow.id.desc())
    )
    return next((run for run in session.scalars(query) if run_is_complete(run)), None)


def base_run_or_fail(session: Session, site_id: str) -> RunRow:
    """The full run a recheck of `site_id` rechecks, or RecheckError saying what to run."""
    row = session.get(SiteRow, site_id)
    if row is None:
        raise RecheckError(
            f"no site {site_id} in the database: inspect it first with inspector crawl"
        )
    if row.status != "active":
        raise RecheckError(
            f"site {site_id} is registered {row.status}: a recheck fetches an active site's "
            "pages again (a closed site's answer is checked by inspector probe)"
        )
    base = last_full_run(session, site_id)
    if base is None:
        raise RecheckError(
            f"site {site_id} has no complete full inspection to recheck: run "
            f"inspector crawl --site {site_id} first"
        )
    if (base.stats or {}).get("pruned_at"):
        raise RecheckError(
            f"the pages of site {site_id}'s last complete full inspection (run {base.id}) were "
            f"pruned: run inspector crawl --site {site_id} first"
        )
    return base


def _source_pages(session: Session, run_id: int, targets: list[str]) -> list[str]:
    """The pages that linked to these targets, those linking to most of them first."""
    counts: dict[str, int] = {}
    for i in range(0, len(targets), 500):
        for (source,) in session.execute(
            select(LinkRow.source_url).where(
                LinkRow.run_id == run_id, LinkRow.target_url.in_(targets[i : i + 500])
            )
        ):
            counts[source] = counts.get(source, 0) + 1
    return sorted(counts, key=lambda url: (-counts[url], url))


def plan_recheck(session: Session, site_id: str, max_pages: int) -> RecheckPlan:
    """What a recheck of `site_id` fetches, from the findings of its last full run."""
    base = base_run_or_fail(session, site_id)
    site = site_of(session.get_one(SiteRow, site_id))
    findings = session.scalars(select(FindingRow).where(FindingRow.run_id == base.id)).all()
    columns = load_columns(session, base.id)
    home_urls = {site.url}
    home = session.execute(
        select(PageRow.url, PageRow.final_url).where(
            PageRow.run_id == base.id, PageRow.is_home.is_(True)
        )
    ).first()
    home_urls.update(u for u in (home or ()) if u)
    broken = sorted({f.url for f in findings if f.check in BROKEN_CODES})
    wanted = [f.url for f in findings if f.check in COLUMN_CODES]
    if any(f.check == "homepage_stale" and f.detail.get("basis") == "columns" for f in findings):
        # Judged by its first-level columns: their list pages say whether it is fresh now.
        wanted += [c.url for c in columns if c.item_count is not None and not c.parent]
    if any(f.check in ELEMENT_CODES and f.detail.get("where") == "inner_pages" for f in findings):
        wanted += list(((base.stats or {}).get("element_sample") or {}).get("pages") or [])
    wanted += _source_pages(session, base.id, broken)
    pages = [u for u in dict.fromkeys(wanted) if u not in home_urls]
    return RecheckPlan(
        site_id=site_id,
        base_run_id=base.id,
        home_url=site.url,
        pages=pages[:max_pages],
        targets=set(broken),
        columns=columns,
        pages_left_out=max(0, len(pages) - max_pages),
    )


def mark_rechecks(session: Session, plans: dict[int, RecheckPlan]) -> None:
    """Record the runs just started (run id → plan) as rechecks of their full runs."""
    for run_id, plan in plans.items():
        run = session.get_one(RunRow, run_id)
        run.kind, run.base_run_id = "recheck", plan.base_run_id
    session.commit()


def recheck_snapshot(session: Session, run: RunRow) -> tuple[SiteSnapshot, RunRow | None]:
    """What the checks of a recheck run see, and the full run it rechecks.

    The full run's snapshot with the recheck's pages, targets, the links of its pages and its
    columns laid over it; the as-of date is the recheck's. When the recheck could not reach the
    home page, its own snapshot alone (and None); RecheckError when the full run's pages are
    gone.
    """
    if (run.stats or {}).get("pruned_at"):
        raise RecheckError(
            f"run {run.id} was pruned: its pages are gone, it cannot be judged again"
        )
    own = load_snapshot(session, run.id)
    if own.home_error:
        return own, None  # unreachable: judged as any run that could not reach the site
    base_run = session.get(RunRow, run.base_run_id) if run.base_run_id else None
    if base_run is None or (base_run.stats or {}).get("pruned_at"):
        # Judged alone, a few pages would look like a site missing nearly everything.
        raise RecheckError(
            f"run {run.id} rechecks run {run.base_run_id}, whose pages are gone (pruned): "
            "it cannot be judged again"
        )
    base = load_snapshot(session, base_run.id)
    fetched = {p.url for p in own.pages} | {p.final_url for p in own.pages}
    pages = {p.url: p for p in base.pages}
    pages.update((p.url, p) for p in own.pages)
    return (
        replace(
            base,
            run_id=run.id,
            as_of=run.as_of,
            started_at=run.started_at,
            finish_reason=own.finish_reason,
            home=own.home or base.home,
            home_error="",
            pages=list(pages.values()),
            targets={**base.targets, **own.targets},
            links=[k for k in base.links if k.source_url not in fetched] + list(own.links),
            columns=own.columns or base.columns,
            probes=own.probes,
        ),
        base_run,
    )
