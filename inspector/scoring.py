"""Findings + rules profile → census score and verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspector.facts import Finding, Severity, SiteSnapshot
from inspector.rules import RulesProfile


def score_run(
    snapshot: SiteSnapshot, findings: Sequence[Finding], profile: RulesProfile
) -> tuple[float | None, str | None, dict[str, Any]]:
    """(score, verdict, detail). Sites that are not inspected get a verdict but no score."""
    status = snapshot.site.status
    if status == "exception":
        return None, "skipped", {"reason": "registered as exception (例外)"}
    if status == "closed":
        online = [f for f in findings if f.check == "closed_site_online"]
        return None, ("closed_online" if online else "closed_ok"), {}
    vetoes = [f for f in findings if f.severity == Severity.VETO]
    if any(f.check == "site_unreachable" for f in vetoes):
        return 0.0, "unreachable", {"vetoes": ["site_unreachable"]}
    if vetoes:
        return 0.0, "fail", {"vetoes": sorted({f.check for f in vetoes})}
    return None, None, {}
