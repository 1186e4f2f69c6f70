"""The province across nights: per inspection date, how many sites passed, failed or could not
be reached, and how many problems were open, new and fixed (the one count of
inspector/judge/counts.py, as each run was judged). The export's 每日趋势 sheet and the
overview's trend chart show it; an office sees whether rectification works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.judge.counts import ProblemCounts, stored_counts, tracked_counts
from inspector.judge.tracking import load_tracking, profile_deadline_days
from inspector.store.models import RunRow

TREND_NIGHTS = 31  # the nights shown: a month of nightly runs


@dataclass(frozen=True, slots=True)
class Night:
    """One inspection date: the latest finished run of each site that has one that day."""

    as_of: date
    sites: int = 0
    passed: int = 0
    failed: int = 0  # fail and closed-but-online verdicts, not the unreachable ones
    unreachable: int = 0
    other: int = 0  # skipped (exceptions), closed, not judged
    problems: int = 0  # new + open
    new: int = 0
    open: int = 0
    fixed: int = 0


def _bucket(verdict: str | None) -> str:
    if verdict == "pass":
        return "passed"
    if verdict == "unreachable":
        return "unreachable"
    if verdict in ("fail", "closed_online"):
        return "failed"
    return "other"


def nightly_runs(
    session: Session, site_ids: Sequence[str] | None = None, nights: int = TREND_NIGHTS
) -> dict[date, list[RunRow]]:
    """as_of → the latest finished run of each site on that date, for the last `nights` dates.
    Full inspections only: a recheck (复查) looked again at a site's problems, not at the site."""
    query = (
        select(RunRow)
        .where(RunRow.finished_at.is_not(None), RunRow.kind != "recheck")
        .order_by(RunRow.id)
    )
    if site_ids:
        query = query.where(RunRow.site_id.in_(list(site_ids)))
    latest: dict[date, dict[str, RunRow]] = {}
    for run in session.scalars(query):
        if run.as_of is not None:
            latest.setdefault(run.as_of, {})[run.site_id] = run  # later ids win
    kept = sorted(latest)[-nights:] if nights > 0 else []
    return {day: list(latest[day].values()) for day in kept}


def run_counts(session: Session, run: RunRow, deadlines: dict[str | None, int]) -> ProblemCounts:
    """The run's problem counts as judged; tracked now for a run judged before they were kept.
    `deadlines` caches each profile's deadline_days (a profile is read once, not once per run)."""
    kept = stored_counts(run.stats)
    if kept is not None:
        return kept
    if run.rules not in deadlines:
        deadlines[run.rules] = profile_deadline_days(run.rules)
    return tracked_counts(load_tracking(session, run, deadline_days=deadlines[run.rules]))


def province_trend(
    session: Session, site_ids: Sequence[str] | None = None, nights: int = TREND_NIGHTS
) -> list[Night]:
    """One Night per inspection date, oldest first (empty without finished runs)."""
    result = []
    deadlines: dict[str | None, int] = {}
    for day, runs in nightly_runs(session, site_ids, nights).items():
        counts = {"passed": 0, "failed": 0, "unreachable": 0, "other": 0}
        problems = new = open_ = fixed = 0
        for run in runs:
            counts[_bucket(run.verdict)] += 1
            tracked = run_counts(session, run, deadlines)
            problems += tracked.total
            new += tracked.new
            open_ += tracked.open
            fixed += tracked.fixed
        result.append(
            Night(day, len(runs), **counts, problems=problems, new=new, open=open_, fixed=fixed)
        )
    return result
