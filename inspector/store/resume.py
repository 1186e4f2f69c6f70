"""Resuming a nightly run after a crash: what is done stays, what was cut is redone cleanly.

A nightly run is one *batch* of runs, named after the registry and the as-of date
(`nightly_batch`), so a restart the same night finds the runs of the killed attempt:

* a site whose latest run in the batch is finished / unreachable / skipped / closed is done and
  is not crawled again;
* a site whose latest run is `running` (the process was killed mid-crawl) or `interrupted`
  (SIGTERM, Ctrl-C) lost an unknown tail of its crawl: that run's page, target, link, column and
  finding rows are deleted and the run is marked `abandoned` (kept, so that the log and the
  database tell what happened), then the site is crawled again from its home page. Nothing is
  stored twice: the new run starts empty and the abandoned one holds nothing any more.
* a done run whose checks were cut short (killed between the crawl's last write and the
  check step, which commits findings and score in one transaction) has no finding rows: the
  checks run again on it (`inspector.ops.nightly.repair_checks`; they are idempotent).

Abandoned runs keep `finished_at` empty, so finding tracking (first seen) never takes them for
the previous run of the site.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.registry import Site
from inspector.store.db import affected
from inspector.store.models import ColumnRow, FindingRow, LinkRow, PageRow, RunRow, TargetRow

logger = logging.getLogger(__name__)

DONE_STATUSES = frozenset(("finished", "unreachable", "skipped", "closed"))
ABANDONED = "abandoned"
# Rows that belong to one run's crawl and its checks; the run row itself is kept.
RUN_DATA = (LinkRow, PageRow, TargetRow, ColumnRow, FindingRow)


def nightly_batch(registry: str | Path, as_of: date) -> str:
    """`nightly-<as_of>-<registry name>-<hash of its path>`: the same every restart that night.

    The path (not the content) names the registry, so fixing a typo in the file and restarting
    resumes instead of crawling everything again.
    """
    path = Path(registry).resolve()
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in path.stem)[:24]
    return f"nightly-{as_of.isoformat()}-{stem}-{digest}"


@dataclass
class ResumePlan:
    batch: str
    done: dict[str, int] = field(default_factory=dict)  # site_id → its done run in the batch
    abandoned: dict[str, int] = field(default_factory=dict)  # site_id → run cleaned just now
    to_crawl: list[Site] = field(default_factory=list)


def latest_runs_in_batch(session: Session, batch: str) -> dict[str, RunRow]:
    """The latest run of each site in the batch."""
    latest = (
        select(func.max(RunRow.id)).where(RunRow.batch == batch).group_by(RunRow.site_id)
    ).scalar_subquery()
    return {r.site_id: r for r in session.scalars(select(RunRow).where(RunRow.id.in_(latest)))}


def delete_run_data(session: Session, run_id: int) -> dict[str, int]:
    """Delete what one run stored (pages, targets, links, columns, findings); counts per table."""
    counts = {}
    for model in RUN_DATA:
        counts[model.__tablename__] = affected(
            session.execute(delete(model).where(model.run_id == run_id))
        )
    return counts


def abandon_run(session: Session, run: RunRow) -> dict[str, int]:
    """Empty a cut run and mark it abandoned (in the caller's transaction)."""
    counts = delete_run_data(session, run.id)
    was = run.status
    run.status = ABANDONED
    run.finish_reason = f"{was} when the nightly run stopped; crawled again"[:100]
    run.pages_crawled = 0
    run.targets_checked = 0
    run.score = None
    run.verdict = None
    run.stats = {**(run.stats or {}), "abandoned_at": _now_iso(), "deleted_rows": counts}
    return counts


def plan_resume(session: Session, batch: str, sites: Iterable[Site]) -> ResumePlan:
    """Decide which sites still need a run in this batch; clean the runs that were cut.

    Commits: a crash right after leaves abandoned runs, which the next attempt skips over.
    """
    plan = ResumePlan(batch)
    latest = latest_runs_in_batch(session, batch)
    for site in sites:
        run = latest.get(site.site_id)
        if run is not None and run.status in DONE_STATUSES:
            plan.done[site.site_id] = run.id
            continue
        if run is not None and run.status != ABANDONED:
            was = run.status
            counts = abandon_run(session, run)
            plan.abandoned[site.site_id] = run.id
            logger.info(
                "site %s: run %s was %s; its rows are deleted (%s) and the site is crawled again",
                site.site_id,
                run.id,
                was,
                ", ".join(f"{n} {table}" for table, n in counts.items() if n) or "none stored",
            )
        plan.to_crawl.append(site)
    session.commit()
    return plan


def runs_without_findings(session: Session, batch: str) -> list[int]:
    """Done runs of the batch that have no finding row: their checks may not have run."""
    has_findings = select(FindingRow.run_id).where(FindingRow.run_id == RunRow.id).exists()
    return list(
        session.scalars(
            select(RunRow.id)
            .where(RunRow.batch == batch, RunRow.status.in_(DONE_STATUSES), ~has_findings)
            .order_by(RunRow.id)
        )
    )


def batch_status(
    session: Session, batch: str, site_ids: Iterable[str]
) -> tuple[dict[str, int], list[str]]:
    """(count of sites per latest-run status, site_ids not done) for the batch."""
    latest = latest_runs_in_batch(session, batch)
    counts: dict[str, int] = {}
    missing = []
    for site_id in site_ids:
        run = latest.get(site_id)
        status = run.status if run is not None else "not started"
        counts[status] = counts.get(status, 0) + 1
        if status not in DONE_STATUSES:
            missing.append(site_id)
    return counts, missing


def _now_iso() -> str:
    return clock.now().isoformat(timespec="seconds")
