"""What a recheck (复查) concludes: which problems of the full inspection are fixed (已整改) and
which are still open (未整改).

A recheck fetches again only what the full run's findings rest on (inspector/store/recheck.py)
and runs every check over the full run's snapshot with those fetches laid over it. Of what the
checks then say, it keeps only what it re-examined:

- a finding of a code in `RECHECKED` (broken links, home page and column freshness, empty and
  missing columns, page elements) is still open when the checks find it again — with today's
  evidence — and fixed when they do not;
- a finding of any other code (message boards, services, security, availability, plugins'
  codes) was not looked at again: it is carried as it was, still open;
- a problem the full run did not have is not reported: the recheck saw too little of the site
  to look for new problems; the next full inspection finds them.

So a recheck's findings are a subset of its full run's, and the site's score and verdict are
recomputed from them: the full inspection's result with the rechecked problems replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from inspector.facts import Finding, Severity

RECHECKED = frozenset(
    {
        "broken_link",
        "homepage_stale",
        "homepage_year_uncertain",
        "column_stale",
        "column_empty",
        "column_veto",
        "missing_column",
        "missing_element",
    }
)


@dataclass(frozen=True, slots=True)
class RecheckOutcome:
    findings: list[Finding]
    fixed: int  # rechecked and gone
    still_open: int  # rechecked and found again
    carried: int  # not rechecked: carried from the full run

    def as_dict(self) -> dict[str, Any]:
        return {"fixed": self.fixed, "still_open": self.still_open, "carried": self.carried}


def finding_of_row(row: Any) -> Finding:
    """A stored finding (a FindingRow or alike) as the Finding it was, with its identity."""
    key = str(row.identity).split("|", 2)[-1]
    return Finding(row.check, Severity(row.severity), row.url, dict(row.detail or {}), key=key)


def recheck_findings(base: Sequence[Any], found: Iterable[Finding], site_id: str) -> RecheckOutcome:
    """The recheck's findings: of the full run's findings (`base`, stored rows), those rechecked
    and found again (as found now) and those not rechecked (as they were)."""
    now = {f.identity(site_id): f for f in found}
    kept: list[Finding] = []
    fixed = still_open = carried = 0
    for row in base:
        if row.check not in RECHECKED:
            kept.append(finding_of_row(row))
            carried += 1
        elif row.identity in now:
            kept.append(now[row.identity])
            still_open += 1
        else:
            fixed += 1
    return RecheckOutcome(kept, fixed, still_open, carried)
