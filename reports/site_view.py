"""One site's report, as the template sees it: verdict and score, vetoes, the problems grouped
by check, the score arithmetic, tracking and the trend of recent runs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.judge.tracking import RunTracking, load_tracking
from inspector.store.batch import store_errors
from inspector.store.history import run_findings
from inspector.store.models import FindingRow, RunRow, SiteRow
from reports import i18n
from reports.boards import board_view, score_extras
from reports.format import fmt_date, fmt_number, fmt_time, safe_href, site_filename
from reports.i18n import t
from reports.problems import FindingWords, problem_parts, problem_view, severity_rank
from reports.reviewed import reviewed_view

TREND_RUNS = 10  # runs in the trend chart
FIXED_SHOWN = 100  # fixed problems listed in a site report


def _sort_key(row: FindingRow) -> tuple[Any, ...]:
    detail = row.detail or {}
    home = 0 if detail.get("on_home_page") else 1
    return (severity_rank(row.severity), home, str(detail.get("reason", "")), row.url)


def verdict_class(verdict: str | None) -> str:
    if verdict == "pass":
        return "ok"
    if verdict in ("fail", "unreachable", "closed_online"):
        return "bad"
    return "neutral"


def trend_view(points: Sequence[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """Coordinates of the inline SVG chart: bars = problems, line = score (0–100)."""
    if not points:
        return None
    width, height = 640, 200
    left, right, top, bottom = 36, 36, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)
    step = plot_w / n
    max_count = max(p["count"] for p in points) or 1
    bars, dots, line = [], [], []
    for i, p in enumerate(points):
        cx = left + step * i + step / 2
        bar_h = plot_h * p["count"] / max_count
        bars.append(
            {
                "x": round(cx - step * 0.3, 1),
                "y": round(top + plot_h - bar_h, 1),
                "w": round(step * 0.6, 1),
                "h": round(bar_h, 1),
                "count": p["count"],
                "label_y": round(top + plot_h - bar_h - 3, 1),
                "cx": round(cx, 1),
            }
        )
        score = p["score"]
        vetoed = p["verdict"] in ("fail", "unreachable") and not p["scored"]
        if score is not None and not vetoed:
            cy = round(top + plot_h * (1 - min(max(score, 0), 100) / 100), 1)
            line.append(f"{round(cx, 1)},{cy}")
            dots.append({"cx": round(cx, 1), "cy": cy, "score": fmt_number(score), "veto": False})
        elif vetoed:
            dots.append(
                {
                    "cx": round(cx, 1),
                    "cy": top + plot_h,
                    "score": t(lang, "trend_veto"),
                    "veto": True,
                }
            )
    labels = [{"x": b["cx"], "text": p["label"]} for b, p in zip(bars, points, strict=True)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "base": top + plot_h,
        "bars": bars,
        "line": " ".join(line),
        "dots": dots,
        "labels": labels,
        "max_count": max_count,
        "label_y": height - 14,
        "summary": "; ".join(
            f"{p['label']}: {p['count']} / {fmt_number(p['score']) if p['score'] is not None else '-'}"
            for p in points
        ),
    }


def load_trend(session: Session, run: RunRow) -> list[dict[str, Any]]:
    runs = session.execute(
        select(RunRow.id, RunRow.as_of, RunRow.score, RunRow.verdict, RunRow.verdict_detail)
        .where(
            RunRow.site_id == run.site_id,
            RunRow.id <= run.id,
            RunRow.finished_at.is_not(None),
            # Nights of full inspections: a recheck (复查) looked at a few pages only.
            RunRow.kind != "recheck",
        )
        .order_by(RunRow.id.desc())
        .limit(TREND_RUNS)
    ).all()
    if not runs:
        return []
    counts = dict(
        session.execute(
            select(FindingRow.run_id, func.count())
            .where(FindingRow.run_id.in_([r.id for r in runs]), FindingRow.severity != "info")
            .group_by(FindingRow.run_id)
        ).all()
    )
    return [
        {
            "run_id": r.id,
            "label": r.as_of.strftime("%m-%d") if r.as_of else str(r.id),
            "count": counts.get(r.id, 0),
            "score": r.score,
            "verdict": r.verdict,
            "scored": bool((r.verdict_detail or {}).get("scored", r.verdict in ("pass", "fail"))),
        }
        for r in reversed(runs)
    ]


def deduction_view(
    detail: Mapping[str, Any], lang: str, words: FindingWords
) -> list[dict[str, Any]]:
    rows = []
    for line in detail.get("deductions") or []:
        if not isinstance(line, dict):
            continue
        per_percent = line.get("per") == "percent"
        rows.append(
            {
                "title": line.get("title")
                or i18n.deduction_title(str(line.get("line", "")), lang)
                or words.title(str(line.get("check", "")), lang),
                "count": fmt_number(line.get("units") if per_percent else line.get("count")),
                "unit": "%" if per_percent else "",
                "points": fmt_number(line.get("points")),
                "points_label": t(lang, "per_percent") if per_percent else t(lang, "points"),
                "cap": fmt_number(line.get("cap"))
                if line.get("cap") is not None
                else t(lang, "no_cap"),
                "raw": fmt_number(line.get("raw")),
                "deducted": fmt_number(line.get("deducted")),
                "capped": bool(line.get("capped")),
            }
        )
    return rows


def site_view(
    session: Session,
    site: SiteRow,
    run: RunRow | None,
    lang: str,
    *,
    findings: Sequence[FindingRow] | None = None,
    tracking: RunTracking | None = None,
    words: FindingWords | None = None,
) -> dict[str, Any]:
    """Everything the site template shows (and the overview row of the site)."""
    words = words or FindingWords.enabled()
    view: dict[str, Any] = {
        "site": {
            "site_id": site.site_id,
            "name": site.name,
            "url": site.url,
            "href": safe_href(site.url),
            "organizer": site.organizer,
            "site_code": site.site_code,
            "kind": i18n.kind_text(site.kind, lang),
            "kind_code": site.kind,
            "status": site.status,
        },
        "file": site_filename(site.site_id),
        "run": None,
    }
    if run is None:
        view.update(
            verdict=None,
            verdict_text=t(lang, "not_run"),
            verdict_class="neutral",
            score_text="",
            vetoes=[],
            groups=[],
            counts=Counter(),
            tracking=None,
            trend=None,
            deductions=[],
            fixed=[],
        )
        return view
    if findings is None:
        findings = run_findings(session, run)
    if tracking is None:
        tracking = load_tracking(session, run, findings)
    detail = run.verdict_detail or {}
    scored = bool(
        detail.get("scored", run.verdict in ("pass", "fail") and not detail.get("vetoes"))
    )
    view["run"] = _run_view(run, recheck_of=_recheck_of(session, run, lang))
    view.update(_problems(findings, tracking, site.url, lang, words))
    view.update(
        verdict=run.verdict,
        verdict_text=i18n.verdict_text(run.verdict, lang),
        verdict_class=verdict_class(run.verdict),
        score=run.score,
        score_text=_score_text(run, scored, lang),
        scored=scored,
        deductions=deduction_view(detail, lang, words),
        total_deducted=fmt_number(detail.get("deducted")),
        total=fmt_number(detail.get("total", 100)),
        pass_score=fmt_number(detail.get("pass_score", 60)),
        tracking=_tracking_view(tracking),
        fixed=[
            {
                "title": words.title(f.check, lang),
                "url": f.url,
                "href": safe_href(f.url),
                "first_seen": fmt_date(f.first_seen),
            }
            for f in tracking.fixed[:FIXED_SHOWN]
        ],
        fixed_more=max(0, len(tracking.fixed) - FIXED_SHOWN),
        trend=trend_view(load_trend(session, run), lang),
        boards=board_view(session, run, findings, lang),
        reviewed=reviewed_view(run, lang, words, site.url),
        **score_extras(detail, lang),
    )
    return view


def _recheck_of(session: Session, run: RunRow, lang: str) -> str:
    """For a recheck (复查): which full inspection it rechecks, in words ("" otherwise)."""
    if run.kind != "recheck":
        return ""
    base = session.get(RunRow, run.base_run_id) if run.base_run_id else None
    return i18n.t(lang, "recheck_of", date=fmt_date(base.as_of) if base is not None else "–")


def _run_view(run: RunRow, recheck_of: str = "") -> dict[str, Any]:
    return {
        "id": run.id,
        "as_of": fmt_date(run.as_of),
        "started_at": fmt_time(run.started_at),
        "finished_at": fmt_time(run.finished_at),
        "rules": run.rules,
        "pages_crawled": run.pages_crawled,
        "targets_checked": run.targets_checked,
        "status": run.status,
        "bounds_tripped": run.bounds_tripped or {},
        "check_errors": run.check_errors or {},
        "store_errors": store_errors(run),
        "home_newest_date": fmt_date(run.home_newest_date),
        "kind": run.kind or "full",
        "recheck_of": recheck_of,
    }


def _tracking_view(tracking: RunTracking) -> dict[str, Any]:
    return {
        "new": tracking.new,
        "open": tracking.open,
        "overdue": tracking.overdue,
        "fixed": len(tracking.fixed),
        "complete": tracking.complete,
        "unverified": tracking.unverified,
        "retired": tracking.retired,
        "deadline_days": tracking.deadline_days,
    }


def _problems(
    findings: Sequence[FindingRow],
    tracking: RunTracking,
    site_url: str,
    lang: str,
    words: FindingWords,
) -> dict[str, Any]:
    """The vetoes, the other problems grouped by check, and the counts per severity."""
    tracked_by_id = {id(row): tr for row, tr in zip(findings, tracking.findings, strict=True)}
    vetoes, groups_by_check = [], defaultdict(list)
    counts: Counter[str] = Counter()
    for row in sorted(findings, key=_sort_key):
        counts[row.severity] += 1
        pv = problem_view(
            row.check,
            row.severity,
            row.url,
            row.detail or {},
            lang,
            site_url=site_url,
            tracked=tracked_by_id.get(id(row)),
            words=words,
        )
        if row.severity == "veto":
            pv["advice"] = pv["advice"] or words.advice(row.check, lang)
            vetoes.append(pv)
        else:
            groups_by_check[row.check].append(pv)
    groups = []
    for check in sorted(groups_by_check, key=lambda c: (words.order(c), c)):
        problems = groups_by_check[check]
        groups.append(
            {
                "check": check,
                "title": words.title(check, lang),
                "advice": words.advice(check, lang),
                "count": len(problems),
                "parts": problem_parts(check, problems, lang, words),
                "severity": min((p["severity"] for p in problems), key=severity_rank),
            }
        )
    return {"vetoes": vetoes, "groups": groups, "counts": counts}


def _score_text(run: RunRow, scored: bool, lang: str) -> str:
    if run.verdict in ("pass", "fail") and scored:
        return fmt_number(run.score)
    if run.verdict in ("fail", "unreachable"):
        return t(lang, "veto")
    return t(lang, "no_score")


def row_of(view: dict[str, Any], lang: str) -> dict[str, Any]:
    counts = view.get("counts") or Counter()
    tracking = view.get("tracking") or {}
    run = view.get("run") or {}
    return {
        "site": view["site"],
        "file": view["file"],
        "has_report": view["run"] is not None,
        "verdict": view["verdict"],
        "verdict_text": view["verdict_text"],
        "verdict_class": view["verdict_class"],
        "score": view.get("score") if view.get("scored") else None,
        "score_text": view["score_text"],
        "vetoes": "、".join(dict.fromkeys(p["headline"] for p in view["vetoes"]))
        if lang == "zh"
        else ", ".join(dict.fromkeys(p["headline"] for p in view["vetoes"])),
        "veto": counts.get("veto", 0),
        "major": counts.get("major", 0),
        "minor": counts.get("minor", 0),
        "problems": sum(v for k, v in counts.items() if k != "info"),
        "new": tracking.get("new", 0),
        "overdue": tracking.get("overdue", 0),
        "as_of": run.get("as_of", ""),
    }
