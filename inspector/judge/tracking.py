"""Rectification tracking across runs: 新发现 (new), 未整改 (open), 已整改 (fixed), deadlines.

A finding's identity (`check|site_id|target`, see `Finding.identity`) is what makes it "the same
problem" from one run to the next. For one run of a site we compare with earlier runs of the
same site:

- `new`   — not seen in the previous run;
- `open`  — seen before: first seen on DATE, N days open;
- `fixed` — in the previous run, gone from this one.

A message-board finding is gone for another reason than a fix when the message left the judged
year: an `interaction_unanswered` message is fixed only when this run shows its reply (已整改),
and an `interaction_late` one is never "fixed" (the late answer happened). Such findings are
counted as `retired` (no longer judged), not fixed.

Two kinds of runs cannot prove anything is fixed: a run where the site could not be reached
(only the veto is recorded) and a run that was interrupted or skipped. Such a run is not
*complete*: it reports no fixed problems, and the next run compares with the last complete run
as well as with the immediate previous one, so one night of downtime neither "fixes" every
broken link nor resets the deadlines.

The deadline of a finding is first seen + `[tracking] deadline_days` of the rules profile
(default 30); it is overdue once the as-of date is past the deadline.

The functions over records are pure; `load_tracking` reads the rows through
`inspector.store.history`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from inspector.judge.reviews import dismissed_identities
from inspector.profile import ProfileError, RulesProfile, load_profile
from inspector.store.boards import message_states
from inspector.store.history import (
    FindingRecord,
    comparison_runs,
    finding_records,
    records_of,
    run_findings,
    run_is_complete,
)
from inspector.store.models import FindingRow, RunRow

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "FindingRecord",
    "FixedFinding",
    "RunTracking",
    "TrackedFinding",
    "comparison_runs",
    "deadline_days_of",
    "load_tracking",
    "track_findings",
    "validate_tracking",
]

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_DAYS = 30


@dataclass(frozen=True, slots=True)
class TrackedFinding:
    identity: str
    check: str
    severity: str
    url: str
    status: str  # new | open
    first_seen: date
    days_open: int
    deadline: date
    overdue: bool

    def as_dict(self) -> dict[str, Any]:
        """The per-finding `tracking` object of the export."""
        return {
            "status": self.status,
            "first_seen": self.first_seen.isoformat(),
            "days_open": self.days_open,
            "deadline": self.deadline.isoformat(),
            "overdue": self.overdue,
        }


@dataclass(frozen=True, slots=True)
class FixedFinding:
    identity: str
    check: str
    severity: str
    url: str
    first_seen: date | None
    fixed_by: date  # as-of date of the run that no longer shows it

    def as_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "check": self.check,
            "severity": self.severity,
            "url": self.url,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "fixed_by": self.fixed_by.isoformat(),
        }


@dataclass(slots=True)
class RunTracking:
    """Tracking of one run: per finding (in input order) and per site."""

    as_of: date
    deadline_days: int
    complete: bool  # False: this run cannot tell what was fixed
    findings: list[TrackedFinding] = field(default_factory=list)
    fixed: list[FixedFinding] = field(default_factory=list)
    unverified: int = 0  # earlier problems this incomplete run could not look at
    retired: int = 0  # earlier problems gone because they are no longer judged (not fixed)
    compared_with: list[int] = field(default_factory=list)  # run ids

    @property
    def new(self) -> int:
        return sum(1 for t in self.findings if t.status == "new")

    @property
    def open(self) -> int:
        return sum(1 for t in self.findings if t.status == "open")

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.findings if t.overdue)

    def summary(self) -> dict[str, Any]:
        """The per-site `tracking` object of the export."""
        return {
            "new": self.new,
            "open": self.open,
            "fixed": [f.as_dict() for f in self.fixed],
            "overdue": self.overdue,
            "deadline_days": self.deadline_days,
            "complete": self.complete,
            "unverified": self.unverified,
            "retired": self.retired,
            "compared_with": list(self.compared_with),
        }


def deadline_days_of(profile: RulesProfile | None) -> int:
    if profile is None:
        return DEFAULT_DEADLINE_DAYS
    validate_tracking(profile)
    return int(profile.section("tracking").get("deadline_days", DEFAULT_DEADLINE_DAYS))


def validate_tracking(profile: RulesProfile) -> None:
    table = profile.section("tracking")
    for key, value in table.items():
        if key != "deadline_days":
            raise ProfileError(
                profile.path, f"tracking.{key}", "unknown key (known: deadline_days)"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ProfileError(
                profile.path,
                "tracking.deadline_days",
                f"must be a whole number of days ≥ 1, not {value!r}",
            )


def track_findings(
    current: Sequence[FindingRecord],
    known: Iterable[FindingRecord],
    as_of: date,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    *,
    complete: bool = True,
    retire: Callable[[Sequence[FindingRecord]], set[str]] | None = None,
) -> RunTracking:
    """Tracking of `current` against the findings of earlier runs.

    `known`: findings of the runs compared with (the previous run, and the last complete run
    when the previous one was not complete); the earliest first-seen date of an identity wins.
    A known finding absent from `current` is fixed, unless this run is not `complete`, or
    `retire` (given the gone findings, it returns the identities of those that left for another
    reason than a fix) says otherwise: they are then `retired`.
    """
    first_seen: dict[str, date | None] = {}
    known_records: dict[str, FindingRecord] = {}
    for rec in known:
        known_records.setdefault(rec.identity, rec)
        seen = rec.first_seen
        old = first_seen.get(rec.identity)
        first_seen[rec.identity] = min(d for d in (old, seen) if d) if (old or seen) else None
    result = RunTracking(as_of=as_of, deadline_days=deadline_days, complete=complete)
    for rec in current:
        was_known = rec.identity in known_records
        candidates = [d for d in (rec.first_seen, first_seen.get(rec.identity)) if d]
        start = min(candidates) if candidates else as_of
        start = min(start, as_of)  # a stored date after the as-of date is a clock error
        deadline = start + timedelta(days=deadline_days)
        result.findings.append(
            TrackedFinding(
                identity=rec.identity,
                check=rec.check,
                severity=rec.severity,
                url=rec.url,
                status="open" if was_known else "new",
                first_seen=start,
                days_open=(as_of - start).days,
                deadline=deadline,
                overdue=as_of > deadline,
            )
        )
    now = {rec.identity for rec in current}
    gone = {identity: rec for identity, rec in known_records.items() if identity not in now}
    if complete and retire is not None:
        retired = retire(list(gone.values()))
        result.retired = len(retired)
        gone = {i: rec for i, rec in gone.items() if i not in retired}
    if complete:
        result.fixed = [
            FixedFinding(
                r.identity,
                r.check,
                r.severity,
                r.url,
                first_seen.get(r.identity) or r.first_seen,
                as_of,
            )
            for r in sorted(gone.values(), key=lambda r: (r.check, r.url))
        ]
    else:
        result.unverified = len(gone)
    return result


def profile_deadline_days(rules: str | None) -> int:
    """deadline_days of a run's profile; the default when the profile cannot be read any more."""
    try:
        return deadline_days_of(load_profile(rules or "census2015"))
    except ProfileError as exc:
        logger.warning("tracking: %s; using %d days", exc, DEFAULT_DEADLINE_DAYS)
        return DEFAULT_DEADLINE_DAYS


BOARD_CHECKS = ("interaction_unanswered", "interaction_late")


def _retired_messages(session: Session, run: RunRow, gone: Sequence[FindingRecord]) -> set[str]:
    """Gone message findings that no reply fixed: an unanswered message is fixed only when this
    run shows it answered, a late answer is never fixed; and the veto they made is not fixed
    when one of them merely left the judged year."""
    board = [r for r in gone if r.check in BOARD_CHECKS]
    if not board:
        return set()
    states = message_states(session, run.id)
    retired = set()
    for record in board:
        state = states.get(record.identity.split("|", 2)[-1])
        if record.check == "interaction_late" or state is None or state[0] != "answered":
            retired.add(record.identity)
    if retired:
        retired |= {r.identity for r in gone if r.check == "interaction_veto"}
    return retired


def load_tracking(
    session: Session,
    run: RunRow,
    current: Sequence[FindingRow] | None = None,
    *,
    deadline_days: int | None = None,
) -> RunTracking:
    """Tracking of a stored run. `current`: the run's finding rows when the caller has them."""
    if current is None:
        current = run_findings(session, run)
    if deadline_days is None:
        deadline_days = profile_deadline_days(run.rules)
    earlier = comparison_runs(session, run)
    # When the previous run was incomplete, both what it recorded (its veto) and what the last
    # complete run recorded count as known, and may be fixed now.
    known = finding_records(session, [r.id for r in earlier])
    result = track_findings(
        records_of(current),
        known,
        run.as_of,
        deadline_days,
        complete=run_is_complete(run),
        # A finding a person dismissed is gone from the run, not fixed.
        retire=lambda gone: (
            _retired_messages(session, run, gone)
            | ({r.identity for r in gone} & dismissed_identities(run.stats))
        ),
    )
    result.compared_with = [r.id for r in earlier]
    return result
