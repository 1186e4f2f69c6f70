"""A person in the loop: decisions recorded with `inspector review` applied to a run's findings.

Security findings are evidence for a person, not automatic verdicts. A decision is kept per site
and finding identity (`Finding.identity`, the tracking identity), so it applies to the same
finding in every later run:

- `dismissed` (误报, a false positive): the finding leaves the score, the veto and the count of
  problems, and stays visible in the report's 已复核 section and the export's `reviewed` list;
- `confirmed` (已确认): the finding counts as found, without its 待人工复核 flag.

A dismissal covers the evidence the person saw: a finding whose evidence grew since (a hidden
link to a new target on the same page, a new host shown to Baiduspider) counts again, marked
`outdated` until someone reviews it again.

What a run's review did is kept on the run (`run.stats["reviewed"]`: the reviewed findings with
their decision), so reports and exports read it without judging again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from inspector.facts import Finding

REVIEW_STAT = "reviewed"
DECISIONS = ("confirmed", "dismissed")
# Detail keys whose lists are the evidence a decision covers.
EVIDENCE_KEYS = ("targets", "new_hosts", "new_words")


class Decision(Protocol):
    """A stored decision (inspector.store.models.ReviewRow), as read here."""

    @property
    def decision(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def reviewer(self) -> str: ...
    @property
    def decided_at(self) -> datetime: ...
    @property
    def evidence(self) -> Mapping[str, Any]: ...


def short_id(identity: str) -> str:
    """The id a person types: 8 hex characters, the same in every run of the site."""
    return hashlib.blake2b(identity.encode("utf-8"), digest_size=4).hexdigest()


def evidence_of(detail: Mapping[str, Any]) -> dict[str, list[str]]:
    """The lists of a finding's detail that a decision covers (see EVIDENCE_KEYS)."""
    found: dict[str, list[str]] = {}
    for key in EVIDENCE_KEYS:
        value = detail.get(key)
        if not value and key != "targets":
            value = (detail.get("evidence") or {}).get(key)
        if isinstance(value, list | tuple) and value:
            found[key] = sorted({str(v) for v in value})
    return found


def covers(evidence: Mapping[str, Any], detail: Mapping[str, Any]) -> bool:
    """Whether what the person saw includes all the finding shows now."""
    now = evidence_of(detail)
    return all(set(values) <= set(evidence.get(key) or ()) for key, values in now.items())


def review_state(row: Decision, *, outdated: bool = False) -> dict[str, Any]:
    """The `review` object of the export and the report."""
    return {
        "decision": row.decision,
        "note": row.note,
        "reviewer": row.reviewer,
        "decided_at": row.decided_at.isoformat(timespec="seconds"),
        "outdated": outdated,
    }


def apply_reviews(
    findings: Iterable[Finding], decisions: Mapping[str, Decision], site_id: str
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """(the findings that count, the reviewed findings as records for `run.stats`)."""
    counted: list[Finding] = []
    reviewed: list[dict[str, Any]] = []
    for finding in findings:
        identity = finding.identity(site_id)
        row = decisions.get(identity)
        if row is None:
            counted.append(finding)
            continue
        outdated = row.decision == "dismissed" and not covers(row.evidence, finding.detail)
        if row.decision == "confirmed":
            detail = {k: v for k, v in finding.detail.items() if k != "needs_review"}
            finding = replace(finding, detail=detail)
        if row.decision != "dismissed" or outdated:
            counted.append(finding)
        reviewed.append(
            {
                "id": short_id(identity),
                "identity": identity,
                "check": finding.check,
                "severity": finding.severity.value,
                "url": finding.url,
                "detail": dict(finding.detail),
                "review": review_state(row, outdated=outdated),
            }
        )
    return counted, reviewed


def run_reviewed(stats: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The reviewed findings a run recorded (both decisions)."""
    return list((stats or {}).get(REVIEW_STAT) or ())


def dismissed_identities(stats: Mapping[str, Any] | None) -> set[str]:
    """Identities a person dismissed in this run: gone from the findings, but not fixed."""
    return {
        r["identity"]
        for r in run_reviewed(stats)
        if r["review"]["decision"] == "dismissed" and not r["review"].get("outdated")
    }


def reviews_by_identity(stats: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {r["identity"]: r["review"] for r in run_reviewed(stats)}


def dismissed_records(stats: Mapping[str, Any] | None) -> Sequence[dict[str, Any]]:
    """The reviewed findings that left the score (the report's 已复核 list and the export's
    `reviewed`)."""
    gone = dismissed_identities(stats)
    return [r for r in run_reviewed(stats) if r["identity"] in gone]
