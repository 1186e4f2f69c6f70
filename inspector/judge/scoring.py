"""Findings + rules profile → census score and verdict.

The census (全国政府网站普查, 2015; kept by the 2019 spot checks) judges a site in two steps:

1. 单项否决 (veto items): any one of them fails the site and the rest is not scored. Every
   finding of severity `veto` is one (site unreachable, home page not updated, the column veto
   thresholds, …). The verdict names the veto: `unreachable` when the site could not be reached,
   `fail` otherwise.
2. 扣分指标 (deductions): 100 minus the points of each deduction line, every line capped
   (2019 text: the deductions of one indicator never exceed that indicator's value). A site
   at `pass_score` (60) or more passes.

Sites that are not inspected get a verdict and no score: `skipped` for registered exceptions
(例外), `closed_ok` / `closed_online` for sites registered as closed.

Deduction lines live in the profile's `[scoring.deductions.<line>]` tables, checked in file
order; the first line whose `check` (and optional `when` filter on the finding's detail) matches
a finding takes it. Points are per distinct finding (one finding per unique target URL for
broken links), or per percentage point of `detail.share` with `per = "percent"`.
`info` findings and findings no line takes are listed in the detail but never deducted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from inspector.facts import Finding, Severity, SiteSnapshot
from inspector.judge.availability import closed_state
from inspector.judge.indicators import apply_indicators, compute_bonus, validate_indicators
from inspector.profile import ProfileError, RulesProfile

# Used when a profile has no [scoring] table at all, so that an old or hand-written profile still
# scores; the shipped profiles spell these out (with comments on where each figure comes from).
DEFAULT_SCORING: dict[str, Any] = {
    "total": 100,
    "pass_score": 60,
    "deductions": {
        "broken_link_home": {
            "check": "broken_link",
            "when": {"on_home_page": True},
            "points": 1.0,
            "cap": 30,
        },
        "broken_link_other": {"check": "broken_link", "points": 0.1, "cap": 20},
        "column_stale": {"check": "column_stale", "points": 2.0, "cap": 20},
        "column_empty": {"check": "column_empty", "points": 2.0, "cap": 10},
        "missing_column": {"check": "missing_column", "points": 2.0, "cap": 20},
        "missing_element": {"check": "missing_element", "points": 1.0, "cap": 8},
        "availability": {"check": "availability", "per": "percent", "points": 2.0, "cap": 10},
        "interaction_unanswered": {"check": "interaction_unanswered", "points": 2.0, "cap": 10},
        "interaction_late": {"check": "interaction_late", "points": 1.0, "cap": 5},
        "interaction_channel_empty": {
            "check": "interaction_channel_empty",
            "points": 2.0,
            "cap": 6,
        },
        "wording_error": {"check": "wording_error", "points": 2.0, "cap": 10},
    },
}

_SCORING_KEYS = {"total", "pass_score", "deductions", "indicators", "bonus"}
_LINE_KEYS = {"check", "when", "points", "cap", "per", "title", "indicator"}
_PER = ("finding", "percent")


@dataclass(frozen=True, slots=True)
class DeductionLine:
    """One `[scoring.deductions.<name>]` table of a profile."""

    name: str
    check: str
    points: float
    cap: float | None  # None: no cap
    per: str = "finding"  # finding | percent
    when: Mapping[str, Any] | None = None
    title: str = ""
    indicator: str = ""  # the [scoring.indicators] table whose cap this line shares

    def matches(self, finding: Finding) -> bool:
        if finding.check != self.check:
            return False
        for key, wanted in (self.when or {}).items():
            have = finding.severity.value if key == "severity" else finding.detail.get(key)
            if isinstance(wanted, list):
                if have not in wanted:
                    return False
            elif have != wanted:
                return False
        return True


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def scoring_table(profile: RulesProfile) -> dict[str, Any]:
    """The profile's [scoring] table, or the built-in defaults when the profile has none."""
    table = profile.data.get("scoring")
    if table is None:
        return DEFAULT_SCORING
    if not isinstance(table, dict):
        raise ProfileError(profile.path, "scoring", "must be a table")
    return table


def validate_scoring(profile: RulesProfile) -> None:
    """Refuse a malformed [scoring] table with the file, the key and what is wrong.

    Every command calls this before it starts (inspector.options.load_rules), so a bad profile
    is refused before anything is crawled.
    """
    table = scoring_table(profile)
    path = profile.path
    for key in table:
        if key not in _SCORING_KEYS:
            raise ProfileError(
                path, f"scoring.{key}", f"unknown key (known: {', '.join(sorted(_SCORING_KEYS))})"
            )
    total = table.get("total", 100)
    if not _is_number(total) or total <= 0:
        raise ProfileError(path, "scoring.total", f"must be a number > 0, not {total!r}")
    pass_score = table.get("pass_score", 60)
    if not _is_number(pass_score) or not 0 <= pass_score <= total:
        raise ProfileError(
            path,
            "scoring.pass_score",
            f"must be a number between 0 and total ({total}), not {pass_score!r}",
        )
    deductions = table.get("deductions", {})
    if not isinstance(deductions, dict):
        raise ProfileError(path, "scoring.deductions", "must be a table of deduction lines")
    for name, line in deductions.items():
        where = f"scoring.deductions.{name}"
        if not isinstance(line, dict):
            raise ProfileError(path, where, "must be a table (check, points, cap, …)")
        for key in line:
            if key not in _LINE_KEYS:
                raise ProfileError(
                    path, f"{where}.{key}", f"unknown key (known: {', '.join(sorted(_LINE_KEYS))})"
                )
        check = line.get("check", name)
        if not isinstance(check, str) or not check:
            raise ProfileError(
                path,
                f"{where}.check",
                f'must be a finding code such as "broken_link", not {check!r}',
            )
        if "points" not in line:
            raise ProfileError(
                path,
                f"{where}.points",
                "is missing: how many points one finding (or one percent) costs",
            )
        if not _is_number(line["points"]) or line["points"] < 0:
            raise ProfileError(
                path, f"{where}.points", f"must be a number ≥ 0, not {line['points']!r}"
            )
        if "cap" in line and (not _is_number(line["cap"]) or line["cap"] < 0):
            raise ProfileError(path, f"{where}.cap", f"must be a number ≥ 0, not {line['cap']!r}")
        per = line.get("per", "finding")
        if per not in _PER:
            raise ProfileError(
                path, f"{where}.per", f"must be one of {', '.join(_PER)}, not {per!r}"
            )
        when = line.get("when", {})
        if not isinstance(when, dict) or not all(
            isinstance(v, str | int | float | bool) or (isinstance(v, list) and v)
            for v in when.values()
        ):
            raise ProfileError(
                path, f"{where}.when", "must be a table of detail key = value (or list of values)"
            )
        if "title" in line and not isinstance(line["title"], str):
            raise ProfileError(path, f"{where}.title", "must be a string")
    validate_indicators(profile, table)


def deduction_lines(profile: RulesProfile) -> list[DeductionLine]:
    validate_scoring(profile)
    lines = []
    for name, line in scoring_table(profile).get("deductions", {}).items():
        lines.append(
            DeductionLine(
                name=name,
                check=line.get("check", name),
                points=float(line["points"]),
                cap=float(line["cap"]) if "cap" in line else None,
                per=line.get("per", "finding"),
                when=line.get("when") or None,
                title=line.get("title", ""),
                indicator=line.get("indicator", ""),
            )
        )
    return lines


def _share_percent(finding: Finding) -> float:
    """Percentage points of failed probes; `share` is a fraction (0.031), or already a percent."""
    share = finding.detail.get("share")
    if not _is_number(share) or share < 0:
        return 0.0
    return float(share) * 100 if share <= 1 else float(share)


def _round(value: float) -> float:
    # 0.1 × 3 must print as 0.3, not 0.30000000000000004, in the reports' arithmetic.
    return round(value, 2)


def compute_deductions(
    findings: Sequence[Finding], lines: Sequence[DeductionLine]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """(one dict per deduction line, counts of findings no line takes)."""
    taken: dict[str, dict[tuple[str, str, str], Finding]] = {line.name: {} for line in lines}
    unscored: dict[str, int] = {}
    for f in findings:
        if f.severity in (Severity.VETO, Severity.INFO):
            continue
        line = next((ln for ln in lines if ln.matches(f)), None)
        if line is None:
            unscored[f.check] = unscored.get(f.check, 0) + 1
            continue
        # Distinct problems: a finding repeated for the same target counts once. The detail is
        # part of the key so that findings sharing a URL but naming different things (missing
        # elements of one home page, say) still count one each.
        taken[line.name].setdefault((f.check, f.key or f.url, _stable(f.detail)), f)
    rows = []
    for line in lines:
        chosen = list(taken[line.name].values())
        if not chosen:
            continue
        units = (
            sum(_share_percent(f) for f in chosen) if line.per == "percent" else float(len(chosen))
        )
        raw = _round(units * line.points)
        deducted = min(raw, line.cap) if line.cap is not None else raw
        rows.append(
            {
                "line": line.name,
                "check": line.check,
                "title": line.title,
                "count": len(chosen),
                "per": line.per,
                "units": _round(units),
                "points": line.points,
                "cap": line.cap,
                "raw": raw,
                "deducted": _round(deducted),
                "capped": line.cap is not None and raw > line.cap,
            }
        )
        if line.indicator:
            rows[-1]["indicator"] = line.indicator
    return rows, unscored


def _stable(detail: Mapping[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)


def _veto_item(f: Finding) -> dict[str, Any]:
    return {"check": f.check, "url": f.url, "detail": dict(f.detail)}


def score_run(
    snapshot: SiteSnapshot, findings: Sequence[Finding], profile: RulesProfile
) -> tuple[float | None, str | None, dict[str, Any]]:
    """(score, verdict, detail). Sites that are not inspected get a verdict but no score.

    detail always holds `profile`, `total`, `pass_score`, `deductions` (check, count, points,
    cap, deducted per line: the arithmetic the reports print), `deducted`, `unscored`, `vetoes`
    (codes) and `veto_items`; `scored` says whether the deductions made the score.
    """
    table = scoring_table(profile)
    validate_scoring(profile)
    total = float(table.get("total", 100))
    pass_score = float(table.get("pass_score", 60))
    detail: dict[str, Any] = {"profile": profile.name, "total": total, "pass_score": pass_score}
    status = snapshot.site.status
    if status == "exception":
        return (
            None,
            "skipped",
            {**detail, "scored": False, "reason": "registered as exception (例外)"},
        )
    if status == "closed":
        online = [f for f in findings if f.check == "closed_site_online"]
        return (
            None,
            ("closed_online" if online else "closed_ok"),
            {
                **detail,
                "scored": False,
                "closed_online": [_veto_item(f) for f in online],
                # online, merged (redirects to another registered site), offline or not_probed
                "closed_state": closed_state(snapshot),
            },
        )
    rows, unscored = compute_deductions(findings, deduction_lines(profile))
    deducted, indicators = apply_indicators(rows, table.get("indicators", {}))
    if indicators:
        detail["indicators"] = indicators
    vetoes = [f for f in findings if f.severity == Severity.VETO]
    detail.update(deductions=rows, deducted=deducted, unscored=unscored)
    detail["vetoes"] = sorted({f.check for f in vetoes})
    detail["veto_items"] = [_veto_item(f) for f in vetoes]
    if vetoes:
        # 单项否决: the census does not score the rest. The deduction lines stay in the detail
        # (scored = False) so the report can still show the operator everything to fix.
        detail["scored"] = False
        verdict = "unreachable" if "site_unreachable" in detail["vetoes"] else "fail"
        return 0.0, verdict, detail
    detail["scored"] = True
    score = _round(max(0.0, total - deducted))
    if table.get("bonus"):
        detail["bonus"] = compute_bonus(snapshot, findings, table["bonus"], score)
        score = _round(score + detail["bonus"]["earned"])
    return score, ("pass" if score >= pass_score else "fail"), detail
