"""Pruning: the full data of old runs goes, their scores, verdicts and findings stay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.store.db import affected
from inspector.store.models import ColumnRow, LinkRow, PageRow, ProbeRow, RunRow, TargetRow


@dataclass
class PruneResult:
    runs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    probes: int = 0


def prune_runs(session: Session, keep_runs: int, *, chunk: int = 200) -> PruneResult:
    """Delete pages, targets, links and columns of every run older than the `keep_runs` latest
    full inspections of its site (and the `keep_runs` latest rechecks); run rows (with score and verdict) and findings stay, so trends survive.

    Running and abandoned runs are never counted or touched; pruned runs get `stats.pruned_at`.
    """
    # Full inspections and rechecks counted apart: rechecks must not push out of the kept runs
    # the full inspection they recheck.
    rank = func.row_number().over(
        partition_by=(RunRow.site_id, RunRow.kind), order_by=RunRow.id.desc()
    )
    ranked = (
        select(RunRow.id.label("id"), rank.label("rank"))
        .where(RunRow.status.not_in(("running", "abandoned")))
        .subquery()
    )
    old_ids = list(session.scalars(select(ranked.c.id).where(ranked.c.rank > keep_runs)))
    result = PruneResult()
    now = clock.now().isoformat(timespec="seconds")
    for i in range(0, len(old_ids), chunk):
        runs = [
            r
            for r in session.scalars(select(RunRow).where(RunRow.id.in_(old_ids[i : i + chunk])))
            if not (r.stats or {}).get("pruned_at")
        ]
        if not runs:
            continue
        ids = [r.id for r in runs]
        for model in (LinkRow, PageRow, TargetRow, ColumnRow):
            deleted = affected(session.execute(delete(model).where(model.run_id.in_(ids))))
            result.rows[model.__tablename__] = result.rows.get(model.__tablename__, 0) + deleted
        for r in runs:
            r.stats = {**(r.stats or {}), "pruned_at": now}
        session.commit()  # one chunk per transaction: a long prune never holds one huge lock
        result.runs += len(runs)
    return result


def prune_probes(session: Session, keep_days: int) -> int:
    """Delete probe samples older than `keep_days` (the availability window needs 7)."""
    cutoff = clock.now() - timedelta(days=keep_days)
    deleted = affected(session.execute(delete(ProbeRow).where(ProbeRow.at < cutoff)))
    session.commit()
    return deleted
