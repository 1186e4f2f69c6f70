"""Sites and runs in the database: the registry's rows, and one run per site and crawl."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.registry import Site
from inspector.store.db import upsert
from inspector.store.models import RunRow, SiteRow
from inspector.store.rows import site_row


def upsert_sites(session: Session, sites: list[Site]) -> None:
    now = clock.now()
    rows = [site_row(s, now) for s in sites]
    for i in range(0, len(rows), 500):
        upsert(session, SiteRow, rows[i : i + 500], ["site_id"])


def start_runs(
    session: Session, sites: list[Site], as_of: date, rules: str, batch: str
) -> dict[str, int]:
    """One run per site; sites that are not crawled get a finished run right away."""
    upsert_sites(session, sites)
    now = clock.now()
    run_ids: dict[str, int] = {}
    for s in sites:
        status = {"active": "running", "exception": "skipped", "closed": "closed"}[s.status]
        run = RunRow(
            site_id=s.site_id,
            batch=batch,
            as_of=as_of,
            rules=rules,
            started_at=now,
            status=status,
            finished_at=None if status == "running" else now,
            finish_reason="" if status == "running" else f"not crawled: registered {s.status}",
            bounds_tripped={},
            stats={},
            home_evidence={},
            check_errors={},
            verdict_detail={},
        )
        session.add(run)
        session.flush()
        run_ids[s.site_id] = run.id
    session.commit()
    return run_ids


def known_sizes(session: Session, site_ids: list[str]) -> dict[str, int]:
    """URLs checked by each site's latest finished run (any batch): its size, when known."""
    sizes: dict[str, int] = {}
    for i in range(0, len(site_ids), 500):
        latest = (
            select(func.max(RunRow.id))
            .where(
                RunRow.status == "finished",
                RunRow.kind == "full",  # a recheck fetched a few pages: not the site's size
                RunRow.site_id.in_(site_ids[i : i + 500]),
            )
            .group_by(RunRow.site_id)
        ).scalar_subquery()
        rows = session.execute(
            select(RunRow.site_id, RunRow.targets_checked).where(RunRow.id.in_(latest))
        )
        sizes.update({site_id: int(size or 0) for site_id, size in rows})
    return sizes
