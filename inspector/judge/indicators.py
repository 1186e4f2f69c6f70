"""The 2019 score structure on top of the deduction lines: per-indicator caps and the bonus.

- `[scoring.indicators.<name>]` (`cap`, `title`): deduction lines naming the indicator
  (`indicator = "<name>"`) are capped together — the 2019 text: the deductions of one indicator
  never exceed that indicator's value.
- `[scoring.bonus]`: bonus items for portals (`kinds`), counted only when the deduction score is
  over `above` (2019: 80), at most `cap` in all. `[scoring.bonus.items.<name>]` has `title`,
  `points` and, for the items the inspector can check, `link_text` (regular expressions over the
  home page's link texts, read by checks/bonus.py, which yields a `bonus_item` finding for each
  item earned). An item without `link_text` is shown as "not checked" and earns nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from inspector.facts import Finding, SiteSnapshot
from inspector.profile import ProfileError, RulesProfile, regexes

BONUS_CHECK = "bonus_item"
_BONUS_KEYS = {"kinds", "above", "cap", "items"}
_ITEM_KEYS = {"title", "points", "link_text"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_indicators(profile: RulesProfile, table: Mapping[str, Any]) -> None:
    """[scoring.indicators] and [scoring.bonus] of a profile; a ProfileError names the key."""
    path = profile.path
    indicators = table.get("indicators", {})
    if not isinstance(indicators, dict):
        raise ProfileError(path, "scoring.indicators", "must be a table of indicators")
    for name, spec in indicators.items():
        cap = spec.get("cap") if isinstance(spec, dict) else None
        if not isinstance(cap, int | float) or not _number(cap) or cap < 0:
            raise ProfileError(path, f"scoring.indicators.{name}.cap", "must be a number ≥ 0")
    for name, line in table.get("deductions", {}).items():
        wanted = line.get("indicator") if isinstance(line, dict) else None
        if wanted is not None and wanted not in indicators:
            raise ProfileError(
                path, f"scoring.deductions.{name}.indicator", f"no [scoring.indicators.{wanted}]"
            )
    bonus = table.get("bonus", {})
    if not isinstance(bonus, dict):
        raise ProfileError(path, "scoring.bonus", "must be a table")
    for key in bonus:
        if key not in _BONUS_KEYS:
            raise ProfileError(path, f"scoring.bonus.{key}", "unknown key")
    for key in ("above", "cap"):
        if key in bonus and (not _number(bonus[key]) or bonus[key] < 0):
            raise ProfileError(path, f"scoring.bonus.{key}", "must be a number ≥ 0")
    for name, item in (bonus.get("items") or {}).items():
        where = f"scoring.bonus.items.{name}"
        if not isinstance(item, dict) or not _number(item.get("points")) or item["points"] < 0:
            raise ProfileError(path, f"{where}.points", "must be a number ≥ 0")
        for key in item:
            if key not in _ITEM_KEYS:
                raise ProfileError(path, f"{where}.{key}", "unknown key")
        if "link_text" in item:
            regexes(profile, f"{where}.link_text", item["link_text"])


def apply_indicators(
    rows: list[dict[str, Any]], indicators: Mapping[str, Any]
) -> tuple[float, list[dict[str, Any]]]:
    """(points deducted in all, one row per indicator with its lines' sum and its cap)."""
    sums: dict[str, float] = {}
    alone = 0.0
    for row in rows:
        name = row.get("indicator") or ""
        if name:
            sums[name] = sums.get(name, 0.0) + row["deducted"]
        else:
            alone += row["deducted"]
    out = []
    for name, raw in sums.items():
        cap = float(indicators[name]["cap"])
        out.append(
            {
                "indicator": name,
                "title": indicators[name].get("title", name),
                "raw": round(raw, 2),
                "cap": cap,
                "deducted": round(min(raw, cap), 2),
                "capped": raw > cap,
            }
        )
    return round(alone + sum(r["deducted"] for r in out), 2), out


def compute_bonus(
    snapshot: SiteSnapshot, findings: Sequence[Finding], bonus: Mapping[str, Any], score: float
) -> dict[str, Any]:
    """The bonus part of a score: which items were earned, and whether they count."""
    earned = {
        str(f.detail.get("item")): f
        for f in findings
        if f.check == BONUS_CHECK and f.detail.get("item")
    }
    items = []
    for name, item in (bonus.get("items") or {}).items():
        checked = "link_text" in item
        finding = earned.get(name)
        items.append(
            {
                "item": name,
                "title": item.get("title", name),
                "points": float(item["points"]),
                "checked": checked,
                "earned": float(item["points"]) if checked and finding is not None else 0.0,
                "evidence": dict(finding.detail) if finding is not None else {},
            }
        )
    kinds = bonus.get("kinds", ["portal"])
    above = float(bonus.get("above", 80))
    total = sum(i["earned"] for i in items)
    cap = float(bonus["cap"]) if "cap" in bonus else None
    if cap is not None:
        total = min(total, cap)
    if snapshot.site.kind not in kinds:
        reason = "kind"
    elif score <= above:
        reason = "below"
    else:
        reason = ""
    return {
        "items": items,
        "above": above,
        "cap": cap,
        "kinds": list(kinds),
        "eligible": not reason,
        "not_eligible_because": reason,  # kind | below | ""
        "earned": round(total, 2) if not reason else 0.0,
    }
