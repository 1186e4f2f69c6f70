"""Sites and runs in the database: the registry's rows, and one run per site and crawl."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inspector import clock
from inspector.registry import Site
from inspector.store.db import affected, upsert
from inspector.store.models import RunRow, SiteRow
from inspector.store.resume import DONE_STATUSES, abandon_run
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


def _lock_site(session: Session, site_id: str) -> None:
    """Row lock on the site until commit: claims and finishes of one site take turns
    (PostgreSQL; SQLite has one writer at a time anyway)."""
    session.execute(select(SiteRow.site_id).where(SiteRow.site_id == site_id).with_for_update())


def claim_run(
    session: Session, site: Site, as_of: date, rules: str, batch: str, worker: str
) -> int | None:
    """A distributed worker's run of `site` in `batch`; None when the batch has a done run of it.

    A `running` or `interrupted` run of the site in the batch belongs to a worker whose lease
    expired (killed, lost, stalled): it is emptied and marked `abandoned` here, so that its
    worker, if still alive, cannot finish it (`finish_guard`). Commits.
    """
    upsert_sites(session, [site])
    _lock_site(session, site.site_id)
    runs = session.scalars(
        select(RunRow).where(RunRow.batch == batch, RunRow.site_id == site.site_id)
    ).all()
    if any(r.status in DONE_STATUSES for r in runs):
        session.commit()
        return None
    for run in runs:
        if run.status in ("running", "interrupted"):
            was = run.status
            abandon_run(session, run)
            run.finish_reason = f"{was}: its worker's lease expired; taken over by {worker}"[:100]
    run_id = start_runs(session, [site], as_of, rules, batch)[site.site_id]
    run = session.get_one(RunRow, run_id)
    run.stats = {"worker": worker}
    session.commit()
    return run_id


def finish_guard(
    session: Session, run_id: int, site_id: str, batch: str, *, once_per_batch: bool
) -> bool:
    """Take the right to finish a run, in the caller's transaction (held until its commit).

    False when the run is no longer `running` (abandoned by a worker that took the site over)
    or, with `once_per_batch`, when another run of the site in the batch is already done: a
    site is finished at most once.
    """
    _lock_site(session, site_id)
    if once_per_batch:
        other = session.scalar(
            select(RunRow.id)
            .where(
                RunRow.batch == batch,
                RunRow.site_id == site_id,
                RunRow.id != run_id,
                RunRow.status.in_(DONE_STATUSES),
            )
            .limit(1)
        )
        if other is not None:
            return False
    claimed = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "running")
        .values(status="finishing")
        .execution_options(synchronize_session=False)
    )
    return affected(claimed) == 1


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
