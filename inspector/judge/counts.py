"""The one count of "problems" every place shows: the progress display, the end-of-crawl summary,
the export (JSON `problems`, the xlsx 网站汇总 sheet) and the reports.

A **problem** is a finding of severity veto, major or minor — something the census scores and
a webmaster must fix. `info` findings (a missing `#anchor`, a message board that could not be
read, monitoring that was incomplete) are shown in reports but are not problems. Each finding is
one problem: one broken target URL however many pages link to it, one stale column, one
missing element. Of a run's problems, **new** ones were not in the run it is compared with,
**open** ones were (new + open = problems), and **fixed** ones were in that run and are gone
(inspector/judge/tracking.py says which runs are compared); **overdue** ones are open past
their deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from inspector.facts import Severity

NOT_PROBLEMS = frozenset({Severity.INFO.value})
SEVERITY_ORDER = ("veto", "major", "minor", "info")
PROBLEMS_STAT = "problems"  # run.stats key: the run's ProblemCounts as judged (checkrun.py)


def severity_code(severity: Any) -> str:
    """ "veto" from Severity.VETO or "veto"."""
    return str(getattr(severity, "value", severity))


def is_problem(severity: Any) -> bool:
    """Whether a finding of this severity counts as a problem."""
    return severity_code(severity) not in NOT_PROBLEMS


def problem_count(findings: Iterable[Any]) -> int:
    """How many of these findings are problems. `findings`: anything with a `severity`
    (Finding records, stored FindingRow objects, tracked findings) or export dicts."""
    total = 0
    for f in findings:
        severity = f.get("severity") if isinstance(f, dict) else getattr(f, "severity", None)
        total += is_problem(severity)
    return total


def at_least(severity: Any, level: str) -> bool:
    """Whether `severity` is `level` or worse (veto > major > minor > info)."""
    code = severity_code(severity)
    if code not in SEVERITY_ORDER or level not in SEVERITY_ORDER:
        return False
    return SEVERITY_ORDER.index(code) <= SEVERITY_ORDER.index(level)


@dataclass(frozen=True, slots=True)
class ProblemCounts:
    """A run's problems: total (= new + open), new, open, fixed since the compared run, overdue,
    and how many are vetoes."""

    total: int = 0
    new: int = 0
    open: int = 0
    fixed: int = 0
    overdue: int = 0
    vetoes: int = 0

    def as_dict(self) -> dict[str, int]:
        """The per-site `problems` object of the JSON export."""
        return asdict(self)


def tracked_counts(tracking: Any) -> ProblemCounts:
    """ProblemCounts of a RunTracking (inspector/judge/tracking.py)."""
    problems = [t for t in tracking.findings if is_problem(t.severity)]
    return ProblemCounts(
        total=len(problems),
        new=sum(1 for t in problems if t.status == "new"),
        open=sum(1 for t in problems if t.status == "open"),
        fixed=sum(1 for f in tracking.fixed if is_problem(f.severity)),
        overdue=sum(1 for t in problems if t.overdue),
        vetoes=sum(1 for t in problems if severity_code(t.severity) == "veto"),
    )


def stored_counts(stats: Any) -> ProblemCounts | None:
    """The ProblemCounts kept on a run when it was judged; None for a run judged before they were
    kept (the caller tracks it then)."""
    kept = (stats or {}).get(PROBLEMS_STAT)
    if not isinstance(kept, dict):
        return None
    try:
        return ProblemCounts(**{k: int(kept.get(k, 0)) for k in ProblemCounts.__dataclass_fields__})
    except (TypeError, ValueError):
        return None
