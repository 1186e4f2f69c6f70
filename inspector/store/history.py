"""A site's earlier runs and their findings: what rectification tracking compares a run with.

Two kinds of runs cannot prove anything is fixed: a run where the site could not be reached
(only the veto is recorded) and a run that was interrupted or skipped. Such a run is not
*complete*; the next run compares with the last complete run as well as with the previous one
(see inspector/judge/tracking.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.store.models import FindingRow, RunRow

# Runs that saw too little of the site to say that a problem is gone.
INCOMPLETE_STATUSES = frozenset({"running", "interrupted", "abandoned", "unreachable", "skipped"})
INCOMPLETE_VERDICTS = frozenset({"unreachable", "skipped"})


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """What tracking needs of a stored finding."""

    identity: str
    check: str
    severity: str
    url: str
    first_seen: date | None = None


def run_is_complete(run: RunRow) -> bool:
    return run.status not in INCOMPLETE_STATUSES and (run.verdict or "") not in INCOMPLETE_VERDICTS


def comparison_runs(session: Session, run: RunRow) -> list[RunRow]:
    """The previous finished run of the site, plus the last complete one if that one is not.

    Full inspections are compared with full inspections: a recheck (复查) looked at part of the
    site only. A recheck is compared with the full run it rechecks.
    """
    if run.kind == "recheck":
        base = session.get(RunRow, run.base_run_id) if run.base_run_id else None
        return [base] if base is not None else []
    earlier = select(RunRow).where(
        RunRow.site_id == run.site_id,
        RunRow.id < run.id,
        RunRow.finished_at.is_not(None),
        RunRow.kind != "recheck",
    )
    previous = session.scalars(earlier.order_by(RunRow.id.desc()).limit(1)).first()
    if previous is None:
        return []
    if run_is_complete(previous):
        return [previous]
    for candidate in session.scalars(
        earlier.where(RunRow.id < previous.id).order_by(RunRow.id.desc())
    ):
        if run_is_complete(candidate):
            return [previous, candidate]
    return [previous]


def records_of(rows: Iterable[Any]) -> list[FindingRecord]:
    """FindingRecords from FindingRow objects (or rows with the same attributes)."""
    return [FindingRecord(r.identity, r.check, r.severity, r.url, r.first_seen) for r in rows]


def finding_records(session: Session, run_ids: Sequence[int]) -> list[FindingRecord]:
    """The findings of these runs."""
    if not run_ids:
        return []
    rows = session.execute(
        select(
            FindingRow.identity,
            FindingRow.check,
            FindingRow.severity,
            FindingRow.url,
            FindingRow.first_seen,
        ).where(FindingRow.run_id.in_(list(run_ids)))
    )
    return [FindingRecord(*row) for row in rows]


def run_findings(session: Session, run: RunRow) -> Sequence[FindingRow]:
    """A run's finding rows, in the order they were stored."""
    return session.scalars(
        select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id)
    ).all()


def first_seen_dates(session: Session, run: RunRow) -> dict[str, Any]:
    """identity → first-seen date, over the runs this run is compared with (the previous run,
    and the last complete one when the previous was cut short: a night of downtime must
    neither "fix" every problem nor reset its first-seen date)."""
    first_seen: dict[str, Any] = {}
    for earlier in reversed(comparison_runs(session, run)):
        for identity, seen in session.execute(
            select(FindingRow.identity, FindingRow.first_seen).where(
                FindingRow.run_id == earlier.id
            )
        ):
            first_seen[identity] = seen
    return first_seen
