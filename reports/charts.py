"""Coordinates of the reports' inline SVG charts (drawn by templates/_charts.html.j2).

Charts that tell the truth: every quantity has its own axis with its own ticks — problem counts
from 0 to a round number just above the largest, the score from 0 to 100 on the other side —
so 11 problems never look like a full bar. The drawing is 480 units wide and is shown at most
about that many pixels wide, so its text stays readable when a phone shrinks it. Nothing is
fetched: the SVG is part of the page, and every label goes through the template's escaping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from reports.format import fmt_number

WIDTH, HEIGHT = 480, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 14, 40
MAX_LABELS = 7  # date labels under the axis; more runs label every other one


def nice_max(value: float) -> int:
    """The smallest of 1, 2, 5 × 10^k (at least 4, so that the ticks are whole) ≥ value."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _frame(n: int) -> dict[str, Any]:
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(n, 1)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "base": HEIGHT - BOTTOM,
        "step": step,
        "label_y": HEIGHT - BOTTOM + 18,
        "title_y": HEIGHT - 4,
    }


def _y(value: float, top_value: float, frame: Mapping[str, Any]) -> float:
    share = min(max(value / top_value, 0.0), 1.0) if top_value else 0.0
    return round(frame["base"] - (frame["base"] - frame["top"]) * share, 1)


def _ticks(top_value: int, frame: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"y": _y(v, top_value, frame), "text": fmt_number(v)}
        for v in (0, top_value // 2 if top_value % 2 == 0 else top_value / 2, top_value)
    ]


def _labels(labels: Sequence[str], frame: Mapping[str, Any]) -> list[dict[str, Any]]:
    every = 1 if len(labels) <= MAX_LABELS else math.ceil(len(labels) / MAX_LABELS)
    last = len(labels) - 1
    return [
        {"x": round(frame["left"] + frame["step"] * (i + 0.5), 1), "text": text}
        for i, text in enumerate(labels)
        if (last - i) % every == 0  # the newest run is always labelled
    ]


def counts_and_score(points: Sequence[Mapping[str, Any]], veto_text: str) -> dict[str, Any] | None:
    """A site's recent runs: bars of problems on the left axis, the score as a line on the
    right axis (0–100, the pass mark dashed). `points`: label, count, score, vetoed, pass_score."""
    if not points:
        return None
    frame = _frame(len(points))
    count_top = nice_max(max(int(p["count"]) for p in points))
    bars, dots, line = [], [], []
    for i, p in enumerate(points):
        cx = frame["left"] + frame["step"] * (i + 0.5)
        y = _y(p["count"], count_top, frame)
        w = min(frame["step"] * 0.55, 36)
        bars.append(
            {
                "x": round(cx - w / 2, 1),
                "y": y,
                "w": round(w, 1),
                "h": round(frame["base"] - y, 1),
                "count": p["count"],
                "label_y": round(y - 4, 1),
                "cx": round(cx, 1),
            }
        )
        if p.get("vetoed"):
            dots.append({"cx": round(cx, 1), "cy": frame["base"], "text": veto_text, "veto": True})
        elif p.get("score") is not None:
            cy = _y(float(p["score"]), 100, frame)
            line.append(f"{round(cx, 1)},{cy}")
            dots.append(
                {"cx": round(cx, 1), "cy": cy, "text": fmt_number(p["score"]), "veto": False}
            )
    pass_score = points[-1].get("pass_score")
    return {
        **frame,
        "bars": bars,
        "dots": dots,
        "line": " ".join(line),
        "count_ticks": _ticks(count_top, frame),
        "score_ticks": [{"y": _y(v, 100, frame), "text": str(v)} for v in (0, 50, 100)],
        "pass_y": _y(float(pass_score), 100, frame) if pass_score is not None else None,
        "labels": _labels([str(p["label"]) for p in points], frame),
    }


def lines(labels: Sequence[str], series: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Several counts across nights on one axis from 0: `series` = [{"key", "name", "values"}]."""
    if not labels or not series:
        return None
    frame = _frame(len(labels))
    top = nice_max(max((max(s["values"], default=0) for s in series), default=0))
    drawn = []
    for s in series:
        pts = [
            {
                "cx": round(frame["left"] + frame["step"] * (i + 0.5), 1),
                "cy": _y(v, top, frame),
                "value": v,
                "label": labels[i],
            }
            for i, v in enumerate(s["values"])
        ]
        drawn.append(
            {
                "key": s["key"],
                "name": s["name"],
                "points": pts,
                "line": " ".join(f"{p['cx']},{p['cy']}" for p in pts),
                "last": pts[-1] if pts else None,
            }
        )
    return {**frame, "series": drawn, "ticks": _ticks(top, frame), "labels": _labels(labels, frame)}
